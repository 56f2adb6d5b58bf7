#include "transport.h"

#include "platform.h"

#include "gamegate.h"
#include "wiping_alloc.h"

#include <pthread.h>
#include <string.h>

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_result = CURLE_FAILED_INIT;
/* libcurl's built-in bundle and directory, for a reset ca_file. */
static const char *default_ca_file, *default_ca_path;

static void curl_init_once(void)
{
    curl_init_result = wiping_alloc_install() == 0 ? CURLE_OK : CURLE_FAILED_INIT;
    CURL *probe = curl_init_result == CURLE_OK ? curl_easy_init() : NULL;
    if (!probe) {
        curl_init_result = CURLE_OUT_OF_MEMORY;
        return;
    }
    char *file = NULL, *path = NULL;
    curl_easy_getinfo(probe, CURLINFO_CAINFO, &file);
    curl_easy_getinfo(probe, CURLINFO_CAPATH, &path);
    /* Static strings of libcurl's build, which outlive the handle. */
    default_ca_file = file;
    default_ca_path = path;
    curl_easy_cleanup(probe);
}

int transport_global_init(void)
{
    pthread_once(&curl_once, curl_init_once);
    return curl_init_result == CURLE_OK ? GG_OK : GG_ENOMEM;
}

/* Counts bytes as they arrive, so a lying or absent Content-Length cannot
 * make the client buffer more than the cap. */
static size_t on_body(char *data, size_t size, size_t count, void *userdata)
{
    struct transport_attempt *attempt = userdata;
    size_t len = size * count;
    if ((curl_off_t)(attempt->body->len + len) > attempt->max_body) {
        attempt->body_too_large = true;
        return 0;
    }
    strbuf_add(attempt->body, data, len);
    return attempt->body->failed ? 0 : len;
}

/* The request line, "METHOD TARGET HTTP/x", as it left. libcurl's chunk is
 * not NUL-terminated and may be cut short (64 KiB over TLS): every search
 * stays within size, and a line whose end is not in the chunk is not judged. */
static int on_debug(CURL *curl, curl_infotype type, char *data, size_t size, void *userdata)
{
    (void)curl;
    struct transport_attempt *attempt = userdata;
    if (type != CURLINFO_HEADER_OUT || attempt->target_checked || !attempt->expected_target)
        return 0;
    /* A proxy's CONNECT comes first; the request itself follows it. */
    if (size >= 8 && memcmp(data, "CONNECT ", 8) == 0)
        return 0;
    attempt->target_checked = true;
    attempt->request_line_sent = true;
    const char *method = attempt->expected_method;
    size_t method_len = strlen(method);
    const char *line_end = memchr(data, '\r', size);
    if (!line_end || (size_t)(line_end - data) <= method_len + 1 ||
        memcmp(data, method, method_len) != 0 || data[method_len] != ' ')
        return 0;
    const char *target = data + method_len + 1;
    const char *version = target;
    for (const char *at; (at = memchr(version, ' ', (size_t)(line_end - version))); version = at + 1)
        ;
    if (version == target) /* no space before the version: not a line we can read */
        return 0;
    size_t len = (size_t)(version - 1 - target);
    /* Through a proxy the target is the absolute URL: compare from its path. */
    const char *scheme = NULL;
    for (const char *at = target; !scheme && len >= 3 && at <= target + len - 3; at++)
        scheme = memcmp(at, "://", 3) == 0 ? at : NULL;
    if (scheme) {
        const char *authority = scheme + 3;
        const char *path = memchr(authority, '/', (size_t)(target + len - authority));
        len = path ? (size_t)(target + len - path) : 0;
        target = path ? path : target;
    }
    attempt->target_differs = strlen(attempt->expected_target) != len ||
                              memcmp(attempt->expected_target, target, len) != 0;
    return 0;
}

/* Whether the URL's host is an IP literal, which cannot fail to resolve
 * except for want of memory or threads. */
