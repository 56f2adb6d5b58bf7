#include "services.h"

#include "gamegate.h"
#include "response.h"

#include <curl/curl.h>
#include <stdbool.h>

#include <stdio.h>
#include <string.h>

static int kongregate_check_envelope(const json_t *body, struct strbuf *msg)
{
    if (!json_is_object(body)) {
        strbuf_addf(msg, "expected a JSON object with a 'success' field, got %s",
                    response_kind(body));
        return GG_EPROTOCOL;
    }
    const json_t *success = json_object_get(body, "success");
    if (!json_is_boolean(success)) {
        strbuf_adds(msg, "the response has no true/false 'success' field");
        return GG_EPROTOCOL;
    }
    if (json_is_true(success))
        return GG_OK;

    char scratch[32];
    const char *error = response_field_text(body, "error", scratch, sizeof scratch);
    const char *description = response_field_text(body, "error_description", NULL, 0);
    strbuf_adds(msg, description && *description ? description : "the service reported failure");
    if (error)
        strbuf_addf(msg, " (error %s)", error);
    /* 403 is what Kongregate answers for a bad api_key, user_id or token. */
    bool rejected = error && (strcmp(error, "401") == 0 || strcmp(error, "403") == 0);
    return rejected ? GG_EAUTH : GG_ESERVICE;
}

static const struct {
    const char *error_id;
    int code;
} kickapps_error_ids[] = {
    {"1", GG_EAUTH},    /* invalid token */
    {"18", GG_EDENIED}, /* insufficient user permissions */
    {"44", GG_EAUTH},   /* token required */
};

/* KickApps names most failures only in prose, so the prose decides. */
static const struct {
    const char *phrase;
    int code;
} kickapps_error_phrases[] = {
    {"developerkey", GG_EAUTH}, /* "either developerkey is not passed or developerKey disabled" */
    {"access denied", GG_EDENIED},
    {"banned", GG_EDENIED},
};

/* Whether phrase occurs in text, ignoring ASCII case (strcasestr is a GNU
 * extension). */
static bool contains_phrase(const char *text, const char *phrase)
{
    size_t len = strlen(phrase);
    for (; *text; text++)
        if (curl_strnequal(text, phrase, len))
            return true;
    return false;
}

static int kickapps_classify(const char *error_id, const char *error)
{
    for (size_t i = 0; error_id && i < sizeof kickapps_error_ids / sizeof *kickapps_error_ids; i++)
        if (strcmp(error_id, kickapps_error_ids[i].error_id) == 0)
            return kickapps_error_ids[i].code;
    for (size_t i = 0; error && i < sizeof kickapps_error_phrases / sizeof *kickapps_error_phrases; i++)
        if (contains_phrase(error, kickapps_error_phrases[i].phrase))
            return kickapps_error_phrases[i].code;
    return GG_ESERVICE;
}

static int kickapps_check_envelope(const json_t *body, struct strbuf *msg)
{
    if (!json_is_object(body)) {
        strbuf_addf(msg, "expected a JSON object, got %s", response_kind(body));
        return GG_EPROTOCOL;
    }
    char status_scratch[32], id_scratch[32];
    const char *status = response_field_text(body, "status", status_scratch, sizeof status_scratch);
    const char *error = response_field_text(body, "error", NULL, 0);
    /* The create-token page shows a banned IP as status "1" with an error
     * text, so a non-empty error fails the call whatever the status says. */
    bool failed = (status && strcmp(status, "1") != 0) || (error && *error);
    if (!failed)
        return GG_OK;

    const char *error_id = response_field_text(body, "errorId", id_scratch, sizeof id_scratch);
    const char *message = response_field_text(body, "message", NULL, 0);
    if (error && *error)
        strbuf_adds(msg, error);
    else if (message && *message)
        strbuf_adds(msg, message);
    else
        strbuf_adds(msg, "the service reported failure");
    if (status)
        strbuf_addf(msg, " (status %s", status);
    else
        strbuf_adds(msg, " (no status");
    if (error_id)
        strbuf_addf(msg, ", errorId %s", error_id);
    strbuf_adds(msg, ")");
    return kickapps_classify(error_id, error);
}

const struct service service_kongregate = {
    .name = "kongregate",
    .base_url = OPT_KONGREGATE_BASE_URL,
    .unwraps_single_array = false,
    .check_envelope = kongregate_check_envelope,
    .logins_per_game = true,
    .key_param = "api_key",
    .key_option = OPT_KONGREGATE_API_KEY,
    .site_option = OPT_NONE,
    .who_param = "user_id",
    .logins = {.key_prefix = "kongregate"},
    .user_id_field = "user_id",
    .token_field = "game_auth_token",
};

const struct service service_kickapps = {
    .name = "kickapps",
    .base_url = OPT_KICKAPPS_BASE_URL,
    .unwraps_single_array = true,
    .check_envelope = kickapps_check_envelope,
    .key_param = "developerKey",
    .key_option = OPT_KICKAPPS_DEVELOPER_KEY,
    .site_param = "as",
    .site_option = OPT_KICKAPPS_AS,
    .who_param = "member",
    .logins = {.key_prefix = "kickapps", .finds_by_username = true},
    .user_id_field = "userId",
    .token_field = "TOKEN",
};

const struct service *service_named(const char *name)
{
    static const struct service *const all[] = {&service_kongregate, &service_kickapps};
    for (size_t i = 0; name && i < sizeof all / sizeof *all; i++)
        if (strcmp(name, all[i]->name) == 0)
            return all[i];
    return NULL;
}

const char *service_login_site(const struct service *service, const struct options *options,
                               const char *key, const char *site,
                               char scratch[SESSION_SCOPE_SIZE])
{
    if (!service->logins_per_game)
        return site;
    return key ? options_game_scope(options, key, scratch) : NULL;
}
