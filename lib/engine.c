#include "engine.h"

#include "clock.h"
#include "platform.h"

#include <stdint.h>
#include <stdlib.h>

/* The longest a driver sleeps in curl_multi_poll between looks at the
 * queue; new work wakes it at once through curl_multi_wakeup. */
#define POLL_MS 1000

/* A share handle with one lock per kind of data, as libcurl may hold two
 * kinds at once. Allocated with its locks, so a forked child can leave both
 * behind as they are. */
struct engine_share {
    CURLSH *share;
    pthread_mutex_t locks[CURL_LOCK_DATA_LAST];
};

/* What a forked child inherited and must never touch: kept reachable here
 * for the life of the process, because freeing it would talk to the
 * parent's peers. */
struct inherited {
    CURLM *multi;
    struct engine_share *share;
    struct engine_handle *idle[ENGINE_IDLE_MAX];
    struct inherited *older;
};
static struct inherited *inherited_by_this_process; /* written only in a child's fork hook */

static void share_lock(CURL *easy, curl_lock_data data, curl_lock_access access, void *userptr)
{
    (void)easy;
    (void)access;
    struct engine_share *shared = userptr;
    pthread_mutex_lock(&shared->locks[data]);
}

static void share_unlock(CURL *easy, curl_lock_data data, void *userptr)
{
    (void)easy;
    struct engine_share *shared = userptr;
    pthread_mutex_unlock(&shared->locks[data]);
}

static void share_free(struct engine_share *shared)
{
    if (!shared)
        return;
    if (shared->share)
        curl_share_cleanup(shared->share);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_destroy(&shared->locks[i]);
    free(shared);
}

static struct engine_share *share_new(void)
{
    struct engine_share *shared = calloc(1, sizeof *shared);
    if (!shared)
        return NULL;
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_init(&shared->locks[i], NULL);
    CURLSH *share = shared->share = curl_share_init();
    bool ok = share && curl_share_setopt(share, CURLSHOPT_LOCKFUNC, share_lock) == CURLSHE_OK &&
              curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, share_unlock) == CURLSHE_OK &&
              curl_share_setopt(share, CURLSHOPT_USERDATA, shared) == CURLSHE_OK &&
              curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) == CURLSHE_OK &&
              curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) == CURLSHE_OK;
    if (!ok) {
        share_free(shared);
        return NULL;
    }
    return shared;
}

int engine_init(struct engine *engine, long max_connections)
{
    *engine = (struct engine){.max_connections = max_connections};
    if (pthread_mutex_init(&engine->lock, NULL) != 0)
        return -1;
    if (pthread_cond_init(&engine->io_wake, NULL) != 0) {
        pthread_mutex_destroy(&engine->lock);
        return -1;
    }
    return 0;
}

/* The multi and share handles, made on first use. Lock held. */
static bool started(struct engine *engine)
{
    if (engine->multi)
        return true;
    struct engine_share *shared = share_new();
    CURLM *multi = shared ? curl_multi_init() : NULL;
    if (!multi) {
        share_free(shared);
        return false;
    }
    engine->multi = multi;
    engine->share = shared;
    engine->applied_max_connections = 0;
    return true;
}

void engine_set_max_connections(struct engine *engine, long max_connections)
{
    pthread_mutex_lock(&engine->lock);
    engine->max_connections = max_connections;
    pthread_mutex_unlock(&engine->lock);
    /* A driver asleep in poll applies it on waking. */
}

/* Room for the sockets that every transfer under way may open (two while
 * happy eyeballs tries IPv6 and IPv4), made before a transfer starts: the
 * socket callback cannot say "out of memory", only "could not connect".
 * Lock held. */
static bool reserve_sockets(struct engine *engine)
{
    size_t need = engine->socket_count + 2 * (engine->handles_out + 1);
    if (need <= engine->socket_capacity)
        return true;
    size_t capacity = engine->socket_capacity ? engine->socket_capacity : 16;
    while (capacity < need)
        capacity *= 2;
    curl_socket_t *grown = realloc(engine->sockets, capacity * sizeof *grown);
    if (!grown)
        return false;
    engine->sockets = grown;
    engine->socket_capacity = capacity;
    return true;
}

