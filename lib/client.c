#include "client.h"

#include "api_exit.h"
#include "gamegate.h"
#include "last_error.h"
#include "message.h"
#include "platform.h"
#include "transport.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static atomic_ullong serials;

static void lock_for_fork(void *object)
{
    struct gg_client *client = object;
    pthread_mutex_lock(&client->set_lock);
    pthread_mutex_lock(&client->lock);
    pthread_mutex_lock(&client->done_lock);
    engine_lock_for_fork(&client->engine);
}

static void unlock_in_parent(void *object)
{
    struct gg_client *client = object;
    engine_unlock_after_fork(&client->engine);
    pthread_mutex_unlock(&client->done_lock);
    pthread_mutex_unlock(&client->lock);
    pthread_mutex_unlock(&client->set_lock);
}

static void unlock_in_child(void *object)
{
    struct gg_client *client = object;
    /* Not taken before the fork: a Python log callback holding it may wait
     * for the GIL that the forking thread holds. Its holders are not in the
     * child, which starts it anew. */
    pthread_rwlock_init(&client->log_lock, NULL);
    engine_abandon_in_child(&client->engine);
    /* The parent's completions are the parent's; the fd is shared with it. */
    client->done_head = client->done_tail = NULL;
    if (client->done_fd >= 0)
        platform_wake_free(client->done_fd);
    client->done_fd = -1;
    pthread_mutex_unlock(&client->done_lock);
    pthread_mutex_unlock(&client->lock);
    pthread_mutex_unlock(&client->set_lock);
}

GG_EXTERN int gg_client_new(gg_client **out)
{
    if (!out)
        return api_exit(NULL, GG_EINVAL, "out is NULL", NULL, NULL, NULL);
    *out = NULL;
    if (transport_global_init() != GG_OK)
        return api_exit(NULL, GG_ENOMEM, NULL, NULL, NULL, NULL);
    gg_client *client = calloc(1, sizeof *client);
    if (!client)
        return api_exit(NULL, GG_ENOMEM, NULL, NULL, NULL, NULL);
    client->config = config_new();
    bool locks = pthread_mutex_init(&client->lock, NULL) == 0;
    bool set_lock = locks && pthread_mutex_init(&client->set_lock, NULL) == 0;
    bool log_lock = set_lock && pthread_rwlock_init(&client->log_lock, NULL) == 0;
    bool done_lock = log_lock && pthread_mutex_init(&client->done_lock, NULL) == 0;
    client->done_fd = -1;
    bool engine = done_lock && client->config &&
                  engine_init(&client->engine,
                              (long)options_get_number(&client->config->options,
                                                       OPT_MAX_CONNECTIONS)) == 0;
    client->fork = (struct fork_watch){.rank = FORK_RANK_CLIENT, .object = client,
                                       .prepare = lock_for_fork, .parent = unlock_in_parent,
                                       .child = unlock_in_child};
    if (!engine || fork_watch_add(&client->fork) != 0) {
        if (engine)
            engine_cleanup(&client->engine);
        if (done_lock)
            pthread_mutex_destroy(&client->done_lock);
        if (log_lock)
            pthread_rwlock_destroy(&client->log_lock);
        if (set_lock)
            pthread_mutex_destroy(&client->set_lock);
        if (locks)
            pthread_mutex_destroy(&client->lock);
        config_release(client->config);
        free(client);
        return api_exit(NULL, GG_ENOMEM, NULL, NULL, NULL, NULL);
    }
    client->serial = atomic_fetch_add(&serials, 1) + 1;
    *out = client;
    return api_exit(client, GG_OK, NULL, NULL, NULL, NULL);
}

GG_EXTERN void gg_client_free(gg_client *client)
{
    if (!client)
        return;
    fork_watch_remove(&client->fork);
    engine_cleanup(&client->engine);
    if (client->free_completed)
        client->free_completed(client);
    if (client->done_fd >= 0)
        platform_wake_free(client->done_fd);
    pthread_mutex_destroy(&client->done_lock);
    config_release(client->config);
    last_error_set(client->serial, GG_OK, NULL);
    pthread_rwlock_destroy(&client->log_lock);
    pthread_mutex_destroy(&client->set_lock);
    pthread_mutex_destroy(&client->lock);
    free(client);
}

struct config *client_config(struct gg_client *client)
{
    pthread_mutex_lock(&client->lock);
    struct config *config = client->config;
    config_retain(config);
    pthread_mutex_unlock(&client->lock);
    return config;
}

struct config *client_publish(struct gg_client *client, struct config *config)
{
    pthread_mutex_lock(&client->lock);
    struct config *previous = client->config;
    client->config = config;
    pthread_mutex_unlock(&client->lock);
    return previous;
}

void client_set_error(const struct gg_client *client, int code, const char *message)
{
    last_error_set(client->serial, code, message);
}

