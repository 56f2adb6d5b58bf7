#include "result.h"

#include "fork.h"
#include "gamegate.h"
#include "json_safe.h"
#include "message.h"
#include "strbuf.h"
#include "text.h"
#include "wiping_alloc.h"

#include <pthread.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The locks that guard results' caches, shared by all results (a lock per
 * result could not be taken by the fork hooks, which must hold every lock a
 * reader may hold, lest a child inherit one held by a vanished thread). */
#define CACHE_LOCKS 64
static pthread_mutex_t cache_locks[CACHE_LOCKS];
static pthread_once_t cache_locks_once = PTHREAD_ONCE_INIT;
static bool cache_locks_ready;

static void lock_all(void *unused)
{
    (void)unused;
    for (int i = 0; i < CACHE_LOCKS; i++)
        pthread_mutex_lock(&cache_locks[i]);
}

static void unlock_all(void *unused)
{
    (void)unused;
    for (int i = 0; i < CACHE_LOCKS; i++)
        pthread_mutex_unlock(&cache_locks[i]);
}

static struct fork_watch cache_locks_watch = {
    .rank = FORK_RANK_RESULTS, .prepare = lock_all, .parent = unlock_all, .child = unlock_all};

static void init_cache_locks(void)
{
    for (int i = 0; i < CACHE_LOCKS; i++)
        pthread_mutex_init(&cache_locks[i], NULL);
    cache_locks_ready = fork_watch_add(&cache_locks_watch) == 0;
}

static pthread_mutex_t *cache_lock_of(const gg_result *result)
{
    return &cache_locks[((uintptr_t)result >> 6) % CACHE_LOCKS];
}

struct gg_result *result_new(void)
{
    pthread_once(&cache_locks_once, init_cache_locks);
    struct gg_result *result = cache_locks_ready ? calloc(1, sizeof *result) : NULL;
    if (result) /* until a call's answer says otherwise */
        result->outcome = GG_OUTCOME_NOT_APPLIED;
    return result;
}

void result_set_outcome(struct gg_result *result, int code, const char *message,
                        const struct secrets *secrets)
{
    result->code = code;
    if (code == GG_OK)
        result->outcome = GG_OUTCOME_SUCCEEDED;
    free(result->message);
    result->message = code == GG_OK ? NULL : message_clean(message, secrets);
}

/* text (len bytes, which may hold NUL) with the secrets redacted in each
 * NUL-separated part, so that no NUL hides one; NULL when nothing changed,
 * and "" without memory (then nothing of the text is kept). *out_len is the
 * new length. */
static char *redacted(const char *text, size_t len, const struct secrets *secrets, size_t *out_len)
{
    struct strbuf out = {0};
    bool changed = false;
    for (size_t at = 0; at <= len;) {
        size_t part = strnlen(text + at, len - at);
        char *clean = message_redact(text + at, secrets);
        changed |= !clean || strcmp(clean, text + at) != 0;
        strbuf_adds(&out, clean ? clean : "");
        free(clean);
        at += part + 1;
        if (at <= len)
            strbuf_add(&out, "", 1);
    }
    if (!changed || out.failed) {
        strbuf_release(&out);
        *out_len = 0;
        return changed ? strdup("") : NULL;
    }
    *out_len = out.len;
    return strbuf_take(&out);
}

/* The JSON text a secret could hide in: a string's own, a number's. */
static char *scalar_text(const json_t *node, size_t *len)
{
    const char *number = json_safe_number_text(node);
    char *text = number                 ? strdup(number)
                 : json_is_string(node) ? (char *)json_string_value(node)
                 : json_is_number(node) ? json_dumps(node, JSON_ENCODE_ANY)
                                        : NULL;
    if (text && !number && json_is_string(node)) { /* copied by length: it may hold NUL */
        *len = json_string_length(node);
        char *copy = malloc(*len + 1);
        if (copy) {
            memcpy(copy, text, *len);
            copy[*len] = '\0';
        }
        return copy;
    }
    *len = text ? strlen(text) : 0;
    return text;
}

/* A value in place of node if it holds a secret (a number that does
 * becomes the string "[redacted]", whole: half a number means nothing), or
 * NULL to keep it. */
