#include "client.h"

#include "gamegate.h"
#include "message.h"

#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

GG_EXTERN int gg_client_new(gg_client **out)
{
    if (!out)
        return GG_EINVAL;
    *out = NULL;
    gg_client *client = calloc(1, sizeof *client);
    if (!client)
        return GG_ENOMEM;
    int code = transport_init(&client->transport, &client->options);
    if (code != GG_OK) {
        free(client);
        return code;
    }
    client->sessions = session_store_new();
    if (!client->sessions) {
        transport_cleanup(&client->transport);
        free(client);
        return GG_ENOMEM;
    }
    *out = client;
    return GG_OK;
}

GG_EXTERN void gg_client_free(gg_client *client)
{
    if (!client)
        return;
    transport_cleanup(&client->transport);
    session_store_release(client->sessions);
    options_clear(&client->options);
    free(client->last_message);
    free(client);
}

void client_remember(struct gg_client *client, int code, const char *message)
{
    free(client->last_message);
    client->last_code = code;
    client->last_message = code != GG_OK && message ? strdup(message) : NULL;
}

GG_EXTERN int gg_client_set_log(gg_client *client, gg_log_fn fn, void *userdata)
{
    if (!client)
        return GG_EINVAL;
    client->log_fn = fn;
    client->log_userdata = userdata;
    client_remember(client, GG_OK, NULL);
    return GG_OK;
}

void client_log(struct gg_client *client, int level, const char *const *secrets,
                size_t secret_count, const char *fmt, ...)
{
    if (!client->log_fn || level > options_log_level(&client->options))
        return;
    /* Formatted in full: cut before cleaning, a secret could lose its tail
     * and then pass the redaction. */
    struct strbuf line = {0};
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&line, fmt, ap);
    va_end(ap);
    const char *all[MESSAGE_MAX_SECRETS];
    size_t count = 0;
    for (; count < secret_count && count < MESSAGE_MAX_SECRETS; count++)
        all[count] = secrets[count];
    count += options_secrets(&client->options, all + count, MESSAGE_MAX_SECRETS - count);
    char *clean = line.failed ? NULL : message_clean(line.data ? line.data : "", all, count);
    if (clean)
        client->log_fn(client->log_userdata, level, clean);
    free(clean);
    strbuf_release(&line);
}

/* Stores the value and applies it; if libcurl refuses it, the previous value
 * comes back, so that the option in force is always one that took effect. */
static int set_option(struct gg_client *client, enum option_id id, const char *value,
                      struct strbuf *msg)
{
    bool failed = false;
    char *previous = options_copy_set(&client->options, id, &failed);
    if (failed) {
        strbuf_adds(msg, "out of memory");
        return GG_ENOMEM;
    }
    int code = options_set(&client->options, id, value, msg);
    if (code == GG_OK)
        code = transport_configure(&client->transport, &client->options, id, msg);
    if (code != GG_OK && options_set(&client->options, id, previous, msg) == GG_OK)
        transport_configure(&client->transport, &client->options, id, msg);
    if (previous) {
        OPENSSL_cleanse(previous, strlen(previous));
        free(previous);
    }
    if (code == GG_OK && id == OPT_SESSION_CAPACITY)
        session_store_set_capacity(client->sessions,
                                   (size_t)options_get_number(&client->options, id));
    if (code == GG_OK && id == OPT_SESSION_TTL_MS)
        session_store_set_ttl(client->sessions, options_get_number(&client->options, id));
    return code;
}

GG_EXTERN int gg_client_set(gg_client *client, const char *option, const char *value)
{
    if (!client)
        return GG_EINVAL;
    struct strbuf msg = {0};
    int code;
    enum option_id id = option ? option_find(option) : OPT_NONE;
    if (id == OPT_NONE) {
        /* The name given is not quoted: a key passed in its place would be. */
        const char *nearest = option ? option_nearest(option) : NULL;
        strbuf_adds(&msg, "unknown option");
        if (nearest)
            strbuf_addf(&msg, " (did you mean '%s'?)", nearest);
        code = GG_EINVAL;
    } else {
        code = set_option(client, id, value, &msg);
    }
    const char *secrets[MESSAGE_MAX_SECRETS];
    size_t secret_count = options_secrets(&client->options, secrets, MESSAGE_MAX_SECRETS);
    char *clean = code == GG_OK ? NULL
                                : message_clean(msg.data ? msg.data : "", secrets, secret_count);
    client_remember(client, code, clean);
    free(clean);
    strbuf_release(&msg);
    return code;
}

GG_EXTERN const char *gg_client_errmsg(const gg_client *client)
{
    if (!client)
        return "client is NULL";
    if (client->last_message)
        return client->last_message;
    return client->last_code == GG_OK ? "" : gg_strerror(client->last_code);
}
