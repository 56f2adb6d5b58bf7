/* What a call hands back: its code, message, HTTP status and parsed body. */
#ifndef GG_RESULT_H
#define GG_RESULT_H

#include <jansson.h>

struct gg_result {
    int code;
    int http_status;
    char *message; /* NULL: "" on success, the code's text on failure */
    json_t *body;  /* the normalized body, or NULL */
    /* Made on first request and kept, because the strings handed out must
     * live as long as the result: */
    char *json_text;
    json_t *texts; /* JSON text of non-string values, keyed by node address */
};

/* NULL if out of memory. */
struct gg_result *result_new(void);

#endif
