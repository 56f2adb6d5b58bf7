/* What session.store names: where a client keeps what logins taught it and
 * which purchase deliveries it has seen. "memory" keeps both in this
 * process (session.c, ledger.c); "sqlite:///path" and "redis://..." keep
 * them in a backend every process sharing it sees (backend.h), logins
 * sealed (seal.h). Reference-counted: clients that share sessions share
 * one. Operations answer GG_OK, GG_ENOMEM, or GG_ESTORE with why in msg;
 * a shared store is never stood in for by a local one. */
#ifndef GG_STORE_H
#define GG_STORE_H

#include "session.h"
#include "strbuf.h"

#include <stdbool.h>

struct store;
struct service;

/* The store url names, or NULL with *code (GG_EINVAL for a url that names
 * none, GG_ESTORE when it cannot be reached, GG_ENOMEM) and why in msg. */
struct store *store_open(const char *url, struct strbuf *msg, int *code);
void store_retain(struct store *store);
/* NULL is a no-op. */
void store_release(struct store *store);
/* Whether logins and deliveries live outside this process. */
bool store_is_shared(const struct store *store);

/* How many logins a store in memory keeps (a shared one: its server's
 * business), and how long logins are kept (0: until evicted). */
void store_set_capacity(struct store *store, size_t capacity);
void store_set_ttl(struct store *store, long long ttl_ms);

/* The login calls (session.h), in this store. secret seals and opens the
 * logins of a shared store: session.key, else the service's own key (NULL
 * when neither is set: GG_EINVAL, why in msg). An entry that does not
 * open under it, or was altered, reads as absent. */
int store_find(struct store *store, const char *secret, const struct service *service,
               const char *site, const char *who, struct session_data *out, struct strbuf *msg);
int store_remember(struct store *store, const char *secret, const struct service *service,
                   const struct login_view *login, struct strbuf *msg);
/* *live: whether there was a live login to forget. */
int store_forget(struct store *store, const char *secret, const struct service *service,
                 const char *site, const char *who, bool *live, struct strbuf *msg);

/* ledger_record (ledger.h), in this store. */
int store_record_delivery(struct store *store, const char *key, long long retention_ms,
                          bool *first, struct strbuf *msg);

#endif
