#include "strbuf.h"
#include "wiping_alloc.h"

#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Buffers larger than this are not kept between calls, so one huge
 * response does not pin its memory for the client's lifetime. */
#define STRBUF_KEEP_BYTES (64 * 1024)

static bool strbuf_reserve(struct strbuf *sb, size_t extra)
{
    if (sb->failed)
        return false;
    if (extra < sb->cap - sb->len)
        return true;
    if (extra > ((size_t)-1) / 2 - sb->len) {
        sb->failed = true;
        return false;
    }
    size_t want = sb->len + extra + 1;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < want)
        cap *= 2;
    /* Not realloc: the block left behind may hold a key, and must be wiped. */
    char *grown = malloc(cap);
    if (!grown) {
        sb->failed = true;
        return false;
    }
    if (sb->data) {
        memcpy(grown, sb->data, sb->len + 1);
        wipe(sb->data, sb->cap);
        free(sb->data);
    }
    sb->data = grown;
    sb->cap = cap;
    return true;
}

void strbuf_add(struct strbuf *sb, const char *bytes, size_t len)
{
    if (!strbuf_reserve(sb, len))
        return;
    if (len)
        memcpy(sb->data + sb->len, bytes, len);
    sb->len += len;
    sb->data[sb->len] = '\0';
}

unsigned char *strbuf_extend(struct strbuf *sb, size_t len)
{
    if (!strbuf_reserve(sb, len))
        return NULL;
    unsigned char *room = (unsigned char *)sb->data + sb->len;
    memset(room, 0, len);
    sb->len += len;
    sb->data[sb->len] = '\0';
    return room;
}

void strbuf_adds(struct strbuf *sb, const char *text)
{
    strbuf_add(sb, text, strlen(text));
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int need = vsnprintf(NULL, 0, fmt, ap);
    if (need < 0)
        sb->failed = true;
    else if (strbuf_reserve(sb, (size_t)need)) {
        vsnprintf(sb->data + sb->len, (size_t)need + 1, fmt, again);
        sb->len += (size_t)need;
    }
    va_end(again);
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(sb, fmt, ap);
    va_end(ap);
}

/* RFC 3986's unreserved characters: the ones curl_easy_escape leaves as
 * they are. */
static bool unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

void strbuf_add_escaped(struct strbuf *sb, const char *text)
{
    if (sb->failed)
        return;
    /* Ids, hex tokens and keys need no escaping, and libcurl's escaping
     * (an allocation and a growing buffer per value) was a tenth of a
     * call's own work. */
    const char *end = text;
    while (unreserved((unsigned char)*end))
        end++;
    if (!*end) {
        strbuf_add(sb, text, (size_t)(end - text));
        return;
    }
    char *escaped = curl_easy_escape(NULL, text, 0);
    if (!escaped) {
        sb->failed = true;
        return;
    }
    strbuf_adds(sb, escaped);
    wipe(escaped, strlen(escaped));
    curl_free(escaped);
}

void strbuf_reset(struct strbuf *sb)
{
    if (sb->data)
        wipe(sb->data, sb->len);
    if (sb->cap > STRBUF_KEEP_BYTES) {
        wipe(sb->data, sb->cap);
        free(sb->data);
        sb->data = NULL;
        sb->cap = 0;
    }
    sb->len = 0;
    sb->failed = false;
    if (sb->data)
        sb->data[0] = '\0';
}

void strbuf_release(struct strbuf *sb)
{
    if (sb->data) {
        wipe(sb->data, sb->cap);
        free(sb->data);
    }
    *sb = (struct strbuf){0};
}

char *strbuf_take(struct strbuf *sb)
{
    if (sb->failed || !strbuf_reserve(sb, 0)) {
        strbuf_release(sb);
        return NULL;
    }
    char *text = sb->data;
    *sb = (struct strbuf){0};
    return text;
}
