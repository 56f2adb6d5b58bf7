#include "message.h"

#include "strbuf.h"
#include "wiping_alloc.h"

#include <curl/curl.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static char *redact_one(const char *text, const char *secret)
{
    struct strbuf out = {0};
    size_t secret_len = strlen(secret);
    for (const char *hit; (hit = strstr(text, secret)); text = hit + secret_len) {
        strbuf_add(&out, text, (size_t)(hit - text));
        strbuf_adds(&out, "[redacted]");
    }
    strbuf_adds(&out, text);
    return strbuf_take(&out);
}

/* A copy whose percent-escapes have lower-case hex digits (%2f): RFC 3986
 * lets a server write either case. */
static char *lower_escapes(const char *escaped)
{
    char *lower = strdup(escaped);
    for (char *at = lower; at && (at = strchr(at, '%')) && at[1] && at[2]; at += 3) {
        for (int i = 1; i <= 2; i++)
            if (at[i] >= 'A' && at[i] <= 'F')
                at[i] = (char)(at[i] - 'A' + 'a');
    }
    return lower;
}

/* A copy in form encoding, which writes a space as '+'. */
static char *plus_for_space(const char *escaped)
{
    char *plus = strdup(escaped);
    for (char *at = plus; at && (at = strstr(at, "%20"));) {
        *at = '+';
        memmove(at + 1, at + 3, strlen(at + 3) + 1);
    }
    return plus;
}


/* Replaces every occurrence of secret and of its percent-encoded forms,
 * either case of hex digits, with '+' or %20 for a space. */
static char *redact_forms(char *text, const char *secret)
{
    char *escaped = curl_easy_escape(NULL, secret, 0);
    char *upper = escaped ? strdup(escaped) : NULL;
    wipe_curl_free(escaped, escaped ? strlen(escaped) : 0);
    char *forms[] = {(char *)secret, upper, upper ? plus_for_space(upper) : NULL,
                     upper ? lower_escapes(upper) : NULL, NULL};
    forms[4] = forms[3] ? plus_for_space(forms[3]) : NULL;
    size_t count = sizeof forms / sizeof *forms;
    for (size_t i = 0; text && i < count; i++) {
        if (!forms[i]) {
            free(text);
            text = NULL;
        } else if (strstr(text, forms[i])) {
            char *next = redact_one(text, forms[i]);
            free(text);
            text = next;
        }
    }
    for (size_t i = 1; i < count; i++)
        wipe_free(forms[i]);
    return text;
}

void secrets_add(struct secrets *secrets, const char *secret)
{
    if (secret && secrets->count < MESSAGE_MAX_SECRETS)
        secrets->items[secrets->count++] = secret;
}

void secrets_add_all(struct secrets *secrets, const struct secrets *more)
{
    for (size_t i = 0; more && i < more->count; i++)
        secrets_add(secrets, more->items[i]);
}

char *message_redact(const char *text, const struct secrets *secrets)
{
    /* Longest first, so that a secret containing another is removed whole. */
    const char *by_length[MESSAGE_MAX_SECRETS];
    size_t count = 0;
    for (size_t i = 0; secrets && i < secrets->count; i++) {
        const char *secret = secrets->items[i];
        if (strlen(secret) < MESSAGE_MIN_SECRET_BYTES)
            continue;
        size_t at = count++;
        while (at > 0 && strlen(by_length[at - 1]) < strlen(secret)) {
            by_length[at] = by_length[at - 1];
            at--;
        }
        by_length[at] = secret;
    }
    char *clean = strdup(text);
    for (size_t i = 0; clean && i < count; i++)
        clean = redact_forms(clean, by_length[i]);
    return clean;
}

/* Replaces what a log reader could take for a line break or a terminal
 * command, or what reorders a line as it is shown: C0 controls and DEL, C1
 * controls (U+0080..U+009F, NEL among them), U+2028/U+2029 and the bidi
 * controls U+202A..U+202E and U+2066..U+2069, each by one '?'. */
static void replace_line_breakers(char *text)
{
    unsigned char *in = (unsigned char *)text, *out = in;
    while (*in) {
        size_t drop = 0;
        if (*in < 0x20 || *in == 0x7f)
            drop = 1;
        else if (in[0] == 0xC2 && in[1] >= 0x80 && in[1] <= 0x9F)
            drop = 2;
        else if (in[0] == 0xE2 && in[1] == 0x80 && in[2] >= 0xA8 && in[2] <= 0xAE)
            drop = 3;
        else if (in[0] == 0xE2 && in[1] == 0x81 && in[2] >= 0xA6 && in[2] <= 0xA9)
            drop = 3;
        if (drop) {
            *out++ = '?';
            in += drop;
        } else {
            *out++ = *in++;
        }
    }
    *out = '\0';
}

char *message_clean(const char *text, const struct secrets *secrets)
{
    char *clean = message_redact(text, secrets);
    if (!clean)
        return NULL;

    size_t len = strlen(clean);
    if (len > MESSAGE_MAX_BYTES) {
        len = MESSAGE_MAX_BYTES;
        while (len > 0 && ((unsigned char)clean[len] & 0xC0) == 0x80)
            len--;
        clean[len] = '\0';
    }
    replace_line_breakers(clean);
    return clean;
}

/* Levenshtein distance, given up past limit. */
static size_t distance(const char *a, const char *b, size_t limit)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64 || (la > lb ? la - lb : lb - la) > limit)
        return limit + 1;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t above = row[j];
            size_t best = diagonal + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diagonal = above;
        }
    }
    return row[lb];
}

const char *message_nearest(const char *given, const char *const *names, size_t count)
{
    size_t limit = strlen(given) / 3 > 2 ? strlen(given) / 3 : 2;
    const char *nearest = NULL;
    size_t best = limit + 1;
    for (size_t i = 0; i < count; i++) {
        size_t d = distance(given, names[i], limit);
        if (d < best) {
            best = d;
            nearest = names[i];
        }
    }
    return nearest;
}

void message_suggest(struct strbuf *msg, const char *nearest)
{
    if (nearest)
        strbuf_addf(msg, " (did you mean '%s'?)", nearest);
}
