/* One call of an endpoint, from parameters to result, in steps that a
 * blocking gg_call takes in turn on its own thread and an asynchronous one
 * (pending.c) takes as its transfers and back-off timers end. */
#ifndef GG_CALL_H
#define GG_CALL_H

#include "client.h"
#include "endpoints.h"
#include "message.h"
#include "request.h"
#include "transport.h"

#include <stdbool.h>

enum call_state { CALL_SENDING, CALL_WAITING, CALL_DONE };

struct call {
    struct gg_client *client;
    struct config *config; /* held for the whole call */
    const struct endpoint *endpoint;
    struct request req;
    struct strbuf body; /* the latest attempt's response body */
    struct strbuf msg;  /* what the result's message will say */
    size_t msg_prefix;  /* "endpoint: ", kept across attempts */
    struct gg_result *result;
    struct secrets secrets; /* with the held configuration's keys */
    int code;
    /* Attempts */
    int attempt, attempts_allowed;
    long long deadline_ms; /* 0: none */
    struct exchange_facts facts;
    struct transport_attempt transfer;
    /* Asynchronous calls only (pending.c) */
    enum call_state state;
    bool cancelled;
    void *userdata;
    char *params_copy; /* the caller's parameters, kept for the call's life */
    size_t params_copy_bytes;
    struct engine_timer retry_timer;
    struct call *next_done;
};

/* Checks the arguments and builds the request: GG_OK, or the code with the
 * reason in call->msg. Fills call->client, endpoint, config, result. */
int call_prepare(struct call *call, struct gg_client *client, const char *endpoint_name,
                 const struct param_list *params);
/* Readies the next attempt's transfer (call->transfer.job): GG_OK or why not. */
int call_attempt_begin(struct call *call);
/* Judges the attempt whose transfer ended with rc: -1 when the call is over
 * (its code in call->code), else how long to wait before the next. */
long long call_attempt_end(struct call *call, CURLcode rc);
/* Settles the outcome, teaches the store and writes the log lines; the
 * caller then ends with api_exit. */
void call_conclude(struct call *call);
/* What the result's message will say, before cleaning. */
const char *call_message(const struct call *call);
/* Frees all but the result. */
void call_release(struct call *call);

#endif
