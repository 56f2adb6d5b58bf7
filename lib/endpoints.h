/* The endpoint table: every call gamegate can make, one row each. */
#ifndef GG_ENDPOINTS_H
#define GG_ENDPOINTS_H

#include "options.h"
#include "services.h"

#include <stdbool.h>
#include <stddef.h>

enum param_flags {
    PARAM_REQUIRED = 1 << 0,
    PARAM_SECRET = 1 << 1 /* never quoted; scrubbed from every message */
};

struct param_spec {
    const char *name;
    unsigned flags;
    enum option_id from_option; /* the client option that supplies it by default */
    const char *fallback;       /* a fixed default, e.g. f=json */
};

/* Longest parameter list a row may have; request.c sizes its arrays by it. */
#define ENDPOINT_MAX_PARAMS 32

struct endpoint {
    const char *name;
    const struct service *service;
    const char *method;
    /* {name} is a path segment; {a|b} takes exactly one of a and b. Every
     * parameter not in the path goes to the query (GET) or form body (POST). */
    const char *path;
    const struct param_spec *params; /* ends with a NULL name */
    bool retry_safe;
};

/* NULL if there is no endpoint of that name. */
const struct endpoint *endpoint_find(const char *name);
/* The i-th row, NULL past the last. */
const struct endpoint *endpoint_at(size_t i);

#endif
