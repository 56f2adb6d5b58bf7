/* gg_call: one row of the endpoint table, from parameters to result,
 * retrying reads and never sending a state change twice. */
#include "call.h"

#include "api_exit.h"
#include "client.h"
#include "clock.h"
#include "endpoints.h"
#include "gamegate.h"
#include "json_safe.h"
#include "message.h"
#include "observe.h"
#include "request.h"
#include "response.h"
#include "result.h"
#include "session.h"
#include "transport.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* An attempt that cannot have this long is not started. */
#define MIN_ATTEMPT_MS 100

static void sleep_ms(long long ms)
{
    struct timespec left = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000};
    while (nanosleep(&left, &left) != 0 && errno == EINTR)
        ;
}

/* Whether a success carries the fields its row names; says which it lacks. */
static int check_carries(const struct endpoint *endpoint, const json_t *body, struct strbuf *msg)
{
    for (const char *group = endpoint->carries; group && *group;) {
        size_t group_len = strcspn(group, ",");
        bool found = false;
        for (const char *name = group; !found && name < group + group_len;) {
            size_t len = strcspn(name, "|,");
            found = json_object_getn(body, name, len) != NULL;
            name += len + (name[len] == '|');
        }
        if (!found) {
            strbuf_addf(msg, "the answer lacks '%.*s', which a success carries",
                        (int)group_len, group);
            return GG_EPROTOCOL;
        }
        group += group_len + (group[group_len] == ',');
    }
    return GG_OK;
}

/* Bare-array bodies (Kongregate's badges) have no envelope, but an error
 * still arrives as one. */
static int check_body(const struct endpoint *endpoint, const json_t *body, struct strbuf *msg)
{
    if ((endpoint->flags & SUCCESS_FIELD_OPTIONAL) && json_is_object(body) &&
        !json_object_get(body, "success"))
        return check_carries(endpoint, body, msg);
    if (!(endpoint->flags & BODY_IS_ARRAY)) {
        int code = endpoint->service->check_envelope(body, msg);
        return code == GG_OK ? check_carries(endpoint, body, msg) : code;
    }
    if (json_is_array(body))
        return GG_OK;
    struct strbuf said = {0};
    int code = endpoint->service->check_envelope(body, &said);
    if (code == GG_OK || code == GG_EPROTOCOL) {
        strbuf_addf(msg, "expected a JSON array, got %s", response_kind(body));
        code = GG_EPROTOCOL;
    } else {
        strbuf_add(msg, said.data, said.len);
    }
    strbuf_release(&said);
    return code;
}

/* What a successful call teaches the session store: GG_OK, or why it could
 * not be remembered (code and msg). */
static int learn(const struct config *config, const struct endpoint *endpoint,
                 const struct request *req, const json_t *body, struct strbuf *msg)
{
    const struct service *service = endpoint->service;
    const struct options *options = &config->options;
    char user_id[32], scratch[SESSION_SCOPE_SIZE];
    struct login_view login = {.username = json_string_value(json_object_get(body, "username"))};
    if (endpoint->remembers == REMEMBERS_KONGREGATE_LOGIN) {
        login.user_id = request_value(req, endpoint, "user_id");
        login.token = request_value(req, endpoint, "game_auth_token");
    } else if (endpoint->remembers == REMEMBERS_KICKAPPS_TOKEN) {
        login.user_id = response_field_text(body, "userId", user_id, sizeof user_id);
        login.token = json_string_value(json_object_get(body, "TOKEN"));
        login.privileges = json_string_value(json_object_get(body, "PRIVILEGES"));
        login.method = json_string_value(json_object_get(body, "METHOD"));
    }
    if (endpoint->remembers == REMEMBERS_NOTHING || !login.token)
        return GG_OK;
    const char *key = request_login_key(req, endpoint, options);
    login.site = request_login_site(req, endpoint, options, scratch);
    if (!login.site) {
        strbuf_adds(msg, "out of memory");
        return GG_ENOMEM;
    }
    return store_remember(config->store, options_store_secret(options, key), service, &login,
                          msg);
}

/* Reads the answer of one attempt into the result; GG_OK only when the
 * service says the call succeeded. */
