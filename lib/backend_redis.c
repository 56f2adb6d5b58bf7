/* The shared store in Redis, for a fleet: every server of a game sees the
 * same logins and delivery records, and Redis expires them (PX). Calls
 * borrow a connection from a small pool, so threads do not queue behind one
 * socket; a connection that failed is dropped and the next call opens a new
 * one, so the store recovers by itself once Redis is back. While Redis is
 * unreachable, calls fail at once for a moment instead of each waiting out
 * a connect timeout. */
#include "backend.h"

#include "clock.h"
#include "fork.h"
#include "gamegate.h"
#include "wiping_alloc.h"

#include <curl/curl.h>
#include <errno.h>
#include <hiredis/hiredis.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A LAN round trip is well under a millisecond: two seconds means Redis is
 * gone, not slow. */
#define TIMEOUT_MS 2000
/* After a failed connect, calls fail at once for this long. */
#define RETRY_AFTER_MS 1000
#define POOL_MAX 16
#define DEFAULT_PORT 6379

struct redis_backend {
    struct backend base;
    char *host, *socket_path; /* one of them */
    int port;
    char *user, *password; /* NULL: none */
    char db[12];
    pthread_mutex_t lock; /* the pool, and what the last failure said */
    redisContext *idle[POOL_MAX];
    int idle_count;
    pid_t pid;                /* whose connections idle holds */
    long long down_until_ms;  /* calls fail at once before this */
    char down_because[160];
    struct fork_watch fork;
};

static void lock_for_fork(void *object)
{
    pthread_mutex_lock(&((struct redis_backend *)object)->lock);
}

static void unlock_after_fork(void *object)
{
    pthread_mutex_unlock(&((struct redis_backend *)object)->lock);
}

/* The child opens its own connections: a reply meant for the parent must
 * never be read by it. Freeing closes only the child's copy of each socket. */
static void drop_parents_in_child(void *object)
{
    struct redis_backend *self = object;
    while (self->idle_count > 0)
        redisFree(self->idle[--self->idle_count]);
    self->pid = getpid();
    pthread_mutex_unlock(&self->lock);
}

static void where(const struct redis_backend *self, struct strbuf *msg)
{
    if (self->socket_path)
        strbuf_addf(msg, "Redis at unix:%s", self->socket_path);
    else
        strbuf_addf(msg, "Redis at %s:%d", self->host, self->port);
}

/* hiredis writes with write(): to a peer that closed, that raises SIGPIPE,
 * whose default action ends the process. It is blocked on this thread for
 * the command, and one it raised is taken before unblocking (as libcurl
 * does). */
struct sigpipe_guard {
    sigset_t old;
    bool was_pending;
};

static void block_sigpipe(struct sigpipe_guard *guard)
{
    sigset_t pipe_only, pending;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    sigpending(&pending);
    guard->was_pending = sigismember(&pending, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, &guard->old);
}

static void unblock_sigpipe(const struct sigpipe_guard *guard)
{
    sigset_t pipe_only, pending;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    sigpending(&pending);
    if (!guard->was_pending && sigismember(&pending, SIGPIPE))
        sigtimedwait(&pipe_only, NULL, &(struct timespec){0, 0});
    pthread_sigmask(SIG_SETMASK, &guard->old, NULL);
}

/* Runs one command; the reply, or NULL with c->err and c->errstr set. */
static redisReply *command(redisContext *c, int argc, const char **argv, const size_t *lens)
{
    struct sigpipe_guard guard;
    block_sigpipe(&guard);
    redisReply *reply = redisCommandArgv(c, argc, argv, lens);
    unblock_sigpipe(&guard);
    if (reply && reply->type == REDIS_REPLY_ERROR) {
        /* Redis's own words (WRONGPASS, OOM, READONLY) name no secret. */
        snprintf(c->errstr, sizeof c->errstr, "%.*s", (int)reply->len, reply->str);
        c->err = REDIS_ERR_OTHER;
        freeReplyObject(reply);
        return NULL;
    }
    return reply;
}

/* A read that waited out the timeout: hiredis says only "I/O error". */
static bool timed_out(const redisContext *c)
{
    return c->err == REDIS_ERR_IO && strcmp(c->errstr, strerror(EAGAIN)) == 0;
}

