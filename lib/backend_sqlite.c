/* The shared store in an SQLite file: every process of one machine (the
 * workers of a pre-fork server) sees the same logins and delivery records,
 * with no server to run. Expiry is by the wall clock (clock_wall_ms). */
#include "backend.h"

#include "clock.h"
#include "fork.h"
#include "gamegate.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Long enough for the other processes' writes to pass, short enough that a
 * call or a callback is answered before its peer gives up. */
#define BUSY_TIMEOUT_MS 5000
/* Expired entries are swept after this many writes. */
#define SWEEP_EVERY 1000
#define NEVER INT64_MAX

enum statement { GET, PUT, REMOVE, ADD, SWEEP, STATEMENT_COUNT };

static const char *const SQL[STATEMENT_COUNT] = {
    [GET] = "SELECT value FROM gamegate_store WHERE key = ?1 AND expires_ms > ?2",
    [PUT] = "INSERT INTO gamegate_store(key, value, expires_ms) VALUES(?1, ?3, ?2)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value,"
            " expires_ms = excluded.expires_ms",
    [REMOVE] = "DELETE FROM gamegate_store WHERE key = ?1 RETURNING expires_ms > ?2",
    /* The insert decides: a key that is new, or whose entry outlived its
     * time, is this caller's. */
    [ADD] = "INSERT INTO gamegate_store(key, value, expires_ms) VALUES(?1, NULL, ?2)"
            " ON CONFLICT(key) DO UPDATE SET value = NULL, expires_ms = excluded.expires_ms"
            " WHERE gamegate_store.expires_ms <= ?3",
    [SWEEP] = "DELETE FROM gamegate_store WHERE expires_ms <= ?1",
};

static const char SCHEMA[] =
    "PRAGMA journal_mode=WAL;"
    "CREATE TABLE IF NOT EXISTS gamegate_store("
    "  key TEXT PRIMARY KEY, value BLOB, expires_ms INTEGER NOT NULL) WITHOUT ROWID;";

struct sqlite_backend {
    struct backend base;
    char *path;
    pthread_mutex_t lock; /* one statement at a time on db; (re)opening */
    sqlite3 *db;          /* NULL until first used, and in a forked child */
    sqlite3_stmt *prepared[STATEMENT_COUNT];
    pid_t pid; /* whose db it is */
    long writes;
    struct fork_watch fork;
};

static void close_db(struct sqlite_backend *self)
{
    if (self->db && self->pid == getpid()) {
        for (int i = 0; i < STATEMENT_COUNT; i++)
            sqlite3_finalize(self->prepared[i]);
        sqlite3_close(self->db);
    }
    memset(self->prepared, 0, sizeof self->prepared);
    self->db = NULL;
}

/* No connection crosses fork(): SQLite keeps lock state per process, so a
 * child holding a copy of the parent's connection would believe it holds
 * file locks the system never gave it, and another process could then
 * checkpoint and delete the WAL under it (records lost: a delivery read as
 * first twice). The connection is closed before the fork, and each process
 * opens its own when it next needs one. */
static void close_for_fork(void *object)
{
    struct sqlite_backend *self = object;
    pthread_mutex_lock(&self->lock);
    close_db(self);
}

static void unlock_after_fork(void *object)
{
    pthread_mutex_unlock(&((struct sqlite_backend *)object)->lock);
}

static int failure(int rc, const char *doing, struct strbuf *msg)
{
    strbuf_addf(msg, "session.store: the SQLite store could not %s (%s)", doing,
                sqlite3_errstr(rc));
    return rc == SQLITE_NOMEM ? GG_ENOMEM : GG_ESTORE;
}

/* Lock held. */
static int open_db(struct sqlite_backend *self, struct strbuf *msg)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(self->path, &db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
    /* Switching a new file to WAL answers SQLITE_BUSY at once, without the
     * busy handler, while another process does the same: tried again. */
    for (int waited_ms = 0; rc == SQLITE_OK || rc == SQLITE_BUSY; waited_ms += 10) {
        rc = sqlite3_exec(db, SCHEMA, NULL, NULL, NULL);
        if (rc != SQLITE_BUSY || waited_ms >= BUSY_TIMEOUT_MS)
            break;
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    if (rc != SQLITE_OK) {
        sqlite3_close(db);
        strbuf_addf(msg, "session.store: the SQLite file cannot be used (%s)",
                    sqlite3_errstr(rc));
        return rc == SQLITE_NOMEM ? GG_ENOMEM : GG_ESTORE;
    }
    self->db = db;
    self->pid = getpid();
    return GG_OK;
}

static long long expiry(long long now_ms, long long ttl_ms)
{
    return ttl_ms > 0 ? now_ms + ttl_ms : NEVER;
}

/* The statement, prepared once per connection, with key and a number bound
 * (as ?1 and ?2), taking the lock; NULL with the lock released on failure.
 * finish() releases the lock. */
static sqlite3_stmt *begin(struct sqlite_backend *self, enum statement which, const char *key,
                           long long number, int *code, struct strbuf *msg)
{
    pthread_mutex_lock(&self->lock);
    *code = GG_OK;
    if (!self->db || self->pid != getpid())
        *code = open_db(self, msg);
    int rc = SQLITE_OK;
    if (*code == GG_OK && !self->prepared[which])
        rc = sqlite3_prepare_v2(self->db, SQL[which], -1, &self->prepared[which], NULL);
    sqlite3_stmt *stmt = self->prepared[which];
    if (rc == SQLITE_OK && *code == GG_OK)
        rc = sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK && *code == GG_OK)
        rc = sqlite3_bind_int64(stmt, 2, number);
    if (rc != SQLITE_OK)
        *code = failure(rc, "prepare a statement", msg);
    if (*code != GG_OK) {
        pthread_mutex_unlock(&self->lock);
        return NULL;
    }
    return stmt;
}