static int read_answer(struct call *call, const struct exchange_facts *facts, struct strbuf *msg)
{
    const struct endpoint *endpoint = call->endpoint;
    const struct strbuf *body = &call->body;
    struct gg_result *result = call->result;
    struct strbuf detail = {0};
    size_t max_cost = (size_t)options_get_number(&call->config->options, OPT_MAX_RESPONSE_BYTES) *
                      RESPONSE_COST_FACTOR;
    int code = response_parse(body->data ? body->data : "", body->len,
                              endpoint->service->unwraps_single_array, max_cost, &result->body,
                              &detail);
    long status = facts->http_status;
    if (status < 200 || status > 299) {
        strbuf_addf(msg, "HTTP status %ld from %s", status, endpoint->service->name);
        if (status >= 300 && status < 400)
            strbuf_adds(msg, " (redirects are not followed)");
        /* An error page may still carry the service's own explanation. */
        struct strbuf said = {0};
        if (code == GG_OK && endpoint->service->check_envelope(result->body, &said) != GG_OK &&
            said.len)
            strbuf_addf(msg, ": %s", said.data);
        strbuf_release(&said);
        code = GG_EHTTP;
    } else if (code == GG_OK) {
        code = check_body(endpoint, result->body, msg);
    } else {
        strbuf_add(msg, detail.data, detail.len);
    }
    strbuf_release(&detail);
    return code;
}

/* Whether a failed call may have changed the service's state. */
static int outcome_of(const struct endpoint *endpoint, int code, const struct exchange_facts *facts)
{
    if (code == GG_OK)
        return GG_OUTCOME_SUCCEEDED;
    if (endpoint->retry_safe || !facts->request_sent)
        return GG_OUTCOME_NOT_APPLIED;
    long status = facts->http_status;
    bool refused = status >= 200 && status <= 299 &&
                   (code == GG_ESERVICE || code == GG_EAUTH || code == GG_EDENIED);
    /* Only the service's own "no" and a 4xx say nothing was done. A redirect
     * can follow a change (Post/Redirect/Get), and a 5xx, even 503, can come
     * from a proxy after the request went through: a purchase is not worth
     * the guess. */
    return refused || (status >= 400 && status <= 499) ? GG_OUTCOME_NOT_APPLIED
                                                       : GG_OUTCOME_UNKNOWN;
}

static bool worth_retrying(int code, const struct exchange_facts *facts)
{
    return code == GG_ENETWORK || code == GG_ETIMEOUT ||
           (code == GG_EHTTP && facts->http_status >= 500);
}

/* Capped exponential backoff with jitter: half the step, plus up to half
 * again. Options are bounded (options.c), so nothing here overflows. */
static long long backoff_ms(const struct options *options, int attempt)
{
    long long step = options_get_number(options, OPT_RETRY_BACKOFF_MS);
    long long cap = options_get_number(options, OPT_RETRY_MAX_BACKOFF_MS);
    for (int i = 1; i < attempt && step < cap; i++)
        step *= 2;
    if (step > cap)
        step = cap;
    unsigned long long noise = 0;
    if (RAND_bytes((unsigned char *)&noise, sizeof noise) != 1)
        ERR_clear_error();
    return step / 2 + (long long)(noise % ((unsigned long long)step / 2 + 1));
}

/* How long to wait before the next attempt, or -1 for none: Retry-After is
 * honoured up to the deadline (without one, up to retry.max_backoff_ms). */
static long long next_wait_ms(const struct options *options, int attempt,
                              const struct exchange_facts *facts, long long deadline,
                              struct strbuf *msg)
{
    if (facts->retry_after_s < 0) {
        long long wait = backoff_ms(options, attempt);
        return deadline && clock_now_ms() + wait + MIN_ATTEMPT_MS > deadline ? -1 : wait;
    }
    /* An attempt needs some time left after the wait to be worth making. */
    long long limit = deadline ? deadline - clock_now_ms() - MIN_ATTEMPT_MS
                               : options_get_number(options, OPT_RETRY_MAX_BACKOFF_MS);
    if (limit < 0 || facts->retry_after_s > limit / 1000) {
        strbuf_addf(msg, "; Retry-After %lld s is past the retry deadline", facts->retry_after_s);
        return -1;
    }
    return facts->retry_after_s * 1000;
}

static const char *text_of(const struct strbuf *sb)
{
    return sb->data && !sb->failed ? sb->data : "out of memory";
}

