/* Turns a response body into the JSON tree that results expose. */
#ifndef GG_RESPONSE_H
#define GG_RESPONSE_H

#include "strbuf.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* A parsed body may take at most this many times max_response_bytes: a
 * body of empty arrays would otherwise cost 45 times its size, of empty
 * objects 77 times. */
#define RESPONSE_COST_FACTOR 8

/* Parses body, removing JSONP padding and, when unwrap_single_array is set,
 * a one-element array around an object; refuses a body whose tree would
 * take more than max_cost bytes (0: no bound). GG_OK with *out set, or
 * GG_EPROTOCOL (or GG_ENOMEM) with the reason in msg. */
int response_parse(const char *body, size_t len, bool unwrap_single_array, size_t max_cost,
                   json_t **out, struct strbuf *msg);

/* A field of an object as text: a string as itself, an integer written into
 * scratch (both services send ids either way), a number too large for
 * jansson as its JSON text; NULL otherwise, or for an integer when scratch
 * is NULL. */
const char *response_field_text(const json_t *object, const char *key, char *scratch,
                                size_t size);

/* "an object", "a string", ...: for messages about a body of the wrong shape. */
const char *response_kind(const json_t *value);

#endif