static bool host_is_numeric(const char *url)
{
    const char *host = strstr(url, "://");
    if (!host)
        return false;
    host += 3;
    char text[64];
    size_t len = strcspn(host, "/?#");
    if (memchr(host, '@', len)) /* user information: not a plain address */
        return false;
    if (len >= sizeof text)
        return false;
    memcpy(text, host, len);
    text[len] = '\0';
    unsigned char address[16];
    if (text[0] == '[') {
        char *close = strchr(text, ']');
        if (!close)
            return false;
        *close = '\0';
        return platform_parse_ip(true, text + 1, address);
    }
    text[strcspn(text, ":")] = '\0';
    return platform_parse_ip(false, text, address);
}

/* What every handle does whatever the options. */
static bool configure_fixed(CURL *curl)
{
    return curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
           curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK &&
           curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
           curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
           curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "") == CURLE_OK &&
           curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L) == CURLE_OK &&
           curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
           curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
           /* Paths go out exactly as built, so they can be checked. */
           curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L) == CURLE_OK &&
           /* Small REST calls gain nothing from HTTP/2, and the request
            * line check reads HTTP/1. */
           curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1) == CURLE_OK &&
           curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, on_debug) == CURLE_OK &&
           curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L) == CURLE_OK;
}

/* Applies an option's value in force to a handle. */
static int configure_option(CURL *curl, const struct options *options, enum option_id id,
                            struct strbuf *msg)
{
    const char *value = options_get(options, id);
    CURLcode rc = CURLE_OK;
    switch (id) {
    case OPT_MIN_BYTES_PER_SECOND:
        rc = curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, (long)options_get_number(options, id));
        break;
    case OPT_MIN_SPEED_WINDOW_MS: /* libcurl counts whole seconds */
        rc = curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
                              (long)((options_get_number(options, id) + 999) / 1000));
        break;
    case OPT_CONNECT_TIMEOUT_MS:
        rc = curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                              (long)options_get_number(options, id));
        break;
    case OPT_MAX_RESPONSE_BYTES:
        rc = curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
                              (curl_off_t)options_get_number(options, id));
        break;
    case OPT_CA_FILE:
        /* ca_file alone is trusted when set: the system's CA directory would
         * otherwise still vouch for any host. NULL restores both defaults
         * (not "no bundle", which NULL means to libcurl). */
        rc = curl_easy_setopt(curl, CURLOPT_CAINFO, value ? value : default_ca_file);
        if (rc == CURLE_OK)
            rc = curl_easy_setopt(curl, CURLOPT_CAPATH, value ? NULL : default_ca_path);
        /* A TLS backend without CA directories (Windows' Schannel) has
         * nothing to clear. */
        if (rc == CURLE_NOT_BUILT_IN && !default_ca_path)
            rc = CURLE_OK;
        break;
    case OPT_PROXY:
        rc = curl_easy_setopt(curl, CURLOPT_PROXY, value);
        /* NO_PROXY from the environment would route around the proxy set here. */
        if (rc == CURLE_OK)
            rc = curl_easy_setopt(curl, CURLOPT_NOPROXY, "");
        break;
    case OPT_USER_AGENT:
        rc = curl_easy_setopt(curl, CURLOPT_USERAGENT, value);
        break;
    case OPT_LOCAL_ADDRESS:
        rc = curl_easy_setopt(curl, CURLOPT_INTERFACE, value);
        break;
    default: /* keys, base URLs, timeouts and retries are read per call */
        break;
    }
    if (rc == CURLE_OUT_OF_MEMORY) {
        strbuf_adds(msg, "out of memory");
        return GG_ENOMEM;
    }
    if (rc != CURLE_OK) {
        strbuf_addf(msg, "option '%s' is not supported by this libcurl: %s", option_name(id),
                    curl_easy_strerror(rc));
        return GG_EINVAL;
    }
    return GG_OK;
}