int call_attempt_begin(struct call *call)
{
    const struct endpoint *endpoint = call->endpoint;
    const struct options *options = &call->config->options;
    struct strbuf *msg = &call->msg;
    msg->len = call->msg_prefix;
    if (msg->data)
        msg->data[msg->len] = '\0';
    json_safe_wipe(call->result->body); /* an earlier attempt's body may hold a token */
    json_decref(call->result->body);
    call->result->body = NULL;
    call->attempt++;
    long long limit = options_get_number(options, OPT_TIMEOUT_MS);
    long long deadline = call->deadline_ms;
    if (deadline && (!limit || deadline - clock_now_ms() < limit))
        limit = deadline - clock_now_ms() > 1 ? deadline - clock_now_ms() : 1;
    struct transport_request request = {
        .method = endpoint->method,
        .url = call->req.url.data,
        .form = &call->req.body,
        .timeout_ms = (long)limit,
        .fresh = !endpoint->retry_safe,
    };
    call->facts = (struct exchange_facts){.retry_after_s = -1};
    call->code = transport_begin(&call->transfer, &call->client->engine, options,
                                 call->config->generation, &request, &call->body, msg);
    if (call->code == GG_OK && observing(call->client)) {
        struct gg_attempt starting = {.phase = GG_ATTEMPT_STARTING, .endpoint = endpoint,
                                      .number = call->attempt, .transfer = &call->transfer};
        observe(call->client, &starting);
    }
    return call->code;
}

long long call_attempt_end(struct call *call, CURLcode rc)
{
    const struct endpoint *endpoint = call->endpoint;
    const struct config *config = call->config;
    struct strbuf *msg = &call->msg;
    int code = transport_end(&call->transfer, &call->client->engine, rc, &call->facts, msg);
    call->result->attempts = call->attempt;
    call->result->http_status = (int)call->facts.http_status;
    if (code == GG_OK)
        code = read_answer(call, &call->facts, msg);
    call->code = code;
    client_log(call->client, config, GG_LOG_DEBUG, &call->secrets,
               "%s: attempt %d: %s %s -> HTTP %ld, %zu bytes, %lld ms", endpoint->name,
               call->attempt, endpoint->method, endpoint->path, call->facts.http_status,
               call->body.len, call->facts.elapsed_us / 1000);
    long long wait = -1;
    if (code != GG_OK && call->attempt < call->attempts_allowed &&
        worth_retrying(code, &call->facts))
        wait = next_wait_ms(&config->options, call->attempt, &call->facts, call->deadline_ms,
                            msg);
    if (wait >= 0)
        client_log(call->client, config, GG_LOG_WARNING, &call->secrets,
                   "%s; retrying in %lld ms", text_of(msg), wait);
    if (observing(call->client)) {
        struct gg_attempt ended = {
            .phase = GG_ATTEMPT_ENDED,
            .endpoint = endpoint,
            .number = call->attempt,
            .http_status = (int)call->facts.http_status,
            .code = code,
            .outcome = outcome_of(endpoint, code, &call->facts),
            .retrying = wait >= 0,
            .elapsed_us = call->facts.elapsed_us,
            .bytes = (long long)call->body.len,
        };
        observe(call->client, &ended);
    }
    return wait;
}

/* What must not come back in any message, log line or failed body: the
 * call's secrets, the keys of the configuration it holds (api_exit adds
 * those in force when it ends, which a gg_client_set meanwhile may have
 * changed), then the statistic names the caller chose (free text, where a
 * token slipped out of place would stand, and which a service quotes
 * back: "Unknown statistic <name>"). */
static void collect_secrets(struct call *call)
{
    secrets_add_all(&call->secrets, &call->req.secrets);
    options_secrets(&call->config->options, &call->secrets);
    for (size_t i = 0; i < call->req.extra_count; i++)
        secrets_add(&call->secrets, call->req.extra_names[i]);
}

