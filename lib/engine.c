#include "engine.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

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
    return pthread_mutex_init(&engine->lock, NULL) == 0 ? 0 : -1;
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
    int *grown = realloc(engine->sockets, capacity * sizeof *grown);
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
    int fd = -1;
    if (engine->socket_count < engine->socket_capacity || reserve_sockets(engine))
        fd = socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
    if (fd >= 0)
        engine->sockets[engine->socket_count++] = fd;
    pthread_mutex_unlock(&engine->lock);
    return fd >= 0 ? fd : CURL_SOCKET_BAD;
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
    int rc = close(fd);
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

/* Marks a job done and wakes its caller. Called without the lock. */
static void finish(struct engine *engine, struct engine_job *job, CURLcode result)
{
    pthread_mutex_lock(&engine->lock);
    job->result = result;
    job->done = true;
    pthread_cond_signal(&job->wake);
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
        job->in_multi = false;
        finish(engine, job, result);
    }
}

/* A failure of the multi handle itself ends every transfer in it. */
static void fail_all(struct engine *engine, CURLM *multi, struct engine_job *in_multi[],
                     size_t count, CURLcode result)
{
    for (size_t i = 0; i < count; i++)
        if (in_multi[i]->in_multi) {
            curl_multi_remove_handle(multi, in_multi[i]->handle->easy);
            in_multi[i]->in_multi = false;
            finish(engine, in_multi[i], result);
        }
}

/* Runs the multi until mine is done. Entered and left with the lock held;
 * the lock is never held inside libcurl, whose socket callbacks take it. */
static void drive(struct engine *engine, struct engine_job *mine)
{
    while (!mine->done) {
        struct engine_job *batch = engine->queued;
        engine->queued = NULL;
        long max = engine->max_connections;
        bool apply_max = max != engine->applied_max_connections;
        engine->applied_max_connections = max;
        CURLM *multi = engine->multi;
        pthread_mutex_unlock(&engine->lock);

        if (apply_max) {
            curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, max);
            curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, max);
        }
        for (struct engine_job *job = batch, *next; job; job = next) {
            next = job->next_queued;
            if (curl_multi_add_handle(multi, job->handle->easy) == CURLM_OK)
                job->in_multi = true;
            else
                finish(engine, job, CURLE_OUT_OF_MEMORY);
        }
        int running = 0;
        CURLMcode mc = curl_multi_perform(multi, &running);
        collect(engine, multi);
        if (mc != CURLM_OK) {
            /* Not retried: the same failure would come back. */
            pthread_mutex_lock(&engine->lock);
            size_t count = 0;
            for (struct engine_job *job = engine->waiting; job; job = job->next_waiting)
                count += job->in_multi;
            struct engine_job **stuck = count ? calloc(count, sizeof *stuck) : NULL;
            size_t n = 0;
            for (struct engine_job *job = engine->waiting; stuck && job; job = job->next_waiting)
                if (job->in_multi)
                    stuck[n++] = job;
            pthread_mutex_unlock(&engine->lock);
            if (stuck)
                fail_all(engine, multi, stuck, n, CURLE_OUT_OF_MEMORY);
            else if (count)
                fail_all(engine, multi, &mine, mine->in_multi, CURLE_OUT_OF_MEMORY);
            free(stuck);
        }
        pthread_mutex_lock(&engine->lock);
        if (mine->done || engine->queued)
            continue;
        pthread_mutex_unlock(&engine->lock);
        curl_multi_poll(multi, NULL, 0, POLL_MS, NULL);
        pthread_mutex_lock(&engine->lock);
    }
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
    job.next_waiting = engine->waiting;
    if (engine->waiting)
        engine->waiting->prev_waiting = &job;
    engine->waiting = &job;
    if (engine->driving)
        curl_multi_wakeup(engine->multi);
    while (!job.done) {
        if (engine->driving) {
            pthread_cond_wait(&job.wake, &engine->lock);
            continue;
        }
        engine->driving = true;
        drive(engine, &job);
        engine->driving = false;
        /* Someone still waiting takes over the driving. */
        for (struct engine_job *other = engine->waiting; other; other = other->next_waiting)
            if (!other->done) {
                pthread_cond_signal(&other->wake);
                break;
            }
    }
    if (job.prev_waiting)
        job.prev_waiting->next_waiting = job.next_waiting;
    else
        engine->waiting = job.next_waiting;
    if (job.next_waiting)
        job.next_waiting->prev_waiting = job.prev_waiting;
    pthread_mutex_unlock(&engine->lock);
    pthread_cond_destroy(&job.wake);
    curl_easy_setopt(handle->easy, CURLOPT_PRIVATE, NULL);
    return job.result;
}

void engine_cleanup(struct engine *engine)
{
    for (size_t i = 0; i < engine->idle_count; i++)
        handle_free(engine->idle[i]);
    if (engine->multi)
        curl_multi_cleanup(engine->multi);
    share_free(engine->share);
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
        close(engine->sockets[i]);
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
    engine->driving = false;
    engine->queued = NULL;
    engine->waiting = NULL; /* their callers are threads the child does not have */
    engine->handles_out = 0;
    pthread_mutex_unlock(&engine->lock);
}

size_t engine_open_sockets(struct engine *engine)
{
    pthread_mutex_lock(&engine->lock);
    size_t count = engine->socket_count;
    pthread_mutex_unlock(&engine->lock);
    return count;
}
