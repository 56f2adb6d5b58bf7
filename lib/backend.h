/* A store other processes share: keys with values and an expiry, kept in an
 * SQLite file (one machine) or in Redis (a fleet). store.c puts logins and
 * delivery records in one; each backend keeps its own connections sound
 * across threads and fork(). Every operation answers GG_OK, GG_ENOMEM, or
 * GG_ESTORE with why in msg (nothing then was read or written). */
#ifndef GG_BACKEND_H
#define GG_BACKEND_H

#include "strbuf.h"

#include <stdbool.h>
#include <stddef.h>

struct backend;

struct backend_ops {
    /* Appends key's value to value: *found false when there is none, or it
     * expired. */
    int (*get)(struct backend *self, const char *key, struct strbuf *value, bool *found,
               struct strbuf *msg);
    /* Sets key to value for ttl_ms (0: no expiry), replacing what was. */
    int (*put)(struct backend *self, const char *key, const void *value, size_t len,
               long long ttl_ms, struct strbuf *msg);
    /* Removes key: *removed says whether a live value was there. */
    int (*remove)(struct backend *self, const char *key, bool *removed, struct strbuf *msg);
    /* Sets key for ttl_ms unless it holds a live value, atomically across
     * every process sharing the store: *added says whether this call did. */
    int (*add)(struct backend *self, const char *key, long long ttl_ms, bool *added,
               struct strbuf *msg);
    void (*close)(struct backend *self);
};

struct backend {
    const struct backend_ops *ops;
};

/* Each opens the store its session.store URL names (the part after the
 * scheme for SQLite, the whole URL for Redis), or returns NULL with *code
 * (GG_EINVAL, GG_ESTORE or GG_ENOMEM) and why in msg. */
struct backend *sqlite_backend_open(const char *path, struct strbuf *msg, int *code);
struct backend *redis_backend_open(const char *url, struct strbuf *msg, int *code);

#endif
