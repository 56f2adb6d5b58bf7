#include "message.h"

#include "strbuf.h"

#include <curl/curl.h>
#include <openssl/crypto.h>

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

/* Replaces every occurrence of secret and of its percent-encoded forms. */
static char *redact_forms(char *text, const char *secret)
{
    char *escaped = curl_easy_escape(NULL, secret, 0);
    if (!escaped) {
        free(text);
        return NULL;
    }
    char *plus = strdup(escaped); /* form encoding writes a space as '+' */
    for (char *at = plus; at && (at = strstr(at, "%20"));) {
        *at = '+';
        memmove(at + 1, at + 3, strlen(at + 3) + 1);
    }
    const char *forms[] = {secret, escaped, plus};
    for (size_t i = 0; text && i < 3; i++) {
        if (!forms[i]) {
            free(text);
            text = NULL;
        } else if (strstr(text, forms[i])) {
            char *next = redact_one(text, forms[i]);
            free(text);
            text = next;
        }
    }
    OPENSSL_cleanse(escaped, strlen(escaped));
    curl_free(escaped);
    if (plus)
        OPENSSL_cleanse(plus, strlen(plus));
    free(plus);
    return text;
}

char *message_redact(const char *text, const char *const *secrets, size_t secret_count)
{
    /* Longest first, so that a secret containing another is removed whole. */
    const char *by_length[MESSAGE_MAX_SECRETS];
    size_t count = 0;
    for (size_t i = 0; i < secret_count && count < MESSAGE_MAX_SECRETS; i++) {
        if (strlen(secrets[i]) < MESSAGE_MIN_SECRET_BYTES)
            continue;
        size_t at = count++;
        while (at > 0 && strlen(by_length[at - 1]) < strlen(secrets[i])) {
            by_length[at] = by_length[at - 1];
            at--;
        }
        by_length[at] = secrets[i];
    }
    char *clean = strdup(text);
    for (size_t i = 0; clean && i < count; i++)
        clean = redact_forms(clean, by_length[i]);
    return clean;
}

char *message_clean(const char *text, const char *const *secrets, size_t secret_count)
{
    char *clean = message_redact(text, secrets, secret_count);
    if (!clean)
        return NULL;

    size_t len = strlen(clean);
    if (len > MESSAGE_MAX_BYTES) {
        len = MESSAGE_MAX_BYTES;
        while (len > 0 && ((unsigned char)clean[len] & 0xC0) == 0x80)
            len--;
        clean[len] = '\0';
    }
    for (char *c = clean; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
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
