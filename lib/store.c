#include "store.h"

#include "backend.h"
#include "gamegate.h"
#include "ledger.h"
#include "seal.h"
#include "services.h"
#include "wiping_alloc.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct store {
    atomic_int refs;
    /* In this process: */
    struct session_store *sessions;
    struct ledger *ledger;
    /* Or, shared (then the two above are NULL): */
    struct backend *backend;
    _Atomic long long ttl_ms;
};

/* Keys in a shared store, namespaced so that gamegate's entries stand apart
 * from whatever else a Redis holds; a login's key names its game (the
 * Kongregate scope, or the KickApps site) and the user. */
#define SESSION_PREFIX "gamegate:session:"
#define DELIVERY_PREFIX "gamegate:delivery:"
#define NAMESPACED_MAX (sizeof SESSION_PREFIX + SESSION_KEY_MAX)

static const char SQLITE_SCHEME[] = "sqlite://";
static const char REDIS_SCHEME[] = "redis://";
static const char UNIX_SCHEME[] = "unix://";

static bool starts_with(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

struct store *store_open(const char *url, struct strbuf *msg, int *code)
{
    struct store *store = calloc(1, sizeof *store);
    if (!store) {
        *code = GG_ENOMEM;
        strbuf_adds(msg, "out of memory");
        return NULL;
    }
    atomic_init(&store->refs, 1);
    atomic_init(&store->ttl_ms, 86400000);
    *code = GG_OK;
    if (starts_with(url, SQLITE_SCHEME)) {
        store->backend = sqlite_backend_open(url + strlen(SQLITE_SCHEME), msg, code);
    } else if (starts_with(url, REDIS_SCHEME) || starts_with(url, UNIX_SCHEME)) {
        store->backend = redis_backend_open(url, msg, code);
    } else if (strcmp(url, "memory") == 0) {
        store->sessions = session_store_new();
        store->ledger = store->sessions ? ledger_new() : NULL;
        if (!store->ledger) {
            session_store_release(store->sessions);
            *code = GG_ENOMEM;
            strbuf_adds(msg, "out of memory");
        }
    } else {
        strbuf_adds(msg, "session.store is \"memory\", \"sqlite:///path\", "
                         "\"redis://host:port/db\" or \"unix:///path/to/redis.sock\"");
        *code = GG_EINVAL;
    }
    if (*code != GG_OK) {
        free(store);
        return NULL;
    }
    return store;
}

void store_retain(struct store *store)
{
    atomic_fetch_add(&store->refs, 1);
}

void store_release(struct store *store)
{
    if (!store || atomic_fetch_sub(&store->refs, 1) != 1)
        return;
    if (store->backend)
        store->backend->ops->close(store->backend);
    session_store_release(store->sessions);
    ledger_free(store->ledger);
    free(store);
}

bool store_is_shared(const struct store *store)
{
    return store->backend != NULL;
}

void store_set_capacity(struct store *store, size_t capacity)
{
    if (store->sessions)
        session_store_set_capacity(store->sessions, capacity);
}

void store_set_ttl(struct store *store, long long ttl_ms)
{
    atomic_store(&store->ttl_ms, ttl_ms);
    if (store->sessions)
        session_store_set_ttl(store->sessions, ttl_ms);
}

/* A login's fields as sealed: each a presence mark, then its text and NUL
 * (the site is the key's, not the entry's). */
enum { FIELD_COUNT = 5 };

static void pack(const struct login_view *login, struct strbuf *out)
{
    const char *fields[FIELD_COUNT] = {login->token, login->username, login->user_id,
                                       login->privileges, login->method};
    for (int i = 0; i < FIELD_COUNT; i++) {
        const char *text = fields[i];
        strbuf_adds(out, text ? "+" : "-");
        if (text)
            strbuf_add(out, text, strlen(text) + 1);
    }
}

/* False if packed is not what pack() writes, or memory ran out (*nomem). */
static bool unpack(const char *packed, size_t len, struct session_data *out, bool *nomem)
{
    char **fields[FIELD_COUNT] = {&out->token, &out->username, &out->user_id,
                                  &out->privileges, &out->method};
    const char *at = packed, *end = packed + len;
    for (int i = 0; i < FIELD_COUNT; i++) {
        if (at >= end || (*at != '+' && *at != '-'))
            return false;
        if (*at++ == '-')
            continue;
        const char *nul = memchr(at, '\0', (size_t)(end - at));
        if (!nul)
            return false;
        if (!(*fields[i] = strdup(at))) {
            *nomem = true;
            return false;
        }
        at = nul + 1;
    }
    return at == end;
}

static int need_secret(const char *secret, struct strbuf *msg)
{
    if (secret && *secret)
        return GG_OK;
    strbuf_adds(msg, "session.store: a shared store keeps tokens encrypted under a key derived "
                     "from session.key, or else from the service's own key "
                     "(kongregate.api_key, kickapps.developer_key): none is set");
    return GG_EINVAL;
}

/* key is shorter than SESSION_KEY_MAX, and to is room for it after prefix. */
static void namespaced(char to[NAMESPACED_MAX], const char *prefix, const char *key)
{
    size_t prefix_len = strlen(prefix), key_len = strnlen(key, SESSION_KEY_MAX - 1);
    memcpy(to, prefix, prefix_len);
    memcpy(to + prefix_len, key, key_len);
    to[prefix_len + key_len] = '\0';
}

/* The login under key, opened: GG_OK, GG_ENOTFOUND (none, expired, or not
 * sealed under this key), GG_ENOMEM or GG_ESTORE. */
static int shared_find(struct store *store, const unsigned char *seal_key, const char *key,
                       struct session_data *out, struct strbuf *msg)
{
    struct strbuf sealed = {0}, plain = {0};
    bool found = false, nomem = false;
    int code = store->backend->ops->get(store->backend, key, &sealed, &found, msg);
    if (code == GG_OK && !found)
        code = GG_ENOTFOUND;
    if (code == GG_OK &&
        !(seal_open(seal_key, key, (const unsigned char *)sealed.data, sealed.len, &plain,
                    &nomem) &&
          unpack(plain.data, plain.len, out, &nomem))) {
        session_data_clear(out);
        code = nomem ? GG_ENOMEM : GG_ENOTFOUND;
    }
    strbuf_release(&sealed);
    strbuf_release(&plain);
    return code;
}

static int derive(const char *secret, const struct service *service,
                  unsigned char key[SEAL_KEY_SIZE], struct strbuf *msg)
{
    int code = need_secret(secret, msg);
    if (code == GG_OK && !seal_derive_key(secret, service->name, key)) {
        strbuf_adds(msg, "out of memory");
        code = GG_ENOMEM;
    }
    return code;
}

int store_find(struct store *store, const char *secret, const struct service *service,
               const char *site,
               const char *who, struct session_data *out, struct strbuf *msg)
{
    if (!store->backend) {
        int code = session_find(store->sessions, &service->logins, site, who, out);
        if (code == GG_ENOMEM)
            strbuf_adds(msg, "out of memory");
        return code;
    }
    *out = (struct session_data){0};
    char key[SESSION_KEY_MAX], full[NAMESPACED_MAX];
    unsigned char seal_key[SEAL_KEY_SIZE];
    if (!session_key(&service->logins, site, who, key))
        return GG_ENOTFOUND;
    int code = derive(secret, service, seal_key, msg);
    namespaced(full, SESSION_PREFIX, key);
    if (code == GG_OK)
        code = shared_find(store, seal_key, full, out, msg);
    if (code == GG_OK && !(out->site = strdup(site))) {
        session_data_clear(out);
        code = GG_ENOMEM;
    }
    wipe(seal_key, sizeof seal_key);
    return code;
}

int store_remember(struct store *store, const char *secret, const struct service *service,
                   const struct login_view *login, struct strbuf *msg)
{
    if (!store->backend) {
        int code = session_remember(store->sessions, &service->logins, login);
        if (code == GG_ENOMEM)
            strbuf_adds(msg, "out of memory");
        return code;
    }
    char keys[2][SESSION_KEY_MAX], full[NAMESPACED_MAX];
    unsigned char seal_key[SEAL_KEY_SIZE];
    int count = session_keys(&service->logins, login, keys);
    int code = derive(secret, service, seal_key, msg);
    struct strbuf plain = {0}, sealed = {0};
    pack(login, &plain);
    for (int i = 0; i < count && code == GG_OK; i++) {
        namespaced(full, SESSION_PREFIX, keys[i]);
        strbuf_reset(&sealed);
        if (plain.failed || !seal(seal_key, full, plain.data, plain.len, &sealed)) {
            strbuf_adds(msg, "out of memory");
            code = GG_ENOMEM;
        } else {
            code = store->backend->ops->put(store->backend, full, sealed.data, sealed.len,
                                            atomic_load(&store->ttl_ms), msg);
        }
    }
    strbuf_release(&plain);
    strbuf_release(&sealed);
    wipe(seal_key, sizeof seal_key);
    return code;
}

int store_forget(struct store *store, const char *secret, const struct service *service,
                 const char *site,
                 const char *who, bool *live, struct strbuf *msg)
{
    *live = false;
    if (!store->backend) {
        *live = session_forget(store->sessions, &service->logins, site, who);
        return GG_OK;
    }
    char key[SESSION_KEY_MAX], keys[2][SESSION_KEY_MAX], full[NAMESPACED_MAX];
    unsigned char seal_key[SEAL_KEY_SIZE];
    if (!session_key(&service->logins, site, who, key))
        return GG_OK; /* no login was ever kept under it */
    int code = derive(secret, service, seal_key, msg);
    /* The login's other name goes too (KickApps keeps both), read from
     * the entry before it is removed. */
    struct session_data found = {0};
    namespaced(full, SESSION_PREFIX, key);
    if (code == GG_OK)
        code = shared_find(store, seal_key, full, &found, msg);
    struct login_view named = session_data_view(&found);
    named.site = site;
    int count = code == GG_OK ? session_keys(&service->logins, &named, keys) : 0;
    if (code == GG_OK || code == GG_ENOTFOUND)
        code = store->backend->ops->remove(store->backend, full, live, msg);
    for (int i = 0; i < count && code == GG_OK; i++) {
        if (strcmp(keys[i], key) == 0)
            continue;
        struct session_data twin = {0};
        bool removed;
        namespaced(full, SESSION_PREFIX, keys[i]);
        code = shared_find(store, seal_key, full, &twin, msg);
        /* Only the same user's: the name may have passed to another since. */
        if (code == GG_OK && twin.user_id && found.user_id &&
            strcmp(twin.user_id, found.user_id) == 0)
            code = store->backend->ops->remove(store->backend, full, &removed, msg);
        if (code == GG_ENOTFOUND)
            code = GG_OK;
        session_data_clear(&twin);
    }
    session_data_clear(&found);
    wipe(seal_key, sizeof seal_key);
    return code;
}

int store_record_delivery(struct store *store, const char *key, long long retention_ms,
                          bool *first, struct strbuf *msg)
{
    *first = false;
    if (!store->backend)
        return ledger_record(store->ledger, key, retention_ms, first, msg);
    struct strbuf full = {0};
    strbuf_addf(&full, DELIVERY_PREFIX "%s", key);
    int code = full.failed ? GG_ENOMEM
                           : store->backend->ops->add(store->backend, full.data, retention_ms,
                                                      first, msg);
    if (full.failed)
        strbuf_adds(msg, "out of memory");
    strbuf_release(&full);
    return code;
}
