/* The client handle as the ABI shows it: made, configured, freed, and the
 * message of the calling thread's last call on it. */
#include "api_exit.h"
#include "client.h"
#include "gamegate.h"
#include "last_error.h"
#include "message.h"
#include "store.h"
#include "transport.h"

#include <string.h>

GG_EXTERN int gg_client_new(gg_client **out)
{
    if (!out)
        return api_exit(NULL, GG_EINVAL, "out is NULL", NULL, NULL, NULL);
    int code = client_create(out);
    return api_exit(*out, code, NULL, NULL, NULL, NULL);
}

GG_EXTERN void gg_client_free(gg_client *client)
{
    if (client)
        client_destroy(client);
}

GG_EXTERN int gg_client_set_log(gg_client *client, gg_log_fn fn, void *userdata)
{
    if (!client)
        return api_exit(NULL, GG_EINVAL, "client is NULL", NULL, NULL, NULL);
    /* Waits for lines being delivered with the previous fn. */
    pthread_rwlock_wrlock(&client->log_lock);
    client->log_fn = fn;
    client->log_userdata = userdata;
    atomic_store(&client->logging, fn != NULL);
    pthread_rwlock_unlock(&client->log_lock);
    return api_exit(client, GG_OK, NULL, NULL, NULL, NULL);
}

/* Checks the new value on a copy of the configuration, which is published
 * only when libcurl takes it, so that the options in force always work. */
static int set_option(struct gg_client *client, enum option_id id, const char *value,
                      struct store **opened, struct config **previous, struct strbuf *msg)
{
    struct config *next = config_copy(client->config);
    if (!next) {
        strbuf_adds(msg, "out of memory");
        return GG_ENOMEM;
    }
    int code = options_set(&next->options, id, value, msg);
    if (code == GG_OK)
        code = transport_check_option(&next->options, id, msg);
    if (code != GG_OK) {
        config_release(next);
        return code;
    }
    long long number = options_get_number(&next->options, id);
    if (id == OPT_SESSION_CAPACITY)
        store_set_capacity(next->store, (size_t)number);
    if (id == OPT_SESSION_TTL_MS)
        store_set_ttl(next->store, number);
    if (id == OPT_MAX_CONNECTIONS)
        engine_set_max_connections(&client->engine, (long)number);
    /* The store named again keeps its history: only another store is new. */
    if (id == OPT_SESSION_STORE && strcmp(options_get(&client->config->options, id),
                                          options_get(&next->options, id)) != 0) {
        /* Settings that are the store's own come along. */
        store_set_capacity(*opened, (size_t)options_get_number(&next->options,
                                                               OPT_SESSION_CAPACITY));
        store_set_ttl(*opened, options_get_number(&next->options, OPT_SESSION_TTL_MS));
        store_release(next->store); /* the current config's too: not freed here */
        next->store = *opened;
        *opened = NULL;
    }
    *previous = client_publish(client, next);
    return GG_OK;
}

GG_EXTERN int gg_client_set(gg_client *client, const char *option, const char *value)
{
    if (!client)
        return api_exit(NULL, GG_EINVAL, "client is NULL", NULL, NULL, NULL);
    struct strbuf msg = {0};
    int code;
    enum option_id id = option ? option_find(option) : OPT_NONE;
    struct config *previous = NULL;
    /* A store is opened before set_lock is taken: opening registers fork
     * hooks, and fork() takes the registry's lock before set_lock. */
    struct store *opened =
        id == OPT_SESSION_STORE ? store_open(value ? value : "memory", &msg, &code) : NULL;
    pthread_mutex_lock(&client->set_lock);
    if (id == OPT_SESSION_STORE && !opened) {
        /* refused by store_open: code and msg say why */
    } else if (id == OPT_NONE) {
        /* The name given is not quoted: a key passed in its place would be. */
        const char *nearest = option ? option_nearest(option) : NULL;
        strbuf_adds(&msg, "unknown option");
        message_suggest(&msg, nearest);
        code = GG_EINVAL;
    } else {
        code = set_option(client, id, value, &opened, &previous, &msg);
    }
    pthread_mutex_unlock(&client->set_lock);
    config_release(previous);
    store_release(opened); /* not taken: the same store, or a refusal */
    code = api_exit(client, code, msg.failed ? NULL : msg.data, NULL, NULL, NULL);
    strbuf_release(&msg);
    return code;
}

GG_EXTERN const char *gg_client_errmsg(const gg_client *client)
{
    if (!client)
        return "client is NULL";
    return last_error_get(client->serial);
}
