#include "session.h"

#include "gamegate.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct entry {
    char *key;
    struct session_data data;
    long long expires_ms; /* 0: never */
    struct entry *newer, *older; /* the LRU list */
    struct entry *next_in_bucket;
};

struct session_store {
    pthread_mutex_t lock;
    int refs;
    size_t capacity;
    long long ttl_ms;
    size_t count;
    size_t bucket_count;
    struct entry **buckets;
    struct entry *newest, *oldest;
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* FNV-1a: keys are short and chosen by our callers, not by attackers alone. */
static size_t hash(const char *key)
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *c = (const unsigned char *)key; *c; c++)
        h = (h ^ *c) * 1099511628211ull;
    return (size_t)h;
}

static void wipe_free(char *text)
{
    if (text) {
        OPENSSL_cleanse(text, strlen(text));
        free(text);
    }
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

bool session_data_copy(struct session_data *to, const struct session_data *from)
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

#define KEY_MAX 512

/* Every part is length-prefixed, so no choice of site or name can make two
 * different users' keys equal. kind: 'u' a username, 'i' a user id. */
static bool make_key(char *key, const char *service, const char *site, char kind, const char *who)
{
    if (!site)
        site = "";
    int len = snprintf(key, KEY_MAX, "%s/%zu:%s/%c%zu:%s", service, strlen(site), site, kind,
                       strlen(who), who);
    return len > 0 && len < KEY_MAX;
}

struct session_store *session_store_new(void)
{
    struct session_store *store = calloc(1, sizeof *store);
    if (!store)
        return NULL;
    store->bucket_count = 1024;
    store->buckets = calloc(store->bucket_count, sizeof *store->buckets);
    if (!store->buckets || pthread_mutex_init(&store->lock, NULL) != 0) {
        free(store->buckets);
        free(store);
        return NULL;
    }
    store->refs = 1;
    store->capacity = 10000;
    store->ttl_ms = 86400000;
    return store;
}

void session_store_retain(struct session_store *store)
{
    pthread_mutex_lock(&store->lock);
    store->refs++;
    pthread_mutex_unlock(&store->lock);
}

static void unlink_entry(struct session_store *store, struct entry *entry)
{
    struct entry **slot = &store->buckets[hash(entry->key) % store->bucket_count];
    while (*slot != entry)
        slot = &(*slot)->next_in_bucket;
    *slot = entry->next_in_bucket;
    if (entry->newer)
        entry->newer->older = entry->older;
    else
        store->newest = entry->older;
    if (entry->older)
        entry->older->newer = entry->newer;
    else
        store->oldest = entry->newer;
    store->count--;
}

static void free_entry(struct entry *entry)
{
    free(entry->key);
    session_data_clear(&entry->data);
    free(entry);
}

static void drop(struct session_store *store, struct entry *entry)
{
    unlink_entry(store, entry);
    free_entry(entry);
}

void session_store_release(struct session_store *store)
{
    if (!store)
        return;
    pthread_mutex_lock(&store->lock);
    bool last = --store->refs == 0;
    pthread_mutex_unlock(&store->lock);
    if (!last)
        return;
    while (store->oldest)
        drop(store, store->oldest);
    pthread_mutex_destroy(&store->lock);
    free(store->buckets);
    free(store);
}

void session_store_set_capacity(struct session_store *store, size_t capacity)
{
    pthread_mutex_lock(&store->lock);
    store->capacity = capacity;
    while (store->count > store->capacity)
        drop(store, store->oldest);
    pthread_mutex_unlock(&store->lock);
}

void session_store_set_ttl(struct session_store *store, long long ttl_ms)
{
    pthread_mutex_lock(&store->lock);
    store->ttl_ms = ttl_ms;
    pthread_mutex_unlock(&store->lock);
}

static struct entry *find(struct session_store *store, const char *key)
{
    struct entry *entry = store->buckets[hash(key) % store->bucket_count];
    while (entry && strcmp(entry->key, key) != 0)
        entry = entry->next_in_bucket;
    if (entry && entry->expires_ms && entry->expires_ms <= now_ms()) {
        drop(store, entry);
        return NULL;
    }
    return entry;
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

static int remember_key(struct session_store *store, const char *key,
                        const struct session_data *data)
{
    struct entry *entry = calloc(1, sizeof *entry);
    if (!entry || !(entry->key = strdup(key)) || !session_data_copy(&entry->data, data)) {
        if (entry)
            free(entry->key);
        free(entry);
        return GG_ENOMEM;
    }
    pthread_mutex_lock(&store->lock);
    struct entry *old = find(store, key);
    if (old)
        drop(store, old);
    if (store->capacity == 0) {
        pthread_mutex_unlock(&store->lock);
        free_entry(entry);
        return GG_OK;
    }
    while (store->count >= store->capacity)
        drop(store, store->oldest);
    entry->expires_ms = store->ttl_ms > 0 ? now_ms() + store->ttl_ms : 0;
    size_t bucket = hash(key) % store->bucket_count;
    entry->next_in_bucket = store->buckets[bucket];
    store->buckets[bucket] = entry;
    make_newest(store, entry);
    store->count++;
    pthread_mutex_unlock(&store->lock);
    return GG_OK;
}

static bool lookup_key(struct session_store *store, const char *key, struct session_data *out)
{
    pthread_mutex_lock(&store->lock);
    struct entry *entry = find(store, key);
    bool found = entry && session_data_copy(out, &entry->data);
    if (found && store->newest != entry) {
        /* Unlink from the LRU list only, then put it back in front. */
        entry->newer->older = entry->older;
        if (entry->older)
            entry->older->newer = entry->newer;
        else
            store->oldest = entry->newer;
        make_newest(store, entry);
    }
    pthread_mutex_unlock(&store->lock);
    return found;
}

static bool forget_key(struct session_store *store, const char *key)
{
    pthread_mutex_lock(&store->lock);
    struct entry *entry = find(store, key);
    if (entry)
        drop(store, entry);
    pthread_mutex_unlock(&store->lock);
    return entry != NULL;
}

int session_remember(struct session_store *store, const char *service,
                     const struct session_data *data)
{
    char key[KEY_MAX];
    int code = GG_OK;
    bool kongregate = strcmp(service, "kongregate") == 0;
    if (data->user_id && make_key(key, service, data->site, 'i', data->user_id))
        code = remember_key(store, key, data);
    if (code == GG_OK && !kongregate && data->username &&
        make_key(key, service, data->site, 'u', data->username))
        code = remember_key(store, key, data);
    return code;
}

static bool same_user(const struct session_data *a, const struct session_data *b)
{
    return a->user_id && b->user_id && strcmp(a->user_id, b->user_id) == 0;
}

enum session_match session_find(struct session_store *store, const char *service,
                                const char *site, const char *who, struct session_data *out)
{
    char key[KEY_MAX];
    struct session_data by_name = {0}, by_id = {0};
    bool named = strcmp(service, "kongregate") != 0 && make_key(key, service, site, 'u', who) &&
                 lookup_key(store, key, &by_name);
    bool numbered = make_key(key, service, site, 'i', who) && lookup_key(store, key, &by_id);
    if (named && numbered && !same_user(&by_name, &by_id)) {
        session_data_clear(&by_name);
        session_data_clear(&by_id);
        return SESSION_AMBIGUOUS;
    }
    *out = named ? by_name : by_id;
    if (named)
        session_data_clear(&by_id);
    return named || numbered ? SESSION_FOUND : SESSION_NONE;
}

bool session_forget(struct session_store *store, const char *service, const char *site,
                    const char *who)
{
    struct session_data data = {0};
    if (session_find(store, service, site, who, &data) != SESSION_FOUND)
        return false;
    char key[KEY_MAX];
    if (data.user_id && make_key(key, service, site, 'i', data.user_id))
        forget_key(store, key);
    if (data.username && make_key(key, service, site, 'u', data.username))
        forget_key(store, key);
    session_data_clear(&data);
    return true;
}

size_t session_count(struct session_store *store)
{
    pthread_mutex_lock(&store->lock);
    size_t count = store->count;
    pthread_mutex_unlock(&store->lock);
    return count;
}
