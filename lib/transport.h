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
    long long elapsed_us;
};

/* One attempt under way: the engine's job, and what libcurl's callbacks
 * fill. Lives until transport_end. */
struct transport_attempt {
    struct engine_job job;
    struct strbuf *body;
    curl_off_t max_body;
    bool body_too_large;
    /* The request line's target as gamegate built it, and whether libcurl
     * sent another: libcurl 7.88 drops a URL's query when an allocation
     * fails while it re-parses the URL, and sends the request anyway. */
    const char *expected_target;
    const char *expected_method;
    bool target_checked;
    bool request_line_sent;
    bool target_differs;
    unsigned long failures_before; /* the allocator's, when the attempt began */
    const char *url;
    struct curl_slist *headers; /* added by an observer (gg_attempt_add_header) */
    char curl_error[CURL_ERROR_SIZE];
};

/* Once per process; GG_OK or GG_ENOMEM. */
int transport_global_init(void);

/* Adds a "Name: value" line to the request of an attempt that has begun and
 * not yet run: GG_OK or GG_ENOMEM. */
int transport_add_header(struct transport_attempt *attempt, const char *line);

/* Whether libcurl takes the option's value in force: GG_OK, or GG_EINVAL /
 * GG_ENOMEM and why. Checked on a scratch handle when the option is set, so
 * that every pooled handle can take it later. */
int transport_check_option(const struct options *options, enum option_id id, struct strbuf *msg);

/* Readies one request on a handle from the engine, configured for options
 * of the given generation, for engine_run or engine_submit of
 * attempt->job. GG_OK, or a code and why (nothing is then held). */
int transport_begin(struct transport_attempt *attempt, struct engine *engine,
                    const struct options *options, unsigned long generation,
                    const struct transport_request *request, struct strbuf *body,
                    struct strbuf *msg);
/* What the attempt's transfer, ended with rc, came to: GG_OK when any HTTP
 * response arrived (whatever its status; its body is in body), or a code
 * and why. The handle goes back to the engine. */
int transport_end(struct transport_attempt *attempt, struct engine *engine, CURLcode rc,
                  struct exchange_facts *facts, struct strbuf *msg);

#endif
