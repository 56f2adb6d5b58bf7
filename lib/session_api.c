/* The session store as the ABI shows it: look up, forget, share. */
#include "api_exit.h"
#include "client.h"
#include "gamegate.h"
#include "json_safe.h"
#include "result.h"
#include "services.h"
#include "session.h"
#include "store.h"


static const char NOTHING_REMEMBERED[] =
    "nothing remembered for that user (never logged in here, forgotten or expired)";

/* What the store said went wrong. */
static const char *store_why(const struct strbuf *msg)
{
    return msg->failed ? "out of memory" : msg->data ? msg->data : "";
}

/* The place a user's login is kept under: a KickApps site, or the scope of
 * the game whose api_key the client holds; and what seals it in a shared
 * store. */
struct where {
    const struct service *service;
    const char *site;
    const char *secret;
    char scope[SESSION_SCOPE_SIZE];
};

/* Checks the arguments and finds the site: GG_OK, or GG_EINVAL and why. */
static int locate(const struct config *config, const char *service, const char *site,
                  const char *who, struct where *where, const char **why)
{
    if (!service || !who) {
        *why = "client, service and who are required";
        return GG_EINVAL;
    }
    const struct options *options = &config->options;
    where->service = service_named(service);
    if (!where->service) {
        *why = "service must be \"kongregate\" or \"kickapps\"";
        return GG_EINVAL;
    }
    const char *key = options_get(options, where->service->key_option);
    if (where->service->logins_per_game && !key) {
        *why = "option kongregate.api_key is not set (logins are kept per game)";
        return GG_EINVAL;
    }
    if (!site && where->service->site_option != OPT_NONE)
        site = options_get(options, where->service->site_option);
    where->site = service_login_site(where->service, options, key, site, where->scope);
    if (!where->site) {
        *why = where->service->logins_per_game
                   ? "out of memory"
                   : "no site given and option kickapps.as is not set";
        return where->service->logins_per_game ? GG_ENOMEM : GG_EINVAL;
    }
    where->secret = options_store_secret(options, key);
    return GG_OK;
}

/* Adds a field; a failure becomes *code (GG_ENOMEM, or GG_EINVAL for a
 * value that is not UTF-8) unless an earlier one already did. */
static void set_text(json_t *object, const char *name, const char *value, int *code)
{
    if (!value || *code != GG_OK)
        return;
    json_t *text = json_safe_string(value, code);
    if (*code == GG_OK && json_object_set_new(object, name, text) != 0)
        *code = GG_ENOMEM;
}

static int fill(struct gg_result *result, const struct where *where,
                const struct session_data *data, const char **why)
{
    json_t *body = result->body = json_object();
    const struct service *service = where->service;
    int code = body ? GG_OK : GG_ENOMEM;
    set_text(body, service->user_id_field, data->user_id, &code);
    set_text(body, "username", data->username, &code);
    set_text(body, service->token_field, data->token, &code);
    if (service->site_param) /* a game's scope is gamegate's own, not the service's */
        set_text(body, service->site_param, data->site, &code);
    set_text(body, "PRIVILEGES", data->privileges, &code);
    set_text(body, "METHOD", data->method, &code);
    if (code != GG_OK) { /* no half an entry */
        *why = code == GG_ENOMEM ? "out of memory" : "a remembered value is not UTF-8";
        json_decref(result->body);
        result->body = NULL;
    }
    return code;
}

GG_EXTERN int gg_session_get(gg_client *client, const char *service, const char *site,
                             const char *who, gg_result **out)
{
    struct gg_result *result = result_new();
    if (!result)
        return api_exit(client, GG_ENOMEM, NULL, NULL, NULL, out);
    const char *why = "client, service and who are required";
    int code = GG_EINVAL;
    struct strbuf store_msg = {0};
    if (client) {
        struct config *config = client_config(client);
        struct where where;
        struct session_data data = {0};
        code = locate(config, service, site, who, &where, &why);
        if (code == GG_OK) {
            code = store_find(config->store, where.secret, where.service, where.site, who, &data,
                              &store_msg);
            why = code == GG_ENOTFOUND ? NOTHING_REMEMBERED : store_why(&store_msg);
        }
        if (code == GG_OK)
            code = fill(result, &where, &data, &why);
        session_data_clear(&data);
        config_release(config);
    }
    code = api_exit(client, code, why, NULL, result, out);
    strbuf_release(&store_msg);
    return code;
}

GG_EXTERN int gg_session_forget(gg_client *client, const char *service, const char *site,
                                const char *who)
{
    if (!client)
        return api_exit(NULL, GG_EINVAL, "client is NULL", NULL, NULL, NULL);
    const char *why = "";
    struct config *config = client_config(client);
    struct where where;
    struct strbuf store_msg = {0};
    bool live = false;
    int code = locate(config, service, site, who, &where, &why);
    if (code == GG_OK) {
        code = store_forget(config->store, where.secret, where.service, where.site, who, &live,
                            &store_msg);
        why = store_why(&store_msg);
    }
    if (code == GG_OK && !live) {
        why = NOTHING_REMEMBERED;
        code = GG_ENOTFOUND;
    }
    config_release(config);
    code = api_exit(client, code, why, NULL, NULL, NULL);
    strbuf_release(&store_msg);
    return code;
}

GG_EXTERN int gg_client_share_sessions(gg_client *client, gg_client *owner)
{
    if (!client || !owner)
        return api_exit(client, GG_EINVAL, "client and owner are required", NULL, NULL, NULL);
    struct config *owners = client_config(owner);
    pthread_mutex_lock(&client->set_lock);
    bool shared = client->config->store == owners->store;
    struct config *next = shared ? NULL : config_copy(client->config);
    int code = GG_OK;
    struct config *previous = NULL;
    if (next) {
        /* The whole store: logins, and the ledger of deliveries. */
        store_retain(owners->store);
        struct store *own = next->store;
        next->store = owners->store;
        previous = client_publish(client, next);
        pthread_mutex_unlock(&client->set_lock);
        store_release(own); /* never under set_lock: it may free the store */
    } else {
        if (!shared)
            code = GG_ENOMEM;
        pthread_mutex_unlock(&client->set_lock);
    }
    config_release(previous);
    config_release(owners);
    return api_exit(client, code, NULL, NULL, NULL, NULL);
}
