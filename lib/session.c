#include "session.h"

#include "clock.h"
#include "fork.h"
#include "gamegate.h"
#include "hash.h"
#include "platform.h"
#include "text.h"
#include "wiping_alloc.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The fields an entry keeps; the site is its key's, and the caller's. */
enum field { FIELD_TOKEN, FIELD_USERNAME, FIELD_USER_ID, FIELD_PRIVILEGES, FIELD_METHOD,
             FIELD_COUNT };

/* One remembered name of a login, in one allocation with its strings, kept
 * small: a lookup in a large store costs a cache miss per line it touches. */
struct entry {
    uint64_t hash;
    /* 0: never. Atomic: a login remembered again renews it under the
     * reader lock. */
    _Atomic long long expires_ms;
    struct entry *newer, *older; /* insertion order, for eviction */
    struct entry *next_in_bucket;
    uint32_t field_at[FIELD_COUNT]; /* offset in text, plus one; 0: absent */
    uint32_t text_size;             /* for wiping */
    /* Set by lookups under the reader lock; eviction gives an entry that
     * was used since it last looked a second chance (the CLOCK
     * approximation of least-recently-used, which lets readers leave the
     * order alone). */
    atomic_bool used;
    char text[]; /* the key, then each field present */
};

struct session_store {
    pthread_rwlock_t lock;
    atomic_int refs;
    size_t capacity;
    long long ttl_ms;
    size_t count;
    size_t bucket_count; /* a power of two, at least twice count */
    struct entry **buckets;
    struct entry *newest, *oldest;
    struct fork_watch fork;
};

#define INITIAL_BUCKETS 64

bool session_game_scope(const char *api_key, char scope[SESSION_SCOPE_SIZE])
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!EVP_Digest(api_key, strlen(api_key), digest, &len, EVP_sha256(), NULL) || len < 8) {
        ERR_clear_error(); /* the queue would keep what a failed allocation left */
        return false;
    }
    /* 64 bits tell a server's few games apart, in less memory per login. */
    for (int i = 0; i < 8; i++)
        snprintf(scope + 2 * i, 3, "%02x", digest[i]);
    return true;
}

void session_data_clear(struct session_data *data)
{
    wipe_free(data->token);
    free(data->username);
    free(data->user_id);
    free(data->site);
    free(data->privileges);
    free(data->method);
    *data = (struct session_data){0};
}

static bool copy_field(char **to, const char *from)
{
    *to = from ? strdup(from) : NULL;
    return !from || *to;
}

bool session_data_copy(struct session_data *to, const struct login_view *from)
{
    *to = (struct session_data){0};
    bool ok = copy_field(&to->token, from->token) && copy_field(&to->username, from->username) &&
              copy_field(&to->user_id, from->user_id) && copy_field(&to->site, from->site) &&
              copy_field(&to->privileges, from->privileges) &&
              copy_field(&to->method, from->method);
    if (!ok)
        session_data_clear(to);
    return ok;
}

struct login_view session_data_view(const struct session_data *data)
{
    return (struct login_view){.token = data->token, .username = data->username,
                               .user_id = data->user_id, .site = data->site,
                               .privileges = data->privileges, .method = data->method};
}


/* Every part is length-prefixed, so no choice of site or name can make two
 * different users' keys equal. kind: 'u' a username, 'i' a user id. */
static bool make_key(char *key, const struct login_naming *naming, const char *site, char kind,
                     const char *who)
{
    if (!site)
        site = "";
    int len = snprintf(key, SESSION_KEY_MAX, "%s/%zu:%s/%c%zu:%s", naming->key_prefix, strlen(site), site,
                       kind, strlen(who), who);
    return len > 0 && len < SESSION_KEY_MAX;
}

static char kind_of(const struct login_naming *naming, const char *who)
{
    return !naming->finds_by_username || text_is_digits(who, strlen(who), SIZE_MAX) ? 'i' : 'u';
}

bool session_key(const struct login_naming *naming, const char *site, const char *who,
                 char key[SESSION_KEY_MAX])
{
    return make_key(key, naming, site, kind_of(naming, who), who);
}

int session_keys(const struct login_naming *naming, const struct login_view *data,
                 char keys[2][SESSION_KEY_MAX])
{
    int count = 0;
    if (data->user_id && make_key(keys[count], naming, data->site, 'i', data->user_id))
        count++;
    /* A username of digits alone could only ever be asked for as a userId. */
    if (data->username && kind_of(naming, data->username) == 'u' &&
        make_key(keys[count], naming, data->site, 'u', data->username))
        count++;
    return count;
}