static void explain(const struct redis_backend *self, const redisContext *c, const char *doing,
                    struct strbuf *msg)
{
    strbuf_adds(msg, "session.store: ");
    where(self, msg);
    if (timed_out(c))
        strbuf_addf(msg, " did not answer within %d ms", TIMEOUT_MS);
    else
        strbuf_addf(msg, " %s (%s)", doing, c->errstr[0] ? c->errstr : "no answer");
}

/* A new connection, authenticated, on its database: GG_OK, or GG_ESTORE or
 * GG_ENOMEM with why in msg. */
static int connect_to(struct redis_backend *self, redisContext **out, struct strbuf *msg)
{
    *out = NULL;
    struct timeval timeout = {TIMEOUT_MS / 1000, (TIMEOUT_MS % 1000) * 1000};
    redisContext *c = self->socket_path ? redisConnectUnixWithTimeout(self->socket_path, timeout)
                                        : redisConnectWithTimeout(self->host, self->port, timeout);
    if (!c || c->err == REDIS_ERR_OOM) {
        redisFree(c);
        strbuf_adds(msg, "out of memory");
        return GG_ENOMEM;
    }
    bool ok = !c->err && redisSetTimeout(c, timeout) == REDIS_OK;
    redisReply *reply = NULL;
    if (ok && self->password) {
        const char *argv[] = {"AUTH", self->user ? self->user : self->password, self->password};
        reply = command(c, self->user ? 3 : 2, argv, NULL);
        ok = reply != NULL;
        freeReplyObject(reply);
    }
    if (ok && strcmp(self->db, "0") != 0) {
        reply = command(c, 2, (const char *[]){"SELECT", self->db}, NULL);
        ok = reply != NULL;
        freeReplyObject(reply);
    }
    if (!ok) {
        int code = c->err == REDIS_ERR_OOM ? GG_ENOMEM : GG_ESTORE;
        explain(self, c, "cannot be used", msg);
        redisFree(c);
        return code;
    }
    *out = c;
    return GG_OK;
}

/* Calls fail at once for a moment after Redis failed to answer: each would
 * otherwise wait out its own timeout. */
static void mark_down(struct redis_backend *self, const char *why)
{
    pthread_mutex_lock(&self->lock);
    self->down_until_ms = clock_now_ms() + RETRY_AFTER_MS;
    snprintf(self->down_because, sizeof self->down_because, "%s", why);
    pthread_mutex_unlock(&self->lock);
}

/* Closes every idle connection: when one turned out dead (Redis restarted,
 * or closed idle clients), its neighbours went the same way. */
static void drop_idle(struct redis_backend *self)
{
    redisContext *dropped[POOL_MAX];
    pthread_mutex_lock(&self->lock);
    int count = self->idle_count;
    memcpy(dropped, self->idle, sizeof *dropped * (size_t)count);
    self->idle_count = 0;
    pthread_mutex_unlock(&self->lock);
    while (count > 0)
        redisFree(dropped[--count]);
}

/* A connection: an idle one unless fresh is asked for, else a new one
 * (*pooled says which), even while calls fail at once. NULL with *code and
 * why in msg. */
static redisContext *borrow(struct redis_backend *self, bool fresh, bool *pooled, int *code,
                            struct strbuf *msg)
{
    pthread_mutex_lock(&self->lock);
    bool down = !fresh && clock_now_ms() < self->down_until_ms;
    redisContext *c = !fresh && !down && self->idle_count > 0 ? self->idle[--self->idle_count]
                                                                : NULL;
    if (down)
        strbuf_adds(msg, self->down_because);
    pthread_mutex_unlock(&self->lock);
    *pooled = c != NULL;
    *code = down ? GG_ESTORE : GG_OK;
    if (c || down)
        return c;
    size_t start = msg->len;
    *code = connect_to(self, &c, msg);
    if (*code == GG_ESTORE)
        mark_down(self, msg->data && !msg->failed ? msg->data + start : "");
    return c;
}

/* Back to the pool if it is sound, closed otherwise. */
static void give_back(struct redis_backend *self, redisContext *c)
{
    pthread_mutex_lock(&self->lock);
    if (!c->err && self->idle_count < POOL_MAX && self->pid == getpid()) {
        self->idle[self->idle_count++] = c;
        c = NULL;
    }
    pthread_mutex_unlock(&self->lock);
    if (c)
        redisFree(c);
}

