/* What distinguishes the two back ends: where they live, how their bodies
 * are wrapped, and how each says that a call failed. */
#ifndef GG_SERVICES_H
#define GG_SERVICES_H

#include "options.h"
#include "strbuf.h"

#include <jansson.h>
#include <stdbool.h>

struct service {
    const char *name;
    enum option_id base_url;
    /* KickApps wraps some bodies in a one-element array; Kongregate's bare
     * arrays are real lists and must stay as they are. */
    bool unwraps_single_array;
    /* Reads the service's success/error envelope of a parsed body: GG_OK, or
     * a GG_E* code with the service's own words appended to msg. */
    int (*check_envelope)(const json_t *body, struct strbuf *msg);
};

extern const struct service service_kongregate;
extern const struct service service_kickapps;

#endif
