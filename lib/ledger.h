/* Which deliveries of a Kongregate callback came before, for a store kept in
 * this process (session.store "memory"): each (order, event) is recorded the
 * first time, atomically, so that exactly one delivery reads as the first.
 * Shared stores record them in their backend instead (store.c). */
#ifndef GG_LEDGER_H
#define GG_LEDGER_H

#include "strbuf.h"

#include <stdbool.h>

struct ledger;

/* NULL if out of memory. */
struct ledger *ledger_new(void);
/* NULL is a no-op. */
void ledger_free(struct ledger *ledger);

/* Records key unless a record of it is still kept: *first says whether this
 * call recorded it. Records are kept retention_ms. GG_OK, or GG_ENOMEM with
 * why in msg (nothing was recorded: the caller must not take the delivery
 * as first). */
int ledger_record(struct ledger *ledger, const char *key, long long retention_ms, bool *first,
                  struct strbuf *msg);

#endif
