/* A client's options: their names, defaults and validation. What an option
 * does to the HTTP transport is transport.c's business. */
#ifndef GG_OPTIONS_H
#define GG_OPTIONS_H

#include "message.h"
#include "session.h"
#include "strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/* The longest value an option takes. */
#define OPTION_MAX_BYTES 8192

enum option_id {
    OPT_NONE = 0,
    OPT_KONGREGATE_API_KEY,
    OPT_KONGREGATE_BASE_URL,
    OPT_KICKAPPS_DEVELOPER_KEY,
    OPT_KICKAPPS_AS,
    OPT_KICKAPPS_BASE_URL,
    OPT_TIMEOUT_MS,
    OPT_CONNECT_TIMEOUT_MS,
    OPT_MAX_RESPONSE_BYTES,
    OPT_CA_FILE,
    OPT_PROXY,
    OPT_USER_AGENT,
    OPT_LOCAL_ADDRESS,
    OPT_SESSION_CAPACITY,
    OPT_SESSION_TTL_MS,
    OPT_MIN_BYTES_PER_SECOND,
    OPT_MIN_SPEED_WINDOW_MS,
    OPT_RETRY_ATTEMPTS,
    OPT_RETRY_DEADLINE_MS,
    OPT_RETRY_BACKOFF_MS,
    OPT_RETRY_MAX_BACKOFF_MS,
    OPT_LOG_LEVEL,
    OPT_MAX_CONNECTIONS,
    OPT_SESSION_STORE,
    OPT_LEDGER_RETENTION_MS,
    OPT_SESSION_KEY,
    OPT_COUNT
};

struct options {
    char *values[OPT_COUNT]; /* NULL: the option's default */
    /* The proxy URL's user name and password, decoded: secrets within a
     * value that is not one as a whole. */
    char *proxy_user, *proxy_password;
    /* The password in a redis:// session.store, decoded: it goes only to
     * Redis, and is scrubbed from every message in case it comes back. */
    char *store_password;
    /* The session store's scope of kongregate.api_key, made when it is set:
     * a digest each call would cost more than the rest of a lookup. */
    char kongregate_scope[SESSION_SCOPE_SIZE]; /* "" when unset */
};

/* OPT_NONE if no option has this name. */
enum option_id option_find(const char *name);
const char *option_name(enum option_id id);
/* The known option nearest to a mistyped name, or NULL. */
const char *option_nearest(const char *given);
/* The value in force: the one set, else the default (which may be NULL). */
const char *options_get(const struct options *options, enum option_id id);
/* The log level in force, GG_LOG_ERROR .. GG_LOG_DEBUG. */
int options_log_level(const struct options *options);
/* The value in force as a number, for options that hold one. */
long long options_get_number(const struct options *options, enum option_id id);
/* Adds the values of the options that hold keys, and the passwords and user
 * names within other values, to out. */
void options_secrets(const struct options *options, struct secrets *out);
/* Validates and stores a copy of value (NULL restores the default). On
 * failure returns a GG_E* code and says why in msg, never quoting the value. */
int options_set(struct options *options, enum option_id id, const char *value,
                struct strbuf *msg);
/* A deep copy of from into an empty to; false if out of memory (to is
 * then empty again). */
bool options_copy(struct options *to, const struct options *from);
/* The game scope of api_key: the one kept for kongregate.api_key when it is
 * that, else made in scratch. NULL if out of memory. */
const char *options_game_scope(const struct options *options, const char *api_key,
                               char scratch[SESSION_SCOPE_SIZE]);
/* The secret that seals logins in a shared store: session.key, else
 * service_key (the service's own key in this call; may be NULL). */
const char *options_store_secret(const struct options *options, const char *service_key);
/* Wipes and frees every value. */
void options_clear(struct options *options);

#endif
