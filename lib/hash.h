/* The hash of the in-process tables (session store, delivery ledger). */
#ifndef GG_HASH_H
#define GG_HASH_H

#include <stdint.h>

/* FNV-1a: keys are short and chosen by our callers, not by attackers alone. */
static inline uint64_t hash_text(const char *key)
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *c = (const unsigned char *)key; *c; c++)
        h = (h ^ *c) * 1099511628211ull;
    return h;
}

#endif
