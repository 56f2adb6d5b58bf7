/* The session store: what successful logins taught gamegate, so later calls
 * need not be handed tokens again. Thread-safe; shared by clients through a
 * reference count; bounded, least recently used first out; entries expire. */
#ifndef GG_SESSION_H
#define GG_SESSION_H

#include <stdbool.h>
#include <stddef.h>

/* One remembered login. Strings are owned; token is wiped when freed. */
struct session_data {
    char *token;      /* game_auth_token (Kongregate) or TOKEN (KickApps) */
    char *username;
    char *user_id;
    char *site;       /* KickApps' as; NULL for Kongregate */
    char *privileges; /* KickApps: N, R or RW */
    char *method;     /* KickApps: GET or POST */
};

struct session_store;

struct session_store *session_store_new(void);
void session_store_retain(struct session_store *store);
/* Frees the store (wiping its tokens) when the last user lets go. */
void session_store_release(struct session_store *store);
void session_store_configure(struct session_store *store, size_t capacity, long long ttl_ms);

/* Keys: the service's own way to name a user. */
#define SESSION_KEY_MAX 512
/* "kongregate" + user_id, or "kickapps" + site + member. false if too long. */
bool session_key(char *key, const char *service, const char *site, const char *who);

/* Stores a copy of data under key, replacing what was there. GG_OK or GG_ENOMEM. */
int session_remember(struct session_store *store, const char *key,
                     const struct session_data *data);
/* A copy of what key holds, for the caller to session_data_clear; false if
 * nothing (or only something expired) is there. */
bool session_lookup(struct session_store *store, const char *key, struct session_data *out);
bool session_forget(struct session_store *store, const char *key);
size_t session_count(struct session_store *store);

bool session_data_copy(struct session_data *to, const struct session_data *from);
void session_data_clear(struct session_data *data);

#endif
