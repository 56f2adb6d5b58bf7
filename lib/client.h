/* The client handle: its configuration snapshot, its transfers, and the
 * hooks that keep both sound across fork(). Safe to share between threads. */
#ifndef GG_CLIENT_H
#define GG_CLIENT_H

#include "config.h"
#include "engine.h"
#include "fork.h"

#include "gamegate.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

struct gg_client {
    pthread_mutex_t lock;     /* guards config; held only to take or swap it */
    pthread_mutex_t set_lock; /* one change of configuration at a time */
    struct config *config;
    /* Held for reading while a log line or an attempt event is delivered,
     * so that once gg_client_set_log or gg_client_set_observer returns, the
     * previous fn is never called again. */
    pthread_rwlock_t log_lock;
    gg_log_fn log_fn;
    void *log_userdata;
    atomic_bool logging; /* log_fn is set: lines are worth formatting */
    gg_observe_fn observe_fn;
    void *observe_userdata;
    atomic_bool observing; /* observe_fn is set: events are worth making */
    struct engine engine;
    unsigned long long serial; /* names the client in per-thread messages */
    /* Asynchronous calls that completed, for gg_client_next_done (pending.c) */
    pthread_mutex_t done_lock;
    struct call *done_head, *done_tail;
    int done_fd; /* an eventfd, readable while some wait; -1 until needed */
    /* Frees the completed calls nobody took: set by pending.c when it
     * queues one, so that the client, below it, needs no name of it. */
    void (*free_completed)(struct gg_client *client);
    struct fork_watch fork;
};

/* A new client in *out: GG_OK, or GG_ENOMEM with *out NULL. */
int client_create(struct gg_client **out);
/* Frees it: its calls must all be finished. */
void client_destroy(struct gg_client *client);

/* The configuration in force, for one call to hold until config_release. */
struct config *client_config(struct gg_client *client);

/* Makes config (a changed config_copy) the one in force and returns the
 * previous one, which the caller releases after letting go of set_lock:
 * releasing may free a store, which takes the fork registry's lock, and
 * fork() takes set_lock after that one. Called with set_lock held. */
struct config *client_publish(struct gg_client *client, struct config *config);

/* Sends a log line to the client's log fn, cleaned of the secrets and the
 * configuration's keys, if the configuration logs at that level. */
void client_log(struct gg_client *client, const struct config *config, int level,
                const struct secrets *secrets, const char *fmt, ...)
    __attribute__((format(STRBUF_PRINTF, 5, 6)));

/* Stores the outcome of this thread's latest call for gg_client_errmsg:
 * for api_exit alone. */
void client_set_error(const struct gg_client *client, int code, const char *message);

#endif
