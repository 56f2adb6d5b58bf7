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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* Runs one command; the reply, or NULL with why in msg. */
static redisReply *command(redisContext *c, int argc, const char **argv, const size_t *lens)
{
    redisReply *reply = redisCommandArgv(c, argc, argv, lens);
    if (reply && reply->type == REDIS_REPLY_ERROR) {
        /* Redis's own words (WRONGPASS, OOM, READONLY) name no secret. */
        snprintf(c->errstr, sizeof c->errstr, "%.*s", (int)reply->len, reply->str);
        c->err = REDIS_ERR_OTHER;
        freeReplyObject(reply);
        return NULL;
    }
    return reply;
}

static redisContext *connect_to(struct redis_backend *self, struct strbuf *msg)
{
    struct timeval timeout = {TIMEOUT_MS / 1000, (TIMEOUT_MS % 1000) * 1000};
    redisContext *c = self->socket_path ? redisConnectUnixWithTimeout(self->socket_path, timeout)
                                        : redisConnectWithTimeout(self->host, self->port, timeout);
    if (!c) {
        strbuf_adds(msg, "out of memory");
        return NULL;
    }
    bool ok = !c->err && redisSetTimeout(c, timeout) == REDIS_OK;
    redisReply *reply = NULL;
    if (ok && self->password) {
        const char *argv[] = {"AUTH", self->user, self->password};
        if (self->user)
            reply = command(c, 3, argv, NULL);
        else
            reply = command(c, 2, (const char *[]){"AUTH", self->password}, NULL);
        ok = reply != NULL;
        freeReplyObject(reply);
    }
    if (ok && strcmp(self->db, "0") != 0) {
        reply = command(c, 2, (const char *[]){"SELECT", self->db}, NULL);
        ok = reply != NULL;
        freeReplyObject(reply);
    }
    if (!ok) {
        strbuf_adds(msg, "session.store: ");
        where(self, msg);
        strbuf_addf(msg, " cannot be used (%s)", c->errstr[0] ? c->errstr : "no answer");
        redisFree(c);
        return NULL;
    }
    return c;
}

