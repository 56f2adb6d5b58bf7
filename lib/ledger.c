#include "ledger.h"

#include "clock.h"
#include "fork.h"
#include "gamegate.h"
#include "hash.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* In this process: keys and their expiry in a table that grows, under one
 * lock (a delivery is rare next to a call). */
struct record {
    char *key;
    long long expires_ms;
};

struct ledger {
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

struct ledger *ledger_new(void)
{
    struct ledger *ledger = calloc(1, sizeof *ledger);
    if (!ledger)
        return NULL;
    pthread_mutex_init(&ledger->lock, NULL);
    ledger->fork = (struct fork_watch){.rank = FORK_RANK_STORE,
                                       .object = ledger,
                                       .prepare = lock_for_fork,
                                       .parent = unlock_after_fork,
                                       .child = unlock_after_fork};
    if (fork_watch_add(&ledger->fork) != 0) {
        pthread_mutex_destroy(&ledger->lock);
        free(ledger);
        return NULL;
    }
    return ledger;
}

void ledger_free(struct ledger *ledger)
{
    if (!ledger)
        return;
    fork_watch_remove(&ledger->fork);
    pthread_mutex_destroy(&ledger->lock);
    for (size_t i = 0; i < ledger->capacity; i++)
        free(ledger->records[i].key);
    free(ledger->records);
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

int ledger_record(struct ledger *ledger, const char *key, long long retention_ms, bool *first,
                  struct strbuf *msg)
{
    *first = false;
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