/* Every write may sweep: a store nobody reads from still empties. Lock held. */
static void count_write(struct sqlite_backend *self, long long now_ms)
{
    if (++self->writes % SWEEP_EVERY != 0)
        return;
    sqlite3_stmt *sweep = NULL;
    if (sqlite3_prepare_v2(self->db, SQL[SWEEP], -1, &sweep, NULL) == SQLITE_OK &&
        sqlite3_bind_int64(sweep, 1, now_ms) == SQLITE_OK)
        sqlite3_step(sweep); /* a failed sweep waits for the next */
    sqlite3_finalize(sweep);
}

static void finish(struct sqlite_backend *self, sqlite3_stmt *stmt)
{
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    pthread_mutex_unlock(&self->lock);
}

static int sqlite_get(struct backend *base, const char *key, struct strbuf *value, bool *found,
                      struct strbuf *msg)
{
    struct sqlite_backend *self = (struct sqlite_backend *)base;
    int code;
    *found = false;
    sqlite3_stmt *stmt = begin(self, GET, key, clock_wall_ms(), &code, msg);
    if (!stmt)
        return code;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        const void *blob = sqlite3_column_blob(stmt, 0);
        int len = sqlite3_column_bytes(stmt, 0);
        strbuf_add(value, blob ? blob : "", (size_t)len);
        code = value->failed ? GG_ENOMEM : GG_OK;
        *found = code == GG_OK;
    } else if (rc != SQLITE_DONE) {
        code = failure(rc, "read", msg);
    }
    finish(self, stmt);
    return code;
}

static int sqlite_put(struct backend *base, const char *key, const void *value, size_t len,
                      long long ttl_ms, struct strbuf *msg)
{
    struct sqlite_backend *self = (struct sqlite_backend *)base;
    long long now_ms = clock_wall_ms();
    int code;
    sqlite3_stmt *stmt = begin(self, PUT, key, expiry(now_ms, ttl_ms), &code, msg);
    if (!stmt)
        return code;
    int rc = len > INT32_MAX ? SQLITE_TOOBIG
                             : sqlite3_bind_blob(stmt, 3, value, (int)len, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE)
        count_write(self, now_ms);
    else
        code = failure(rc, "write", msg);
    finish(self, stmt);
    return code;
}

static int sqlite_remove(struct backend *base, const char *key, bool *removed,
                         struct strbuf *msg)
{
    struct sqlite_backend *self = (struct sqlite_backend *)base;
    int code;
    *removed = false;
    sqlite3_stmt *stmt = begin(self, REMOVE, key, clock_wall_ms(), &code, msg);
    if (!stmt)
        return code;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *removed = sqlite3_column_int(stmt, 0) != 0;
        rc = sqlite3_step(stmt);
    }
    if (rc != SQLITE_DONE) {
        *removed = false;
        code = failure(rc, "remove an entry", msg);
    }
    finish(self, stmt);
    return code;
}

static int sqlite_add(struct backend *base, const char *key, long long ttl_ms, bool *added,
                      struct strbuf *msg)
{
    struct sqlite_backend *self = (struct sqlite_backend *)base;
    long long now_ms = clock_wall_ms();
    int code;
    *added = false;
    sqlite3_stmt *stmt = begin(self, ADD, key, expiry(now_ms, ttl_ms), &code, msg);
    if (!stmt)
        return code;
    int rc = sqlite3_bind_int64(stmt, 3, now_ms);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) {
        *added = sqlite3_changes(self->db) == 1;
        count_write(self, now_ms);
    } else {
        code = failure(rc, "record", msg);
    }
    finish(self, stmt);
    return code;
}

static void sqlite_close(struct backend *base)
{
    struct sqlite_backend *self = (struct sqlite_backend *)base;
    fork_watch_remove(&self->fork);
    close_db(self);
    pthread_mutex_destroy(&self->lock);
    free(self->path);
    free(self);
}

static const struct backend_ops sqlite_ops = {
    .get = sqlite_get, .put = sqlite_put, .remove = sqlite_remove, .add = sqlite_add,
    .close = sqlite_close};

struct backend *sqlite_backend_open(const char *path, struct strbuf *msg, int *code)
{
    if (path[0] != '/') {
        strbuf_adds(msg, "session.store: sqlite:// takes an absolute path "
                         "(sqlite:///var/lib/game/sessions.db)");
        *code = GG_EINVAL;
        return NULL;
    }
    struct sqlite_backend *self = calloc(1, sizeof *self);
    if (!self || !(self->path = strdup(path))) {
        free(self);
        strbuf_adds(msg, "out of memory");
        *code = GG_ENOMEM;
        return NULL;
    }
    self->base.ops = &sqlite_ops;
    pthread_mutex_init(&self->lock, NULL);
    /* Opened now, so that a path that cannot hold a database is said when
     * the option is set, not at the first login. */
    *code = open_db(self, msg);
    self->fork = (struct fork_watch){.rank = FORK_RANK_STORE,
                                     .object = self,
                                     .prepare = close_for_fork,
                                     .parent = unlock_after_fork,
                                     .child = unlock_after_fork};
    if (*code == GG_OK && fork_watch_add(&self->fork) != 0) {
        strbuf_adds(msg, "out of memory");
        *code = GG_ENOMEM;
        close_db(self);
    }
    if (*code != GG_OK) {
        pthread_mutex_destroy(&self->lock);
        free(self->path);
        free(self);
        return NULL;
    }
    return &self->base;
}
