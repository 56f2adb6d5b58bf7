/* KickApps through the ABI: tokens made from a password and through OpenAuth, driven as a game server written in C would drive it, against the
 * sandbox started by tools/with-sandbox. */
#include "api_fixture.h"
#include "check.h"
#include "sandbox_client.h"

#include <gamegate.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_create_token(void)
{
    gg_client *client = new_client();
    gg_result *result = NULL;

    const char *by_name[] = {"username", seed.member, "password", seed.member_password, NULL};
    CHECK_INT(gg_call(client, "kickapps.create_token", by_name, &result), GG_OK);
    /* The one-element array is gone: fields are read from the top. */
    CHECK(gg_result_get(result, "TOKEN") && strlen(gg_result_get(result, "TOKEN")) > 0);
    CHECK_STR(gg_result_get(result, "PRIVILEGES"), "RW");
    CHECK_STR(gg_result_get(result, "METHOD"), "POST");
    CHECK_STR(gg_result_get(result, "username"), seed.member);
    CHECK(gg_result_json(result)[0] == '{');
    gg_result_free(result);

    const char *by_email[] = {"email", seed.member_email, NULL};
    CHECK_INT(gg_call(client, "kickapps.create_token", by_email, &result), GG_OK);
    CHECK_STR(gg_result_get(result, "username"), seed.member);
    gg_result_free(result);

    const char *jsonp[] = {"username", seed.member, "callback", "onToken", NULL};
    CHECK_INT(gg_call(client, "kickapps.create_token", jsonp, &result), GG_OK);
    CHECK_STR(gg_result_get(result, "username"), seed.member);
    CHECK(gg_result_json(result)[0] == '{');
    gg_result_free(result);

    const char *anonymous[] = {"username", "anonymous", NULL};
    CHECK_INT(gg_call(client, "kickapps.create_token", anonymous, &result), GG_OK);
    CHECK_STR(gg_result_get(result, "PRIVILEGES"), "R");
    CHECK_STR(gg_result_get(result, "METHOD"), "GET");
    gg_result_free(result);

    const char *both[] = {"username", seed.member, "email", seed.member_email, NULL};
    CHECK_INT(gg_call(client, "kickapps.create_token", both, NULL), GG_EINVAL);
    CHECK_CONTAINS(gg_client_errmsg(client), "not both");
    const char *neither[] = {"password", seed.member_password, NULL};
    CHECK_INT(gg_call(client, "kickapps.create_token", neither, NULL), GG_EINVAL);
    CHECK_CONTAINS(gg_client_errmsg(client), "username|email");
    check_no_secret(gg_client_errmsg(client));

    const char *banned[] = {"username", seed.member, "clientIP", seed.banned_ip, NULL};
    CHECK_INT(gg_call(client, "kickapps.create_token", banned, &result), GG_EDENIED);
    CHECK_CONTAINS(gg_result_message(result), "banned");
    gg_result_free(result);

    const char *nobody[] = {"username", "no-such-member", NULL};
    CHECK_INT(gg_call(client, "kickapps.create_token", nobody, &result), GG_ESERVICE);
    CHECK_CONTAINS(gg_result_message(result), "does not exist");
    CHECK_STR(gg_result_get(result, "status"), "-1");
    gg_result_free(result);

    /* A hostile username stays one path segment: the service looks it up
     * and finds no such member, rather than reaching another path. */
    const char *traversal[] = {"username", "../../api/authenticate.json", NULL};
    CHECK_INT(gg_call(client, "kickapps.create_token", traversal, &result), GG_ESERVICE);
    CHECK_CONTAINS(gg_result_message(result), "does not exist");
    gg_result_free(result);
    const char *dots[] = {"username", "..", NULL};
    CHECK_INT(gg_call(client, "kickapps.create_token", dots, NULL), GG_EINVAL);
    const char *empty[] = {"username", "", NULL};
    CHECK_INT(gg_call(client, "kickapps.create_token", empty, NULL), GG_EINVAL);
    const char *newline[] = {"username", "nobody\n", NULL};
    CHECK_INT(gg_call(client, "kickapps.create_token", newline, NULL), GG_EINVAL);
    const char *unicode[] = {"username", "J\xc3\xb6rg & Co/?#", NULL};
    CHECK_INT(gg_call(client, "kickapps.create_token", unicode, NULL), GG_ESERVICE);

    const char *disabled[] = {"username", seed.member, "developerKey", seed.disabled_key, NULL};
    CHECK_INT(gg_call(client, "kickapps.create_token", disabled, &result), GG_EAUTH);
    CHECK_CONTAINS(gg_result_message(result), "developerKey disabled");
    check_no_secret(gg_result_message(result));
    gg_result_free(result);
    const char *other_site[] = {"username", seed.member, "developerKey", seed.other_site_key, NULL};
    CHECK_INT(gg_call(client, "kickapps.create_token", other_site, NULL), GG_EAUTH);
    const char *wrong_password[] = {"username", seed.member, "password", "guess", NULL};
    CHECK_INT(gg_call(client, "kickapps.create_token", wrong_password, &result), GG_ESERVICE);
    CHECK_LACKS(gg_result_message(result), "guess");
    gg_result_free(result);
    gg_client_free(client);
}

