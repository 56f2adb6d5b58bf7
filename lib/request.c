#include "request.h"

#include "gamegate.h"
#include "message.h"
#include "text.h"

#include <string.h>

static int param_index(const struct endpoint *endpoint, const char *name, size_t len)
{
    for (int i = 0; endpoint->params[i].name; i++)
        if (strncmp(endpoint->params[i].name, name, len) == 0 &&
            endpoint->params[i].name[len] == '\0')
            return i;
    return -1;
}

const char *request_value(const struct request *req, const struct endpoint *endpoint,
                          const char *name)
{
    int index = param_index(endpoint, name, strlen(name));
    return index < 0 ? NULL : req->values[index];
}

static bool is_count(const char *value)
{
    return text_is_digits(value, strlen(value), 18);
}

static int take_extra(struct request *req, const char *name, const char *value,
                      struct strbuf *msg)
{
    /* Statistic names are free text, where a key slipped out of place could
     * stand: they are named by position, never quoted. */
    size_t number = req->extra_count + 1;
    bool printable = *name && strlen(name) <= 128;
    for (const char *c = name; printable && *c; c++)
        printable = (unsigned char)*c >= 0x20;
    if (!printable) {
        strbuf_addf(msg, "statistic #%zu: a name must have 1 to 128 printable characters", number);
        return GG_EINVAL;
    }
    if (!is_count(value)) {
        strbuf_addf(msg, "statistic #%zu takes a whole number >= 0", number);
        return GG_EINVAL;
    }
    for (size_t i = 0; i < req->extra_count; i++)
        if (strcmp(req->extra_names[i], name) == 0) {
            strbuf_addf(msg, "statistic #%zu is given twice", number);
            return GG_EINVAL;
        }
    if (req->extra_count == REQUEST_MAX_EXTRAS) {
        strbuf_addf(msg, "at most %d statistics in one call", REQUEST_MAX_EXTRAS);
        return GG_EINVAL;
    }
    req->extra_names[req->extra_count] = name;
    req->extra_values[req->extra_count++] = value;
    return GG_OK;
}

static void explain_unknown(const struct endpoint *endpoint, const char *name, const char *shown,
                            struct strbuf *msg)
{
    const char *names[ENDPOINT_MAX_PARAMS];
    size_t count = 0;
    for (; endpoint->params[count].name && count < ENDPOINT_MAX_PARAMS; count++)
        names[count] = endpoint->params[count].name;
    const char *nearest = message_nearest(name, names, count);
    strbuf_addf(msg, "unknown parameter %s", shown);
    message_suggest(msg, nearest);
    if (!nearest)
        for (size_t i = 0; i < count; i++)
            strbuf_addf(msg, "%s%s", i ? ", " : "; it takes ", names[i]);
}

struct param_list param_list_of_pairs(const char *const *pairs)
{
    struct param_list list = {.names = pairs, .values = pairs ? pairs + 1 : NULL, .stride = 2};
    while (pairs && pairs[2 * list.count])
        if (!pairs[2 * list.count++ + 1])
            break; /* its terminator: nothing after it is the caller's */
    return list;
}

/* Pairs from the caller, checked and indexed by the row's parameter order. */
static int take_given(const struct endpoint *endpoint, const struct param_list *params,
                      struct request *req, struct strbuf *msg)
{
    if (params->count > REQUEST_MAX_PARAMS) {
        strbuf_addf(msg, "more than %d parameters", REQUEST_MAX_PARAMS);
        return GG_EINVAL;
    }
    if (params->count && (!params->names || !params->values)) {
        strbuf_adds(msg, "the names or the values array is NULL");
        return GG_EINVAL;
    }
    for (size_t i = 0; i < params->count; i++) {
        const char *name = params->names[i * params->stride];
        const char *value = params->values[i * params->stride];
        if (!name) {
            strbuf_addf(msg, "parameter #%zu has no name (NULL)", i + 1);
            return GG_EINVAL;
        }
        /* A slip in the list can put a key where a name belongs: only names
         * from the table are ever quoted, a caller's by position. */
        int index = param_index(endpoint, name, strlen(name));
        char shown[64];
        if (index >= 0)
            snprintf(shown, sizeof shown, "'%s'", endpoint->params[index].name);
        else
            snprintf(shown, sizeof shown, "#%zu", i + 1);
        if (!value) {
            strbuf_addf(msg, "parameter %s has no value (NULL)%s", shown,
                        params->stride == 2 ? ": the list must be name, value, ..., NULL" : "");
            return GG_EINVAL;
        }
        /* A CR or LF has no business in any field of either service, and
         * refusing it here rules out header and log injection downstream. */
        if (strpbrk(name, "\r\n") || strpbrk(value, "\r\n")) {
            strbuf_addf(msg, "parameter %s contains CR or LF", shown);
            return GG_EINVAL;
        }
        if (strlen(value) > REQUEST_MAX_VALUE_BYTES) {
            strbuf_addf(msg, "parameter %s is longer than %d bytes", shown,
                        REQUEST_MAX_VALUE_BYTES);
            return GG_EINVAL;
        }
        int code = GG_OK;
        if (index >= 0 && req->values[index]) {
            strbuf_addf(msg, "parameter %s is given twice", shown);
            code = GG_EINVAL;
        } else if (index >= 0) {
            req->values[index] = value;
        } else if (endpoint->flags & EXTRA_COUNTS) {
            code = take_extra(req, name, value, msg);
        } else {
            explain_unknown(endpoint, name, shown, msg);
            code = GG_EINVAL;
        }
        if (code != GG_OK)
            return code;
    }
    return GG_OK;
}

