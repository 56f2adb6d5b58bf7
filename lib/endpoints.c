#include "endpoints.h"

#include <string.h>

#define PARAMS(...) ((const struct param_spec[]){__VA_ARGS__, {NULL, 0, OPT_NONE, NULL}})
#define REQUIRED(name) {name, PARAM_REQUIRED, OPT_NONE, NULL}
#define OPTIONAL(name) {name, 0, OPT_NONE, NULL}
#define SECRET(name) {name, PARAM_REQUIRED | PARAM_SECRET, OPT_NONE, NULL}
#define OPTIONAL_SECRET(name) {name, PARAM_SECRET, OPT_NONE, NULL}
#define KEY(name, option) {name, PARAM_REQUIRED | PARAM_SECRET, option, NULL}
#define FROM_OPTION(name, option) {name, PARAM_REQUIRED, option, NULL}
#define FIXED(name, value) {name, 0, OPT_NONE, value}

#define API_KEY KEY("api_key", OPT_KONGREGATE_API_KEY)
#define DEVELOPER_KEY KEY("developerKey", OPT_KICKAPPS_DEVELOPER_KEY)
#define SITE FROM_OPTION("as", OPT_KICKAPPS_AS)

static const struct endpoint endpoints[] = {
    {"kongregate.authenticate", &service_kongregate, "GET", "/api/authenticate.json",
     PARAMS(REQUIRED("user_id"), SECRET("game_auth_token"), API_KEY), true},

    {"kickapps.create_token", &service_kickapps, "POST", "/rest/token/create/{username|email}/{as}",
     PARAMS(OPTIONAL("username"), OPTIONAL("email"), SITE, DEVELOPER_KEY,
            OPTIONAL_SECRET("password"), OPTIONAL("clientIP"), OPTIONAL("callback")),
     false},

    /* Creates the member on first use, so a retry is not harmless. */
    {"kickapps.openauth_create_token", &service_kickapps, "GET", "/rest/openauth/createtoken/{as}/",
     PARAMS(REQUIRED("devId"), SECRET("oat"), REQUIRED("succUrl"), SITE, DEVELOPER_KEY,
            FIXED("f", "json")),
     false},
};

const struct endpoint *endpoint_at(size_t i)
{
    return i < sizeof endpoints / sizeof *endpoints ? &endpoints[i] : NULL;
}

const struct endpoint *endpoint_find(const char *name)
{
    const struct endpoint *row;
    for (size_t i = 0; (row = endpoint_at(i)); i++)
        if (strcmp(row->name, name) == 0)
            return row;
    return NULL;
}