static void lock_for_fork(void *object)
{
    pthread_rwlock_wrlock(&((struct session_store *)object)->lock);
}

static void unlock_after_fork(void *object)
{
    pthread_rwlock_unlock(&((struct session_store *)object)->lock);
}

static bool init_lock(pthread_rwlock_t *lock)
{
    pthread_rwlockattr_t attr;
    if (pthread_rwlockattr_init(&attr) != 0)
        return false;
    /* Logins must not wait behind an endless stream of lookups. */
    platform_prefer_writers(&attr);
    bool ok = pthread_rwlock_init(lock, &attr) == 0;
    pthread_rwlockattr_destroy(&attr);
    return ok;
}

/* A reader/writer lock counts the readers and writers that wait for it; the
 * parent's waiters are not in the child, whose copy would wait for them
 * forever: the child starts the lock anew (it is the only thread). */
static void renew_lock_in_child(void *object)
{
    init_lock(&((struct session_store *)object)->lock);
}

struct session_store *session_store_new(void)
{
    struct session_store *store = calloc(1, sizeof *store);
    if (!store)
        return NULL;
    store->bucket_count = INITIAL_BUCKETS;
    store->buckets = calloc(store->bucket_count, sizeof *store->buckets);
    bool lock_ok = init_lock(&store->lock);
    store->fork = (struct fork_watch){.rank = FORK_RANK_STORE, .object = store,
                                      .prepare = lock_for_fork, .parent = unlock_after_fork,
                                      .child = renew_lock_in_child};
    if (!store->buckets || !lock_ok || fork_watch_add(&store->fork) != 0) {
        if (lock_ok)
            pthread_rwlock_destroy(&store->lock);
        free(store->buckets);
        free(store);
        return NULL;
    }
    atomic_init(&store->refs, 1);
    store->capacity = 10000;
    store->ttl_ms = 86400000;
    return store;
}

void session_store_retain(struct session_store *store)
{
    atomic_fetch_add(&store->refs, 1);
}

static void free_entry(struct entry *entry)
{
    wipe(entry, sizeof *entry + entry->text_size);
    free(entry);
}

static const char *field_of(const struct entry *entry, enum field field)
{
    return entry->field_at[field] ? entry->text + entry->field_at[field] - 1 : NULL;
}

/* The entry's login, with the site it is kept on. */
static struct login_view view_of(const struct entry *entry, const char *site)
{
    return (struct login_view){
        .token = field_of(entry, FIELD_TOKEN),
        .username = field_of(entry, FIELD_USERNAME),
        .user_id = field_of(entry, FIELD_USER_ID),
        .site = site,
        .privileges = field_of(entry, FIELD_PRIVILEGES),
        .method = field_of(entry, FIELD_METHOD),
    };
}

static void unlink_order(struct session_store *store, struct entry *entry)
{
    if (entry->newer)
        entry->newer->older = entry->older;
    else
        store->newest = entry->older;
    if (entry->older)
        entry->older->newer = entry->newer;
    else
        store->oldest = entry->newer;
}

static void unlink_entry(struct session_store *store, struct entry *entry)
{
    struct entry **slot = &store->buckets[entry->hash & (store->bucket_count - 1)];
    while (*slot != entry)
        slot = &(*slot)->next_in_bucket;
    *slot = entry->next_in_bucket;
    unlink_order(store, entry);
    store->count--;
}

static void drop(struct session_store *store, struct entry *entry)
{
    unlink_entry(store, entry);
    free_entry(entry);
}

void session_store_release(struct session_store *store)
{
    if (!store || atomic_fetch_sub(&store->refs, 1) != 1)
        return;
    fork_watch_remove(&store->fork);
    while (store->oldest)
        drop(store, store->oldest);
    pthread_rwlock_destroy(&store->lock);
    free(store->buckets);
    free(store);
}

static void make_newest(struct session_store *store, struct entry *entry)
{
    entry->older = store->newest;
    entry->newer = NULL;
    if (store->newest)
        store->newest->newer = entry;
    store->newest = entry;
    if (!store->oldest)
        store->oldest = entry;
}

/* Drops the oldest entry not used since it was last looked at. Write lock. */
static void evict_one(struct session_store *store)
{
    for (;;) {
        struct entry *oldest = store->oldest;
        if (!atomic_exchange(&oldest->used, false) || oldest == store->newest) {
            drop(store, oldest);
            return;
        }
        unlink_order(store, oldest);
        make_newest(store, oldest);
    }
}