static int configure_all(CURL *curl, const struct options *options, struct strbuf *msg)
{
    int code = GG_OK;
    for (int id = OPT_NONE + 1; code == GG_OK && id < OPT_COUNT; id++)
        code = configure_option(curl, options, (enum option_id)id, msg);
    return code;
}

int transport_check_option(const struct options *options, enum option_id id, struct strbuf *msg)
{
    if (transport_global_init() != GG_OK) {
        strbuf_adds(msg, "out of memory");
        return GG_ENOMEM;
    }
    CURL *scratch = curl_easy_init();
    if (!scratch) {
        strbuf_adds(msg, "out of memory");
        return GG_ENOMEM;
    }
    int code = configure_option(scratch, options, id, msg);
    curl_easy_cleanup(scratch);
    return code;
}

static int code_for_curl_error(CURLcode rc)
{
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        return GG_ETIMEOUT;
    case CURLE_OUT_OF_MEMORY:
        return GG_ENOMEM;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_USE_SSL_FAILED:
        return GG_ETLS;
    case CURLE_URL_MALFORMAT:
        return GG_EINVAL;
    default: /* UNSUPPORTED_PROTOCOL included: URLs are checked when set, so
              * at this point it is a reply that is not HTTP */
        return GG_ENETWORK;
    }
}

/* The request may hold keys, and the rest points into the attempt: the
 * pooled handle keeps none of it. */
int transport_add_header(struct transport_attempt *attempt, const char *line)
{
    struct curl_slist *grown = curl_slist_append(attempt->headers, line);
    if (!grown)
        return GG_ENOMEM;
    attempt->headers = grown;
    return curl_easy_setopt(attempt->job.handle->easy, CURLOPT_HTTPHEADER, grown) == CURLE_OK
               ? GG_OK
               : GG_ENOMEM;
}

static void release_handle(struct transport_attempt *attempt, struct engine *engine)
{
    CURL *curl = attempt->job.handle->easy;
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(attempt->headers);
    attempt->headers = NULL;
    curl_easy_setopt(curl, CURLOPT_URL, NULL);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, NULL);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, NULL);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, NULL);
    curl_easy_setopt(curl, CURLOPT_DEBUGDATA, NULL);
    curl_easy_setopt(curl, CURLOPT_PRIVATE, NULL);
    engine_checkin(engine, attempt->job.handle);
}

/* A handle from the pool, configured for this generation of options. */
static struct engine_handle *handle_for(struct engine *engine, const struct options *options,
                                        unsigned long generation, struct strbuf *msg)
{
    struct engine_handle *handle = engine_checkout(engine);
    if (!handle) {
        strbuf_adds(msg, "out of memory");
        return NULL;
    }
    if (handle->configured == generation)
        return handle;
    int code = !handle->configured && !configure_fixed(handle->easy) ? GG_ENOMEM : GG_OK;
    struct strbuf ignored = {0};
    if (code == GG_OK)
        code = configure_all(handle->easy, options, &ignored);
    strbuf_release(&ignored);
    if (code != GG_OK) {
        engine_discard(engine, handle); /* half-configured: not fit for the pool */
        strbuf_adds(msg, "out of memory while preparing the request");
        return NULL;
    }
    handle->configured = generation;
    return handle;
}

