/* A client's configuration as one immutable snapshot: calls in flight keep
 * the one they started with while gg_client_set publishes the next, so a
 * change never frees a value that another thread is reading. */
#ifndef GG_CONFIG_H
#define GG_CONFIG_H

#include "gamegate.h"
#include "options.h"
#include "store.h"

#include <stdatomic.h>

struct config {
    struct options options;
    /* One reference, possibly shared with other clients: what logins
     * taught, and which deliveries were seen. */
    struct store *store;
    unsigned long generation; /* differs between any two snapshots; never 0 */
    atomic_int refs;
};

/* Default options and a new store; NULL if out of memory. */
struct config *config_new(void);
/* A copy to change before publishing it, with a generation of its own;
 * NULL if out of memory. */
struct config *config_copy(const struct config *from);
void config_retain(struct config *config);
/* Frees it (wiping its keys) with the last reference. NULL is a no-op. */
void config_release(struct config *config);

#endif
