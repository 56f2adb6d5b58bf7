#include "message.h"

#include "strbuf.h"

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

char *message_clean(const char *text, const char *const *secrets, size_t secret_count)
{
    /* Longest first, so that a secret containing another is removed whole. */
    const char *by_length[MESSAGE_MAX_SECRETS];
    size_t count = 0;
    for (size_t i = 0; i < secret_count && count < MESSAGE_MAX_SECRETS; i++) {
        size_t at = count++;
        while (at > 0 && strlen(by_length[at - 1]) < strlen(secrets[i])) {
            by_length[at] = by_length[at - 1];
            at--;
        }
        by_length[at] = secrets[i];
    }
    char *clean = strdup(text);
    for (size_t i = 0; clean && i < count; i++) {
        if (strlen(by_length[i]) < MESSAGE_MIN_SECRET_BYTES || !strstr(clean, by_length[i]))
            continue;
        char *next = redact_one(clean, by_length[i]);
        free(clean);
        clean = next;
    }
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

bool message_may_quote(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > 40 || !((name[0] >= 'a' && name[0] <= 'z') ||
                                  (name[0] >= 'A' && name[0] <= 'Z')))
        return false;
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '_' || *c == '.'))
            return false;
    return true;
}
