/* The endpoint table: every call gamegate can make, one row each. */
#ifndef GG_ENDPOINTS_H
#define GG_ENDPOINTS_H

#include "gamegate.h"
#include "options.h"
#include "services.h"

#include <stdbool.h>
#include <stddef.h>

/* The bits a row sets are the public GG_PARAM_* ones, so that
 * gg_endpoint_param_flags can hand them out as they are. */
enum param_flags {
    PARAM_REQUIRED = GG_PARAM_REQUIRED,
    PARAM_SECRET = GG_PARAM_SECRET,   /* never quoted; scrubbed from every message */
    PARAM_ONE_OF = GG_PARAM_ONE_OF,   /* exactly one of the row's ONE_OF params */
    PARAM_LOCAL = GG_PARAM_LOCAL,     /* read by gamegate, never sent */
    PARAM_COUNT = GG_PARAM_COUNT      /* a whole number >= 0 */
};

/* Where a parameter the caller left out can come from besides an option. */
enum session_source {
    FROM_NOTHING = 0,
    FROM_KONGREGATE_LOGIN, /* game_auth_token remembered for the call's user_id */
    FROM_KICKAPPS_MEMBER   /* t remembered for the call's member on its site */
};

struct param_spec {
    const char *name;
    unsigned flags;
    enum option_id from_option; /* the client option that supplies it by default */
    const char *fallback;       /* a fixed default, e.g. f=json */
    const char *choices;        /* "a|b|c": the only values accepted */
    unsigned max_items;         /* for comma lists: at most this many items */
    enum session_source from_session;
};

/* Longest parameter list a row may have; request.c sizes its arrays by it. */
#define ENDPOINT_MAX_PARAMS 32

enum endpoint_flags {
    BODY_IS_ARRAY = 1 << 0,   /* a bare JSON array, no success envelope */
    EXTRA_COUNTS = 1 << 1,    /* any other name=<whole number> pairs are sent too */
    SUCCESS_FIELD_OPTIONAL = 1 << 2 /* the published answer has no `success`: its absence
                                       is success (an error still says false) */
};

/* What a successful call teaches the session store. */
enum session_lesson {
    REMEMBERS_NOTHING = 0,
    REMEMBERS_KONGREGATE_LOGIN, /* user_id -> username, game_auth_token */
    REMEMBERS_KICKAPPS_TOKEN    /* site and member -> TOKEN, PRIVILEGES, METHOD */
};

struct endpoint {
    const char *name;
    const struct service *service;
    const char *method;
    /* {name} is a path segment; {a|b} takes exactly one of a and b. Every
     * parameter not in the path goes to the query (GET) or form body (POST). */
    const char *path;
    const struct param_spec *params; /* ends with a NULL name */
    bool retry_safe;  /* a read: sent again after a failure that allows it */
    bool needs_write; /* a member's stored token must carry RW privileges */
    const char *summary; /* follows needs_write: rows name the two, then go on in order */
    unsigned flags;
    enum session_lesson remembers;
    /* The fields a success must carry, from services.md: "a,b" both, "a|b"
     * either. An answer without them is GG_EPROTOCOL, and teaches nothing. */
    const char *carries;
};

/* NULL if there is no endpoint of that name. */
const struct endpoint *endpoint_find(const char *name);
/* The endpoint name nearest to a mistyped one, or NULL. */
const char *endpoint_nearest(const char *given);
/* The i-th row, NULL past the last. */
const struct endpoint *endpoint_at(size_t i);
size_t endpoint_param_count(const struct endpoint *endpoint);
/* Whether the path template has a {name} (alone or among alternatives). */
bool endpoint_param_in_path(const struct endpoint *endpoint, const char *name);
/* Whether it is one of a {a|b} path segment's alternatives. */
bool endpoint_param_is_alternative(const struct endpoint *endpoint, const char *name);

#endif
