/* jansson, made safe for what servers send. jansson answers NULL both for
 * bad input and for want of memory, and reports some allocation failures as
 * syntax errors: these tell the two apart, so that an allocation failure is
 * never blamed on the data. And valid JSON jansson cannot hold is kept:
 * numbers beyond 64-bit integers or doubles become strings behind a marker
 * only this process knows, which read back and are written out as the
 * number's own JSON text. */
#ifndef GG_JSON_SAFE_H
#define GG_JSON_SAFE_H

#include <jansson.h>
#include <stddef.h>

/* A JSON string of text: GG_OK, GG_EINVAL (not UTF-8) or GG_ENOMEM. */
json_t *json_safe_string(const char *text, int *code);

/* Parses text (flags as json_loadb's: JSON_ALLOW_NUL lets strings hold NUL,
 * for callers that never read them as C strings). max_cost bounds the memory the tree
 * may take, estimated before parsing (0: no bound). On failure *code is
 * GG_ENOMEM, or GG_EPROTOCOL with a short description of what is wrong in
 * what (never a quote of the text, which may hold a token). */
json_t *json_safe_load(const char *text, size_t len, size_t flags, size_t max_cost, int *code,
                       const char **what);

/* The what of a text refused for the memory its tree would take. */
extern const char json_safe_too_costly[];

/* The JSON text of a number jansson could not hold, or NULL if node is not
 * one. */
const char *json_safe_number_text(const json_t *node);

/* json_dumps (compact, any value) with such numbers written as numbers.
 * free() the text. NULL if out of memory. */
char *json_safe_dump(const json_t *node);

/* Wipes every string of node, member names included, before jansson frees
 * them unwiped (a body may hold a token). The tree stays usable. */
void json_safe_wipe(json_t *node);

#endif
