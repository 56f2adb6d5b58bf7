/* The session store as the ABI shows it: look up, forget, share. */
#include "client.h"
#include "gamegate.h"
#include "result.h"
#include "session.h"

#include <string.h>

/* The store key for a service's user, or a message saying what is wrong. */
static int key_for(const gg_client *client, const char *service, const char *site,
                   const char *who, char *key, const char **why)
{
    if (!client || !service || !who) {
        *why = "client, service and who are required";
        return GG_EINVAL;
    }
    bool kickapps = strcmp(service, "kickapps") == 0;
    if (!kickapps && strcmp(service, "kongregate") != 0) {
        *why = "service must be \"kongregate\" or \"kickapps\"";
        return GG_EINVAL;
    }
    if (kickapps && !site)
        site = options_get(&client->options, OPT_KICKAPPS_AS);
    if (kickapps && !site) {
        *why = "no site given and option kickapps.as is not set";
        return GG_EINVAL;
    }
    if (!session_key(key, service, kickapps ? site : NULL, who)) {
        *why = "the user name is too long";
        return GG_EINVAL;
    }
    return GG_OK;
}

/* What the store holds for the user: GG_OK with data filled, or why not. */
static int look_up(const gg_client *client, const char *service, const char *site,
                   const char *who, char *key, struct session_data *data, const char **why)
{
    int code = key_for(client, service, site, who, key, why);
    if (code == GG_OK && !session_lookup(client->sessions, key, data)) {
        *why = "nothing remembered for that user (never logged in here, forgotten or expired)";
        code = GG_ENOTFOUND;
    }
    return code;
}

static void set_text(json_t *object, const char *name, const char *value)
{
    if (value)
        json_object_set_new(object, name, json_string(value));
}

GG_EXTERN int gg_session_get(gg_client *client, const char *service, const char *site,
                             const char *who, gg_result **out)
{
    if (out)
        *out = NULL;
    struct gg_result *result = result_new();
    if (!result)
        return GG_ENOMEM;
    char key[SESSION_KEY_MAX];
    const char *why = "";
    struct session_data data = {0};
    int code = look_up(client, service, site, who, key, &data, &why);
    if (code == GG_OK) {
        json_t *body = result->body = json_object();
        bool kongregate = strcmp(service, "kongregate") == 0;
        set_text(body, kongregate ? "user_id" : "userId", data.user_id);
        set_text(body, "username", data.username);
        set_text(body, kongregate ? "game_auth_token" : "TOKEN", data.token);
        set_text(body, "as", data.site);
        set_text(body, "PRIVILEGES", data.privileges);
        set_text(body, "METHOD", data.method);
        session_data_clear(&data);
        if (!body)
            code = GG_ENOMEM;
    }
    result_set_outcome(result, code, why, NULL, 0);
    if (client)
        client_remember(client, code, result->message);
    return result_hand_out(result, out);
}

GG_EXTERN int gg_session_forget(gg_client *client, const char *service, const char *site,
                                const char *who)
{
    char key[SESSION_KEY_MAX];
    const char *why = "";
    struct session_data data = {0};
    int code = look_up(client, service, site, who, key, &data, &why);
    if (code == GG_OK) {
        /* A KickApps member is remembered by username and by userId: both go. */
        char other[SESSION_KEY_MAX];
        session_forget(client->sessions, key);
        if (data.site && data.username && session_key(other, service, data.site, data.username))
            session_forget(client->sessions, other);
        if (data.site && data.user_id && session_key(other, service, data.site, data.user_id))
            session_forget(client->sessions, other);
        session_data_clear(&data);
    }
    if (client)
        client_remember(client, code, code == GG_OK ? NULL : why);
    return code;
}

GG_EXTERN int gg_client_share_sessions(gg_client *client, gg_client *owner)
{
    if (!client || !owner)
        return GG_EINVAL;
    if (client->sessions != owner->sessions) {
        session_store_retain(owner->sessions);
        session_store_release(client->sessions);
        client->sessions = owner->sessions;
    }
    client_remember(client, GG_OK, NULL);
    return GG_OK;
}
