/* gg_call: one row of the endpoint table, from parameters to result,
 * retrying reads and never sending a state change twice. */
#include "client.h"
#include "clock.h"
#include "endpoints.h"
#include "gamegate.h"
#include "message.h"
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

/* One gg_call in progress. */
struct call {
    struct gg_client *client;
    struct config *config; /* held for the whole call */
    const struct endpoint *endpoint;
    struct request req;
    struct strbuf body; /* the latest attempt's response body */
    struct gg_result *result;
    const char *secrets[MESSAGE_MAX_SECRETS];
    size_t secret_count;
};

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

/* What a successful call teaches the session store: GG_OK, or GG_ENOMEM
 * when it could not be remembered. */
static int learn(struct session_store *store, const struct endpoint *endpoint,
                 const struct request *req, const json_t *body)
{
    char user_id[32], scope[SESSION_SCOPE_SIZE];
    struct session_data data = {0};
    if (endpoint->remembers == REMEMBERS_KONGREGATE_LOGIN) {
        if (!session_game_scope(request_value(req, endpoint, "api_key"), scope))
            return GG_ENOMEM;
        data.site = scope;
        data.user_id = (char *)request_value(req, endpoint, "user_id");
        data.username = (char *)json_string_value(json_object_get(body, "username"));
        data.token = (char *)request_value(req, endpoint, "game_auth_token");
        return session_remember(store, "kongregate", &data);
    } else if (endpoint->remembers == REMEMBERS_KICKAPPS_TOKEN) {
        data.site = (char *)request_value(req, endpoint, "as");
        data.user_id = (char *)response_field_text(body, "userId", user_id, sizeof user_id);
        data.username = (char *)json_string_value(json_object_get(body, "username"));
        data.token = (char *)json_string_value(json_object_get(body, "TOKEN"));
        data.privileges = (char *)json_string_value(json_object_get(body, "PRIVILEGES"));
        data.method = (char *)json_string_value(json_object_get(body, "METHOD"));
        if (data.token)
            return session_remember(store, "kickapps", &data);
    }
    return GG_OK;
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

static int send_with_retries(struct call *call, struct strbuf *msg)
{
    const struct endpoint *endpoint = call->endpoint;
    const struct config *config = call->config;
    const struct options *options = &config->options;
    long long timeout = options_get_number(options, OPT_TIMEOUT_MS);
    long long deadline_span = options_get_number(options, OPT_RETRY_DEADLINE_MS);
    long long deadline = deadline_span ? clock_now_ms() + deadline_span : 0;
    int attempts = endpoint->retry_safe ? (int)options_get_number(options, OPT_RETRY_ATTEMPTS) : 1;
    size_t prefix = msg->len;
    struct exchange_facts facts = {0};
    int code = GG_OK;
    for (int attempt = 1;; attempt++) {
        msg->len = prefix;
        if (msg->data)
            msg->data[prefix] = '\0';
        json_decref(call->result->body);
        call->result->body = NULL;
        long long limit = timeout;
        if (deadline && (!limit || deadline - clock_now_ms() < limit))
            limit = deadline - clock_now_ms() > 1 ? deadline - clock_now_ms() : 1;
        struct transport_request request = {
            .method = endpoint->method,
            .url = call->req.url.data,
            .form = &call->req.body,
            .timeout_ms = (long)limit,
            .fresh = !endpoint->retry_safe,
        };
        code = transport_perform(&call->client->engine, options, config->generation, &request,
                                 &call->body, &facts, msg);
        call->result->attempts = attempt;
        call->result->http_status = (int)facts.http_status;
        if (code == GG_OK)
            code = read_answer(call, &facts, msg);
        client_log(call->client, config, GG_LOG_DEBUG, call->secrets, call->secret_count,
                   "%s: attempt %d: %s %s -> HTTP %ld, %zu bytes, %lld ms", endpoint->name,
                   attempt, endpoint->method, endpoint->path, facts.http_status,
                   call->body.len, facts.elapsed_ms);
        if (code == GG_OK || attempt >= attempts || !worth_retrying(code, &facts))
            break;
        long long wait = next_wait_ms(options, attempt, &facts, deadline, msg);
        if (wait < 0)
            break;
        client_log(call->client, config, GG_LOG_WARNING, call->secrets, call->secret_count,
                   "%s; retrying in %lld ms", text_of(msg), wait);
        sleep_ms(wait);
    }
    if (call->result->attempts > 1)
        strbuf_addf(msg, " (after %d attempts)", call->result->attempts);
    call->result->outcome = outcome_of(endpoint, code, &facts);
    return code;
}

/* What must not come back in any message, log line or failed body: the
 * call's secrets and the client's keys, then the statistic names the caller
 * chose (free text, where a token slipped out of place would stand, and
 * which a service quotes back: "Unknown statistic <name>"). */
static void collect_secrets(struct call *call)
{
    for (size_t i = 0; i < call->req.secret_count; i++)
        call->secrets[call->secret_count++] = call->req.secrets[i];
    if (call->config)
        call->secret_count += options_secrets(&call->config->options,
                                              call->secrets + call->secret_count,
                                              MESSAGE_MAX_SECRETS - call->secret_count);
    for (size_t i = 0; i < call->req.extra_count && call->secret_count < MESSAGE_MAX_SECRETS; i++)
        call->secrets[call->secret_count++] = call->req.extra_names[i];
}

static void finish(struct call *call, int code, const struct strbuf *msg)
{
    struct gg_result *result = call->result;
    result_set_outcome(result, code, msg->failed || !msg->data ? gg_strerror(code) : msg->data,
                       call->secrets, call->secret_count);
    if (code != GG_OK)
        result_scrub(result, call->secrets, call->secret_count);
    if (!call->client)
        return;
    client_set_error(call->client, code, result->message);
    if (code == GG_OK)
        client_log(call->client, call->config, GG_LOG_INFO, NULL, 0, "%s: ok (HTTP %d, %d attempt%s)",
                   call->endpoint->name, result->http_status, result->attempts,
                   result->attempts == 1 ? "" : "s");
    else if (result->outcome == GG_OUTCOME_UNKNOWN)
        client_log(call->client, call->config, GG_LOG_ERROR, NULL, 0,
                   "%s [outcome unknown: reconcile before sending it again]",
                   gg_result_message(result));
    else
        client_log(call->client, call->config, GG_LOG_WARNING, NULL, 0, "%s", gg_result_message(result));
}

GG_EXTERN int gg_call(gg_client *client, const char *endpoint_name, const char *const *params,
                      gg_result **out)
{
    if (out)
        *out = NULL;
    struct call call = {.client = client, .result = result_new()};
    if (!call.result) {
        if (client)
            client_set_error(client, GG_ENOMEM, NULL);
        return GG_ENOMEM;
    }
    struct strbuf msg = {0};
    call.endpoint = endpoint_name ? endpoint_find(endpoint_name) : NULL;
    int code;
    if (client)
        call.config = client_config(client);
    if (!client) {
        strbuf_adds(&msg, "client is NULL");
        code = GG_EINVAL;
    } else if (!call.endpoint) {
        const char *nearest = endpoint_name ? endpoint_nearest(endpoint_name) : NULL;
        strbuf_adds(&msg, "unknown endpoint");
        if (nearest)
            strbuf_addf(&msg, " (did you mean '%s'?)", nearest);
        code = GG_EINVAL;
    } else {
        strbuf_addf(&msg, "%s: ", call.endpoint->name);
        code = request_build(&call.req, call.endpoint, &call.config->options,
                             call.config->sessions, params, &msg);
        collect_secrets(&call);
        if (code == GG_OK)
            code = send_with_retries(&call, &msg);
        /* The service said yes (outcome: succeeded) but the store could not
         * keep the login: said now, not at the next call that lacks it. */
        if (code == GG_OK && learn(call.config->sessions, call.endpoint, &call.req,
                                   call.result->body) != GG_OK) {
            strbuf_adds(&msg, "the service answered, but the login could not be remembered "
                              "(out of memory)");
            code = GG_ENOMEM;
        }
    }
    finish(&call, code, &msg);
    request_release(&call.req);
    strbuf_release(&call.body);
    strbuf_release(&msg);
    config_release(call.config);
    return result_hand_out(call.result, out);
}
