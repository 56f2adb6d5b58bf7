/* Kongregate through the ABI: logins, counted parameters, rejections, calls refused before sending, guilds and the rest, driven as a game server written in C would drive it, against the
 * sandbox started by tools/with-sandbox. */
#include "api_fixture.h"
#include "check.h"
#include "sandbox_client.h"

#include <gamegate.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_authenticate(void)
{
    gg_client *client = new_client();
    gg_result *result = NULL;
    const char *params[] = {"user_id", seed.user_id, "game_auth_token", seed.user_token, NULL};
    CHECK_INT(gg_call(client, "kongregate.authenticate", params, &result), GG_OK);
    CHECK_INT(gg_result_code(result), GG_OK);
    CHECK_INT(gg_result_http_status(result), 200);
    CHECK_STR(gg_result_message(result), "");
    CHECK_STR(gg_result_get(result, "username"), seed.username);
    CHECK_STR(gg_result_get(result, "user_id"), seed.user_id); /* a number, as its JSON text */
    CHECK_STR(gg_result_get(result, "success"), "true");
    CHECK(gg_result_get(result, "absent") == NULL);
    CHECK(gg_result_get(result, "username.deeper") == NULL);
    CHECK_INT(gg_result_count(result, ""), 3);
    CHECK_CONTAINS(gg_result_json(result), "\"username\":\"");
    /* Borrowed strings stay valid for the result's life, also when read twice. */
    const char *first = gg_result_get(result, "user_id");
    CHECK(first == gg_result_get(result, "user_id"));
    gg_result_free(result);

    /* The api_key given as a parameter wins over the client's option. */
    const char *wrong_key[] = {"user_id", seed.user_id, "game_auth_token", seed.user_token,
                               "api_key", "not-the-key", NULL};
    CHECK_INT(gg_call(client, "kongregate.authenticate", wrong_key, NULL), GG_EAUTH);
    gg_client_free(client);
}

/* Counted parameters: arrays of exactly count entries, no terminator (a
 * read past either end is an error under valgrind and ASan). */
static const char **exact(const char *first, const char *second)
{
    const char **array = malloc(2 * sizeof *array);
    array[0] = first;
    array[1] = second;
    return array;
}

static void test_counted_parameters(void)
{
    gg_client *client = new_client();
    gg_result *result = NULL;
    const char **names = exact("user_id", "game_auth_token");
    const char **values = exact(seed.user_id, seed.user_token);
    CHECK_INT(gg_call_n(client, "kongregate.authenticate", names, values, 2, &result), GG_OK);
    CHECK_STR(gg_result_get(result, "username"), seed.username);
    gg_result_free(result);

    /* count says how many are read: the token is not, so it is missing. */
    CHECK_INT(gg_call_n(client, "kongregate.authenticate", names, values, 1, &result),
              GG_EINVAL);
    CHECK_CONTAINS(gg_result_message(result), "game_auth_token");
    gg_result_free(result);

    values[1] = NULL;
    CHECK_INT(gg_call_n(client, "kongregate.authenticate", names, values, 2, &result),
              GG_EINVAL);
    CHECK_STR(gg_result_message(result),
              "kongregate.authenticate: parameter 'game_auth_token' has no value (NULL)");
    gg_result_free(result);
    values[1] = seed.user_token;
    names[0] = NULL;
    CHECK_INT(gg_call_n(client, "kongregate.authenticate", names, values, 2, &result),
              GG_EINVAL);
    CHECK_STR(gg_result_message(result),
              "kongregate.authenticate: parameter #1 has no name (NULL)");
    gg_result_free(result);
    CHECK_INT(gg_call_n(client, "kongregate.authenticate", NULL, values, 2, &result), GG_EINVAL);
    CHECK_CONTAINS(gg_result_message(result), "array is NULL");
    gg_result_free(result);
    /* A count beyond what any call takes is refused before anything is read
     * (the arrays hold 2 entries: valgrind and ASan see any read past them). */
    CHECK_INT(gg_call_n(client, "kongregate.authenticate", names, values, 1025, &result),
              GG_EINVAL);
    CHECK_CONTAINS(gg_result_message(result), "more than 1024 parameters");
    gg_result_free(result);
    /* No parameters at all: arrays may then be NULL. */
    CHECK_INT(gg_call_n(client, "kongregate.items", NULL, NULL, 0, &result), GG_OK);
    gg_result_free(result);
    free(names);
    free(values);
    gg_client_free(client);
}

