/* Logins at rest in a store other processes share (SQLite, Redis): sealed
 * with AES-256-GCM under a key derived (HKDF-SHA256) from a secret the game
 * already holds, so that a dump of the store shows no token, and an entry
 * altered, or moved to another user's key, opens as nothing. */
#ifndef GG_SEAL_H
#define GG_SEAL_H

#include "strbuf.h"

#include <stdbool.h>
#include <stddef.h>

#define SEAL_KEY_SIZE 32

/* The key for one service's logins from secret (the api_key or developer
 * key, or session.key): false if OpenSSL failed (out of memory). */
bool seal_derive_key(const char *secret, const char *service,
                     unsigned char key[SEAL_KEY_SIZE]);

/* Appends to out: a version byte, a random nonce, plain encrypted, and the
 * tag over both and context (the entry's key in the store, which is not
 * stored within). False if out of memory. */
bool seal(const unsigned char key[SEAL_KEY_SIZE], const char *context, const char *plain,
          size_t plain_len, struct strbuf *out);

/* Appends the plain text of sealed to out: false if it was not sealed under
 * this key and context, was altered, or memory ran out (*nomem then). */
bool seal_open(const unsigned char key[SEAL_KEY_SIZE], const char *context,
               const unsigned char *sealed, size_t sealed_len, struct strbuf *out, bool *nomem);

#endif
