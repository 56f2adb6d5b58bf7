/* Answers gone wrong: broken bodies, an unreachable server, and answers kept as the service gave them, driven as a game server written in C would drive it, against the
 * sandbox started by tools/with-sandbox. */
#include "api_fixture.h"
#include "check.h"
#include "sandbox_client.h"

#include <gamegate.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_broken_responses(void)
{
    gg_client *client = new_client();
    gg_result *result = NULL;
    const char *params[] = {"user_id", seed.user_id, "game_auth_token", seed.user_token, NULL};
    /* authenticate is a read: a 500 is retried (3 attempts by default), a 503
     * whose Retry-After (120 s) is past the retry deadline is not. */
    struct {
        const char *fault;
        int count;
        int code;
        int http_status;
        int attempts;
        const char *says;
    } cases[] = {
        {"html", 1, GG_EPROTOCOL, 200, 1, "not JSON"},
        {"empty", 1, GG_EPROTOCOL, 200, 1, "empty"},
        {"wrong_shape", 1, GG_EPROTOCOL, 200, 1, "got a string"},
        {"http500", 3, GG_EHTTP, 500, 3, "HTTP status 500"},
        {"http503", 1, GG_EHTTP, 503, 1, "Retry-After 120 s is past the retry deadline"},
        {"gigabyte", 1, GG_EPROTOCOL, 200, 1, "larger than max_response_bytes"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char control[128];
        snprintf(control, sizeof control, "/_sandbox/fault?kind=%s&count=%d", cases[i].fault,
                 cases[i].count);
        CHECK_INT(sandbox_control(control), 0);
        CHECK_INT(gg_call(client, "kongregate.authenticate", params, &result), cases[i].code);
        CHECK_INT(gg_result_http_status(result), cases[i].http_status);
        CHECK_INT(gg_result_attempts(result), cases[i].attempts);
        CHECK_INT(gg_result_outcome(result), GG_OUTCOME_NOT_APPLIED);
        CHECK_CONTAINS(gg_result_message(result), cases[i].says);
        check_no_secret(gg_result_message(result));
        gg_result_free(result);
        /* The client is still good for the next call. */
        CHECK_INT(gg_call(client, "kongregate.authenticate", params, NULL), GG_OK);
    }

    /* One 500 is healed by the second attempt. */
    CHECK_INT(gg_client_set(client, "retry.backoff_ms", "1"), GG_OK);
    CHECK_INT(sandbox_control("/_sandbox/fault?kind=http500&count=1"), 0);
    CHECK_INT(gg_call(client, "kongregate.authenticate", params, &result), GG_OK);
    CHECK_INT(gg_result_attempts(result), 2);
    gg_result_free(result);

    CHECK_INT(gg_client_set(client, "max_response_bytes", "10"), GG_OK);
    CHECK_INT(gg_call(client, "kongregate.authenticate", params, NULL), GG_EPROTOCOL);
    CHECK_INT(gg_client_set(client, "max_response_bytes", NULL), GG_OK);
    CHECK_INT(gg_call(client, "kongregate.authenticate", params, NULL), GG_OK);
    gg_client_free(client);
}

static void test_unreachable(void)
{
    gg_client *client = new_client();
    gg_result *result = NULL;
    /* Port 1 on loopback: nothing listens there, so the connect is refused. */
    CHECK_INT(gg_client_set(client, "kongregate.base_url", "http://127.0.0.1:1"), GG_OK);
    const char *params[] = {"user_id", seed.user_id, "game_auth_token", seed.user_token, NULL};
    CHECK_INT(gg_call(client, "kongregate.authenticate", params, &result), GG_ENETWORK);
    CHECK_INT(gg_result_http_status(result), 0);
    CHECK_STR(gg_result_json(result), "");
    check_no_secret(gg_result_message(result));
    gg_result_free(result);
    gg_client_free(client);
}

/* Issue 8: valid JSON read faithfully, values told apart by type, answers
 * missing what a success carries, and server garbage as the server's fault. */
static void test_faithful_answers(void)
{
    sandbox_control("/_sandbox/reset");
    gg_client *client = new_client();
    gg_result *result = NULL;

    sandbox_control("/_sandbox/fault?kind=big_numbers");
    CHECK_INT(gg_call(client, "kongregate.items", NULL, &result), GG_OK);
    CHECK_STR(gg_result_get(result, "id"), "18446744073709551616");
    CHECK_STR(gg_result_get(result, "/ratio"), "1e400");
    CHECK_INT(gg_result_type(result, "id"), GG_TYPE_NUMBER);
    CHECK_CONTAINS(gg_result_json(result), "\"id\":18446744073709551616,\"ratio\":1e400");
    gg_result_free(result);

    const char *who[] = {"user_id", "765", NULL};
    CHECK_INT(gg_call(client, "kongregate.user_info", who, &result), GG_OK);
    CHECK_INT(gg_result_type(result, "user_vars.gender"), GG_TYPE_NULL);
    CHECK_STR(gg_result_get(result, "user_vars.gender"), "null");
    CHECK_INT(gg_result_type(result, "username"), GG_TYPE_STRING);
    CHECK_INT(gg_result_type(result, "no.such.path"), GG_TYPE_ABSENT);
    CHECK_STR(gg_result_get(result, "/user_vars/username"), gg_result_get(result, "username"));
    gg_result_free(result);

    /* A success without the username authenticate promises teaches nothing. */
    sandbox_control("/_sandbox/fault?kind=success_only");
    const char *login[] = {"user_id", seed.user_id, "game_auth_token", seed.user_token, NULL};
    CHECK_INT(gg_call(client, "kongregate.authenticate", login, &result), GG_EPROTOCOL);
    CHECK_CONTAINS(gg_result_message(result), "'username'");
    gg_result_free(result);
    CHECK_INT(gg_session_get(client, "kongregate", NULL, seed.user_id, NULL), GG_ENOTFOUND);

    /* Garbage from the server: its fault, retried for a read, unknown for a write. */
    const char *garbage[] = {"giant_header", "no_status_line", "bad_status"};
    for (size_t i = 0; i < 3; i++) {
        char path[128];
        snprintf(path, sizeof path, "/_sandbox/fault?kind=%s&count=3", garbage[i]);
        sandbox_control(path);
        CHECK_INT(gg_call(client, "kongregate.items", NULL, &result), GG_ENETWORK);
        CHECK_INT(gg_result_attempts(result), 3);
        gg_result_free(result);
        sandbox_control("/_sandbox/reset");
        CHECK_INT(gg_call(client, "kongregate.authenticate", login, NULL), GG_OK);
        snprintf(path, sizeof path, "/_sandbox/fault?kind=%s&path=/api/use_item.json",
                 garbage[i]);
        sandbox_control(path);
        const char *use[] = {"user_id", seed.user_id, "id", "100", NULL};
        CHECK_INT(gg_call(client, "kongregate.use_item", use, &result), GG_ENETWORK);
        CHECK_INT(gg_result_outcome(result), GG_OUTCOME_UNKNOWN);
        gg_result_free(result);
        sandbox_control("/_sandbox/reset");
    }
    gg_client_free(client);
}

int main(void)
{
    load_seed();
    test_broken_responses();
    test_unreachable();
    test_faithful_answers();
    sandbox_release();
    return check_summary();
}