void session_store_set_capacity(struct session_store *store, size_t capacity)
{
    pthread_rwlock_wrlock(&store->lock);
    store->capacity = capacity;
    while (store->count > store->capacity)
        evict_one(store);
    pthread_rwlock_unlock(&store->lock);
}

void session_store_set_ttl(struct session_store *store, long long ttl_ms)
{
    pthread_rwlock_wrlock(&store->lock);
    store->ttl_ms = ttl_ms;
    pthread_rwlock_unlock(&store->lock);
}

static struct entry *find(const struct session_store *store, const char *key, uint64_t hash)
{
    struct entry *entry = store->buckets[hash & (store->bucket_count - 1)];
    while (entry && (entry->hash != hash || strcmp(entry->text, key) != 0))
        entry = entry->next_in_bucket;
    return entry;
}

static bool expired(const struct entry *entry, long long now)
{
    return entry->expires_ms && entry->expires_ms <= now;
}

/* Doubles the table once it is half full, so chains stay short however
 * large the capacity: in a large store every link followed is a cache miss.
 * Write lock; without memory the table keeps its size and only gets slower. */
static void grow(struct session_store *store)
{
    if (2 * store->count < store->bucket_count || store->bucket_count > SIZE_MAX / 4)
        return;
    size_t count = store->bucket_count * 2;
    struct entry **buckets = calloc(count, sizeof *buckets);
    if (!buckets)
        return;
    for (size_t i = 0; i < store->bucket_count; i++)
        for (struct entry *entry = store->buckets[i], *next; entry; entry = next) {
            next = entry->next_in_bucket;
            entry->next_in_bucket = buckets[entry->hash & (count - 1)];
            buckets[entry->hash & (count - 1)] = entry;
        }
    free(store->buckets);
    store->buckets = buckets;
    store->bucket_count = count;
}

static struct entry *entry_new(const char *key, const struct login_view *data)
{
    const char *fields[FIELD_COUNT] = {
        [FIELD_TOKEN] = data->token, [FIELD_USERNAME] = data->username,
        [FIELD_USER_ID] = data->user_id, [FIELD_PRIVILEGES] = data->privileges,
        [FIELD_METHOD] = data->method};
    size_t text_size = strlen(key) + 1;
    for (int i = 0; i < FIELD_COUNT; i++)
        text_size += fields[i] ? strlen(fields[i]) + 1 : 0;
    if (text_size > UINT32_MAX)
        return NULL;
    struct entry *entry = calloc(1, sizeof *entry + text_size);
    if (!entry)
        return NULL;
    entry->text_size = (uint32_t)text_size;
    entry->hash = hash_text(key);
    size_t at = strlen(key) + 1;
    memcpy(entry->text, key, at);
    for (int i = 0; i < FIELD_COUNT; i++)
        if (fields[i]) {
            size_t len = strlen(fields[i]) + 1;
            memcpy(entry->text + at, fields[i], len);
            entry->field_at[i] = (uint32_t)at + 1;
            at += len;
        }
    return entry;
}

/* Readers cannot drop what expired under a shared lock, so writers do: a
 * few at a time from the oldest end, keeping each write short. Write lock. */
#define SWEEP_MAX 16

static void sweep_expired(struct session_store *store)
{
    long long now = clock_now_ms();
    struct entry *entry = store->oldest;
    for (int i = 0; i < SWEEP_MAX && entry; i++) {
        struct entry *newer = entry->newer;
        if (expired(entry, now))
            drop(store, entry);
        entry = newer;
    }
}

static bool same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Whether the store already holds this very login under key, whose expiry
 * it then renews: a player who logs in again changes nothing else, and a
 * lookup costs less than a write. */
static bool renewed(struct session_store *store, const char *key,
                    const struct login_view *data)
{
    uint64_t hash = hash_text(key);
    long long now = clock_now_ms();
    pthread_rwlock_rdlock(&store->lock);
    struct entry *entry = find(store, key, hash);
    bool same = entry && !expired(entry, now) &&
                same_text(field_of(entry, FIELD_TOKEN), data->token) &&
                same_text(field_of(entry, FIELD_USERNAME), data->username) &&
                same_text(field_of(entry, FIELD_USER_ID), data->user_id) &&
                same_text(field_of(entry, FIELD_PRIVILEGES), data->privileges) &&
                same_text(field_of(entry, FIELD_METHOD), data->method);
    if (same)
        entry->expires_ms = store->ttl_ms > 0 ? now + store->ttl_ms : 0;
    pthread_rwlock_unlock(&store->lock);
    return same;
}