/* libcurl opens every socket here, so that a forked child knows which
 * descriptors are its parent's connections. */
static curl_socket_t open_socket(void *userdata, curlsocktype purpose,
                                 struct curl_sockaddr *address)
{
    struct engine *engine = userdata;
    if (purpose != CURLSOCKTYPE_IPCXN)
        return CURL_SOCKET_BAD;
    /* Made and recorded under the lock that fork() takes first: a child
     * never holds one of these that it does not know of. */
    pthread_mutex_lock(&engine->lock);
    curl_socket_t fd = CURL_SOCKET_BAD;
    if (engine->socket_count < engine->socket_capacity || reserve_sockets(engine))
        fd = platform_socket(address->family, address->socktype, address->protocol);
    if (fd != CURL_SOCKET_BAD)
        engine->sockets[engine->socket_count++] = fd;
    pthread_mutex_unlock(&engine->lock);
    return fd;
}

static int close_socket(void *userdata, curl_socket_t fd)
{
    struct engine *engine = userdata;
    pthread_mutex_lock(&engine->lock);
    for (size_t i = 0; i < engine->socket_count; i++)
        if (engine->sockets[i] == fd) {
            engine->sockets[i] = engine->sockets[--engine->socket_count];
            break;
        }
    int rc = platform_close_socket(fd);
    pthread_mutex_unlock(&engine->lock);
    return rc;
}

/* Gives back a handle's claim on socket room. */
static void handle_returned(struct engine *engine)
{
    pthread_mutex_lock(&engine->lock);
    engine->handles_out--;
    pthread_mutex_unlock(&engine->lock);
}

static void handle_free(struct engine_handle *handle)
{
    curl_easy_cleanup(handle->easy);
    free(handle);
}

void engine_discard(struct engine *engine, struct engine_handle *handle)
{
    handle_returned(engine);
    handle_free(handle);
}

struct engine_handle *engine_checkout(struct engine *engine)
{
    pthread_mutex_lock(&engine->lock);
    if (!reserve_sockets(engine)) {
        pthread_mutex_unlock(&engine->lock);
        return NULL;
    }
    engine->handles_out++;
    if (engine->idle_count) {
        struct engine_handle *handle = engine->idle[--engine->idle_count];
        pthread_mutex_unlock(&engine->lock);
        return handle;
    }
    struct engine_share *shared = started(engine) ? engine->share : NULL;
    pthread_mutex_unlock(&engine->lock);
    struct engine_handle *handle = shared ? calloc(1, sizeof *handle) : NULL;
    if (!handle) {
        handle_returned(engine);
        return NULL;
    }
    handle->share = shared;
    CURL *easy = handle->easy = curl_easy_init();
    bool ok = easy && curl_easy_setopt(easy, CURLOPT_SHARE, shared->share) == CURLE_OK &&
              curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, open_socket) == CURLE_OK &&
              curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, engine) == CURLE_OK &&
              curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, close_socket) == CURLE_OK &&
              curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, engine) == CURLE_OK;
    if (!ok) {
        engine_discard(engine, handle);
        return NULL;
    }
    return handle;
}

void engine_checkin(struct engine *engine, struct engine_handle *handle)
{
    if (!handle)
        return;
    pthread_mutex_lock(&engine->lock);
    engine->handles_out--;
    bool keep = engine->idle_count < ENGINE_IDLE_MAX && handle->share == engine->share;
    if (keep)
        engine->idle[engine->idle_count++] = handle;
    pthread_mutex_unlock(&engine->lock);
    if (!keep)
        handle_free(handle);
}

static void link_active(struct engine *engine, struct engine_job *job)
{
    job->prev_active = NULL;
    job->next_active = engine->active;
    if (engine->active)
        engine->active->prev_active = job;
    engine->active = job;
}

static void unlink_active(struct engine *engine, struct engine_job *job)
{
    if (job->prev_active)
        job->prev_active->next_active = job->next_active;
    else if (engine->active == job)
        engine->active = job->next_active;
    if (job->next_active)
        job->next_active->prev_active = job->prev_active;
    job->prev_active = job->next_active = NULL;
}