/* Runs one command, on a new connection if fresh; NULL with *code and why
 * in msg, and *unanswered when it may have been sent and applied with its
 * answer lost. A pooled connection may have been closed by Redis since it
 * was last used: when one fails, the pool is emptied, and the command is
 * sent once more on a new connection if resend allows it (never after a
 * timeout: Redis may yet run the first). */
static redisReply *run_on(struct redis_backend *self, bool fresh, int argc, const char **argv,
                          const size_t *lens, bool resend, int *code, bool *unanswered,
                          struct strbuf *msg)
{
    *unanswered = false;
    for (;; fresh = true) {
        bool pooled;
        redisContext *c = borrow(self, fresh, &pooled, code, msg);
        if (!c)
            return NULL;
        redisReply *reply = command(c, argc, argv, lens);
        if (reply) {
            give_back(self, c);
            return reply;
        }
        bool lost = (c->err == REDIS_ERR_IO || c->err == REDIS_ERR_EOF) && !timed_out(c);
        if ((lost && pooled) || timed_out(c))
            drop_idle(self);
        if (lost && pooled && resend && !fresh) {
            *unanswered = true; /* it may have run before the connection dropped */
            redisFree(c);
            continue;
        }
        *unanswered = *unanswered || c->err != REDIS_ERR_OTHER; /* not Redis's own refusal */
        *code = c->err == REDIS_ERR_OOM ? GG_ENOMEM : GG_ESTORE;
        size_t start = msg->len;
        explain(self, c, "failed", msg);
        if (timed_out(c))
            mark_down(self, msg->data && !msg->failed ? msg->data + start : "");
        redisFree(c);
        return NULL;
    }
}

static redisReply *run(struct redis_backend *self, int argc, const char **argv,
                       const size_t *lens, bool resend, int *code, bool *unanswered,
                       struct strbuf *msg)
{
    return run_on(self, false, argc, argv, lens, resend, code, unanswered, msg);
}

static int unexpected(struct redis_backend *self, redisReply *reply, struct strbuf *msg)
{
    freeReplyObject(reply);
    strbuf_adds(msg, "session.store: ");
    where(self, msg);
    strbuf_adds(msg, " gave an answer of the wrong kind (is it Redis?)");
    return GG_ESTORE;
}

/* run() for a command whose answer must be of one type (or nil, if
 * nil_too): NULL with *code and why in msg otherwise. */
static redisReply *run_expecting(struct redis_backend *self, int type, bool nil_too, int argc,
                                 const char **argv, const size_t *lens, int *code,
                                 struct strbuf *msg)
{
    bool unanswered;
    redisReply *reply = run(self, argc, argv, lens, true, code, &unanswered, msg);
    if (reply && reply->type != type && !(nil_too && reply->type == REDIS_REPLY_NIL)) {
        *code = unexpected(self, reply, msg);
        return NULL;
    }
    return reply;
}

static int redis_get(struct backend *base, const char *key, struct strbuf *value, bool *found,
                     struct strbuf *msg)
{
    struct redis_backend *self = (struct redis_backend *)base;
    int code = GG_OK;
    *found = false;
    redisReply *reply = run_expecting(self, REDIS_REPLY_STRING, true, 2,
                                      (const char *[]){"GET", key}, NULL, &code, msg);
    if (reply && reply->type == REDIS_REPLY_STRING) {
        strbuf_add(value, reply->str, reply->len);
        *found = !value->failed;
        if (value->failed) {
            strbuf_adds(msg, "out of memory");
            code = GG_ENOMEM;
        }
    }
    if (reply)
        freeReplyObject(reply);
    return code;
}

static int redis_put(struct backend *base, const char *key, const void *value, size_t len,
                     long long ttl_ms, struct strbuf *msg)
{
    struct redis_backend *self = (struct redis_backend *)base;
    char ttl[24];
    snprintf(ttl, sizeof ttl, "%lld", ttl_ms);
    const char *argv[] = {"SET", key, value, "PX", ttl};
    size_t lens[] = {3, strlen(key), len, 2, strlen(ttl)};
    int code = GG_OK;
    redisReply *reply = run_expecting(self, REDIS_REPLY_STATUS, false, ttl_ms > 0 ? 5 : 3, argv,
                                      lens, &code, msg);
    if (reply)
        freeReplyObject(reply);
    return code;
}

