/* A growable byte string whose allocation failure is sticky, so that a
 * sequence of appends needs one check at the end instead of one per append. */
#ifndef GG_STRBUF_H
#define GG_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* MinGW's printf family is C99's only with __USE_MINGW_ANSI_STDIO, whose
 * formats the compiler checks under another name. */
#ifdef __MINGW_PRINTF_FORMAT
#  define STRBUF_PRINTF __MINGW_PRINTF_FORMAT
#else
#  define STRBUF_PRINTF printf
#endif

struct strbuf {
    char *data;
    size_t len;
    size_t cap;
    bool failed;
};

void strbuf_add(struct strbuf *sb, const char *bytes, size_t len);
/* Appends len zero bytes for the caller to fill: where they start, or NULL
 * if out of memory. */
unsigned char *strbuf_extend(struct strbuf *sb, size_t len);
void strbuf_adds(struct strbuf *sb, const char *text);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
    __attribute__((format(STRBUF_PRINTF, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
    __attribute__((format(STRBUF_PRINTF, 2, 0)));
/* Appends text percent-encoded: everything but A-Z a-z 0-9 - . _ ~ */
void strbuf_add_escaped(struct strbuf *sb, const char *text);
/* Wipes and empties the buffer but keeps a modest allocation for reuse. */
void strbuf_reset(struct strbuf *sb);
/* Wipes the bytes (they may have held a key) and frees them. */
void strbuf_release(struct strbuf *sb);
/* The NUL-terminated text, now owned by the caller; NULL if any append failed. */
char *strbuf_take(struct strbuf *sb);

#endif
