/* The session store: what successful logins taught gamegate, so later calls
 * need not be handed tokens again. Thread-safe (lookups share a reader
 * lock); shared by clients through a reference count; bounded, the least
 * recently used going first; entries expire; sound across fork(), where the
 * child keeps a copy of what the parent knew.
 *
 * Identities never overlap. A Kongregate login is the user_id's within one
 * game (site holds the game's scope, from session_game_scope). A KickApps
 * member is found by userId when who is all digits and by username
 * otherwise: a stored username can never answer for a userId. */
#ifndef GG_SESSION_H
#define GG_SESSION_H

#include <stdbool.h>
#include <stddef.h>

/* How one service's logins are named in any store; a part of its struct
 * service (services.h). */
struct login_naming {
    const char *key_prefix;  /* begins every key: kept in shared stores, never changed */
    bool finds_by_username;  /* a who that is not all digits is a username */
};

/* One login as a body, a request or a stored entry says it: borrowed, for
 * as long as they hold it. */
struct login_view {
    const char *token;
    const char *username;
    const char *user_id;
    const char *site;
    const char *privileges;
    const char *method;
};

/* One remembered login, as a lookup hands it out: owned, freed (the token
 * wiped) by session_data_clear. */
struct session_data {
    char *token;      /* game_auth_token (Kongregate) or TOKEN (KickApps) */
    char *username;
    char *user_id;
    char *site;       /* KickApps' as; Kongregate's game scope */
    char *privileges; /* KickApps: N, R or RW */
    char *method;     /* KickApps: GET or POST */
};

/* A game's scope: a digest of its api_key, so that the store holds no key
 * and two games' logins never meet. */
#define SESSION_SCOPE_SIZE 17
bool session_game_scope(const char *api_key, char scope[SESSION_SCOPE_SIZE]);

/* The keys logins are kept under, in any store: who's on site (false if
 * too long), and each name of a login, user id first (how many). */
#define SESSION_KEY_MAX 512
bool session_key(const struct login_naming *naming, const char *site, const char *who,
                 char key[SESSION_KEY_MAX]);
int session_keys(const struct login_naming *naming, const struct login_view *login,
                 char keys[2][SESSION_KEY_MAX]);

struct session_store;

struct session_store *session_store_new(void);
void session_store_retain(struct session_store *store);
/* Frees the store (wiping its tokens) when the last user lets go. */
void session_store_release(struct session_store *store);
/* Each changes only its own setting: clients sharing a store share these. */
void session_store_set_capacity(struct session_store *store, size_t capacity);
void session_store_set_ttl(struct session_store *store, long long ttl_ms);

/* Remembers a login on login->site: Kongregate's by its user_id; KickApps'
 * by user_id and by username. GG_OK or GG_ENOMEM. */
int session_remember(struct session_store *store, const struct login_naming *naming,
                     const struct login_view *login);
/* A copy of the login of who on site, for the caller to session_data_clear:
 * GG_OK, GG_ENOTFOUND (none, or expired) or GG_ENOMEM. */
int session_find(struct session_store *store, const struct login_naming *naming, const char *site,
                 const char *who, struct session_data *out);
/* Forgets who's login under all its names, expired or not; false if there
 * was no live one. */
bool session_forget(struct session_store *store, const struct login_naming *naming, const char *site,
                    const char *who);
size_t session_count(struct session_store *store);

/* An owned copy of login into an empty to; false without memory. */
bool session_data_copy(struct session_data *to, const struct login_view *login);
struct login_view session_data_view(const struct session_data *data);
void session_data_clear(struct session_data *data);

#endif