static void test_authenticate_rejections(void)
{
    gg_client *client = new_client();
    gg_result *result = NULL;
    char token[80];
    snprintf(token, sizeof token, "%.63s0", seed.user_token);
    if (strcmp(token, seed.user_token) == 0)
        token[63] = '1';
    const char *bad_token[] = {"user_id", seed.user_id, "game_auth_token", token, NULL};
    CHECK_INT(gg_call(client, "kongregate.authenticate", bad_token, &result), GG_EAUTH);
    CHECK_INT(gg_result_http_status(result), 200);
    CHECK_CONTAINS(gg_result_message(result), "Invalid credentials");
    CHECK_STR(gg_result_get(result, "error"), "403");
    CHECK_STR(gg_result_message(result), gg_client_errmsg(client));
    check_no_secret(gg_result_message(result));
    CHECK_LACKS(gg_result_message(result), token);
    gg_result_free(result);

    const char *guest[] = {"user_id", "0", "game_auth_token", seed.user_token, NULL};
    CHECK_INT(gg_call(client, "kongregate.authenticate", guest, NULL), GG_EAUTH);

    /* Present but blank: only the service can say no, and it says 400. */
    const char *blank[] = {"user_id", seed.user_id, "game_auth_token", "", NULL};
    CHECK_INT(gg_call(client, "kongregate.authenticate", blank, &result), GG_ESERVICE);
    CHECK_CONTAINS(gg_result_message(result), "required parameters");
    CHECK_STR(gg_result_get(result, "error"), "400");
    gg_result_free(result);

    CHECK_INT(gg_client_set(client, "kongregate.api_key", "0000-not-a-game"), GG_OK);
    const char *good[] = {"user_id", seed.user_id, "game_auth_token", seed.user_token, NULL};
    CHECK_INT(gg_call(client, "kongregate.authenticate", good, &result), GG_EAUTH);
    CHECK_LACKS(gg_result_message(result), "0000-not-a-game");
    gg_result_free(result);
    gg_client_free(client);
}

static void test_refused_before_sending(void)
{
    gg_client *client = new_client();
    gg_result *result = NULL;

    const char *missing[] = {"user_id", seed.user_id, NULL};
    CHECK_INT(gg_call(client, "kongregate.authenticate", missing, &result), GG_EINVAL);
    CHECK_CONTAINS(gg_result_message(result), "missing required parameter 'game_auth_token'");
    CHECK_INT(gg_result_http_status(result), 0);
    CHECK_STR(gg_result_message(result), gg_client_errmsg(client));
    gg_result_free(result);

    gg_client *bare = NULL;
    CHECK_INT(gg_client_new(&bare), GG_OK);
    const char *no_key[] = {"user_id", "1", "game_auth_token", "t", NULL};
    CHECK_INT(gg_call(bare, "kongregate.authenticate", no_key, &result), GG_EINVAL);
    CHECK_CONTAINS(gg_result_message(result), "'api_key' (or set option 'kongregate.api_key')");
    gg_result_free(result);
    gg_client_free(bare);

    const char *unknown[] = {"user_id", "1", "game_auth_token", "t", "userid", "1", NULL};
    CHECK_INT(gg_call(client, "kongregate.authenticate", unknown, &result), GG_EINVAL);
    CHECK_CONTAINS(gg_result_message(result), "unknown parameter #3 (did you mean 'user_id'?)");
    gg_result_free(result);

    const char *twice[] = {"user_id", "1", "user_id", "2", "game_auth_token", "t", NULL};
    CHECK_INT(gg_call(client, "kongregate.authenticate", twice, NULL), GG_EINVAL);
    CHECK_CONTAINS(gg_client_errmsg(client), "given twice");

    const char *dangling[] = {"user_id", NULL};
    CHECK_INT(gg_call(client, "kongregate.authenticate", dangling, NULL), GG_EINVAL);
    CHECK_CONTAINS(gg_client_errmsg(client), "has no value");
    /* A slip that puts a token where a name belongs: the name is not echoed. */
    const char *slipped[] = {"user_id", "42", seed.user_token, NULL};
    CHECK_INT(gg_call(client, "kongregate.authenticate", slipped, NULL), GG_EINVAL);
    check_no_secret(gg_client_errmsg(client));
    const char *shifted[] = {"user_id", "42", seed.user_token, "x", NULL};
    CHECK_INT(gg_call(client, "kongregate.authenticate", shifted, NULL), GG_EINVAL);
    check_no_secret(gg_client_errmsg(client));

    const char *crlf[] = {"user_id", "1\r\nX-Injected: 1", "game_auth_token", "t", NULL};
    CHECK_INT(gg_call(client, "kongregate.authenticate", crlf, NULL), GG_EINVAL);
    CHECK_CONTAINS(gg_client_errmsg(client), "CR or LF");

    CHECK_INT(gg_call(client, "kongregate.authenticat", missing, &result), GG_EINVAL);
    CHECK_CONTAINS(gg_result_message(result),
                   "unknown endpoint (did you mean 'kongregate.authenticate'?)");
    gg_result_free(result);
    gg_client_free(client);
}

/* Issue 9's rows as the reference has them: guilds, characters, shared
 * links and Kongpanions, and what each refuses. */