const char *request_login_key(const struct request *req, const struct endpoint *endpoint,
                              const struct options *options)
{
    const struct service *service = endpoint->service;
    return service->logins_per_game ? request_value(req, endpoint, service->key_param)
                                    : options_get(options, service->key_option);
}

const char *request_login_site(const struct request *req, const struct endpoint *endpoint,
                               const struct options *options, char scratch[SESSION_SCOPE_SIZE])
{
    const struct service *service = endpoint->service;
    const char *site = service->site_param ? request_value(req, endpoint, service->site_param)
                                           : NULL;
    return service_login_site(service, options, request_login_key(req, endpoint, options), site,
                              scratch);
}

/* Fills a token the caller left out from what a login taught the store. */
static int take_from_session(const struct endpoint *endpoint, const struct param_spec *spec,
                             int index, const struct options *options,
                             struct store *store, struct request *req,
                             struct strbuf *msg)
{
    const struct service *service = endpoint->service;
    char scratch[SESSION_SCOPE_SIZE];
    const char *site = request_login_site(req, endpoint, options, scratch);
    const char *who = request_value(req, endpoint, service->who_param);
    if (!store || !who || !site || req->remembered.token)
        return GG_OK;
    const char *secret = options_store_secret(options, request_login_key(req, endpoint, options));
    struct strbuf why = {0};
    int found = store_find(store, secret, service, site, who, &req->remembered, &why);
    if (found == GG_ENOMEM) {
        strbuf_adds(msg, "out of memory while reading the session store");
    } else if (found != GG_OK && found != GG_ENOTFOUND) {
        /* Never a guess: the caller may pass the token itself meanwhile. */
        strbuf_addf(msg, "%s; the stored '%s' could not be read (pass it explicitly, or retry "
                         "once the store is back)", why.data ? why.data : "", spec->name);
    }
    strbuf_release(&why);
    if (found != GG_OK)
        return found == GG_ENOTFOUND ? GG_OK : found;
    req->values[index] = req->remembered.token;
    const char *privileges = req->remembered.privileges;
    if (endpoint->needs_write && privileges && strcmp(privileges, "RW") != 0) {
        strbuf_addf(msg, "the member's token has privileges '%s'; this call changes state "
                         "and needs 'RW'", privileges);
        return GG_EDENIED;
    }
    return GG_OK;
}

static void explain_missing(const struct param_spec *spec, struct strbuf *msg)
{
    strbuf_addf(msg, "missing required parameter '%s'", spec->name);
    if (spec->from_option != OPT_NONE)
        strbuf_addf(msg, " (or set option '%s')", option_name(spec->from_option));
    else if (spec->from_session == FROM_KONGREGATE_LOGIN)
        strbuf_adds(msg, " (or authenticate this user_id first, so that it is remembered)");
    else if (spec->from_session == FROM_KICKAPPS_MEMBER)
        strbuf_adds(msg, " (or name a 'member' whose token was created on this client)");
}

static int check_value(const struct param_spec *spec, const char *value, struct strbuf *msg)
{
    if ((spec->flags & PARAM_COUNT) && !is_count(value)) {
        strbuf_addf(msg, "parameter '%s' takes a whole number >= 0", spec->name);
        return GG_EINVAL;
    }
    if (spec->choices && !text_choice_number(spec->choices, value)) {
        strbuf_addf(msg, "parameter '%s' takes one of %s", spec->name, spec->choices);
        return GG_EINVAL;
    }
    if (spec->max_items) {
        size_t items = 1;
        for (const char *c = value; *c; c++)
            items += *c == ',';
        if (items > spec->max_items) {
            strbuf_addf(msg, "parameter '%s' takes at most %u comma-separated items",
                        spec->name, spec->max_items);
            return GG_EINVAL;
        }
    }
    return GG_OK;
}