/* A connection: an idle one, or a new one. NULL with why in msg. */
static redisContext *borrow(struct redis_backend *self, struct strbuf *msg)
{
    pthread_mutex_lock(&self->lock);
    redisContext *c = self->idle_count > 0 ? self->idle[--self->idle_count] : NULL;
    bool down = !c && clock_now_ms() < self->down_until_ms;
    if (down)
        strbuf_adds(msg, self->down_because);
    pthread_mutex_unlock(&self->lock);
    if (c || down)
        return c;
    size_t start = msg->len;
    c = connect_to(self, msg);
    if (!c) {
        pthread_mutex_lock(&self->lock);
        self->down_until_ms = clock_now_ms() + RETRY_AFTER_MS;
        snprintf(self->down_because, sizeof self->down_because, "%s",
                 msg->data ? msg->data + start : "out of memory");
        pthread_mutex_unlock(&self->lock);
    }
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

/* Runs one command on a pooled connection; NULL with *code and why in msg.
 * A pooled connection may have been closed by Redis since it was last used:
 * a command that failed on one is sent once more, on a new connection,
 * when retry allows it. */
static redisReply *run(struct redis_backend *self, int argc, const char **argv,
                       const size_t *lens, bool retry, int *code, struct strbuf *msg)
{
    for (int attempt = 0;; attempt++) {
        redisContext *c = borrow(self, msg);
        if (!c) {
            *code = msg->failed ? GG_ENOMEM : GG_ESTORE;
            return NULL;
        }
        redisReply *reply = command(c, argc, argv, lens);
        int err = c->err;
        char why[sizeof c->errstr];
        snprintf(why, sizeof why, "%s", c->errstr);
        give_back(self, c);
        if (reply)
            return reply;
        bool lost = err == REDIS_ERR_IO || err == REDIS_ERR_EOF;
        if (lost && retry && attempt == 0)
            continue;
        strbuf_adds(msg, "session.store: ");
        where(self, msg);
        strbuf_addf(msg, " failed (%s)", err == REDIS_ERR_OOM ? "out of memory"
                                         : why[0]             ? why
                                                              : strerror(errno));
        *code = err == REDIS_ERR_OOM ? GG_ENOMEM : GG_ESTORE;
        return NULL;
    }
}

static int unexpected(struct redis_backend *self, redisReply *reply, struct strbuf *msg)
{
    freeReplyObject(reply);
    strbuf_adds(msg, "session.store: ");
    where(self, msg);
    strbuf_adds(msg, " gave an answer of the wrong kind (is it Redis?)");
    return GG_ESTORE;
}

static int redis_get(struct backend *base, const char *key, struct strbuf *value, bool *found,
                     struct strbuf *msg)
{
    struct redis_backend *self = (struct redis_backend *)base;
    int code = GG_OK;
    *found = false;
    redisReply *reply = run(self, 2, (const char *[]){"GET", key}, NULL, true, &code, msg);
    if (!reply)
        return code;
    if (reply->type == REDIS_REPLY_STRING) {
        strbuf_add(value, reply->str, reply->len);
        *found = !value->failed;
        code = value->failed ? GG_ENOMEM : GG_OK;
    } else if (reply->type != REDIS_REPLY_NIL) {
        return unexpected(self, reply, msg);
    }
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
    redisReply *reply = run(self, ttl_ms > 0 ? 5 : 3, argv, lens, true, &code, msg);
    if (!reply)
        return code;
    if (reply->type != REDIS_REPLY_STATUS)
        return unexpected(self, reply, msg);
    freeReplyObject(reply);
    return GG_OK;
}

static int redis_remove(struct backend *base, const char *key, bool *removed,
                        struct strbuf *msg)
{
    struct redis_backend *self = (struct redis_backend *)base;
    int code = GG_OK;
    *removed = false;
    redisReply *reply = run(self, 2, (const char *[]){"DEL", key}, NULL, true, &code, msg);
    if (!reply)
        return code;
    if (reply->type != REDIS_REPLY_INTEGER)
        return unexpected(self, reply, msg);
    *removed = reply->integer > 0; /* Redis holds nothing expired */
    freeReplyObject(reply);
    return GG_OK;
}

/* SET NX with a value of this call's own: if the connection is lost after
 * Redis applied it, the retry finds the key taken and reads it back to tell
 * "added by this call" from "added by another" (a retry that answered "not
 * first" would leave the order never awarded). */
static int redis_add(struct backend *base, const char *key, long long ttl_ms, bool *added,
                     struct strbuf *msg)
{
    struct redis_backend *self = (struct redis_backend *)base;
    *added = false;
    unsigned char nonce[16];
    char mine[2 * sizeof nonce + 1], ttl[24];
    if (RAND_bytes(nonce, sizeof nonce) != 1) {
        ERR_clear_error();
        strbuf_adds(msg, "out of memory");
        return GG_ENOMEM;
    }
    for (size_t i = 0; i < sizeof nonce; i++)
        snprintf(mine + 2 * i, 3, "%02x", nonce[i]);
    snprintf(ttl, sizeof ttl, "%lld", ttl_ms);
    const char *argv[] = {"SET", key, mine, "NX", "PX", ttl};
    int code = GG_OK;
    struct strbuf first_try = {0};
    redisReply *reply = run(self, 6, argv, NULL, false, &code, &first_try);
    bool ambiguous = !reply && code == GG_ESTORE;
    if (ambiguous) /* sent, maybe applied: ask again, and read back whose it is */
        reply = run(self, 6, argv, NULL, false, &code, msg);
    else if (!reply)
        strbuf_add(msg, first_try.data ? first_try.data : "", first_try.len);
    strbuf_release(&first_try);
    if (!reply)
        return code;
    if (reply->type == REDIS_REPLY_STATUS) {
        *added = true;
    } else if (reply->type == REDIS_REPLY_NIL && ambiguous) {
        freeReplyObject(reply);
        struct strbuf value = {0};
        bool found = false;
        code = redis_get(base, key, &value, &found, msg);
        *added = code == GG_OK && found && strcmp(value.data, mine) == 0;
        strbuf_release(&value);
        return code;
    } else if (reply->type != REDIS_REPLY_NIL) {
        return unexpected(self, reply, msg);
    }
    freeReplyObject(reply);
    return GG_OK;
}

static void free_backend(struct redis_backend *self)
{
    while (self->idle_count > 0)
        redisFree(self->idle[--self->idle_count]);
    pthread_mutex_destroy(&self->lock);
    free(self->host);
    free(self->socket_path);
    free(self->user);
    if (self->password) {
        wipe(self->password, strlen(self->password));
        free(self->password);
    }
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
    redisContext *c = *code == GG_OK ? borrow(self, msg) : NULL;
    if (c)
        give_back(self, c);
    else if (*code == GG_OK)
        *code = msg->failed ? GG_ENOMEM : GG_ESTORE;
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
