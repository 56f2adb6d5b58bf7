/* The last line of defence for every message gamegate hands out: no secret,
 * no control character, no unbounded length. */
#ifndef GG_MESSAGE_H
#define GG_MESSAGE_H

#include "strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/* Messages are cut to this many bytes; the service's own text can be long. */
#define MESSAGE_MAX_BYTES 1024
/* Shorter "secrets" (test dummies like "t") are left alone: redacting every
 * 't' would garble the message and protect nothing. */
#define MESSAGE_MIN_SECRET_BYTES 4
/* More than any endpoint has secret parameters and statistic names
 * (REQUEST_MAX_EXTRAS), plus the client's keys. */
#define MESSAGE_MAX_SECRETS 128

/* What a message must not contain: borrowed strings, which must outlive
 * it. Past MESSAGE_MAX_SECRETS, more are not kept. */
struct secrets {
    const char *items[MESSAGE_MAX_SECRETS];
    size_t count;
};

/* NULL is skipped, as is anything once the set is full. */
void secrets_add(struct secrets *secrets, const char *secret);
void secrets_add_all(struct secrets *secrets, const struct secrets *more);

/* A cleaned copy of text: every occurrence of a secret of at least
 * MESSAGE_MIN_SECRET_BYTES replaced by "[redacted]", control characters by
 * '?', cut at MESSAGE_MAX_BYTES on a character boundary. secrets may be
 * NULL. NULL if out of memory. */
char *message_clean(const char *text, const struct secrets *secrets);

/* text with every secret of at least MESSAGE_MIN_SECRET_BYTES replaced by
 * "[redacted]", as sent and percent-encoded (a server may echo the request):
 * nothing else changed. NULL if out of memory. */
char *message_redact(const char *text, const struct secrets *secrets);

/* A caller's name is never quoted back (a key slipped into a name's place
 * would be): messages suggest the nearest of the known names instead, or
 * NULL when none is near. */
const char *message_nearest(const char *given, const char *const *names, size_t count);
/* Appends " (did you mean 'nearest'?)", when there is a nearest. */
void message_suggest(struct strbuf *msg, const char *nearest);

#endif
