/* The ledger's SQLite backend: records in a file that every process of one
 * machine shares (ledger.c chooses it for session.store sqlite:///path). */
#ifndef GG_LEDGER_SQLITE_H
#define GG_LEDGER_SQLITE_H

#include "strbuf.h"

#include <stdbool.h>

struct sqlite_ledger;

/* Opens (creating it if need be) the file at the absolute path: NULL with
 * *code GG_ESTORE or GG_ENOMEM and why in msg. */
struct sqlite_ledger *sqlite_ledger_open(const char *path, struct strbuf *msg, int *code);
void sqlite_ledger_close(struct sqlite_ledger *ledger);
/* As ledger_record, at now_ms. */
int sqlite_ledger_record(struct sqlite_ledger *ledger, const char *key, long long now_ms,
                         long long retention_ms, bool *first, struct strbuf *msg);

#endif