int transport_begin(struct transport_attempt *attempt, struct engine *engine,
                    const struct options *options, unsigned long generation,
                    const struct transport_request *request, struct strbuf *body,
                    struct strbuf *msg)
{
    strbuf_reset(body);
    struct engine_handle *handle = handle_for(engine, options, generation, msg);
    if (!handle)
        return GG_ENOMEM;
    const char *url = request->url;
    const char *host = strstr(url, "://");
    *attempt = (struct transport_attempt){
        .job = {.handle = handle},
        .body = body,
        .max_body = (curl_off_t)options_get_number(options, OPT_MAX_RESPONSE_BYTES),
        .expected_target = host ? host + 3 + strcspn(host + 3, "/") : url,
        .expected_method = request->method,
        .url = url,
    };
    CURL *curl = handle->easy;
    bool post = strcmp(request->method, "POST") == 0;
    CURLcode rc = curl_easy_setopt(curl, CURLOPT_URL, url);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, attempt->curl_error);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(curl, CURLOPT_WRITEDATA, attempt);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(curl, CURLOPT_DEBUGDATA, attempt);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, request->timeout_ms);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, request->fresh ? 1L : 0L);
    if (rc == CURLE_OK && post)
        rc = curl_easy_setopt(curl, CURLOPT_POSTFIELDS,
                              request->form->data ? request->form->data : "");
    if (rc == CURLE_OK && post)
        rc = curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)request->form->len);
    if (rc == CURLE_OK && !post)
        rc = curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    if (rc != CURLE_OK) {
        release_handle(attempt, engine);
        strbuf_adds(msg, "out of memory while preparing the request");
        return GG_ENOMEM;
    }
    attempt->failures_before = wiping_alloc_failures();
    return GG_OK;
}

int transport_end(struct transport_attempt *attempt, struct engine *engine, CURLcode rc,
                  struct exchange_facts *facts, struct strbuf *msg)
{
    *facts = (struct exchange_facts){.retry_after_s = -1};
    CURL *curl = attempt->job.handle->easy;
    /* libcurl says "out of memory" also for a header line or a header block
     * larger than it accepts: that is the server's doing when no allocation
     * failed meanwhile (which can be known when libcurl allocates through
     * gamegate). */
    bool oversized_headers = rc == CURLE_OUT_OF_MEMORY && wiping_alloc_in_curl() &&
                             wiping_alloc_failures() == attempt->failures_before &&
                             attempt->request_line_sent; /* so, while reading the answer */
    curl_off_t retry_after = 0, elapsed_us = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &facts->http_status);
    curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME_T, &elapsed_us);
    if (curl_easy_getinfo(curl, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK && retry_after > 0)
        facts->retry_after_s = retry_after;
    /* The request line went out (a proxy's CONNECT does not count), or a
     * send failed part-way and the peer may have read enough. */
    facts->request_sent = attempt->request_line_sent || rc == CURLE_SEND_ERROR;
    facts->elapsed_us = elapsed_us;
    release_handle(attempt, engine);

    struct strbuf *body = attempt->body;
    if (attempt->target_differs) {
        strbuf_adds(msg, "out of memory: libcurl sent a request other than the one built "
                         "(an allocation failed inside libcurl); its answer was not read");
        return GG_ENOMEM;
    }
    if (rc == CURLE_OK && !body->failed)
        return GG_OK;
    if (body->failed) {
        strbuf_adds(msg, "out of memory while reading the response");
        return GG_ENOMEM;
    }
    if (attempt->body_too_large || rc == CURLE_FILESIZE_EXCEEDED) {
        strbuf_addf(msg, "response larger than max_response_bytes (%lld bytes)",
                    (long long)attempt->max_body);
        return GG_EPROTOCOL;
    }
    if (rc == CURLE_ABORTED_BY_CALLBACK && attempt->job.cancel) {
        strbuf_adds(msg, "canceled");
        return GG_ECANCELED;
    }
    if (oversized_headers) {
        strbuf_adds(msg, "transfer failed: the response's headers are larger than libcurl "
                         "accepts");
        return GG_ENETWORK;
    }
    int code = code_for_curl_error(rc);
    if (rc == CURLE_COULDNT_RESOLVE_HOST && host_is_numeric(attempt->url))
        code = GG_ENOMEM;
    strbuf_addf(msg, "%s: %s", code == GG_ETIMEOUT ? "timed out" : "transfer failed",
                attempt->curl_error[0] ? attempt->curl_error : curl_easy_strerror(rc));
    return code;
}
