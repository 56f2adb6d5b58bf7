/* gg_call: one row of the endpoint table, from parameters to result. */
#include "client.h"
#include "endpoints.h"
#include "gamegate.h"
#include "message.h"
#include "request.h"
#include "response.h"
#include "result.h"
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bare-array bodies (Kongregate's badges) have no envelope, but an error
 * still arrives as one. */
static int check_body(const struct endpoint *endpoint, const json_t *body, struct strbuf *msg)
{
    if (!(endpoint->flags & BODY_IS_ARRAY))
        return endpoint->service->check_envelope(body, msg);
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

static const char *body_text(const json_t *body, const char *name, char *scratch, size_t size)
{
    const json_t *value = json_object_get(body, name);
    if (json_is_integer(value)) {
        snprintf(scratch, size, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
        return scratch;
    }
    return json_string_value(value);
}

static void remember_as(struct session_store *store, const char *service, const char *site,
                        const char *who, const struct session_data *data)
{
    char key[SESSION_KEY_MAX];
    if (who && session_key(key, service, site, who))
        session_remember(store, key, data);
}

/* What a successful call teaches the session store. */
static void learn(struct session_store *store, const struct endpoint *endpoint,
                  const struct request *req, const json_t *body)
{
    char user_id[32];
    struct session_data data = {0};
    if (endpoint->remembers == REMEMBERS_KONGREGATE_LOGIN) {
        data.user_id = (char *)request_value(req, endpoint, "user_id");
        data.username = (char *)json_string_value(json_object_get(body, "username"));
        data.token = (char *)request_value(req, endpoint, "game_auth_token");
        remember_as(store, "kongregate", NULL, data.user_id, &data);
    } else if (endpoint->remembers == REMEMBERS_KICKAPPS_TOKEN) {
        data.site = (char *)request_value(req, endpoint, "as");
        data.user_id = (char *)body_text(body, "userId", user_id, sizeof user_id);
        data.username = (char *)json_string_value(json_object_get(body, "username"));
        data.token = (char *)json_string_value(json_object_get(body, "TOKEN"));
        data.privileges = (char *)json_string_value(json_object_get(body, "PRIVILEGES"));
        data.method = (char *)json_string_value(json_object_get(body, "METHOD"));
        if (!data.token)
            return;
        remember_as(store, "kickapps", data.site, data.username, &data);
        remember_as(store, "kickapps", data.site, data.user_id, &data);
    }
}

/* Sends the request and reads the answer into result; GG_OK only when the
 * service says the call succeeded. */
static int exchange(struct gg_client *client, const struct endpoint *endpoint,
                    const struct request *req, struct gg_result *result, struct strbuf *msg)
{
    long status = 0;
    int code = transport_perform(&client->transport, endpoint->method, req->url.data, &req->body,
                                 &status, msg);
    result->http_status = (int)status;
    if (code != GG_OK)
        return code;

    const struct strbuf *body = &client->transport.body;
    struct strbuf detail = {0};
    code = response_parse(body->data ? body->data : "", body->len,
                          endpoint->service->unwraps_single_array, &result->body, &detail);
    if (status < 200 || status > 299) {
        strbuf_addf(msg, "HTTP status %ld from %s", status, endpoint->service->name);
        /* An error page may still carry the service's own explanation. */
        struct strbuf said = {0};
        if (code == GG_OK && endpoint->service->check_envelope(result->body, &said) != GG_OK &&
            said.len)
            strbuf_addf(msg, ": %s", said.data);
        strbuf_release(&said);
        code = GG_EHTTP;
    } else if (code == GG_OK) {
        code = check_body(endpoint, result->body, msg);
        if (code == GG_OK && endpoint->remembers != REMEMBERS_NOTHING)
            learn(client->sessions, endpoint, req, result->body);
    } else {
        strbuf_add(msg, detail.data, detail.len);
    }
    strbuf_release(&detail);
    return code;
}

static void finish(struct gg_client *client, struct gg_result *result, int code,
                   const struct strbuf *msg, const struct request *req)
{
    const char *secrets[MESSAGE_MAX_SECRETS];
    size_t secret_count = 0;
    for (size_t i = 0; i < req->secret_count; i++)
        secrets[secret_count++] = req->secrets[i];
    if (client)
        secret_count += options_secrets(&client->options, secrets + secret_count,
                                        MESSAGE_MAX_SECRETS - secret_count);
    result_set_outcome(result, code, msg->failed || !msg->data ? gg_strerror(code) : msg->data,
                       secrets, secret_count);
    if (client)
        client_remember(client, code, result->message);
}

GG_EXTERN int gg_call(gg_client *client, const char *endpoint_name, const char *const *params,
                      gg_result **out)
{
    if (out)
        *out = NULL;
    struct gg_result *result = result_new();
    if (!result) {
        if (client)
            client_remember(client, GG_ENOMEM, NULL);
        return GG_ENOMEM;
    }
    struct strbuf msg = {0};
    struct request req = {0};
    const struct endpoint *endpoint = endpoint_name ? endpoint_find(endpoint_name) : NULL;
    int code;
    if (!client) {
        strbuf_adds(&msg, "client is NULL");
        code = GG_EINVAL;
    } else if (!endpoint) {
        strbuf_addf(&msg, "unknown endpoint '%s'", endpoint_name ? endpoint_name : "(null)");
        code = GG_EINVAL;
    } else {
        strbuf_addf(&msg, "%s: ", endpoint->name);
        code = request_build(&req, endpoint, &client->options, client->sessions, params, &msg);
        if (code == GG_OK)
            code = exchange(client, endpoint, &req, result, &msg);
    }
    finish(client, result, code, &msg, &req);
    request_release(&req);
    strbuf_release(&msg);
    return result_hand_out(result, out);
}
