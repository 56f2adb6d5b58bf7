/* The client handle: its configuration snapshot, its transfers, and the
 * hooks that keep both sound across fork(). Safe to share between threads. */
#ifndef GG_CLIENT_H
#define GG_CLIENT_H

#include "config.h"
#include "engine.h"
#include "fork.h"

#include "gamegate.h"

#include <pthread.h>
#include <stddef.h>

struct gg_client {
    pthread_mutex_t lock;     /* guards config; held only to take or swap it */
    pthread_mutex_t set_lock; /* one change of configuration at a time */
    struct config *config;
    struct engine engine;
    unsigned long long serial; /* names the client in per-thread messages */
    struct fork_watch fork;
};

/* The configuration in force, for one call to hold until config_release. */
struct config *client_config(struct gg_client *client);

/* Makes config (a changed config_copy) the one in force; the previous one
 * lives on in the calls that hold it. Called with set_lock held. */
void client_publish(struct gg_client *client, struct config *config);

/* Sends a log line, cleaned of the secrets and the configuration's keys, if
 * the configuration logs at that level. */
void client_log(const struct config *config, int level, const char *const *secrets,
                size_t secret_count, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Stores the outcome of this thread's latest call for gg_client_errmsg. */
void client_set_error(const struct gg_client *client, int code, const char *message);

#endif
