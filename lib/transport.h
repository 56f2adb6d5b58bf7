/* HTTP through one long-lived libcurl handle per client, so connections and
 * TLS sessions are reused from call to call. */
#ifndef GG_TRANSPORT_H
#define GG_TRANSPORT_H

#include "options.h"
#include "strbuf.h"

#include <curl/curl.h>
#include <stdbool.h>

struct transport {
    CURL *curl;
    curl_off_t max_body;
    const char *default_ca_file; /* libcurl's built-in bundle and directory, */
    const char *default_ca_path; /* for a reset ca_file */
    bool body_too_large;
    struct strbuf body; /* the last response body, reused between calls */
    /* The request line's target as gamegate built it, and whether libcurl
     * sent another: libcurl 7.88 drops a URL's query when an allocation
     * fails while it re-parses the URL, and sends the request anyway. */
    const char *expected_target;
    const char *expected_method;
    bool target_checked;
    bool request_line_sent;
    bool target_differs;
    char curl_error[CURL_ERROR_SIZE];
};

int transport_init(struct transport *transport, const struct options *options);
void transport_cleanup(struct transport *transport);
/* Applies an option's value in force to the handle. */
int transport_configure(struct transport *transport, const struct options *options,
                        enum option_id id, struct strbuf *msg);
/* What one attempt saw, besides the body. */
struct exchange_facts {
    long http_status;        /* 0: no response */
    bool request_sent;       /* some bytes of the request may have reached the peer */
    long long retry_after_s; /* the Retry-After header, -1 if none */
    long long elapsed_ms;
};

/* Sends one request within timeout_ms, on a new connection when fresh (a
 * reused connection that turns out dead makes libcurl send the request
 * again, which only a read can afford). GG_OK when any HTTP response arrived
 * (whatever its status); its body is in transport->body. */
int transport_perform(struct transport *transport, const char *method, const char *url,
                      const struct strbuf *form, long timeout_ms, bool fresh,
                      struct exchange_facts *facts, struct strbuf *msg);

#endif
