/* gg_call: one row of the endpoint table, from parameters to result. */
#include "client.h"
#include "endpoints.h"
#include "gamegate.h"
#include "message.h"
#include "request.h"
#include "response.h"
#include "result.h"

#include <stdlib.h>

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
        code = endpoint->service->check_envelope(result->body, msg);
    } else {
        strbuf_add(msg, detail.data, detail.len);
    }
    strbuf_release(&detail);
    return code;
}

static void finish(struct gg_client *client, struct gg_result *result, int code,
                   const struct strbuf *msg, const struct request *req)
{
    result->code = code;
    if (code == GG_OK) {
        if (client)
            client_remember(client, code, NULL);
        return;
    }
    const char *secrets[MESSAGE_MAX_SECRETS];
    size_t secret_count = 0;
    for (size_t i = 0; i < req->secret_count; i++)
        secrets[secret_count++] = req->secrets[i];
    if (client)
        secret_count += options_secrets(&client->options, secrets + secret_count,
                                        MESSAGE_MAX_SECRETS - secret_count);
    result->message = message_clean(msg->failed || !msg->data ? gg_strerror(code) : msg->data,
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
        code = request_build(&req, endpoint, &client->options, params, &msg);
        if (code == GG_OK)
            code = exchange(client, endpoint, &req, result, &msg);
    }
    finish(client, result, code, &msg, &req);
    request_release(&req);
    strbuf_release(&msg);
    if (out)
        *out = result;
    else
        gg_result_free(result);
    return code;
}