GG_EXTERN int gg_client_set_log(gg_client *client, gg_log_fn fn, void *userdata)
{
    if (!client)
        return api_exit(NULL, GG_EINVAL, "client is NULL", NULL, NULL, NULL);
    /* Waits for lines being delivered with the previous fn. */
    pthread_rwlock_wrlock(&client->log_lock);
    client->log_fn = fn;
    client->log_userdata = userdata;
    atomic_store(&client->logging, fn != NULL);
    pthread_rwlock_unlock(&client->log_lock);
    return api_exit(client, GG_OK, NULL, NULL, NULL, NULL);
}

void client_log(struct gg_client *client, const struct config *config, int level,
                const struct secrets *secrets, const char *fmt, ...)
{
    if (!atomic_load_explicit(&client->logging, memory_order_relaxed) ||
        level > options_log_level(&config->options))
        return;
    /* Formatted in full: cut before cleaning, a secret could lose its tail
     * and then pass the redaction. */
    struct strbuf line = {0};
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&line, fmt, ap);
    va_end(ap);
    struct secrets all = {0};
    secrets_add_all(&all, secrets);
    options_secrets(&config->options, &all);
    char *clean = line.failed ? NULL : message_clean(line.data ? line.data : "", &all);
    pthread_rwlock_rdlock(&client->log_lock);
    if (clean && client->log_fn)
        client->log_fn(client->log_userdata, level, clean);
    pthread_rwlock_unlock(&client->log_lock);
    free(clean);
    strbuf_release(&line);
}

/* Checks the new value on a copy of the configuration, which is published
 * only when libcurl takes it, so that the options in force always work. */
static int set_option(struct gg_client *client, enum option_id id, const char *value,
                      struct store **opened, struct config **previous, struct strbuf *msg)
{
    struct config *next = config_copy(client->config);
    if (!next) {
        strbuf_adds(msg, "out of memory");
        return GG_ENOMEM;
    }
    int code = options_set(&next->options, id, value, msg);
    if (code == GG_OK)
        code = transport_check_option(&next->options, id, msg);
    if (code != GG_OK) {
        config_release(next);
        return code;
    }
    long long number = options_get_number(&next->options, id);
    if (id == OPT_SESSION_CAPACITY)
        store_set_capacity(next->store, (size_t)number);
    if (id == OPT_SESSION_TTL_MS)
        store_set_ttl(next->store, number);
    if (id == OPT_MAX_CONNECTIONS)
        engine_set_max_connections(&client->engine, (long)number);
    /* The store named again keeps its history: only another store is new. */
    if (id == OPT_SESSION_STORE && strcmp(options_get(&client->config->options, id),
                                          options_get(&next->options, id)) != 0) {
        /* Settings that are the store's own come along. */
        store_set_capacity(*opened, (size_t)options_get_number(&next->options,
                                                               OPT_SESSION_CAPACITY));
        store_set_ttl(*opened, options_get_number(&next->options, OPT_SESSION_TTL_MS));
        store_release(next->store); /* the current config's too: not freed here */
        next->store = *opened;
        *opened = NULL;
    }
    *previous = client_publish(client, next);
    return GG_OK;
}

GG_EXTERN int gg_client_set(gg_client *client, const char *option, const char *value)
{
    if (!client)
        return api_exit(NULL, GG_EINVAL, "client is NULL", NULL, NULL, NULL);
    struct strbuf msg = {0};
    int code;
    enum option_id id = option ? option_find(option) : OPT_NONE;
    struct config *previous = NULL;
    /* A store is opened before set_lock is taken: opening registers fork
     * hooks, and fork() takes the registry's lock before set_lock. */
    struct store *opened =
        id == OPT_SESSION_STORE ? store_open(value ? value : "memory", &msg, &code) : NULL;
    pthread_mutex_lock(&client->set_lock);
    if (id == OPT_SESSION_STORE && !opened) {
        /* refused by store_open: code and msg say why */
    } else if (id == OPT_NONE) {
        /* The name given is not quoted: a key passed in its place would be. */
        const char *nearest = option ? option_nearest(option) : NULL;
        strbuf_adds(&msg, "unknown option");
        message_suggest(&msg, nearest);
        code = GG_EINVAL;
    } else {
        code = set_option(client, id, value, &opened, &previous, &msg);
    }
    pthread_mutex_unlock(&client->set_lock);
    config_release(previous);
    store_release(opened); /* not taken: the same store, or a refusal */
    code = api_exit(client, code, msg.failed ? NULL : msg.data, NULL, NULL, NULL);
    strbuf_release(&msg);
    return code;
}

GG_EXTERN const char *gg_client_errmsg(const gg_client *client)
{
    if (!client)
        return "client is NULL";
    return last_error_get(client->serial);
}