/* Marks a job done: wakes its caller, or calls on_done. Called without the
 * lock; an asynchronous job may be freed by its on_done. */
static void finish(struct engine *engine, struct engine_job *job, CURLcode result)
{
    pthread_mutex_lock(&engine->lock);
    job->result = result;
    job->done = true;
    job->in_multi = false;
    unlink_active(engine, job);
    for (struct engine_job **at = &engine->cancelling; *at; at = &(*at)->next_queued)
        if (*at == job) {
            *at = job->next_queued;
            break;
        }
    void (*on_done)(struct engine_job *) = job->on_done;
    if (!on_done)
        pthread_cond_signal(&job->wake);
    pthread_mutex_unlock(&engine->lock);
    if (!on_done)
        return;
    on_done(job); /* may start more asynchronous work before this ends */
    pthread_mutex_lock(&engine->lock);
    engine->async_active--;
    pthread_mutex_unlock(&engine->lock);
}

/* Collects finished transfers. Only the driver calls it. */
static void collect(struct engine *engine, CURLM *multi)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(multi, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        CURL *easy = msg->easy_handle;
        CURLcode result = msg->data.result;
        struct engine_job *job = NULL;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&job);
        curl_multi_remove_handle(multi, easy);
        finish(engine, job, result);
    }
}

/* A failure of the multi handle itself ends every transfer in it: not
 * retried, since the same failure would come back. */
static void fail_all(struct engine *engine, CURLM *multi)
{
    for (;;) {
        pthread_mutex_lock(&engine->lock);
        struct engine_job *job = engine->active;
        while (job && !job->in_multi)
            job = job->next_active;
        pthread_mutex_unlock(&engine->lock);
        if (!job)
            return;
        curl_multi_remove_handle(multi, job->handle->easy);
        finish(engine, job, CURLE_OUT_OF_MEMORY);
    }
}

/* Timers due now, taken out of the list. Lock held. */
static struct engine_timer *take_due(struct engine *engine, long long now)
{
    struct engine_timer **end = &engine->timers;
    while (*end && (*end)->due_ms <= now)
        end = &(*end)->next;
    if (end == &engine->timers)
        return NULL;
    struct engine_timer *due = engine->timers;
    engine->timers = *end;
    *end = NULL;
    return due;
}

/* How long the driver may sleep in poll. Lock held. */
static int poll_wait_ms(const struct engine *engine)
{
    if (!engine->timers)
        return POLL_MS;
    long long wait = engine->timers->due_ms - clock_now_ms();
    return wait <= 0 ? 0 : wait < POLL_MS ? (int)wait : POLL_MS;
}

/* A blocking caller drives until its own job is done; the I/O thread
 * (mine NULL) until no asynchronous work is left. Lock held. */
static bool done_driving(const struct engine *engine, const struct engine_job *mine)
{
    return mine ? mine->done : engine->async_active == 0 || engine->io_stop;
}

/* Runs the multi, timers and cancellations. Entered and left with the lock
 * held; the lock is never held inside libcurl, whose socket callbacks take
 * it, nor while a job's on_done or a timer runs. */
