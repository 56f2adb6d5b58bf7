#include "options.h"

#include "gamegate.h"
#include "message.h"
#include "text.h"
#include "version.h"
#include "wiping_alloc.h"

#include <curl/curl.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum option_kind {
    KIND_TEXT,   /* any text without CR or LF */
    KIND_URL,    /* an absolute http(s) URL; a trailing '/' is dropped */
    KIND_PROXY,  /* "" (none), or a proxy URL libcurl can use */
    KIND_NUMBER, /* a whole decimal number >= 0 */
    KIND_CHOICE  /* one of the spec's choices */
};

struct option_spec {
    const char *name;
    enum option_kind kind;
    const char *fallback;
    bool secret;
    const char *choices; /* KIND_CHOICE: "a|b|c", in the order of their numbers, from 1 */
    long long min, max;  /* KIND_NUMBER: bounds that keep every use of it from overflowing */
};

#define DAY_MS 86400000LL
#define GIB 1073741824LL

static const struct option_spec specs[OPT_COUNT] = {
    [OPT_KONGREGATE_API_KEY] = {.name = "kongregate.api_key", .kind = KIND_TEXT, .secret = true},
    [OPT_KONGREGATE_BASE_URL] =
        {.name = "kongregate.base_url", .kind = KIND_URL, .fallback = "https://api.kongregate.com"},
    [OPT_KICKAPPS_DEVELOPER_KEY] =
        {.name = "kickapps.developer_key", .kind = KIND_TEXT, .secret = true},
    [OPT_KICKAPPS_AS] = {.name = "kickapps.as", .kind = KIND_TEXT},
    [OPT_KICKAPPS_BASE_URL] =
        {.name = "kickapps.base_url", .kind = KIND_URL, .fallback = "http://api.kickapps.com"},
    [OPT_TIMEOUT_MS] = {.name = "timeout_ms", .kind = KIND_NUMBER, .fallback = "30000", .min = 0, .max = DAY_MS},
    [OPT_CONNECT_TIMEOUT_MS] =
        {.name = "connect_timeout_ms", .kind = KIND_NUMBER, .fallback = "10000", .min = 1, .max = DAY_MS},
    [OPT_MAX_RESPONSE_BYTES] =
        {.name = "max_response_bytes", .kind = KIND_NUMBER, .fallback = "8388608", .min = 1, .max = GIB},
    [OPT_CA_FILE] = {.name = "ca_file", .kind = KIND_TEXT},
    /* "" rather than NULL: libcurl would otherwise obey http_proxy from the
     * environment, sending keys through a proxy nobody configured here. */
    [OPT_PROXY] = {.name = "proxy", .kind = KIND_PROXY, .fallback = ""},
    [OPT_USER_AGENT] =
        {.name = "user_agent", .kind = KIND_TEXT, .fallback = "gamegate/" GG_VERSION_TEXT},
    [OPT_LOCAL_ADDRESS] = {.name = "local_address", .kind = KIND_TEXT},
    [OPT_SESSION_CAPACITY] = {.name = "session.capacity", .kind = KIND_NUMBER, .fallback = "10000", .min = 0, .max = 10000000},
    /* A day: tokens change now and then, and a login refreshes them anyway. */
    [OPT_SESSION_TTL_MS] = {.name = "session.ttl_ms", .kind = KIND_NUMBER, .fallback = "86400000", .min = 0, .max = 365 * DAY_MS},
    /* A peer that trickles slower than this over the whole window (waiting for
     * the first byte included) is given up on. */
    [OPT_MIN_BYTES_PER_SECOND] =
        {.name = "min_bytes_per_second", .kind = KIND_NUMBER, .fallback = "16", .min = 0, .max = GIB},
    [OPT_MIN_SPEED_WINDOW_MS] =
        {.name = "min_speed_window_ms", .kind = KIND_NUMBER, .fallback = "30000", .min = 0, .max = DAY_MS},
    [OPT_RETRY_ATTEMPTS] = {.name = "retry.attempts", .kind = KIND_NUMBER, .fallback = "3", .min = 1, .max = 100},
    [OPT_RETRY_DEADLINE_MS] =
        {.name = "retry.deadline_ms", .kind = KIND_NUMBER, .fallback = "60000", .min = 0, .max = DAY_MS},
    [OPT_RETRY_BACKOFF_MS] = {.name = "retry.backoff_ms", .kind = KIND_NUMBER, .fallback = "200", .min = 1, .max = 3600000},
    [OPT_RETRY_MAX_BACKOFF_MS] =
        {.name = "retry.max_backoff_ms", .kind = KIND_NUMBER, .fallback = "5000", .min = 1, .max = 3600000},
    [OPT_LOG_LEVEL] =
        {.name = "log_level", .kind = KIND_CHOICE, .fallback = "info", .choices = "error|warning|info|debug"},
    /* Connections open at once to all hosts: a portal is one or two hosts,
     * and more than this many calls in flight wait for a free one. */
    [OPT_MAX_CONNECTIONS] = {.name = "max_connections", .kind = KIND_NUMBER, .fallback = "16", .min = 1, .max = 10000},
    [OPT_SESSION_STORE] = {.name = "session.store", .kind = KIND_TEXT, .fallback = "memory"},
    /* Kongregate retries a callback for hours at most: 30 days outlives it. */
    [OPT_LEDGER_RETENTION_MS] =
        {.name = "ledger.retention_ms", .kind = KIND_NUMBER, .fallback = "2592000000", .min = 1, .max = 365 * DAY_MS},
    /* Unset, logins in a shared store are sealed under the service's key. */
    [OPT_SESSION_KEY] = {.name = "session.key", .kind = KIND_TEXT, .secret = true},
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

const char *option_nearest(const char *given)
{
    const char *names[OPT_COUNT];
    for (int id = OPT_NONE + 1; id < OPT_COUNT; id++)
        names[id - 1] = specs[id].name;
    return message_nearest(given, names, OPT_COUNT - 1);
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

void options_secrets(const struct options *options, struct secrets *out)
{
    for (int id = OPT_NONE + 1; id < OPT_COUNT; id++)
        if (specs[id].secret)
            secrets_add(out, options->values[id]);
    secrets_add(out, options->proxy_user);
    secrets_add(out, options->proxy_password);
    secrets_add(out, options->store_password);
}


int options_log_level(const struct options *options)
{
    return text_choice_number(specs[OPT_LOG_LEVEL].choices, options_get(options, OPT_LOG_LEVEL));
}

static bool is_number_within(const char *text, long long min, long long max)
{
    if (!text_is_digits(text, strlen(text), 15))
        return false;
    long long value = strtoll(text, NULL, 10);
    return value >= min && value <= max;
}

static bool is_http_url(const char *text)
{
    /* Printable ASCII only: libcurl would percent-encode anything else on the
     * way out, and the request sent must be the request built. */
    for (const char *c = text; *c; c++)
        if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f)
            return false;
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

/* Proxy schemes libcurl speaks; with none, libcurl takes http. */
static const char *const proxy_schemes = "http|https|socks4|socks4a|socks5|socks5h";

/* A proxy URL libcurl can use, checked when set rather than refused by
 * libcurl on every call (whose message would quote it, password and all).
 * On success user and password are set to decoded copies (or NULL);
 * GG_EINVAL or GG_ENOMEM otherwise. */
static int parse_proxy(const char *text, char **user, char **password)
{
    *user = *password = NULL;
    const char *scheme_end = strstr(text, "://");
    char scheme[16] = "";
    for (size_t i = 0; scheme_end && i < (size_t)(scheme_end - text) && i + 1 < sizeof scheme; i++)
        scheme[i] = (char)tolower((unsigned char)text[i]); /* HTTP:// is http:// */
    if (scheme_end && !text_choice_number(proxy_schemes, scheme))
        return GG_EINVAL;
    for (const char *c = text; *c; c++)
        if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f)
            return GG_EINVAL;
    CURLU *url = curl_url();
    if (!url)
        return GG_ENOMEM;
    char *host = NULL, *given_user = NULL, *given_password = NULL;
    CURLUcode rc = curl_url_set(url, CURLUPART_URL, text,
                                CURLU_NON_SUPPORT_SCHEME | (scheme_end ? 0 : CURLU_GUESS_SCHEME));
    int code = rc == CURLUE_OUT_OF_MEMORY ? GG_ENOMEM : rc != CURLUE_OK ? GG_EINVAL : GG_OK;
    if (code == GG_OK) {
        rc = curl_url_get(url, CURLUPART_HOST, &host, 0);
        code = rc == CURLUE_OUT_OF_MEMORY ? GG_ENOMEM : rc != CURLUE_OK || !*host ? GG_EINVAL
                                                                                 : GG_OK;
    }
    if (code == GG_OK &&
        (curl_url_get(url, CURLUPART_USER, &given_user, CURLU_URLDECODE) == CURLUE_OUT_OF_MEMORY ||
         curl_url_get(url, CURLUPART_PASSWORD, &given_password, CURLU_URLDECODE) ==
             CURLUE_OUT_OF_MEMORY))
        code = GG_ENOMEM;
    if (code == GG_OK && ((given_user && !(*user = strdup(given_user))) ||
                          (given_password && !(*password = strdup(given_password)))))
        code = GG_ENOMEM;
    if (given_user)
        wipe(given_user, strlen(given_user));
    if (given_password)
        wipe(given_password, strlen(given_password));
    curl_free(host);
    curl_free(given_user);
    curl_free(given_password);
    curl_url_cleanup(url);
    return code;
}

/* The decoded password of a redis:// URL (NULL if none): GG_OK or GG_ENOMEM
 * (a URL that names no store is the store's to refuse). */
static int store_password(const char *text, char **password)
{
    *password = NULL;
    if (strncmp(text, "redis://", 8) != 0)
        return GG_OK;
    CURLU *url = curl_url();
    if (!url)
        return GG_ENOMEM;
    char *given = NULL;
    int code = GG_OK;
    if (curl_url_set(url, CURLUPART_URL, text, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
        curl_url_get(url, CURLUPART_PASSWORD, &given, CURLU_URLDECODE) == CURLUE_OK && *given &&
        !(*password = strdup(given)))
        code = GG_ENOMEM;
    if (given)
        wipe(given, strlen(given));
    curl_free(given);
    curl_url_cleanup(url);
    return code;
}

int options_set(struct options *options, enum option_id id, const char *value,
                struct strbuf *msg)
{
    const struct option_spec *spec = &specs[id];
    char *copy = NULL, *user = NULL, *password = NULL;
    if (value) {
        if (strpbrk(value, "\r\n")) {
            strbuf_addf(msg, "option '%s' must not contain CR or LF", spec->name);
            return GG_EINVAL;
        }
        /* Keys, URLs and header values go into every request: past this a
         * request libcurl refuses would look like a network fault. */
        if (strlen(value) > OPTION_MAX_BYTES) {
            strbuf_addf(msg, "option '%s' is longer than %d bytes", spec->name,
                        OPTION_MAX_BYTES);
            return GG_EINVAL;
        }
        if (spec->kind == KIND_NUMBER && !is_number_within(value, spec->min, spec->max)) {
            strbuf_addf(msg, "option '%s' takes a whole number from %lld to %lld", spec->name,
                        spec->min, spec->max);
            return GG_EINVAL;
        }
        if (spec->kind == KIND_CHOICE && !text_choice_number(spec->choices, value)) {
            strbuf_addf(msg, "option '%s' takes one of %s", spec->name, spec->choices);
            return GG_EINVAL;
        }
        int parsed = spec->kind == KIND_PROXY && *value ? parse_proxy(value, &user, &password)
                     : id == OPT_SESSION_STORE      ? store_password(value, &password)
                                                    : GG_OK;
        if (parsed == GG_ENOMEM) {
            strbuf_adds(msg, "out of memory");
            return GG_ENOMEM;
        }
        if (parsed != GG_OK) {
            strbuf_addf(msg, "option '%s' takes a proxy URL (%s, or none: host:port), in "
                             "printable ASCII", spec->name, proxy_schemes);
            return GG_EINVAL;
        }
        if (spec->kind == KIND_URL && !is_http_url(value)) {
            strbuf_addf(msg, "option '%s' takes an http:// or https:// URL in printable "
                             "ASCII (percent-encode the rest), without query or fragment",
                        spec->name);
            return GG_EINVAL;
        }
        copy = strdup(value);
        if (!copy) {
            wipe_free(user);
            wipe_free(password);
            strbuf_adds(msg, "out of memory");
            return GG_ENOMEM;
        }
        if (spec->kind == KIND_URL) {
            size_t len = strlen(copy);
            while (len > 0 && copy[len - 1] == '/')
                copy[--len] = '\0';
        }
    }
    if (id == OPT_KONGREGATE_API_KEY &&
        !(copy && session_game_scope(copy, options->kongregate_scope)))
        options->kongregate_scope[0] = '\0'; /* made when needed, then */
    if (spec->kind == KIND_PROXY) {
        wipe_free(options->proxy_user);
        wipe_free(options->proxy_password);
        options->proxy_user = user;
        options->proxy_password = password;
    } else if (id == OPT_SESSION_STORE) {
        wipe_free(options->store_password);
        options->store_password = password;
    }
    wipe_free(options->values[id]);
    options->values[id] = copy;
    return GG_OK;
}

static bool copy_value(char **to, const char *from)
{
    *to = from ? strdup(from) : NULL;
    return !from || *to;
}

const char *options_game_scope(const struct options *options, const char *api_key,
                               char scratch[SESSION_SCOPE_SIZE])
{
    const char *kept = options->values[OPT_KONGREGATE_API_KEY];
    if (kept && options->kongregate_scope[0] && strcmp(kept, api_key) == 0)
        return options->kongregate_scope;
    return session_game_scope(api_key, scratch) ? scratch : NULL;
}

const char *options_store_secret(const struct options *options, const char *service_key)
{
    const char *key = options->values[OPT_SESSION_KEY];
    return key ? key : service_key;
}

bool options_copy(struct options *to, const struct options *from)
{
    memcpy(to->kongregate_scope, from->kongregate_scope, sizeof to->kongregate_scope);
    bool ok = copy_value(&to->proxy_user, from->proxy_user) &&
              copy_value(&to->proxy_password, from->proxy_password) &&
              copy_value(&to->store_password, from->store_password);
    for (int id = 0; ok && id < OPT_COUNT; id++)
        ok = copy_value(&to->values[id], from->values[id]);
    if (!ok)
        options_clear(to);
    return ok;
}

void options_clear(struct options *options)
{
    for (int id = 0; id < OPT_COUNT; id++)
        wipe_free(options->values[id]);
    wipe_free(options->proxy_user);
    wipe_free(options->proxy_password);
    wipe_free(options->store_password);
    *options = (struct options){0};
}