static void log_outcome(const struct call *call)
{
    const struct gg_result *result = call->result;
    if (call->code == GG_OK)
        client_log(call->client, call->config, GG_LOG_INFO, NULL,
                   "%s: ok (HTTP %d, %d attempt%s)", call->endpoint->name,
                   result->http_status, result->attempts, result->attempts == 1 ? "" : "s");
    else if (result->outcome == GG_OUTCOME_UNKNOWN)
        client_log(call->client, call->config, GG_LOG_ERROR, &call->secrets,
                   "%s [outcome unknown: reconcile before sending it again]",
                   call_message(call));
    else
        client_log(call->client, call->config, GG_LOG_WARNING, &call->secrets, "%s",
                   call_message(call));
}

int call_prepare(struct call *call, struct gg_client *client, const char *endpoint_name,
                 const struct param_list *params)
{
    call->client = client;
    call->result = result_new();
    if (!call->result)
        return call->code = GG_ENOMEM;
    call->endpoint = endpoint_name ? endpoint_find(endpoint_name) : NULL;
    struct strbuf *msg = &call->msg;
    if (client)
        call->config = client_config(client);
    if (!client) {
        strbuf_adds(msg, "client is NULL");
        return call->code = GG_EINVAL;
    }
    if (!call->endpoint) {
        const char *nearest = endpoint_name ? endpoint_nearest(endpoint_name) : NULL;
        strbuf_adds(msg, "unknown endpoint");
        message_suggest(msg, nearest);
        return call->code = GG_EINVAL;
    }
    strbuf_addf(msg, "%s: ", call->endpoint->name);
    call->msg_prefix = msg->len;
    call->code = request_build(&call->req, call->endpoint, &call->config->options,
                               call->config->store, params, msg);
    collect_secrets(call);
    const struct options *options = &call->config->options;
    long long deadline_span = options_get_number(options, OPT_RETRY_DEADLINE_MS);
    call->deadline_ms = deadline_span ? clock_now_ms() + deadline_span : 0;
    call->attempts_allowed =
        call->endpoint->retry_safe ? (int)options_get_number(options, OPT_RETRY_ATTEMPTS) : 1;
    return call->code;
}

const char *call_message(const struct call *call)
{
    const struct strbuf *msg = &call->msg;
    return msg->failed || !msg->data ? gg_strerror(call->code) : msg->data;
}

void call_conclude(struct call *call)
{
    if (call->attempt > 0) {
        if (call->attempt > 1)
            strbuf_addf(&call->msg, " (after %d attempts)", call->attempt);
        call->result->outcome = outcome_of(call->endpoint, call->code, &call->facts);
    }
    /* The service said yes (outcome: succeeded) but the store could not
     * keep the login: said now, not at the next call that lacks it. */
    struct strbuf why = {0};
    int learned = call->code == GG_OK ? learn(call->config, call->endpoint, &call->req,
                                              call->result->body, &why)
                                      : GG_OK;
    if (learned != GG_OK) {
        strbuf_addf(&call->msg, "the service answered, but the login could not be "
                                "remembered: %s", why.data ? why.data : "out of memory");
        call->code = learned;
    }
    strbuf_release(&why);
    if (call->client)
        log_outcome(call);
}

void call_release(struct call *call)
{
    request_release(&call->req);
    strbuf_release(&call->body);
    strbuf_release(&call->msg);
    config_release(call->config);
    call->config = NULL;
}

static int call_blocking(gg_client *client, const char *endpoint_name,
                         const struct param_list *params, gg_result **out)
{
    struct call call = {0};
    if (call_prepare(&call, client, endpoint_name, params) == GG_OK) {
        while (call_attempt_begin(&call) == GG_OK) {
            CURLcode rc = engine_run(&client->engine, call.transfer.job.handle);
            long long wait = call_attempt_end(&call, rc);
            if (wait < 0)
                break;
            sleep_ms(wait);
        }
    }
    if (call.result)
        call_conclude(&call);
    int code = api_exit(client, call.code, call_message(&call), &call.secrets, call.result, out);
    call_release(&call);
    return code;
}

GG_EXTERN int gg_call(gg_client *client, const char *endpoint_name, const char *const *params,
                      gg_result **out)
{
    struct param_list list = param_list_of_pairs(params);
    return call_blocking(client, endpoint_name, &list, out);
}

GG_EXTERN int gg_call_n(gg_client *client, const char *endpoint_name, const char *const *names,
                        const char *const *values, size_t count, gg_result **out)
{
    struct param_list list = {.names = names, .values = values, .count = count, .stride = 1};
    return call_blocking(client, endpoint_name, &list, out);
}
