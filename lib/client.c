#include "client.h"

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

int client_create(struct gg_client **out)
{
    *out = NULL;
    if (transport_global_init() != GG_OK)
        return GG_ENOMEM;
    struct gg_client *client = calloc(1, sizeof *client);
    if (!client)
        return GG_ENOMEM;
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
        return GG_ENOMEM;
    }
    client->serial = atomic_fetch_add(&serials, 1) + 1;
    *out = client;
    return GG_OK;
}

void client_destroy(struct gg_client *client)
{
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