static int redis_remove(struct backend *base, const char *key, bool *removed,
                        struct strbuf *msg)
{
    struct redis_backend *self = (struct redis_backend *)base;
    int code = GG_OK;
    redisReply *reply = run_expecting(self, REDIS_REPLY_INTEGER, false, 2,
                                      (const char *[]){"DEL", key}, NULL, &code, msg);
    *removed = reply && reply->integer > 0; /* Redis holds nothing expired */
    if (reply)
        freeReplyObject(reply);
    return code;
}

/* The first-delivery check, in two steps, so that no answer lost on the way
 * (a connection dropped, Redis stalled past the timeout) can leave a key
 * held by a delivery that was never told it was first:
 * - ADD takes a free key for this call, as "pending:<nonce>", which expires
 *   after PENDING_MS unless confirmed;
 * - CONFIRM makes it "done:<nonce>" for the retention; only its answer
 *   makes the delivery first;
 * - ABORT, after an answer was lost, marks the key "aborted:<nonce>": free
 *   for any other delivery, while this call's own ADD, if it still reaches
 *   Redis, changes nothing.
 * A delivery that finds another's pending key waits for it to be confirmed,
 * up to IN_DOUBT_WAIT_MS, then is in doubt (GG_ESTORE: Kongregate delivers
 * it again).
 * ADD and CONFIRM are idempotent for their nonce, so each may be sent again
 * on a new connection when a pooled one turns out dead. */
#define PENDING_MS 30000
#define IN_DOUBT_WAIT_MS 1000

enum check { CHECK_TAKEN = 1, CHECK_HELD = 0, CHECK_IN_DOUBT = 2 };

static const char ADD_SCRIPT[] =
    "local v = redis.call('GET', KEYS[1]) "
    "if v == false or (string.sub(v, 1, 8) == 'aborted:' and v ~= 'aborted:' .. ARGV[1]) then "
    "  redis.call('SET', KEYS[1], 'pending:' .. ARGV[1], 'PX', ARGV[2]) return 1 end "
    "if v == 'pending:' .. ARGV[1] then return 1 end "
    "if string.sub(v, 1, 5) == 'done:' then return 0 end "
    "return 2";
static const char CONFIRM_SCRIPT[] =
    "local v = redis.call('GET', KEYS[1]) "
    "if v == 'pending:' .. ARGV[1] or v == 'done:' .. ARGV[1] then "
    "  redis.call('SET', KEYS[1], 'done:' .. ARGV[1], 'PX', ARGV[2]) return 1 end "
    "if v and string.sub(v, 1, 5) == 'done:' then return 0 end "
    "return 2";
static const char ABORT_SCRIPT[] =
    "local v = redis.call('GET', KEYS[1]) "
    "if v == false or v == 'pending:' .. ARGV[1] or v == 'done:' .. ARGV[1] "
    "   or string.sub(v, 1, 8) == 'aborted:' then "
    "  redis.call('SET', KEYS[1], 'aborted:' .. ARGV[1], 'PX', ARGV[2]) return 1 end "
    "return 0";

/* Runs one of the scripts: GG_OK with its number in *outcome, or the
 * failure (*unanswered: it may have run). */
static int script(struct redis_backend *self, bool fresh, const char *body, const char *key,
                  const char *nonce, long long ms, long long *outcome, bool *unanswered,
                  struct strbuf *msg)
{
    char ms_text[24];
    snprintf(ms_text, sizeof ms_text, "%lld", ms);
    int code = GG_OK;
    redisReply *reply = run_on(self, fresh, 6,
                               (const char *[]){"EVAL", body, "1", key, nonce, ms_text}, NULL,
                               true, &code, unanswered, msg);
    if (!reply)
        return code;
    if (reply->type != REDIS_REPLY_INTEGER)
        return unexpected(self, reply, msg);
    *outcome = reply->integer;
    freeReplyObject(reply);
    return GG_OK;
}

