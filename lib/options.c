#include "options.h"

#include "gamegate.h"
#include "version.h"

#include <curl/curl.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

enum option_kind {
    KIND_TEXT,   /* any text without CR or LF */
    KIND_URL,    /* an absolute http(s) URL; a trailing '/' is dropped */
    KIND_NUMBER, /* a whole decimal number >= 0 */
    KIND_CHOICE  /* one of the spec's choices */
};

struct option_spec {
    const char *name;
    enum option_kind kind;
    const char *fallback;
    bool secret;
    const char *choices; /* KIND_CHOICE: "a|b|c", in the order of their numbers, from 1 */
};

static const struct option_spec specs[OPT_COUNT] = {
    [OPT_KONGREGATE_API_KEY] = {"kongregate.api_key", KIND_TEXT, NULL, true},
    [OPT_KONGREGATE_BASE_URL] = {"kongregate.base_url", KIND_URL, "https://api.kongregate.com"},
    [OPT_KICKAPPS_DEVELOPER_KEY] = {"kickapps.developer_key", KIND_TEXT, NULL, true},
    [OPT_KICKAPPS_AS] = {"kickapps.as", KIND_TEXT, NULL},
    [OPT_KICKAPPS_BASE_URL] = {"kickapps.base_url", KIND_URL, "http://api.kickapps.com"},
    [OPT_TIMEOUT_MS] = {"timeout_ms", KIND_NUMBER, "30000"},
    [OPT_CONNECT_TIMEOUT_MS] = {"connect_timeout_ms", KIND_NUMBER, "10000"},
    [OPT_MAX_RESPONSE_BYTES] = {"max_response_bytes", KIND_NUMBER, "8388608"},
    [OPT_CA_FILE] = {"ca_file", KIND_TEXT, NULL},
    /* "" rather than NULL: libcurl would otherwise obey http_proxy from the
     * environment, sending keys through a proxy nobody configured here. */
    [OPT_PROXY] = {"proxy", KIND_TEXT, ""},
    [OPT_USER_AGENT] = {"user_agent", KIND_TEXT, "gamegate/" GG_VERSION_TEXT},
    [OPT_LOCAL_ADDRESS] = {"local_address", KIND_TEXT, NULL},
    [OPT_SESSION_CAPACITY] = {"session.capacity", KIND_NUMBER, "10000"},
    /* A day: tokens change now and then, and a login refreshes them anyway. */
    [OPT_SESSION_TTL_MS] = {"session.ttl_ms", KIND_NUMBER, "86400000"},
    /* A peer that trickles slower than this for the whole window is given up on. */
    [OPT_MIN_BYTES_PER_SECOND] = {"min_bytes_per_second", KIND_NUMBER, "16"},
    [OPT_MIN_SPEED_WINDOW_MS] = {"min_speed_window_ms", KIND_NUMBER, "15000"},
    [OPT_RETRY_ATTEMPTS] = {"retry.attempts", KIND_NUMBER, "3"},
    [OPT_RETRY_DEADLINE_MS] = {"retry.deadline_ms", KIND_NUMBER, "60000"},
    [OPT_RETRY_BACKOFF_MS] = {"retry.backoff_ms", KIND_NUMBER, "200"},
    [OPT_RETRY_MAX_BACKOFF_MS] = {"retry.max_backoff_ms", KIND_NUMBER, "5000"},
    [OPT_LOG_LEVEL] = {"log_level", KIND_CHOICE, "info", false, "error|warning|info|debug"},
};

enum option_id option_find(const char *name)
{
    for (int id = OPT_NONE + 1; id < OPT_COUNT; id++)
        if (strcmp(specs[id].name, name) == 0)
            return (enum option_id)id;
    return OPT_NONE;
}

const char *option_name(enum option_id id)
{
    return specs[id].name;
}

const char *options_get(const struct options *options, enum option_id id)
{
    return options->values[id] ? options->values[id] : specs[id].fallback;
}

long long options_get_number(const struct options *options, enum option_id id)
{
    const char *text = options_get(options, id);
    return text ? strtoll(text, NULL, 10) : 0;
}

size_t options_secrets(const struct options *options, const char **out, size_t max)
{
    size_t count = 0;
    for (int id = OPT_NONE + 1; id < OPT_COUNT && count < max; id++)
        if (specs[id].secret && options->values[id])
            out[count++] = options->values[id];
    return count;
}

/* The 1-based position of text among "a|b|c", 0 if absent. */
static int choice_number(const char *choices, const char *text)
{
    size_t len = strlen(text);
    int number = 1;
    for (const char *at = choices; at; number++) {
        const char *bar = strchr(at, '|');
        size_t choice_len = bar ? (size_t)(bar - at) : strlen(at);
        if (choice_len == len && strncmp(at, text, len) == 0)
            return number;
        at = bar ? bar + 1 : NULL;
    }
    return 0;
}

int options_log_level(const struct options *options)
{
    return choice_number(specs[OPT_LOG_LEVEL].choices, options_get(options, OPT_LOG_LEVEL));
}

static bool is_number(const char *text)
{
    if (!*text || strlen(text) > 15)
        return false;
    for (const char *c = text; *c; c++)
        if (*c < '0' || *c > '9')
            return false;
    return true;
}

static bool is_http_url(const char *text)
{
    CURLU *url = curl_url();
    if (!url)
        return false;
    char *scheme = NULL, *query = NULL, *fragment = NULL;
    bool ok = curl_url_set(url, CURLUPART_URL, text, 0) == CURLUE_OK &&
              curl_url_get(url, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
              (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0) &&
              curl_url_get(url, CURLUPART_QUERY, &query, 0) == CURLUE_NO_QUERY &&
              curl_url_get(url, CURLUPART_FRAGMENT, &fragment, 0) == CURLUE_NO_FRAGMENT;
    curl_free(scheme);
    curl_free(query);
    curl_free(fragment);
    curl_url_cleanup(url);
    return ok;
}

static void free_value(char *value)
{
    if (value) {
        OPENSSL_cleanse(value, strlen(value));
        free(value);
    }
}

int options_set(struct options *options, enum option_id id, const char *value,
                struct strbuf *msg)
{
    const struct option_spec *spec = &specs[id];
    char *copy = NULL;
    if (value) {
        if (strpbrk(value, "\r\n")) {
            strbuf_addf(msg, "option '%s' must not contain CR or LF", spec->name);
            return GG_EINVAL;
        }
        if (spec->kind == KIND_NUMBER && !is_number(value)) {
            strbuf_addf(msg, "option '%s' takes a whole number of at most 15 digits",
                        spec->name);
            return GG_EINVAL;
        }
        if (spec->kind == KIND_CHOICE && !choice_number(spec->choices, value)) {
            strbuf_addf(msg, "option '%s' takes one of %s", spec->name, spec->choices);
            return GG_EINVAL;
        }
        if (spec->kind == KIND_URL && !is_http_url(value)) {
            strbuf_addf(msg, "option '%s' takes an http:// or https:// URL "
                             "without query or fragment", spec->name);
            return GG_EINVAL;
        }
        copy = strdup(value);
        if (!copy) {
            strbuf_adds(msg, "out of memory");
            return GG_ENOMEM;
        }
        if (spec->kind == KIND_URL) {
            size_t len = strlen(copy);
            while (len > 0 && copy[len - 1] == '/')
                copy[--len] = '\0';
        }
    }
    free_value(options->values[id]);
    options->values[id] = copy;
    return GG_OK;
}

void options_clear(struct options *options)
{
    for (int id = 0; id < OPT_COUNT; id++) {
        free_value(options->values[id]);
        options->values[id] = NULL;
    }
}