static json_t *scrubbed_scalar(const json_t *node, const struct secrets *secrets)
{
    size_t len = 0, clean_len = 0;
    char *text = scalar_text(node, &len);
    if (!text)
        return NULL;
    char *clean = redacted(text, len, secrets, &clean_len);
    wipe(text, len);
    free(text);
    if (!clean)
        return NULL;
    json_t *replacement = json_is_string(node) && !json_safe_number_text(node)
                              ? json_stringn_nocheck(clean, clean_len)
                              : json_string("[redacted]");
    wipe(clean, clean_len);
    free(clean);
    return replacement ? replacement : json_null();
}

static void scrub(json_t *node, const struct secrets *secrets);

/* Scrubs a member or element, replacing it when it is a scalar that holds
 * a secret; the value replaced is wiped before it goes. */
static json_t *scrub_child(json_t *child, const struct secrets *secrets)
{
    if (json_is_object(child) || json_is_array(child)) {
        scrub(child, secrets);
        return NULL;
    }
    json_t *replacement = scrubbed_scalar(child, secrets);
    if (replacement)
        json_safe_wipe(child);
    return replacement;
}

static void scrub(json_t *node, const struct secrets *secrets)
{
    if (json_is_array(node)) {
        for (size_t i = 0; i < json_array_size(node); i++) {
            json_t *replacement = scrub_child(json_array_get(node, i), secrets);
            if (replacement)
                json_array_set_new(node, i, replacement);
        }
        return;
    }
    if (!json_is_object(node))
        return;
    bool renaming = false;
    const char *key;
    void *tmp;
    json_t *value;
    json_object_foreach_safe(node, tmp, key, value) {
        json_t *replacement = scrub_child(value, secrets);
        if (replacement)
            json_object_set_new(node, key, replacement);
        size_t clean_len = 0;
        char *clean = redacted(key, strlen(key), secrets, &clean_len);
        renaming |= clean != NULL;
        free(clean);
    }
    if (!renaming)
        return;
    /* Members whose names hold a secret: the object is rebuilt under clean
     * names, then the old names are wiped (no lookup needs them any more). */
    json_t *fresh = json_object();
    json_object_foreach(node, key, value) {
        size_t clean_len = 0;
        char *clean = redacted(key, strlen(key), secrets, &clean_len);
        if (fresh)
            json_object_set(fresh, clean ? clean : key, value);
        free(clean);
    }
    json_object_foreach(node, key, value)
        wipe((char *)key, strlen(key));
    json_object_clear(node);
    if (fresh)
        json_object_update(node, fresh);
    json_decref(fresh);
}

void result_scrub(struct gg_result *result, const struct secrets *secrets)
{
    if (result->body && secrets && secrets->count)
        scrub(result->body, secrets);
}

int result_hand_out(struct gg_result *result, gg_result **out)
{
    int code = result->code;
    if (out)
        *out = result;
    else
        gg_result_free(result);
    return code;
}

GG_EXTERN int gg_result_code(const gg_result *result)
{
    return result ? result->code : GG_EINVAL;
}

GG_EXTERN const char *gg_result_message(const gg_result *result)
{
    if (!result)
        return "result is NULL";
    if (result->message)
        return result->message;
    return result->code == GG_OK ? "" : gg_strerror(result->code);
}

GG_EXTERN int gg_result_http_status(const gg_result *result)
{
    return result ? result->http_status : 0;
}

GG_EXTERN int gg_result_outcome(const gg_result *result)
{
    return result ? result->outcome : GG_OUTCOME_NOT_APPLIED;
}

GG_EXTERN int gg_result_attempts(const gg_result *result)
{
    return result ? result->attempts : 0;
}

/* Only digits make an index, without a leading zero (RFC 6901): "+1",
 * " 1", "1x" and "01" name nothing. */
static bool parse_index(const char *segment, size_t len, size_t *index)
{
    if (!text_is_digits(segment, len, 18) || (len > 1 && segment[0] == '0'))
        return false;
    size_t value = 0;
    for (size_t i = 0; i < len; i++)
        value = value * 10 + (size_t)(segment[i] - '0');
    *index = value;
    return true;
}

/* One step down: a member of an object, or an element of an array. */
static json_t *child(json_t *node, const char *name, size_t len)
{
    size_t index;
    if (json_is_object(node))
        return json_object_getn(node, name, len);
    if (json_is_array(node) && parse_index(name, len, &index))
        return json_array_get(node, index);
    return NULL;
}

/* A JSON Pointer (RFC 6901): "/a/0/b~1c", where ~1 is '/' and ~0 is '~',
 * so that any member can be reached, dots and slashes in its name too. */
