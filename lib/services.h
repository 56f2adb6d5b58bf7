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

    /* Logins, as the session store keeps them. A Kongregate login is one
     * game's (the scope of the api_key its calls carry); a KickApps login is
     * one site's (as), sealed under the developerKey the client holds. */
    bool logins_per_game;
    const char *key_param;      /* the service key: "api_key", "developerKey" */
    enum option_id key_option;  /* and the option it comes from */
    const char *site_param;     /* "as", or NULL when logins are per game */
    enum option_id site_option;
    const char *who_param;      /* whose login a call uses: "user_id", "member" */
    struct login_naming logins; /* how its logins are named in a store */
    const char *user_id_field;  /* what gg_session_get names the fields */
    const char *token_field;
};

extern const struct service service_kongregate;
extern const struct service service_kickapps;

/* The service of that name, or NULL. */
const struct service *service_named(const char *name);

/* The site a login is kept on: the game's scope of key (made in scratch)
 * for logins per game, else site. NULL without one, or without memory. */
const char *service_login_site(const struct service *service, const struct options *options,
                               const char *key, const char *site,
                               char scratch[SESSION_SCOPE_SIZE]);

#endif
