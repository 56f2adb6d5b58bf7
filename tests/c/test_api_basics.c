/* The ABI's fixed facts: version and codes, NULL arguments, options and the endpoint table, driven as a game server written in C would drive it, against the
 * sandbox started by tools/with-sandbox. */
#include "api_fixture.h"
#include "check.h"
#include "sandbox_client.h"

#include <gamegate.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_static_facts(void)
{
    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", GG_VERSION_MAJOR, GG_VERSION_MINOR, GG_VERSION_PATCH);
    CHECK_STR(gg_version(), want);
    for (int code = GG_OK; code <= GG_ENOTFOUND; code++) {
        CHECK(gg_strerror(code) && *gg_strerror(code));
        for (int other = GG_OK; other < code; other++)
            CHECK(strcmp(gg_strerror(code), gg_strerror(other)) != 0);
    }
    CHECK_STR(gg_strerror(-1), "unknown error code");
    CHECK_STR(gg_strerror(9999), "unknown error code");
}

static void test_null_is_harmless(void)
{
    gg_client_free(NULL);
    gg_result_free(NULL);
    CHECK_INT(gg_client_new(NULL), GG_EINVAL);
    CHECK_INT(gg_client_set(NULL, "timeout_ms", "1"), GG_EINVAL);
    CHECK(gg_client_errmsg(NULL) != NULL);
    CHECK_INT(gg_result_code(NULL), GG_EINVAL);
    CHECK_INT(gg_result_http_status(NULL), 0);
    CHECK(gg_result_get(NULL, "x") == NULL);
    CHECK_INT(gg_result_count(NULL, ""), 0);
    CHECK_STR(gg_result_json(NULL), "");

    gg_result *result = NULL;
    CHECK_INT(gg_call(NULL, "kongregate.authenticate", NULL, &result), GG_EINVAL);
    CHECK(result != NULL);
    CHECK_INT(gg_result_code(result), GG_EINVAL);
    CHECK_CONTAINS(gg_result_message(result), "client is NULL");
    gg_result_free(result);

    gg_client *client = new_client();
    CHECK_INT(gg_call(client, NULL, NULL, NULL), GG_EINVAL);
    CHECK_CONTAINS(gg_client_errmsg(client), "unknown endpoint");
    gg_client_free(client);
}

static void test_options(void)
{
    gg_client *client = NULL;
    CHECK_INT(gg_client_new(&client), GG_OK);
    CHECK_STR(gg_client_errmsg(client), "");

    CHECK_INT(gg_client_set(client, "kongregate.apikey", "x"), GG_EINVAL);
    CHECK_CONTAINS(gg_client_errmsg(client),
                   "unknown option (did you mean 'kongregate.api_key'?)");
    CHECK_INT(gg_client_set(client, NULL, "x"), GG_EINVAL);
    CHECK_INT(gg_client_set(client, "timeout_ms", "soon"), GG_EINVAL);
    CHECK_CONTAINS(gg_client_errmsg(client), "timeout_ms");
    CHECK_INT(gg_client_set(client, "timeout_ms", "-5"), GG_EINVAL);
    CHECK_INT(gg_client_set(client, "timeout_ms", "2500"), GG_OK);
    CHECK_STR(gg_client_errmsg(client), "");
    CHECK_INT(gg_client_set(client, "kongregate.base_url", "ftp://example.com"), GG_EINVAL);
    CHECK_INT(gg_client_set(client, "kongregate.base_url", "not a url"), GG_EINVAL);
    CHECK_INT(gg_client_set(client, "kongregate.base_url", "http://h/?q=1"), GG_EINVAL);
    CHECK_INT(gg_client_set(client, "user_agent", "game\r\nX-Evil: 1"), GG_EINVAL);
    CHECK_CONTAINS(gg_client_errmsg(client), "CR or LF");
    CHECK_INT(gg_client_set(client, "user_agent", NULL), GG_OK);

    /* A rejected value is never quoted back, even when it looks like a key. */
    CHECK_INT(gg_client_set(client, "kongregate.api_key", seed.api_key), GG_OK);
    CHECK_INT(gg_client_set(client, seed.api_key, "x"), GG_EINVAL);
    check_no_secret(gg_client_errmsg(client));
    CHECK_INT(gg_client_set(client, "connect_timeout_ms", seed.api_key), GG_EINVAL);
    check_no_secret(gg_client_errmsg(client));
    gg_client_free(client);
}

static void test_discovery(void)
{
    size_t count = gg_endpoint_count();
    CHECK(count >= 31);
    size_t use_item = count;
    for (size_t e = 0; e < count; e++) {
        CHECK(gg_endpoint_name(e) && gg_endpoint_path(e) && gg_endpoint_summary(e));
        CHECK(strcmp(gg_endpoint_method(e), "GET") == 0 ||
              strcmp(gg_endpoint_method(e), "POST") == 0);
        for (size_t other = 0; other < e; other++)
            CHECK(strcmp(gg_endpoint_name(e), gg_endpoint_name(other)) != 0);
        if (strcmp(gg_endpoint_name(e), "kongregate.use_item") == 0)
            use_item = e;
    }
    CHECK(gg_endpoint_name(count) == NULL);
    CHECK(gg_endpoint_param_name(count, 0) == NULL);
    CHECK_INT(gg_endpoint_param_count(count), 0);
    CHECK_INT(gg_endpoint_retry_safe(count), 0);
    if (!CHECK(use_item < count))
        return;
    CHECK_INT(gg_endpoint_retry_safe(use_item), 0);
    CHECK(gg_endpoint_param_name(use_item, gg_endpoint_param_count(use_item)) == NULL);
    for (size_t p = 0; p < gg_endpoint_param_count(use_item); p++)
        if (strcmp(gg_endpoint_param_name(use_item, p), "game_auth_token") == 0)
            CHECK_INT(gg_endpoint_param_flags(use_item, p),
                      GG_PARAM_REQUIRED | GG_PARAM_SECRET | GG_PARAM_FROM_SESSION);
}

int main(void)
{
    load_seed();
    test_static_facts();
    test_null_is_harmless();
    test_options();
    test_discovery();
    sandbox_release();
    return check_summary();
}