static json_t *follow_pointer(json_t *node, const char *pointer)
{
    /* A name is never longer than the pointer that holds it. */
    char *name = malloc(strlen(pointer) + 1);
    for (const char *at = pointer; name && node && *at == '/';) {
        at++;
        size_t len = 0;
        for (; *at && *at != '/'; at++) {
            if (*at == '~' && (at[1] == '0' || at[1] == '1')) {
                name[len++] = at[1] == '0' ? '~' : '/';
                at++;
            } else if (*at == '~') {
                node = NULL; /* the RFC allows no other escape */
                break;
            } else {
                name[len++] = *at;
            }
        }
        if (node)
            node = child(node, name, len);
    }
    free(name);
    return name ? node : NULL;
}

/* A path: "" the whole body, "/..." a JSON Pointer, else dotted names. */
static json_t *find_at_path(const gg_result *result, const char *path)
{
    if (!result || !result->body || !path)
        return NULL;
    json_t *node = result->body;
    if (!*path)
        return node;
    if (*path == '/')
        return follow_pointer(node, path);
    for (const char *segment = path;;) {
        const char *dot = strchr(segment, '.');
        size_t len = dot ? (size_t)(dot - segment) : strlen(segment);
        node = child(node, segment, len);
        if (!node || !dot)
            return node;
        segment = dot + 1;
    }
}

/* The JSON text of node, made once. Cache lock held. */
static const char *cached_text(gg_result *result, const json_t *node, const char *key)
{
    if (!result->texts && !(result->texts = json_object()))
        return NULL;
    json_t *cached = json_object_get(result->texts, key);
    if (cached)
        return json_string_value(cached);
    char *text = json_safe_dump(node);
    if (!text)
        return NULL;
    json_t *entry = json_string(text);
    wipe_free(text);
    if (!entry || json_object_set_new(result->texts, key, entry) != 0)
        return NULL;
    return json_string_value(entry);
}

GG_EXTERN const char *gg_result_get(const gg_result *result, const char *path)
{
    json_t *node = find_at_path(result, path);
    if (!node)
        return NULL;
    const char *number = json_safe_number_text(node);
    if (number)
        return number;
    /* A string holding NUL (a callback payload may) has no C reading: cut at
     * the NUL it would read as another string. NULL, with its type STRING. */
    if (json_is_string(node))
        return strlen(json_string_value(node)) == json_string_length(node)
                   ? json_string_value(node)
                   : NULL;

    gg_result *mutable = (gg_result *)result;
    char key[2 * sizeof(void *) + 3];
    snprintf(key, sizeof key, "%p", (void *)node);
    pthread_mutex_lock(cache_lock_of(result));
    const char *text = cached_text(mutable, node, key);
    pthread_mutex_unlock(cache_lock_of(result));
    return text;
}

GG_EXTERN int gg_result_type(const gg_result *result, const char *path)
{
    json_t *node = find_at_path(result, path);
    if (json_safe_number_text(node))
        return GG_TYPE_NUMBER;
    switch (node ? json_typeof(node) : (json_type)-1) {
    case JSON_OBJECT: return GG_TYPE_OBJECT;
    case JSON_ARRAY: return GG_TYPE_ARRAY;
    case JSON_STRING: return GG_TYPE_STRING;
    case JSON_INTEGER:
    case JSON_REAL: return GG_TYPE_NUMBER;
    case JSON_TRUE:
    case JSON_FALSE: return GG_TYPE_BOOLEAN;
    case JSON_NULL: return GG_TYPE_NULL;
    default: return GG_TYPE_ABSENT;
    }
}

GG_EXTERN size_t gg_result_count(const gg_result *result, const char *path)
{
    json_t *node = find_at_path(result, path);
    if (json_is_array(node))
        return json_array_size(node);
    if (json_is_object(node))
        return json_object_size(node);
    return 0;
}

GG_EXTERN const char *gg_result_json(const gg_result *result)
{
    if (!result || !result->body)
        return "";
    gg_result *mutable = (gg_result *)result;
    pthread_mutex_lock(cache_lock_of(result));
    if (!mutable->json_text)
        mutable->json_text = json_safe_dump(result->body);
    const char *text = mutable->json_text ? mutable->json_text : "";
    pthread_mutex_unlock(cache_lock_of(result));
    return text;
}

GG_EXTERN void gg_result_free(gg_result *result)
{
    if (!result)
        return;
    free(result->message);
    json_safe_wipe(result->body);
    json_safe_wipe(result->texts);
    json_decref(result->body);
    json_decref(result->texts);
    wipe_free(result->json_text);
    free(result);
}
