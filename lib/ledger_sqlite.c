/* The ledger in an SQLite file: every process of one machine (the workers of
 * a pre-fork server) sees the same records. The insert decides: a key that
 * is new, or whose record outlived its retention, is this delivery's. */
#include "ledger_sqlite.h"

#include "fork.h"
#include "gamegate.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Long enough for the other processes' inserts to pass, short enough that a
 * callback is answered before Kongregate gives up on it. */
#define BUSY_TIMEOUT_MS 5000
/* Expired records are swept after this many inserts. */
#define SWEEP_EVERY 1000

struct sqlite_ledger {
    char *path;
    pthread_mutex_t lock; /* one statement at a time on db; (re)opening */
    sqlite3 *db;          /* NULL until first used, and in a forked child */
    pid_t pid;            /* whose db it is */
    long inserts;
    struct fork_watch fork;
};

/* No connection crosses fork(): SQLite keeps lock state per process, so a
 * child holding a copy of the parent's connection would believe it holds
 * file locks the system never gave it, and another process could then
 * checkpoint and delete the WAL under it (records lost: a delivery read as
 * first twice). The connection is closed before the fork, and each process
 * opens its own when it next records. */
static void close_for_fork(void *object)
{
    struct sqlite_ledger *ledger = object;
    pthread_mutex_lock(&ledger->lock);
    if (ledger->db && ledger->pid == getpid())
        sqlite3_close(ledger->db);
    ledger->db = NULL;
}

static void unlock_after_fork(void *object)
{
    pthread_mutex_unlock(&((struct sqlite_ledger *)object)->lock);
}

static const char SCHEMA[] =
    "PRAGMA journal_mode=WAL;"
    "CREATE TABLE IF NOT EXISTS gamegate_deliveries("
    "  key TEXT PRIMARY KEY, expires_ms INTEGER NOT NULL) WITHOUT ROWID;";

/* Lock held. */
static int open_db(struct sqlite_ledger *ledger, struct strbuf *msg)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(ledger->path, &db,
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
        strbuf_addf(msg, "session.store: the SQLite file cannot be used (%s)",
                    sqlite3_errstr(rc));
        sqlite3_close(db);
        return rc == SQLITE_NOMEM ? GG_ENOMEM : GG_ESTORE;
    }
    ledger->db = db;
    ledger->pid = getpid();
    return GG_OK;
}

struct sqlite_ledger *sqlite_ledger_open(const char *path, struct strbuf *msg, int *code)
{
    struct sqlite_ledger *ledger = calloc(1, sizeof *ledger);
    if (!ledger || !(ledger->path = strdup(path))) {
        free(ledger);
        strbuf_adds(msg, "out of memory");
        *code = GG_ENOMEM;
        return NULL;
    }
    pthread_mutex_init(&ledger->lock, NULL);
    /* Opened now, so that a path that cannot hold a database is said when
     * the option is set, not at the first purchase. */
    *code = open_db(ledger, msg);
    ledger->fork = (struct fork_watch){.rank = FORK_RANK_STORE,
                                       .object = ledger,
                                       .prepare = close_for_fork,
                                       .parent = unlock_after_fork,
                                       .child = unlock_after_fork};
    if (*code == GG_OK && fork_watch_add(&ledger->fork) != 0) {
        strbuf_adds(msg, "out of memory");
        *code = GG_ENOMEM;
        sqlite3_close(ledger->db);
    }
    if (*code != GG_OK) {
        pthread_mutex_destroy(&ledger->lock);
        free(ledger->path);
        free(ledger);
        return NULL;
    }
    return ledger;
}

void sqlite_ledger_close(struct sqlite_ledger *ledger)
{
    fork_watch_remove(&ledger->fork);
    if (ledger->db && ledger->pid == getpid())
        sqlite3_close(ledger->db);
    pthread_mutex_destroy(&ledger->lock);
    free(ledger->path);
    free(ledger);
}

static const char RECORD[] =
    "INSERT INTO gamegate_deliveries(key, expires_ms) VALUES(?1, ?2)"
    " ON CONFLICT(key) DO UPDATE SET expires_ms = excluded.expires_ms"
    " WHERE gamegate_deliveries.expires_ms <= ?3";

static const char SWEEP[] = "DELETE FROM gamegate_deliveries WHERE expires_ms <= ?1";

/* Runs one statement with key (may be NULL) and the numbers. Lock held. */
static int run(sqlite3 *db, const char *sql, const char *key, long long a, long long b)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
    int n = 1;
    if (rc == SQLITE_OK && key)
        rc = sqlite3_bind_text(stmt, n++, key, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(stmt, n++, a);
    if (rc == SQLITE_OK && key)
        rc = sqlite3_bind_int64(stmt, n, b);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int sqlite_ledger_record(struct sqlite_ledger *ledger, const char *key, long long now_ms,
                         long long retention_ms, bool *first, struct strbuf *msg)
{
    pthread_mutex_lock(&ledger->lock);
    int code = GG_OK;
    if (!ledger->db || ledger->pid != getpid())
        code = open_db(ledger, msg);
    if (code == GG_OK) {
        int rc = run(ledger->db, RECORD, key, now_ms + retention_ms, now_ms);
        if (rc == SQLITE_OK) {
            *first = sqlite3_changes(ledger->db) == 1;
            if (++ledger->inserts % SWEEP_EVERY == 0)
                run(ledger->db, SWEEP, NULL, now_ms, 0); /* a failed sweep waits for the next */
        } else {
            strbuf_addf(msg, "the delivery could not be recorded in the SQLite store (%s)",
                        sqlite3_errstr(rc));
            code = rc == SQLITE_NOMEM ? GG_ENOMEM : GG_ESTORE;
        }
    }
    pthread_mutex_unlock(&ledger->lock);
    return code;
}
