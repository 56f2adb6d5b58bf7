#include "ledger.h"

#include "clock.h"
#include "fork.h"
#include "gamegate.h"
#include "hash.h"
#include "ledger_sqlite.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* In this process: keys and their expiry in a table that grows, under one
 * lock (a delivery is rare next to a call). */
struct record {
    char *key;
    long long expires_ms;
};

struct ledger {
    atomic_int refs;
    struct sqlite_ledger *sqlite; /* NULL: kept in memory */
    pthread_mutex_t lock;
    struct record *records;
    size_t count, capacity; /* capacity a power of two, or 0 */
    struct fork_watch fork;
};

static void lock_for_fork(void *object)
{
    pthread_mutex_lock(&((struct ledger *)object)->lock);
}

static void unlock_after_fork(void *object)
{
    pthread_mutex_unlock(&((struct ledger *)object)->lock);
}

static const char SQLITE_PREFIX[] = "sqlite://";

struct ledger *ledger_open(const char *url, struct strbuf *msg, int *code)
{
    struct ledger *ledger = calloc(1, sizeof *ledger);
    if (!ledger) {
        *code = GG_ENOMEM;
        strbuf_adds(msg, "out of memory");
        return NULL;
    }
    atomic_init(&ledger->refs, 1);
    *code = GG_OK;
    if (strncmp(url, SQLITE_PREFIX, strlen(SQLITE_PREFIX)) == 0) {
        const char *path = url + strlen(SQLITE_PREFIX);
        if (path[0] != '/') {
            strbuf_adds(msg, "session.store: sqlite:// takes an absolute path "
                             "(sqlite:///var/lib/game/sessions.db)");
            *code = GG_EINVAL;
        } else {
            ledger->sqlite = sqlite_ledger_open(path, msg, code);
        }
    } else if (strcmp(url, "memory") != 0) {
        strbuf_adds(msg, "session.store is \"memory\" or \"sqlite:///path\"");
        *code = GG_EINVAL;
    }
    if (*code == GG_OK && !ledger->sqlite) {
        pthread_mutex_init(&ledger->lock, NULL);
        ledger->fork = (struct fork_watch){.rank = FORK_RANK_STORE,
                                           .object = ledger,
                                           .prepare = lock_for_fork,
                                           .parent = unlock_after_fork,
                                           .child = unlock_after_fork};
        if (fork_watch_add(&ledger->fork) != 0) {
            pthread_mutex_destroy(&ledger->lock);
            *code = GG_ENOMEM;
            strbuf_adds(msg, "out of memory");
        }
    }
    if (*code != GG_OK) {
        free(ledger);
        return NULL;
    }
    return ledger;
}

void ledger_retain(struct ledger *ledger)
{
    atomic_fetch_add(&ledger->refs, 1);
}

void ledger_release(struct ledger *ledger)
{
    if (!ledger || atomic_fetch_sub(&ledger->refs, 1) != 1)
        return;
    if (ledger->sqlite) {
        sqlite_ledger_close(ledger->sqlite);
    } else {
        fork_watch_remove(&ledger->fork);
        pthread_mutex_destroy(&ledger->lock);
        for (size_t i = 0; i < ledger->capacity; i++)
            free(ledger->records[i].key);
        free(ledger->records);
    }
    free(ledger);
}

/* The slot of key, or of the first free slot on its probe. Lock held. */
static struct record *slot_of(struct ledger *ledger, const char *key)
{
    size_t mask = ledger->capacity - 1;
    for (size_t at = hash_text(key) & mask;; at = (at + 1) & mask)
        if (!ledger->records[at].key || strcmp(ledger->records[at].key, key) == 0)
            return &ledger->records[at];
}

/* Room for one more below three quarters full, dropping what expired on the
 * way. Lock held. */
static bool make_room(struct ledger *ledger, long long now)
{
    if (ledger->capacity && (ledger->count + 1) * 4 <= ledger->capacity * 3)
        return true;
    size_t capacity = ledger->capacity ? ledger->capacity * 2 : 64;
    struct record *old = ledger->records, *records = calloc(capacity, sizeof *records);
    if (!records)
        return false;
    size_t old_capacity = ledger->capacity;
    ledger->records = records;
    ledger->capacity = capacity;
    ledger->count = 0;
    for (size_t i = 0; i < old_capacity; i++) {
        if (!old[i].key)
            continue;
        if (old[i].expires_ms <= now) {
            free(old[i].key);
            continue;
        }
        *slot_of(ledger, old[i].key) = old[i];
        ledger->count++;
    }
    free(old);
    return true;
}

/* Wall-clock time for records in a file: it outlives a reboot, after which
 * the monotonic clock starts again from zero. */
static long long wall_clock_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

int ledger_record(struct ledger *ledger, const char *key, long long retention_ms, bool *first,
                  struct strbuf *msg)
{
    *first = false;
    if (ledger->sqlite)
        return sqlite_ledger_record(ledger->sqlite, key, wall_clock_ms(), retention_ms, first,
                                    msg);
    long long now = clock_now_ms();
    pthread_mutex_lock(&ledger->lock);
    int code = GG_OK;
    if (!make_room(ledger, now)) {
        code = GG_ENOMEM;
    } else {
        struct record *record = slot_of(ledger, key);
        if (record->key && record->expires_ms > now) {
            *first = false;
        } else if (record->key) { /* kept past its retention: a new first */
            record->expires_ms = now + retention_ms;
            *first = true;
        } else if (!(record->key = strdup(key))) {
            code = GG_ENOMEM;
        } else {
            record->expires_ms = now + retention_ms;
            ledger->count++;
            *first = true;
        }
    }
    pthread_mutex_unlock(&ledger->lock);
    if (code == GG_ENOMEM)
        strbuf_adds(msg, "out of memory while recording the delivery");
    return code;
}