static void test_openauth(void)
{
    CHECK_INT(sandbox_control("/_sandbox/reset"), 0);
    gg_client *client = new_client();
    gg_result *result = NULL;
    const char *params[] = {"devId", seed.dev_id, "oat", seed.oat, "succUrl", seed.succ_url, NULL};

    CHECK_INT(gg_call(client, "kickapps.openauth_create_token", params, &result), GG_OK);
    CHECK_STR(gg_result_get(result, "isNewUser"), "1");
    CHECK_STR(gg_result_get(result, "username"), seed.oat_username);
    CHECK(gg_result_get(result, "TOKEN") != NULL);
    gg_result_free(result);
    CHECK_INT(gg_call(client, "kickapps.openauth_create_token", params, &result), GG_OK);
    CHECK_STR(gg_result_get(result, "isNewUser"), "0");
    gg_result_free(result);

    const char *missing[] = {"devId", seed.dev_id, "oat", seed.oat, NULL};
    CHECK_INT(gg_call(client, "kickapps.openauth_create_token", missing, NULL), GG_EINVAL);
    const char *blank[] = {"devId", "", "oat", seed.oat, "succUrl", seed.succ_url, NULL};
    CHECK_INT(gg_call(client, "kickapps.openauth_create_token", blank, &result), GG_ESERVICE);
    CHECK_CONTAINS(gg_result_message(result), "Missing required parameter");
    gg_result_free(result);
    const char *wrong[] = {"devId", seed.dev_id, "oat", "forged", "succUrl", seed.succ_url, NULL};
    CHECK_INT(gg_call(client, "kickapps.openauth_create_token", wrong, &result), GG_ESERVICE);
    CHECK_CONTAINS(gg_result_message(result), "invalid");
    CHECK_LACKS(gg_result_message(result), "forged");
    gg_result_free(result);

    CHECK_INT(gg_client_set(client, "kickapps.developer_key", NULL), GG_OK);
    CHECK_INT(gg_call(client, "kickapps.openauth_create_token", params, NULL), GG_EINVAL);
    CHECK_INT(gg_client_set(client, "kickapps.developer_key", seed.disabled_key), GG_OK);
    CHECK_INT(gg_call(client, "kickapps.openauth_create_token", params, &result), GG_EAUTH);
    check_no_secret(gg_result_message(result));
    gg_result_free(result);

    /* The sandbox whitelists 127.0.0.1 only: leave from another address. */
    CHECK_INT(gg_client_set(client, "kickapps.developer_key", seed.developer_key), GG_OK);
    CHECK_INT(gg_client_set(client, "local_address", "127.0.0.2"), GG_OK);
    CHECK_INT(gg_call(client, "kickapps.openauth_create_token", params, &result), GG_EDENIED);
    CHECK_CONTAINS(gg_result_message(result), "Access Denied");
    check_no_secret(gg_result_message(result));
    gg_result_free(result);
    gg_client_free(client);
}

int main(void)
{
    load_seed();
    test_create_token();
    test_openauth();
    sandbox_release();
    return check_summary();
}
