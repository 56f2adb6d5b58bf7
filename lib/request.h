/* Turns a row of the endpoint table and the caller's parameters into the
 * URL and form body to send, refusing bad input before anything leaves. */
#ifndef GG_REQUEST_H
#define GG_REQUEST_H

#include "endpoints.h"
#include "options.h"
#include "strbuf.h"

struct request {
    struct strbuf url;
    struct strbuf body; /* form-encoded, POST only */
    /* Borrowed values that must never appear in a message. */
    const char *secrets[ENDPOINT_MAX_PARAMS];
    size_t secret_count;
};

/* GG_OK, or a GG_E* code with the reason in msg (names, never values). */
int request_build(struct request *req, const struct endpoint *endpoint,
                  const struct options *options, const char *const *params,
                  struct strbuf *msg);
void request_release(struct request *req);

#endif
