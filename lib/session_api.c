/* The session store as the ABI shows it: look up, forget, share. */
#include "client.h"
#include "gamegate.h"
#include "result.h"
#include "json_safe.h"
#include "session.h"

#include <string.h>

/* Checks the arguments and finds the site: GG_OK, or GG_EINVAL and why. */
static int arguments(const gg_client *client, const char *service, const char **site,
                     const char *who, const char **why)
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
    if (!kickapps)
        *site = NULL;
    else if (!*site && !(*site = options_get(&client->options, OPT_KICKAPPS_AS))) {
        *why = "no site given and option kickapps.as is not set";
        return GG_EINVAL;
    }
    return GG_OK;
}

/* What the store holds for the user: GG_OK with data filled, or why not. */
static int look_up(const gg_client *client, const char *service, const char *site,
                   const char *who, struct session_data *data, const char **why)
{
    int code = arguments(client, service, &site, who, why);
    if (code != GG_OK)
        return code;
    switch (session_find(client->sessions, service, site, who, data)) {
    case SESSION_FOUND:
        return GG_OK;
    case SESSION_AMBIGUOUS:
        *why = "that name is one member's username and another member's userId";
        return GG_EINVAL;
    default:
        *why = "nothing remembered for that user (never logged in here, forgotten or expired)";
        return GG_ENOTFOUND;
    }
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

GG_EXTERN int gg_session_get(gg_client *client, const char *service, const char *site,
                             const char *who, gg_result **out)
{
    if (out)
        *out = NULL;
    struct gg_result *result = result_new();
    if (!result)
        return GG_ENOMEM;
    const char *why = "";
    struct session_data data = {0};
    int code = look_up(client, service, site, who, &data, &why);
    if (code == GG_OK) {
        json_t *body = result->body = json_object();
        bool kongregate = strcmp(service, "kongregate") == 0;
        code = body ? GG_OK : GG_ENOMEM;
        set_text(body, kongregate ? "user_id" : "userId", data.user_id, &code);
        set_text(body, "username", data.username, &code);
        set_text(body, kongregate ? "game_auth_token" : "TOKEN", data.token, &code);
        set_text(body, "as", data.site, &code);
        set_text(body, "PRIVILEGES", data.privileges, &code);
        set_text(body, "METHOD", data.method, &code);
        session_data_clear(&data);
        why = code == GG_ENOMEM ? "out of memory" : "a remembered value is not UTF-8";
        if (code != GG_OK) { /* no half an entry */
            json_decref(result->body);
            result->body = NULL;
        }
    }
    result_set_outcome(result, code, why, NULL, 0);
    if (client)
        client_remember(client, code, result->message);
    return result_hand_out(result, out);
}

GG_EXTERN int gg_session_forget(gg_client *client, const char *service, const char *site,
                                const char *who)
{
    const char *why = "";
    struct session_data data = {0};
    int code = look_up(client, service, site, who, &data, &why);
    session_data_clear(&data);
    if (code == GG_OK) {
        arguments(client, service, &site, who, &why);
        session_forget(client->sessions, service, site, who);
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
