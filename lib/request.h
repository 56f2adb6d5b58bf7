/* Turns a row of the endpoint table and the caller's parameters into the
 * URL and form body to send, refusing bad input before anything leaves. */
#ifndef GG_REQUEST_H
#define GG_REQUEST_H

#include "endpoints.h"
#include "options.h"
#include "session.h"
#include "store.h"
#include "strbuf.h"

/* No field of either service comes near this; a larger value is a mistake. */
#define REQUEST_MAX_VALUE_BYTES 65536
/* More parameters than any call takes, with every statistic a game has. */
#define REQUEST_MAX_PARAMS 1024
/* At most this many extra name=count pairs (statistics) in one call. */
#define REQUEST_MAX_EXTRAS 64

struct request {
    struct strbuf url;
    struct strbuf body; /* form-encoded, POST only */
    /* The value in force for each of the row's parameters (NULL: none),
     * borrowed from the caller, the options, the row or `remembered`. */
    const char *values[ENDPOINT_MAX_PARAMS];
    const char *extra_names[REQUEST_MAX_EXTRAS];
    const char *extra_values[REQUEST_MAX_EXTRAS];
    size_t extra_count;
    struct session_data remembered; /* what the session store supplied */
    struct secrets secrets; /* the row's secret parameters' values */
};

/* The caller's parameters: count pairs, the i-th name at names[i * stride]
 * and its value at values[i * stride]. gg_call's NULL-terminated list is
 * read in place with stride 2; gg_call_n's two arrays have stride 1. */
struct param_list {
    const char *const *names;
    const char *const *values;
    size_t count, stride;
};

/* The pairs of a NULL-terminated name, value, ..., NULL list (NULL: none). A
 * name without a value counts, so that it is refused by name. */
struct param_list param_list_of_pairs(const char *const *pairs);

/* GG_OK, or a GG_E* code with the reason in msg (names, never values).
 * store may be NULL. */
int request_build(struct request *req, const struct endpoint *endpoint,
                  const struct options *options, struct store *store,
                  const struct param_list *params, struct strbuf *msg);
/* The value in force for the row's parameter of that name, or NULL. */
const char *request_value(const struct request *req, const struct endpoint *endpoint,
                          const char *name);
/* The service key a login made by or for this request is sealed under: the
 * game's api_key the request carries (logins per game), or the client's
 * developerKey. */
const char *request_login_key(const struct request *req, const struct endpoint *endpoint,
                              const struct options *options);
/* The site that login is kept on (service_login_site), or NULL. */
const char *request_login_site(const struct request *req, const struct endpoint *endpoint,
                               const struct options *options, char scratch[SESSION_SCOPE_SIZE]);
void request_release(struct request *req);

#endif
