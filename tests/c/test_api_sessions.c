/* The session store and callbacks through the ABI, driven as a game server written in C would drive it, against the
 * sandbox started by tools/with-sandbox. */
#include "api_fixture.h"
#include "check.h"
#include "sandbox_client.h"

#include <gamegate.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_sessions(void)
{
    CHECK_INT(sandbox_control("/_sandbox/reset"), 0);
    gg_client *client = new_client(), *other = new_client();
    gg_result *result = NULL;

    const char *use[] = {"user_id", seed.user_id, "id", "101", NULL};
    CHECK_INT(gg_call(client, "kongregate.use_item", use, NULL), GG_EINVAL);
    CHECK_INT(gg_session_get(client, "kongregate", NULL, seed.user_id, &result), GG_ENOTFOUND);
    gg_result_free(result);

    const char *login[] = {"user_id", seed.user_id, "game_auth_token", seed.user_token, NULL};
    CHECK_INT(gg_call(client, "kongregate.authenticate", login, NULL), GG_OK);
    CHECK_INT(gg_session_get(client, "kongregate", NULL, seed.user_id, &result), GG_OK);
    CHECK_STR(gg_result_get(result, "username"), seed.username);
    CHECK_STR(gg_result_get(result, "game_auth_token"), seed.user_token);
    gg_result_free(result);
    CHECK_INT(gg_call(client, "kongregate.use_item", use, &result), GG_OK);
    CHECK(gg_result_get(result, "remaining_uses") != NULL);
    gg_result_free(result);

    /* Another client sees it once it shares the store. */
    CHECK_INT(gg_call(other, "kongregate.use_item", use, NULL), GG_EINVAL);
    CHECK_INT(gg_client_share_sessions(other, client), GG_OK);
    CHECK_INT(gg_call(other, "kongregate.use_item", use, NULL), GG_OK);
    CHECK_INT(gg_client_share_sessions(NULL, client), GG_EINVAL);

    CHECK_INT(gg_session_forget(client, "kongregate", NULL, seed.user_id), GG_OK);
    CHECK_INT(gg_session_forget(other, "kongregate", NULL, seed.user_id), GG_ENOTFOUND);
    CHECK_INT(gg_session_get(client, "steam", NULL, "1", NULL), GG_EINVAL);

    const char *anonymous[] = {"username", "anonymous", NULL};
    CHECK_INT(gg_call(client, "kickapps.create_token", anonymous, NULL), GG_OK);
    CHECK_INT(gg_session_get(client, "kickapps", NULL, "anonymous", &result), GG_OK);
    CHECK_STR(gg_result_get(result, "PRIVILEGES"), "R");
    CHECK_STR(gg_result_get(result, "as"), seed.site);
    gg_result_free(result);
    const char *write[] = {"member", "anonymous", "friendId", "4851902", NULL};
    CHECK_INT(gg_call(client, "kickapps.friend_add", write, &result), GG_EDENIED);
    CHECK_INT(gg_result_http_status(result), 0);
    gg_result_free(result);
    const char *read[] = {"member", "anonymous", NULL};
    CHECK_INT(gg_call(client, "kickapps.badges", read, NULL), GG_OK);

    gg_client_free(client);
    /* The store outlives the client that made it while another uses it. */
    CHECK_INT(gg_session_get(other, "kickapps", NULL, "anonymous", NULL), GG_OK);
    gg_client_free(other);
}

static void test_callbacks(void)
{
    const char *key = "748e63d7-c48c-418c-aa25-80456de2b98c";
    const char *example = "GbmlDg_VNvaFZFKMR6iIXBqQWtdCyzgwSPTc1IB7pC8."
                          "eyJhbGdvcml0aG0iOiJITUFDLVNIQTI1NiIsImV2ZW50IjoidGVzdCJ9";
    gg_result *result = NULL;
    CHECK_INT(gg_callback_verify(NULL, example, strlen(example), key, &result), GG_OK);
    CHECK_STR(gg_result_get(result, "event"), "test");
    CHECK_STR(gg_result_get(result, "algorithm"), "HMAC-SHA256");
    gg_result_free(result);

    char form[256];
    snprintf(form, sizeof form, "signed_request=%s", example);
    CHECK_INT(gg_callback_verify(NULL, form, strlen(form), key, NULL), GG_OK);
    /* The length counts: a body cut short does not verify. */
    CHECK_INT(gg_callback_verify(NULL, form, strlen(form) - 1, key, NULL), GG_ESIGNATURE);
    CHECK_INT(gg_callback_verify(NULL, example, strlen(example), "wrong-key-entirely", &result),
              GG_ESIGNATURE);
    CHECK(gg_result_get(result, "event") == NULL); /* nothing of a forged payload */
    CHECK_LACKS(gg_result_message(result), "wrong-key-entirely");
    gg_result_free(result);
    CHECK_INT(gg_callback_verify(NULL, example, strlen(example), NULL, NULL), GG_EINVAL);
    CHECK_INT(gg_callback_verify(NULL, NULL, 0, key, NULL), GG_EINVAL);

    /* With a client: its api_key, and invalidate_user_inventory reaches its store. */
    gg_client *client = new_client();
    char plain[512];
    snprintf(plain, sizeof plain,
             "event=invalidate_user_inventory&api_key=%s&time=1&user_id=%s&username=%s"
             "&game_auth_token=%s",
             seed.api_key, seed.user_id, seed.username, "cafe0000cafe0000");
    CHECK_INT(gg_callback_verify(client, plain, strlen(plain), NULL, &result), GG_OK);
    CHECK(gg_result_get(result, "api_key") == NULL);
    CHECK_STR(gg_result_get(result, "username"), seed.username);
    gg_result_free(result);
    CHECK_INT(gg_session_get(client, "kongregate", NULL, seed.user_id, &result), GG_OK);
    CHECK_STR(gg_result_get(result, "game_auth_token"), "cafe0000cafe0000");
    gg_result_free(result);
    gg_client_free(client);

    const char *items[] = {"Sword", "Sharp", "10", "http://x/s.png",
                           "Shield", "Shiny", "25", "http://x/h.png", NULL};
    CHECK_INT(gg_callback_reply_items(items, &result), GG_OK);
    CHECK_STR(gg_result_get(result, "items.1.price"), "25");
    CHECK_INT(gg_result_count(result, "items"), 2);
    gg_result_free(result);
    const char *free_item[] = {"Sword", "Sharp", "0", "http://x/s.png", NULL};
    CHECK_INT(gg_callback_reply_items(free_item, &result), GG_EINVAL);
    CHECK_CONTAINS(gg_result_message(result), "price");
    gg_result_free(result);
    const char *short_item[] = {"Sword", "Sharp", NULL};
    CHECK_INT(gg_callback_reply_items(short_item, NULL), GG_EINVAL);
    CHECK_INT(gg_callback_reply_order("completed", &result), GG_OK);
    CHECK_STR(gg_result_json(result), "{\"state\":\"completed\"}");
    gg_result_free(result);
    CHECK_INT(gg_callback_reply_order("maybe", NULL), GG_EINVAL);
}

int main(void)
{
    load_seed();
    test_sessions();
    test_callbacks();
    sandbox_release();
    return check_summary();
}