static int remember_key(struct session_store *store, const char *key,
                        const struct login_view *data)
{
    if (renewed(store, key, data))
        return GG_OK;
    struct entry *entry = entry_new(key, data);
    if (!entry)
        return GG_ENOMEM;
    pthread_rwlock_wrlock(&store->lock);
    sweep_expired(store);
    struct entry *old = find(store, key, entry->hash);
    if (old)
        drop(store, old);
    if (store->capacity == 0) {
        pthread_rwlock_unlock(&store->lock);
        free_entry(entry);
        return GG_OK;
    }
    while (store->count >= store->capacity)
        evict_one(store);
    grow(store);
    entry->expires_ms = store->ttl_ms > 0 ? clock_now_ms() + store->ttl_ms : 0;
    size_t bucket = entry->hash & (store->bucket_count - 1);
    entry->next_in_bucket = store->buckets[bucket];
    store->buckets[bucket] = entry;
    make_newest(store, entry);
    store->count++;
    pthread_rwlock_unlock(&store->lock);
    return GG_OK;
}

/* An expired entry reads as absent; writers drop it when they pass. */
static int find_login(struct session_store *store, const char *key, const char *site,
                      struct session_data *out)
{
    uint64_t hash = hash_text(key);
    long long now = clock_now_ms();
    pthread_rwlock_rdlock(&store->lock);
    struct entry *entry = find(store, key, hash);
    struct login_view view = entry ? view_of(entry, site) : (struct login_view){0};
    int code = !entry || expired(entry, now)  ? GG_ENOTFOUND
               : session_data_copy(out, &view) ? GG_OK
                                               : GG_ENOMEM;
    if (code == GG_OK && !atomic_load_explicit(&entry->used, memory_order_relaxed))
        atomic_store_explicit(&entry->used, true, memory_order_relaxed);
    pthread_rwlock_unlock(&store->lock);
    return code;
}

int session_remember(struct session_store *store, const struct login_naming *naming,
                     const struct login_view *login)
{
    char keys[2][SESSION_KEY_MAX];
    int count = session_keys(naming, login, keys), code = GG_OK;
    for (int i = 0; i < count && code == GG_OK; i++)
        code = remember_key(store, keys[i], login);
    return code;
}

int session_find(struct session_store *store, const struct login_naming *naming, const char *site,
                 const char *who, struct session_data *out)
{
    char key[SESSION_KEY_MAX];
    *out = (struct session_data){0};
    if (!session_key(naming, site, who, key))
        return GG_ENOTFOUND;
    return find_login(store, key, site, out);
}

bool session_forget(struct session_store *store, const struct login_naming *naming, const char *site,
                    const char *who)
{
    char key[SESSION_KEY_MAX], other[SESSION_KEY_MAX] = "", user_id[SESSION_KEY_MAX] = "";
    char kind = kind_of(naming, who);
    if (!make_key(key, naming, site, kind, who))
        return false;
    pthread_rwlock_wrlock(&store->lock);
    struct entry *entry = find(store, key, hash_text(key));
    bool live = entry && !expired(entry, clock_now_ms());
    if (entry) {
        /* The same login under its other name: KickApps keeps both. */
        struct login_view view = view_of(entry, site);
        const struct login_view *data = &view;
        if (data->user_id)
            snprintf(user_id, sizeof user_id, "%s", data->user_id);
        if (kind == 'u' && data->user_id)
            make_key(other, naming, site, 'i', data->user_id);
        else if (kind == 'i' && data->username && kind_of(naming, data->username) == 'u')
            make_key(other, naming, site, 'u', data->username);
        drop(store, entry);
    }
    struct entry *twin = *other ? find(store, other, hash_text(other)) : NULL;
    const char *twin_user_id = twin ? field_of(twin, FIELD_USER_ID) : NULL;
    if (twin_user_id && strcmp(twin_user_id, user_id) == 0)
        drop(store, twin);
    pthread_rwlock_unlock(&store->lock);
    return live;
}

size_t session_count(struct session_store *store)
{
    pthread_rwlock_rdlock(&store->lock);
    size_t count = store->count;
    pthread_rwlock_unlock(&store->lock);
    return count;
}