static int redis_add(struct backend *base, const char *key, long long ttl_ms, bool *added,
                     struct strbuf *msg)
{
    struct redis_backend *self = (struct redis_backend *)base;
    *added = false;
    unsigned char nonce[16];
    char mine[2 * sizeof nonce + 1];
    if (RAND_bytes(nonce, sizeof nonce) != 1) {
        ERR_clear_error();
        strbuf_adds(msg, "out of memory");
        return GG_ENOMEM;
    }
    for (size_t i = 0; i < sizeof nonce; i++)
        snprintf(mine + 2 * i, 3, "%02x", nonce[i]);
    long long outcome = -1;
    /* Whether any script of this call may have run unanswered: then it is
     * withdrawn, whatever the later attempts said. */
    bool unanswered = false, maybe_ran = false;
    struct strbuf lost = {0};
    int code = script(self, false, ADD_SCRIPT, key, mine, PENDING_MS, &outcome, &unanswered,
                      &lost);
    maybe_ran |= unanswered;
    /* A peer being recorded confirms within a round trip or two: waited
     * for, a little, so that a duplicate delivered at the same moment
     * reads as such rather than as an error. */
    for (int wait_ms = 2, waited_ms = 0;
         code == GG_OK && outcome == CHECK_IN_DOUBT && waited_ms < IN_DOUBT_WAIT_MS;
         waited_ms += wait_ms, wait_ms = wait_ms < 100 ? 2 * wait_ms : wait_ms) {
        nanosleep(&(struct timespec){0, wait_ms * 1000000L}, NULL);
        code = script(self, false, ADD_SCRIPT, key, mine, PENDING_MS, &outcome, &unanswered,
                      &lost);
        maybe_ran |= unanswered;
    }
    if (code == GG_OK && outcome == CHECK_TAKEN) {
        code = script(self, false, CONFIRM_SCRIPT, key, mine, ttl_ms, &outcome, &unanswered,
                      &lost);
        maybe_ran |= unanswered;
        if (code != GG_OK && unanswered) { /* once more, on a new connection */
            strbuf_reset(&lost);
            code = script(self, true, CONFIRM_SCRIPT, key, mine, ttl_ms, &outcome, &unanswered,
                          &lost);
            maybe_ran |= unanswered;
        }
    }
    if (code == GG_OK) {
        *added = outcome == CHECK_TAKEN;
        if (outcome == CHECK_IN_DOUBT) {
            strbuf_adds(msg, "session.store: another delivery of this order is being recorded "
                             "at this moment (answer with an error: Kongregate delivers it "
                             "again)");
            code = GG_ESTORE;
        }
    } else if (maybe_ran) {
        /* On a new connection, even while calls fail at once: this call's
         * ADD or CONFIRM may be waiting in Redis, and only this stops it. */
        struct strbuf ignored = {0};
        bool abort_unanswered;
        int aborted = script(self, true, ABORT_SCRIPT, key, mine, PENDING_MS, &outcome,
                             &abort_unanswered, &ignored);
        strbuf_release(&ignored);
        strbuf_add(msg, lost.data ? lost.data : "", lost.len);
        strbuf_adds(msg, aborted == GG_OK ? "; the delivery was not recorded"
                                          : "; whether the delivery was recorded is unknown "
                                            "(reconcile the order by its order_id)");
    } else {
        strbuf_add(msg, lost.data ? lost.data : "", lost.len);
    }
    strbuf_release(&lost);
    return code;
}

static void free_backend(struct redis_backend *self)
{
    while (self->idle_count > 0)
        redisFree(self->idle[--self->idle_count]);
    pthread_mutex_destroy(&self->lock);
    free(self->host);
    free(self->socket_path);
    free(self->user);
    wipe_free(self->password);
    free(self);
}

static void redis_close(struct backend *base)
{
    struct redis_backend *self = (struct redis_backend *)base;
    fork_watch_remove(&self->fork);
    free_backend(self);
}

static const struct backend_ops redis_ops = {
    .get = redis_get, .put = redis_put, .remove = redis_remove, .add = redis_add,
    .close = redis_close};

static bool copy_part(CURLU *url, CURLUPart part, char **to)
{
    char *text = NULL;
    *to = NULL;
    CURLUcode rc = curl_url_get(url, part, &text, CURLU_URLDECODE);
    bool given = rc == CURLUE_OK && *text;
    if (given)
        *to = strdup(text);
    if (text && part == CURLUPART_PASSWORD)
        wipe(text, strlen(text));
    curl_free(text);
    return rc != CURLUE_OUT_OF_MEMORY && (!given || *to);
}

