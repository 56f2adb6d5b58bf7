#include "request.h"

#include "gamegate.h"

#include <string.h>

static int param_index(const struct endpoint *endpoint, const char *name, size_t len)
{
    for (int i = 0; endpoint->params[i].name; i++)
        if (strncmp(endpoint->params[i].name, name, len) == 0 &&
            endpoint->params[i].name[len] == '\0')
            return i;
    return -1;
}

/* Pairs from the caller, checked and indexed by the row's parameter order. */
static int take_given(const struct endpoint *endpoint, const char *const *params,
                      const char **given, struct strbuf *msg)
{
    for (size_t i = 0; params && params[i]; i += 2) {
        const char *name = params[i], *value = params[i + 1];
        int index = param_index(endpoint, name, strlen(name));
        if (index < 0) {
            strbuf_addf(msg, "unknown parameter '%s'", name);
            return GG_EINVAL;
        }
        if (!value) {
            strbuf_addf(msg, "parameter '%s' has no value", name);
            return GG_EINVAL;
        }
        if (given[index]) {
            strbuf_addf(msg, "parameter '%s' is given twice", name);
            return GG_EINVAL;
        }
        /* A CR or LF has no business in any field of either service, and
         * refusing it here rules out header and log injection downstream. */
        if (strpbrk(value, "\r\n")) {
            strbuf_addf(msg, "parameter '%s' contains CR or LF", name);
            return GG_EINVAL;
        }
        given[index] = value;
    }
    return GG_OK;
}

static int resolve(const struct endpoint *endpoint, const struct options *options,
                   const char **given, struct request *req, struct strbuf *msg)
{
    for (int i = 0; endpoint->params[i].name; i++) {
        const struct param_spec *spec = &endpoint->params[i];
        if (!given[i] && spec->from_option != OPT_NONE)
            given[i] = options_get(options, spec->from_option);
        if (!given[i])
            given[i] = spec->fallback;
        if (!given[i] && (spec->flags & PARAM_REQUIRED)) {
            strbuf_addf(msg, "missing required parameter '%s'", spec->name);
            if (spec->from_option != OPT_NONE)
                strbuf_addf(msg, " (or set option '%s')", option_name(spec->from_option));
            return GG_EINVAL;
        }
        if (given[i] && (spec->flags & PARAM_SECRET) && *given[i])
            req->secrets[req->secret_count++] = given[i];
    }
    return GG_OK;
}

/* Expands one {a|b|...} placeholder: exactly one alternative must be set. */
static int add_path_segment(const struct endpoint *endpoint, const char *alternatives, size_t len,
                            const char **given, bool *in_path, struct request *req,
                            struct strbuf *msg)
{
    int chosen = -1;
    for (const char *alt = alternatives; alt < alternatives + len;) {
        const char *bar = memchr(alt, '|', (size_t)(alternatives + len - alt));
        size_t alt_len = bar ? (size_t)(bar - alt) : (size_t)(alternatives + len - alt);
        int index = param_index(endpoint, alt, alt_len);
        if (index >= 0 && given[index]) {
            if (chosen >= 0) {
                strbuf_addf(msg, "give either '%s' or '%s', not both",
                            endpoint->params[chosen].name, endpoint->params[index].name);
                return GG_EINVAL;
            }
            chosen = index;
        }
        if (index >= 0)
            in_path[index] = true;
        alt += alt_len + 1;
    }
    if (chosen < 0) {
        strbuf_addf(msg, "missing required parameter '%.*s'", (int)len, alternatives);
        return GG_EINVAL;
    }
    const char *value = given[chosen];
    /* Escaping keeps '/' from splitting a segment, but "." and ".." would
     * still be read as directory steps by every URL normalizer on the way. */
    if (!*value || strcmp(value, ".") == 0 || strcmp(value, "..") == 0) {
        strbuf_addf(msg, "parameter '%s' cannot be empty, \".\" or \"..\"",
                    endpoint->params[chosen].name);
        return GG_EINVAL;
    }
    strbuf_add_escaped(&req->url, value);
    return GG_OK;
}

static int add_path(const struct endpoint *endpoint, const char **given, bool *in_path,
                    struct request *req, struct strbuf *msg)
{
    const char *rest = endpoint->path;
    for (const char *open; (open = strchr(rest, '{'));) {
        const char *close = strchr(open, '}');
        strbuf_add(&req->url, rest, (size_t)(open - rest));
        int code = add_path_segment(endpoint, open + 1, (size_t)(close - open - 1), given,
                                    in_path, req, msg);
        if (code != GG_OK)
            return code;
        rest = close + 1;
    }
    strbuf_adds(&req->url, rest);
    return GG_OK;
}

static void add_form(const struct endpoint *endpoint, const char **given, const bool *in_path,
                     struct strbuf *out)
{
    bool first = true;
    for (int i = 0; endpoint->params[i].name; i++) {
        if (!given[i] || in_path[i])
            continue;
        if (!first)
            strbuf_adds(out, "&");
        first = false;
        strbuf_add_escaped(out, endpoint->params[i].name);
        strbuf_adds(out, "=");
        strbuf_add_escaped(out, given[i]);
    }
}

int request_build(struct request *req, const struct endpoint *endpoint,
                  const struct options *options, const char *const *params,
                  struct strbuf *msg)
{
    const char *given[ENDPOINT_MAX_PARAMS] = {0};
    bool in_path[ENDPOINT_MAX_PARAMS] = {0};
    int code = take_given(endpoint, params, given, msg);
    if (code == GG_OK)
        code = resolve(endpoint, options, given, req, msg);
    if (code != GG_OK)
        return code;

    strbuf_adds(&req->url, options_get(options, endpoint->service->base_url));
    code = add_path(endpoint, given, in_path, req, msg);
    if (code != GG_OK)
        return code;
    if (strcmp(endpoint->method, "GET") == 0) {
        struct strbuf query = {0};
        add_form(endpoint, given, in_path, &query);
        if (query.len) {
            strbuf_adds(&req->url, "?");
            strbuf_add(&req->url, query.data, query.len);
        }
        req->url.failed |= query.failed;
        strbuf_release(&query);
    } else {
        add_form(endpoint, given, in_path, &req->body);
        strbuf_adds(&req->body, ""); /* a POST with no fields still sends a body */
    }
    if (req->url.failed || req->body.failed) {
        strbuf_adds(msg, "out of memory");
        return GG_ENOMEM;
    }
    return GG_OK;
}

void request_release(struct request *req)
{
    strbuf_release(&req->url);
    strbuf_release(&req->body);
    req->secret_count = 0;
}
