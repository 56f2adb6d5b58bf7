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
/* Each changes only its own setting: clients sharing a store share these. */
void session_store_set_capacity(struct session_store *store, size_t capacity);
void session_store_set_ttl(struct session_store *store, long long ttl_ms);

enum session_match { SESSION_NONE, SESSION_FOUND, SESSION_AMBIGUOUS };

/* Remembers a login: Kongregate's by data->user_id; KickApps' on data->site
 * by data->username and by data->user_id. GG_OK or GG_ENOMEM. */
int session_remember(struct session_store *store, const char *service,
                     const struct session_data *data);
/* A copy of the login of who (Kongregate: a user_id; KickApps: a username
 * or userId on site), for the caller to session_data_clear. AMBIGUOUS when
 * who is one member's username and another member's userId. */
enum session_match session_find(struct session_store *store, const char *service,
                                const char *site, const char *who, struct session_data *out);
/* Forgets who's login under all its names; false if there was none. */
bool session_forget(struct session_store *store, const char *service, const char *site,
                    const char *who);
size_t session_count(struct session_store *store);

bool session_data_copy(struct session_data *to, const struct session_data *from);
void session_data_clear(struct session_data *data);

#endif
