/* Which deliveries of a Kongregate callback came before. Kongregate sends a
 * purchase callback again when it gets no answer, maybe to another server:
 * the ledger records each (order, event) the first time, atomically, so that
 * exactly one delivery reads as the first and an order is awarded once. It
 * lives where session.store says: in this process ("memory"), or in an
 * SQLite file that every process of one machine shares ("sqlite:///path"). */
#ifndef GG_LEDGER_H
#define GG_LEDGER_H

#include "strbuf.h"

#include <stdbool.h>

struct ledger;

/* The ledger that url names, or NULL with *code (GG_EINVAL for a url that
 * names none, GG_ESTORE when the file cannot be opened, GG_ENOMEM) and why
 * in msg. */
struct ledger *ledger_open(const char *url, struct strbuf *msg, int *code);
void ledger_retain(struct ledger *ledger);
/* NULL is a no-op. */
void ledger_release(struct ledger *ledger);

/* Records key unless a record of it is still kept: *first says whether this
 * call recorded it. Records are kept retention_ms. GG_OK, GG_ENOMEM, or
 * GG_ESTORE with why in msg (nothing was recorded or read: the caller must
 * not take the delivery as first). */
int ledger_record(struct ledger *ledger, const char *key, long long retention_ms, bool *first,
                  struct strbuf *msg);

#endif