static void drive(struct engine *engine, struct engine_job *mine)
{
    while (!done_driving(engine, mine)) {
        struct engine_job *batch = engine->queued, *cancels = engine->cancelling;
        engine->queued = engine->cancelling = NULL;
        for (struct engine_job *job = batch; job; job = job->next_queued)
            job->in_multi = true;
        struct engine_timer *due = take_due(engine, clock_now_ms());
        long max = engine->max_connections;
        bool apply_max = max != engine->applied_max_connections;
        engine->applied_max_connections = max;
        CURLM *multi = engine->multi;
        pthread_mutex_unlock(&engine->lock);

        if (apply_max) {
            curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, max);
            curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, max);
        }
        size_t fired = 0;
        for (struct engine_timer *timer = due, *next; timer; timer = next, fired++) {
            next = timer->next;
            timer->fire(timer);
        }
        for (struct engine_job *job = cancels, *next; job; job = next) {
            next = job->next_queued;
            curl_multi_remove_handle(multi, job->handle->easy);
            finish(engine, job, CURLE_ABORTED_BY_CALLBACK);
        }
        for (struct engine_job *job = batch, *next; job; job = next) {
            next = job->next_queued;
            if (job->cancel)
                finish(engine, job, CURLE_ABORTED_BY_CALLBACK);
            else if (curl_multi_add_handle(multi, job->handle->easy) != CURLM_OK)
                finish(engine, job, CURLE_OUT_OF_MEMORY);
        }
        int running = 0;
        if (curl_multi_perform(multi, &running) != CURLM_OK) {
            collect(engine, multi);
            fail_all(engine, multi);
        }
        collect(engine, multi);

        pthread_mutex_lock(&engine->lock);
        engine->async_active -= fired;
        if (done_driving(engine, mine) || engine->queued || engine->cancelling)
            continue;
        int wait = poll_wait_ms(engine);
        engine->polling = true;
        pthread_mutex_unlock(&engine->lock);
        curl_multi_poll(multi, NULL, 0, wait, NULL);
        pthread_mutex_lock(&engine->lock);
        engine->polling = false;
    }
}

/* After driving: a waiting blocking caller takes over, else the I/O thread
 * if asynchronous work is left. Lock held. */
static void hand_off(struct engine *engine)
{
    for (struct engine_job *job = engine->active; job; job = job->next_active)
        if (!job->on_done) {
            pthread_cond_signal(&job->wake);
            return;
        }
    if (engine->async_active)
        pthread_cond_signal(&engine->io_wake);
}

/* Lets the driver see new work at once: a driver that is not asleep in
 * poll looks at the queue before it sleeps. Lock held. */
static void nudge(struct engine *engine)
{
    if (engine->driving && engine->polling)
        curl_multi_wakeup(engine->multi);
    else if (!engine->driving)
        pthread_cond_signal(&engine->io_wake);
}

CURLcode engine_run(struct engine *engine, struct engine_handle *handle)
{
    struct engine_job job = {.handle = handle};
    if (pthread_cond_init(&job.wake, NULL) != 0)
        return CURLE_OUT_OF_MEMORY;
    curl_easy_setopt(handle->easy, CURLOPT_PRIVATE, (char *)&job);
    pthread_mutex_lock(&engine->lock);
    if (!started(engine)) {
        pthread_mutex_unlock(&engine->lock);
        pthread_cond_destroy(&job.wake);
        return CURLE_OUT_OF_MEMORY;
    }
    job.next_queued = engine->queued;
    engine->queued = &job;
    link_active(engine, &job);
    if (engine->driving && engine->polling)
        curl_multi_wakeup(engine->multi);
    while (!job.done) {
        if (engine->driving) {
            pthread_cond_wait(&job.wake, &engine->lock);
            continue;
        }
        engine->driving = true;
        drive(engine, &job);
        engine->driving = false;
        hand_off(engine);
    }
    pthread_mutex_unlock(&engine->lock);
    pthread_cond_destroy(&job.wake);
    curl_easy_setopt(handle->easy, CURLOPT_PRIVATE, NULL);
    return job.result;
}

static void *io_main(void *arg)
{
    struct engine *engine = arg;
    pthread_mutex_lock(&engine->lock);
    while (!engine->io_stop) {
        if (engine->driving || engine->async_active == 0) {
            pthread_cond_wait(&engine->io_wake, &engine->lock);
            continue;
        }
        engine->driving = true;
        drive(engine, NULL);
        engine->driving = false;
        hand_off(engine);
    }
    pthread_mutex_unlock(&engine->lock);
    return NULL;
}

/* Counts one more piece of asynchronous work, starting the I/O thread the
 * first time. Lock held. */
static bool add_async_work(struct engine *engine)
{
    if (!started(engine))
        return false;
    if (!engine->io_running) {
        if (pthread_create(&engine->io_thread, NULL, io_main, engine) != 0)
            return false;
        engine->io_running = true;
    }
    engine->async_active++;
    nudge(engine);
    return true;
}

