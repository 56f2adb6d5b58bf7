/* The transfers of one client: a libcurl multi handle whose connection
 * cache every call shares, bounded by max_connections, with DNS answers and
 * TLS sessions shared through a share handle. Blocking calls drive it
 * themselves: whichever caller finds no one driving runs the multi for
 * everyone until its own transfer is done, then hands over to a caller
 * still waiting. Asynchronous calls share the same multi, and so the same
 * connections: while any is under way, an I/O thread drives whenever no
 * blocking caller does.
 *
 * The driver runs curl_multi_perform and curl_multi_poll. At 1000 transfers
 * in flight, curl_multi_socket_action on an epoll set reaches the same calls
 * per second with about a quarter less CPU per call (make bench's two raw
 * driver rows), but libcurl 7.88 (Debian 12's) dies of a division by zero
 * inside curl_multi_socket_action when an allocation fails while it tracks
 * a socket (the allocation-failure test found it), which the perform/poll
 * pair never reaches. */
#ifndef GG_ENGINE_H
#define GG_ENGINE_H

#include <curl/curl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct engine_share;

/* An easy handle and the option generation it was configured for. */
struct engine_handle {
    CURL *easy;
    unsigned long configured; /* 0: not yet configured */
    struct engine_share *share; /* the share it was made with */
};

/* One transfer: a blocking caller waits for it (engine_run), or on_done
 * is called when it ends (engine_submit). */
struct engine_job {
    struct engine_handle *handle;
    CURLcode result;
    bool done;
    bool in_multi;
    bool cancel;         /* asked to end now (engine_cancel) */
    pthread_cond_t wake; /* blocking: done, or asked to take over driving */
    /* Asynchronous: called once, on the driving thread, without locks. */
    void (*on_done)(struct engine_job *job);
    struct engine_job *next_queued;
    struct engine_job *prev_active, *next_active;
};

/* A wait that runs fire on the driving thread once due (a retry's
 * back-off), unless cancelled first. */
struct engine_timer {
    long long due_ms;
    void (*fire)(struct engine_timer *timer);
    struct engine_timer *next;
};

/* At most this many idle easy handles are kept for reuse. */
#define ENGINE_IDLE_MAX 64

struct engine {
    pthread_mutex_t lock; /* guards everything below but the multi's insides */
    CURLM *multi;         /* NULL until the first transfer, and in a forked child */
    struct engine_share *share;
    long max_connections;
    long applied_max_connections;
    bool driving;
    bool polling; /* the driver sleeps in curl_multi_poll: new work must wake it */
    struct engine_job *queued;     /* to be added to the multi by the driver */
    struct engine_job *cancelling; /* to be taken out of the multi by the driver */
    struct engine_job *active;     /* every job not yet done */
    struct engine_timer *timers;   /* soonest first */
    /* Asynchronous work under way (jobs and timers): while there is some, the
     * I/O thread drives whenever no blocking caller does. */
    size_t async_active;
    pthread_t io_thread;
    bool io_running, io_stop;
    pthread_cond_t io_wake;
    struct engine_handle *idle[ENGINE_IDLE_MAX];
    size_t idle_count;
    curl_socket_t *sockets; /* every socket this engine's transfers opened and hold */
    size_t socket_count, socket_capacity;
    size_t handles_out; /* checked out, each of which may open sockets */
};

int engine_init(struct engine *engine, long max_connections);
void engine_cleanup(struct engine *engine);
void engine_set_max_connections(struct engine *engine, long max_connections);

/* An easy handle for one transfer, reused when one is idle; NULL when out of
 * memory. Give it back with engine_checkin. */
struct engine_handle *engine_checkout(struct engine *engine);
void engine_checkin(struct engine *engine, struct engine_handle *handle);
/* Frees a checked-out handle instead of giving it back. */
void engine_discard(struct engine *engine, struct engine_handle *handle);

/* Runs the handle's transfer to its end and returns its libcurl code. */
CURLcode engine_run(struct engine *engine, struct engine_handle *handle);

/* Starts job (its handle and on_done set) and returns at once; 0, or -1
 * when the I/O thread could not be started. */
int engine_submit(struct engine *engine, struct engine_job *job);
/* Ends a submitted job now: it completes with CURLE_ABORTED_BY_CALLBACK
 * unless it already completed. */
void engine_cancel(struct engine *engine, struct engine_job *job);
/* Arms a timer that counts as asynchronous work until it fires; 0 or -1. */
int engine_timer_start(struct engine *engine, struct engine_timer *timer, long long delay_ms);
/* Disarms it; false if it already fired (or is firing). */
bool engine_timer_cancel(struct engine *engine, struct engine_timer *timer);

/* For the fork hooks of the engine's owner: the lock alone before a fork;
 * in the child, everything the parent's connections own is left untouched
 * (a TLS close_notify would end them for the parent too) and their sockets
 * are closed, so that the child's first transfer opens its own. */
void engine_lock_for_fork(struct engine *engine);
void engine_unlock_after_fork(struct engine *engine);
void engine_abandon_in_child(struct engine *engine);

#endif
