#include "observe.h"

#include "api_exit.h"
#include "client.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

GG_EXTERN int gg_client_set_observer(gg_client *client, gg_observe_fn fn, void *userdata)
{
    if (!client)
        return api_exit(NULL, GG_EINVAL, "client is NULL", NULL, NULL, NULL);
    /* Waits for events being delivered to the previous fn. */
    pthread_rwlock_wrlock(&client->log_lock);
    client->observe_fn = fn;
    client->observe_userdata = userdata;
    atomic_store(&client->observing, fn != NULL);
    pthread_rwlock_unlock(&client->log_lock);
    return api_exit(client, GG_OK, NULL, NULL, NULL, NULL);
}

bool observing(const struct gg_client *client)
{
    return atomic_load_explicit(&client->observing, memory_order_relaxed);
}

void observe(struct gg_client *client, struct gg_attempt *attempt)
{
    pthread_rwlock_rdlock(&client->log_lock);
    if (client->observe_fn)
        client->observe_fn(client->observe_userdata, attempt);
    pthread_rwlock_unlock(&client->log_lock);
}

GG_EXTERN int gg_attempt_phase(const gg_attempt *attempt)
{
    return attempt ? attempt->phase : -1;
}

GG_EXTERN const char *gg_attempt_endpoint(const gg_attempt *attempt)
{
    return attempt ? attempt->endpoint->name : NULL;
}

GG_EXTERN const char *gg_attempt_method(const gg_attempt *attempt)
{
    return attempt ? attempt->endpoint->method : NULL;
}

GG_EXTERN const char *gg_attempt_path(const gg_attempt *attempt)
{
    return attempt ? attempt->endpoint->path : NULL;
}

GG_EXTERN int gg_attempt_number(const gg_attempt *attempt)
{
    return attempt ? attempt->number : 0;
}

GG_EXTERN int gg_attempt_http_status(const gg_attempt *attempt)
{
    return attempt ? attempt->http_status : 0;
}

GG_EXTERN long long gg_attempt_elapsed_us(const gg_attempt *attempt)
{
    return attempt ? attempt->elapsed_us : 0;
}

GG_EXTERN long long gg_attempt_bytes(const gg_attempt *attempt)
{
    return attempt ? attempt->bytes : 0;
}

GG_EXTERN int gg_attempt_code(const gg_attempt *attempt)
{
    return attempt ? attempt->code : GG_EINVAL;
}

GG_EXTERN int gg_attempt_outcome(const gg_attempt *attempt)
{
    return attempt ? attempt->outcome : GG_OUTCOME_NOT_APPLIED;
}

GG_EXTERN int gg_attempt_retrying(const gg_attempt *attempt)
{
    return attempt && attempt->retrying;
}

/* RFC 9110's token characters. */
static bool is_token(const char *name)
{
    if (!*name)
        return false;
    for (const char *at = name; *at; at++)
        if (!((*at >= 'a' && *at <= 'z') || (*at >= 'A' && *at <= 'Z') ||
              (*at >= '0' && *at <= '9') || strchr("!#$%&'*+-.^_`|~", *at)))
            return false;
    return true;
}

/* Headers that gamegate or libcurl set, or that change how the message is
 * framed or routed: an observer adds to a request, it does not reshape it. */
static bool reserved(const char *name)
{
    static const char *const names[] = {
        "host", "content-length", "content-type", "content-encoding", "transfer-encoding",
        "connection", "keep-alive", "expect", "te", "trailer", "upgrade", "accept",
        "accept-encoding", "user-agent", "proxy-authorization", "proxy-connection",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(name, names[i]) == 0)
            return true;
    return false;
}

/* A field value that libcurl sends as given: visible characters, with
 * spaces or tabs only between them (libcurl would send nothing for an empty
 * one, and would take an empty value as "remove this header"). */
static bool is_field_value(const char *value)
{
    size_t len = strlen(value);
    if (!len || value[0] == ' ' || value[0] == '\t' || value[len - 1] == ' ' ||
        value[len - 1] == '\t')
        return false;
    for (const unsigned char *at = (const unsigned char *)value; *at; at++)
        if ((*at < 0x20 && *at != '\t') || *at == 0x7f)
            return false;
    return true;
}

GG_EXTERN int gg_attempt_add_header(gg_attempt *attempt, const char *name, const char *value)
{
    if (!attempt || !name || !value || attempt->phase != GG_ATTEMPT_STARTING ||
        !is_token(name) || reserved(name) || !is_field_value(value) ||
        attempt->headers_added >= OBSERVE_MAX_HEADERS)
        return api_exit(NULL, GG_EINVAL, NULL, NULL, NULL, NULL);
    char line[OBSERVE_MAX_HEADER_BYTES + 1];
    int len = snprintf(line, sizeof line, "%s: %s", name, value);
    if (len < 0 || (size_t)len >= sizeof line)
        return api_exit(NULL, GG_EINVAL, NULL, NULL, NULL, NULL);
    int code = transport_add_header(attempt->transfer, line);
    if (code == GG_OK)
        attempt->headers_added++;
    /* No client's message: an observer runs inside a call, whose own
     * ending says what it did. */
    return api_exit(NULL, code, NULL, NULL, NULL, NULL);
}