int engine_submit(struct engine *engine, struct engine_job *job)
{
    job->done = job->in_multi = job->cancel = false;
    curl_easy_setopt(job->handle->easy, CURLOPT_PRIVATE, (char *)job);
    pthread_mutex_lock(&engine->lock);
    bool ok = add_async_work(engine);
    if (ok) {
        job->next_queued = engine->queued;
        engine->queued = job;
        link_active(engine, job);
    }
    pthread_mutex_unlock(&engine->lock);
    return ok ? 0 : -1;
}

void engine_cancel(struct engine *engine, struct engine_job *job)
{
    pthread_mutex_lock(&engine->lock);
    if (!job->done && !job->cancel) {
        job->cancel = true; /* a queued job is ended when the driver takes it */
        if (job->in_multi) {
            job->next_queued = engine->cancelling;
            engine->cancelling = job;
        }
        nudge(engine);
    }
    pthread_mutex_unlock(&engine->lock);
}

int engine_timer_start(struct engine *engine, struct engine_timer *timer, long long delay_ms)
{
    timer->due_ms = clock_now_ms() + delay_ms;
    pthread_mutex_lock(&engine->lock);
    bool ok = add_async_work(engine);
    if (ok) {
        struct engine_timer **at = &engine->timers;
        while (*at && (*at)->due_ms <= timer->due_ms)
            at = &(*at)->next;
        timer->next = *at;
        *at = timer;
    }
    pthread_mutex_unlock(&engine->lock);
    return ok ? 0 : -1;
}

bool engine_timer_cancel(struct engine *engine, struct engine_timer *timer)
{
    pthread_mutex_lock(&engine->lock);
    bool found = false;
    for (struct engine_timer **at = &engine->timers; *at; at = &(*at)->next)
        if (*at == timer) {
            *at = timer->next;
            engine->async_active--;
            found = true;
            break;
        }
    pthread_mutex_unlock(&engine->lock);
    return found;
}

void engine_cleanup(struct engine *engine)
{
    pthread_mutex_lock(&engine->lock);
    bool joining = engine->io_running;
    engine->io_stop = true;
    pthread_cond_broadcast(&engine->io_wake);
    if (engine->driving && engine->polling)
        curl_multi_wakeup(engine->multi);
    pthread_mutex_unlock(&engine->lock);
    if (joining)
        pthread_join(engine->io_thread, NULL);
    for (size_t i = 0; i < engine->idle_count; i++)
        handle_free(engine->idle[i]);
    if (engine->multi)
        curl_multi_cleanup(engine->multi);
    share_free(engine->share);
    pthread_cond_destroy(&engine->io_wake);
    pthread_mutex_destroy(&engine->lock);
    free(engine->sockets);
    *engine = (struct engine){0};
}

void engine_lock_for_fork(struct engine *engine)
{
    pthread_mutex_lock(&engine->lock);
}

void engine_unlock_after_fork(struct engine *engine)
{
    pthread_mutex_unlock(&engine->lock);
}

void engine_abandon_in_child(struct engine *engine)
{
    /* Closing a descriptor sends nothing while the parent holds the socket. */
    for (size_t i = 0; i < engine->socket_count; i++)
        platform_close_socket(engine->sockets[i]);
    engine->socket_count = 0;
    if (engine->multi) {
        struct inherited *left = calloc(1, sizeof *left);
        if (left) { /* without memory, forgotten instead: untouched either way */
            left->multi = engine->multi;
            left->share = engine->share;
            for (size_t i = 0; i < engine->idle_count; i++)
                left->idle[i] = engine->idle[i];
            left->older = inherited_by_this_process;
            inherited_by_this_process = left;
        }
    }
    engine->multi = NULL;
    engine->share = NULL;
    engine->idle_count = 0;
    engine->driving = engine->polling = false;
    /* Their callers, and the I/O thread, are threads the child does not have;
     * the parent's asynchronous calls are the parent's to finish. */
    engine->queued = engine->cancelling = engine->active = NULL;
    engine->timers = NULL;
    engine->async_active = 0;
    engine->io_running = engine->io_stop = false;
    pthread_cond_init(&engine->io_wake, NULL);
    engine->handles_out = 0;
    pthread_mutex_unlock(&engine->lock);
}