static void test_guilds_characters_links_kongpanions(void)
{
    sandbox_control("/_sandbox/reset");
    gg_client *client = new_client();
    gg_result *result = NULL;
    const char *guild[] = {"guild_identifier", "g1", "guild_name", "Knights",
                           "server_identifier", "101", NULL};
    CHECK_INT(gg_call(client, "kongregate.guild_create", guild, &result), GG_OK);
    CHECK_STR(gg_result_get(result, "guild_identifier"), "g1");
    gg_result_free(result);
    const char *nameless[] = {"guild_identifier", "g2", NULL};
    CHECK_INT(gg_call(client, "kongregate.guild_create", nameless, &result), GG_EINVAL);
    CHECK_CONTAINS(gg_result_message(result), "'guild_name'");
    CHECK_INT(gg_result_attempts(result), 0);
    gg_result_free(result);

    const char *character[] = {"character_identifier", "c1", "character_name", "Sir Smatch",
                               "guild_identifier", "g1", "guild_admin_level", "admin",
                               "user_id", seed.user_id, NULL};
    CHECK_INT(gg_call(client, "kongregate.character_create", character, &result), GG_OK);
    CHECK_STR(gg_result_get(result, "character_identifier"), "c1");
    CHECK_STR(gg_result_get(result, "user_id"), seed.user_id);
    gg_result_free(result);
    const char *unnamed[] = {"character_identifier", "c2", NULL};
    CHECK_INT(gg_call(client, "kongregate.character_create", unnamed, NULL), GG_EINVAL);
    CHECK_CONTAINS(gg_client_errmsg(client), "'character_name'");
    const char *rank[] = {"character_identifier", "c2", "character_name", "X",
                          "guild_admin_level", "owner", NULL};
    CHECK_INT(gg_call(client, "kongregate.character_create", rank, NULL), GG_EINVAL);
    CHECK_CONTAINS(gg_client_errmsg(client), "superadmin|admin");

    /* The published answer has no success field: still a success. */
    const char *destroy[] = {"guild_identifier", "g1", "server_identifier", "101", NULL};
    CHECK_INT(gg_call(client, "kongregate.guild_destroy", destroy, &result), GG_OK);
    CHECK_INT(gg_result_type(result, "success"), GG_TYPE_ABSENT);
    gg_result_free(result);
    CHECK_INT(gg_call(client, "kongregate.guild_destroy", destroy, NULL), GG_ESERVICE);

    const char *login[] = {"user_id", seed.user_id, "game_auth_token", seed.user_token, NULL};
    CHECK_INT(gg_call(client, "kongregate.authenticate", login, NULL), GG_OK);
    const char *link[] = {"user_id", seed.user_id, "id", "link-1", "name", "Invite",
                          "type", "invite", "link_params", "kv_a=1", "expiration", "2000000000",
                          NULL};
    CHECK_INT(gg_call(client, "kongregate.shared_link_create", link, NULL), GG_OK);
    const char *no_id[] = {"user_id", seed.user_id, "name", "Invite", "type", "invite",
                           "link_params", "kv_a=1", "expiration", "2000000000", NULL};
    CHECK_INT(gg_call(client, "kongregate.shared_link_create", no_id, NULL), GG_EINVAL);
    CHECK_CONTAINS(gg_client_errmsg(client), "'id'");
    const char *unlink[] = {"user_id", seed.user_id, "id", "link-1", NULL};
    CHECK_INT(gg_call(client, "kongregate.shared_link_destroy", unlink, NULL), GG_OK);
    CHECK_INT(gg_call(client, "kongregate.shared_link_destroy", unlink, NULL), GG_ESERVICE);

    const char *mine[] = {"user_id", seed.user_id, NULL};
    CHECK_INT(gg_call(client, "kongregate.kongpanions", mine, &result), GG_OK);
    CHECK(gg_result_count(result, "kongpanions") > 0);
    CHECK_INT(gg_result_type(result, "/kongpanions/0/shiny"), GG_TYPE_BOOLEAN);
    gg_result_free(result);
    const char *nobody_has_any[] = {"user_id", "42", NULL};
    CHECK_INT(gg_call(client, "kongregate.kongpanions", nobody_has_any, &result), GG_OK);
    CHECK_INT(gg_result_count(result, "kongpanions"), 0);
    CHECK_INT(gg_result_type(result, "kongpanions"), GG_TYPE_ARRAY);
    gg_result_free(result);
    CHECK_INT(gg_call(client, "kongregate.kongpanions", NULL, NULL), GG_EINVAL);
    CHECK_INT(gg_call(client, "kongregate.kongpanions_index", NULL, &result), GG_OK);
    CHECK(gg_result_count(result, "kongpanions") >= 3);
    gg_result_free(result);
    gg_client_free(client);
}

int main(void)
{
    load_seed();
    test_authenticate();
    test_counted_parameters();
    test_authenticate_rejections();
    test_refused_before_sending();
    test_guilds_characters_links_kongpanions();
    sandbox_release();
    return check_summary();
}