/* The database number of a path "/N" (or none): false if it names none. */
static bool parse_db(const char *path, char db[12])
{
    if (!path || !*path || strcmp(path, "/") == 0) {
        strcpy(db, "0");
        return true;
    }
    size_t len = strlen(path + 1);
    if (len == 0 || len > 5 || strspn(path + 1, "0123456789") != len)
        return false;
    memcpy(db, path + 1, len + 1);
    return true;
}

static const char USAGE[] = "session.store: Redis is named redis://[[user]:password@]host[:port]"
                            "[/db] or unix:///path/to/redis.sock";

/* Fills self from url: GG_OK, GG_EINVAL or GG_ENOMEM. */
static int parse(struct redis_backend *self, const char *url)
{
    static const char UNIX[] = "unix://";
    if (strncmp(url, UNIX, strlen(UNIX)) == 0) {
        const char *path = url + strlen(UNIX);
        if (path[0] != '/')
            return GG_EINVAL;
        strcpy(self->db, "0");
        return (self->socket_path = strdup(path)) ? GG_OK : GG_ENOMEM;
    }
    CURLU *parsed = curl_url();
    if (!parsed)
        return GG_ENOMEM;
    char *port = NULL, *path = NULL, *query = NULL;
    CURLUcode rc = curl_url_set(parsed, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME);
    int code = rc == CURLUE_OUT_OF_MEMORY ? GG_ENOMEM : rc != CURLUE_OK ? GG_EINVAL : GG_OK;
    if (code == GG_OK && !(copy_part(parsed, CURLUPART_HOST, &self->host) &&
                           copy_part(parsed, CURLUPART_USER, &self->user) &&
                           copy_part(parsed, CURLUPART_PASSWORD, &self->password)))
        code = GG_ENOMEM;
    if (code == GG_OK && (!self->host || (self->user && !self->password)))
        code = GG_EINVAL;
    size_t host_len = self->host ? strlen(self->host) : 0;
    if (code == GG_OK && host_len > 2 && self->host[0] == '[') { /* an IPv6 literal */
        memmove(self->host, self->host + 1, host_len - 2);
        self->host[host_len - 2] = '\0';
    }
    if (code == GG_OK) {
        curl_url_get(parsed, CURLUPART_PORT, &port, 0);
        curl_url_get(parsed, CURLUPART_PATH, &path, 0);
        if (curl_url_get(parsed, CURLUPART_QUERY, &query, 0) != CURLUE_NO_QUERY ||
            !parse_db(path, self->db))
            code = GG_EINVAL;
        self->port = port ? atoi(port) : DEFAULT_PORT;
    }
    curl_free(port);
    curl_free(path);
    curl_free(query);
    curl_url_cleanup(parsed);
    return code;
}

struct backend *redis_backend_open(const char *url, struct strbuf *msg, int *code)
{
    struct redis_backend *self = calloc(1, sizeof *self);
    if (!self) {
        strbuf_adds(msg, "out of memory");
        *code = GG_ENOMEM;
        return NULL;
    }
    self->base.ops = &redis_ops;
    self->pid = getpid();
    pthread_mutex_init(&self->lock, NULL);
    self->fork = (struct fork_watch){.rank = FORK_RANK_STORE,
                                     .object = self,
                                     .prepare = lock_for_fork,
                                     .parent = unlock_after_fork,
                                     .child = drop_parents_in_child};
    *code = parse(self, url);
    if (*code == GG_EINVAL)
        strbuf_adds(msg, USAGE);
    /* A first connection now, so that a Redis that cannot be used is said
     * when the option is set; one that goes away later is each call's
     * error until it is back. */
    bool pooled;
    redisContext *c = *code == GG_OK ? borrow(self, true, &pooled, code, msg) : NULL;
    if (c)
        give_back(self, c);
    if (*code == GG_OK && fork_watch_add(&self->fork) != 0)
        *code = GG_ENOMEM;
    if (*code == GG_ENOMEM && !msg->len)
        strbuf_adds(msg, "out of memory");
    if (*code != GG_OK) {
        free_backend(self);
        return NULL;
    }
    return &self->base;
}