static int resolve(const struct endpoint *endpoint, const struct options *options,
                   struct store *store, struct request *req, struct strbuf *msg)
{
    const struct param_spec *params = endpoint->params;
    for (int i = 0; params[i].name; i++) {
        if (!req->values[i] && params[i].from_option != OPT_NONE)
            req->values[i] = options_get(options, params[i].from_option);
        if (!req->values[i])
            req->values[i] = params[i].fallback;
    }
    const char *one_of = NULL;
    int one_of_count = 0;
    for (int i = 0; params[i].name; i++) {
        if (!req->values[i] && params[i].from_session != FROM_NOTHING) {
            int code = take_from_session(endpoint, &params[i], i, options, store, req, msg);
            if (code != GG_OK)
                return code;
        }
        const char *value = req->values[i];
        if (!value && (params[i].flags & PARAM_REQUIRED)) {
            explain_missing(&params[i], msg);
            return GG_EINVAL;
        }
        if (params[i].flags & PARAM_ONE_OF) {
            one_of = one_of ? one_of : params[i].name;
            one_of_count += value != NULL;
        }
        if (!value)
            continue;
        int code = check_value(&params[i], value, msg);
        if (code != GG_OK)
            return code;
        if ((params[i].flags & PARAM_SECRET) && *value)
            secrets_add(&req->secrets, value);
    }
    if (one_of && one_of_count != 1) {
        strbuf_adds(msg, one_of_count ? "give only one of " : "give one of ");
        for (int i = 0, first = 1; params[i].name; i++)
            if (params[i].flags & PARAM_ONE_OF) {
                strbuf_addf(msg, "%s'%s'", first ? "" : ", ", params[i].name);
                first = 0;
            }
        return GG_EINVAL;
    }
    return GG_OK;
}

/* Expands one {a|b|...} placeholder: exactly one alternative must be set. */
static int add_path_segment(const struct endpoint *endpoint, const char *alternatives, size_t len,
                            bool *in_path, struct request *req, struct strbuf *msg)
{
    int chosen = -1;
    for (const char *alt = alternatives; alt < alternatives + len;) {
        const char *bar = memchr(alt, '|', (size_t)(alternatives + len - alt));
        size_t alt_len = bar ? (size_t)(bar - alt) : (size_t)(alternatives + len - alt);
        int index = param_index(endpoint, alt, alt_len);
        if (index >= 0 && req->values[index]) {
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
    const char *value = req->values[chosen];
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

static int add_path(const struct endpoint *endpoint, bool *in_path, struct request *req,
                    struct strbuf *msg)
{
    const char *rest = endpoint->path;
    for (const char *open; (open = strchr(rest, '{'));) {
        const char *close = strchr(open, '}');
        strbuf_add(&req->url, rest, (size_t)(open - rest));
        int code = add_path_segment(endpoint, open + 1, (size_t)(close - open - 1), in_path,
                                    req, msg);
        if (code != GG_OK)
            return code;
        rest = close + 1;
    }
    strbuf_adds(&req->url, rest);
    return GG_OK;
}

static void add_field(struct strbuf *out, const char *name, const char *value)
{
    if (out->len)
        strbuf_adds(out, "&");
    strbuf_add_escaped(out, name);
    strbuf_adds(out, "=");
    strbuf_add_escaped(out, value);
}

static void add_form(const struct endpoint *endpoint, const bool *in_path,
                     const struct request *req, struct strbuf *out)
{
    for (int i = 0; endpoint->params[i].name; i++)
        if (req->values[i] && !in_path[i] && !(endpoint->params[i].flags & PARAM_LOCAL))
            add_field(out, endpoint->params[i].name, req->values[i]);
    for (size_t i = 0; i < req->extra_count; i++)
        add_field(out, req->extra_names[i], req->extra_values[i]);
}

int request_build(struct request *req, const struct endpoint *endpoint,
                  const struct options *options, struct store *store,
                  const struct param_list *params, struct strbuf *msg)
{
    bool in_path[ENDPOINT_MAX_PARAMS] = {0};
    int code = take_given(endpoint, params, req, msg);
    if (code == GG_OK)
        code = resolve(endpoint, options, store, req, msg);
    if (code != GG_OK)
        return code;

    strbuf_adds(&req->url, options_get(options, endpoint->service->base_url));
    code = add_path(endpoint, in_path, req, msg);
    if (code != GG_OK)
        return code;
    if (strcmp(endpoint->method, "GET") == 0) {
        struct strbuf query = {0};
        add_form(endpoint, in_path, req, &query);
        if (query.len) {
            strbuf_adds(&req->url, "?");
            strbuf_add(&req->url, query.data, query.len);
        }
        req->url.failed |= query.failed;
        strbuf_release(&query);
    } else {
        add_form(endpoint, in_path, req, &req->body);
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
    session_data_clear(&req->remembered);
    *req = (struct request){0};
}
