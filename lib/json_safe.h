/* jansson answers NULL both for bad input and for want of memory, and reports
 * some allocation failures as syntax errors. These tell the two apart, so
 * that an allocation failure is never blamed on the data. */
#ifndef GG_JSON_SAFE_H
#define GG_JSON_SAFE_H

#include <jansson.h>
#include <stddef.h>

/* A JSON string of text: GG_OK, GG_EINVAL (not UTF-8) or GG_ENOMEM. */
json_t *json_safe_string(const char *text, int *code);

/* Parses text (flags as json_loadb's). On failure *code is GG_ENOMEM, or
 * GG_EPROTOCOL with a short description of what is wrong in what (never a
 * quote of the text, which may hold a token). */
json_t *json_safe_load(const char *text, size_t len, size_t flags, int *code,
                       const char **what);

#endif
