/* What a call hands back: its code, message, HTTP status and parsed body. */
#ifndef GG_RESULT_H
#define GG_RESULT_H

#include "gamegate.h"
#include "message.h"

#include <jansson.h>
#include <stddef.h>

struct gg_result {
    int code;
    int http_status;
    int outcome;  /* GG_OUTCOME_* */
    int attempts;
    char *message; /* NULL: "" on success, the code's text on failure */
    json_t *body;  /* the normalized body, or NULL */
    /* Made on first request and kept, because the strings handed out must
     * live as long as the result; readers in several threads fill them, so
     * under one of the results' shared locks (result.c): */
    char *json_text;
    json_t *texts; /* JSON text of non-string values, keyed by node address */
};

/* NULL if out of memory. */
struct gg_result *result_new(void);
/* Sets the code and, on failure, the message cleaned of the given secrets;
 * a success is the outcome SUCCEEDED, a failure keeps the outcome set (by
 * default NOT_APPLIED). */
void result_set_outcome(struct gg_result *result, int code, const char *message,
                        const struct secrets *secrets);
/* Redacts the secrets from every string of the body, for a failure whose
 * body may quote the request back. */
void result_scrub(struct gg_result *result, const struct secrets *secrets);
/* Gives the result to *out, or frees it when out is NULL; returns its code. */
int result_hand_out(struct gg_result *result, gg_result **out);

#endif
