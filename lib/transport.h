/* One HTTP attempt: a pooled libcurl handle configured from the call's
 * options, the request line checked as it leaves, the body read within its
 * cap, and libcurl's result turned into a gamegate code. */
#ifndef GG_TRANSPORT_H
#define GG_TRANSPORT_H

#include "engine.h"
#include "options.h"
#include "strbuf.h"

#include <stdbool.h>

/* What to send. */
struct transport_request {
    const char *method; /* "GET" or "POST" */
    const char *url;
    const struct strbuf *form; /* the POST body */
    long timeout_ms;
    /* On a new connection: a reused connection that turns out dead makes
     * libcurl send the request again, which only a read can afford. */
    bool fresh;
};

/* What one attempt saw, besides the body. */
struct exchange_facts {
    long http_status;        /* 0: no response */
    bool request_sent;       /* some bytes of the request may have reached the peer */
    long long retry_after_s; /* the Retry-After header, -1 if none */
    long long elapsed_ms;
};

/* Once per process; GG_OK or GG_ENOMEM. */
int transport_global_init(void);

/* Whether libcurl takes the option's value in force: GG_OK, or GG_EINVAL /
 * GG_ENOMEM and why. Checked on a scratch handle when the option is set, so
 * that every pooled handle can take it later. */
int transport_check_option(const struct options *options, enum option_id id, struct strbuf *msg);

/* Sends one request on a handle from the engine, configured for options of
 * the given generation. GG_OK when any HTTP response arrived (whatever its
 * status); its body is in body. */
int transport_perform(struct engine *engine, const struct options *options,
                      unsigned long generation, const struct transport_request *request,
                      struct strbuf *body, struct exchange_facts *facts, struct strbuf *msg);

#endif
