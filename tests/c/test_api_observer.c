/* The attempt observer: what it is told of each attempt, and the headers it may add, driven as a game server written in C would drive it, against the
 * sandbox started by tools/with-sandbox. */
#include "api_fixture.h"
#include "check.h"
#include "sandbox_client.h"

#include <gamegate.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What an observer saw, in order. */
#define MAX_EVENTS 16
static struct {
    int phase[MAX_EVENTS], number[MAX_EVENTS], status[MAX_EVENTS], code[MAX_EVENTS];
    int outcome[MAX_EVENTS], retrying[MAX_EVENTS];
    long long bytes[MAX_EVENTS], elapsed_us[MAX_EVENTS];
    char endpoint[MAX_EVENTS][64], path[MAX_EVENTS][64];
    int count;
    int header_codes[10]; /* what gg_attempt_add_header answered, first attempt */
} seen;

static void record(void *userdata, gg_attempt *attempt)
{
    (void)userdata;
    int i = seen.count++;
    if (i >= MAX_EVENTS)
        return;
    seen.phase[i] = gg_attempt_phase(attempt);
    seen.number[i] = gg_attempt_number(attempt);
    seen.status[i] = gg_attempt_http_status(attempt);
    seen.code[i] = gg_attempt_code(attempt);
    seen.outcome[i] = gg_attempt_outcome(attempt);
    seen.retrying[i] = gg_attempt_retrying(attempt);
    seen.bytes[i] = gg_attempt_bytes(attempt);
    seen.elapsed_us[i] = gg_attempt_elapsed_us(attempt);
    snprintf(seen.endpoint[i], sizeof seen.endpoint[i], "%s %s", gg_attempt_method(attempt),
             gg_attempt_endpoint(attempt));
    snprintf(seen.path[i], sizeof seen.path[i], "%s", gg_attempt_path(attempt));
    if (seen.phase[i] == GG_ATTEMPT_STARTING && seen.number[i] == 1) {
        seen.header_codes[0] = gg_attempt_add_header(
            attempt, "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        seen.header_codes[1] = gg_attempt_add_header(attempt, "Host", "elsewhere.example");
        seen.header_codes[2] = gg_attempt_add_header(attempt, "X-Note", "a\r\nX-Injected: 1");
        seen.header_codes[3] = gg_attempt_add_header(attempt, "bad name", "x");
        seen.header_codes[4] = gg_attempt_add_header(attempt, "content-length", "0");
        seen.header_codes[6] = gg_attempt_add_header(attempt, "Accept", "");
        seen.header_codes[7] = gg_attempt_add_header(attempt, "X-Empty", "");
        seen.header_codes[8] = gg_attempt_add_header(attempt, "X-Control", "a\x01b");
        seen.header_codes[9] = gg_attempt_add_header(attempt, "X-Padded", " a");
    } else if (seen.phase[i] == GG_ATTEMPT_ENDED) {
        seen.header_codes[5] = gg_attempt_add_header(attempt, "X-Late", "1");
    }
}

static void test_observer(void)
{
    gg_client *client = new_client();
    CHECK_INT(gg_client_set_observer(client, record, NULL), GG_OK);
    memset(&seen, 0, sizeof seen);
    const char *params[] = {"user_id", seed.user_id, "game_auth_token", seed.user_token, NULL};
    CHECK_INT(gg_call(client, "kongregate.authenticate", params, NULL), GG_OK);
    CHECK_INT(seen.count, 2);
    CHECK_INT(seen.phase[0], GG_ATTEMPT_STARTING);
    CHECK_STR(seen.endpoint[0], "GET kongregate.authenticate");
    CHECK_STR(seen.path[0], "/api/authenticate.json");
    CHECK_INT(seen.phase[1], GG_ATTEMPT_ENDED);
    CHECK_INT(seen.number[1], 1);
    CHECK_INT(seen.status[1], 200);
    CHECK_INT(seen.code[1], GG_OK);
    CHECK_INT(seen.outcome[1], GG_OUTCOME_SUCCEEDED);
    CHECK_INT(seen.retrying[1], 0);
    CHECK(seen.bytes[1] > 10);
    CHECK(seen.elapsed_us[1] > 0);
    /* The trace header went out; the others were refused and did not. */
    CHECK_INT(seen.header_codes[0], GG_OK);
    for (int i = 1; i <= 9; i++)
        CHECK_INT(seen.header_codes[i], GG_EINVAL);
    json_t *last = sandbox_get("/_sandbox/last_request");
    json_t *headers = json_object_get(last, "headers");
    CHECK_STR(json_string_value(json_object_get(headers, "traceparent")),
              "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    CHECK(json_object_get(headers, "x-injected") == NULL);
    CHECK(json_object_get(headers, "x-control") == NULL);
    CHECK_STR(json_string_value(json_object_get(headers, "accept")), "*/*"); /* libcurl's, kept */
    CHECK_STR(json_string_value(json_object_get(headers, "host")) ? "set" : "unset", "set");
    CHECK(strstr(json_string_value(json_object_get(headers, "host")), "elsewhere") == NULL);
    json_decref(last);

    /* A read that meets a 500 and then succeeds: two attempts, the first
     * saying another follows; the headers were the first attempt's alone. */
    memset(&seen, 0, sizeof seen);
    CHECK_INT(sandbox_control("/_sandbox/fault?kind=http500&count=1"), 0);
    CHECK_INT(gg_call(client, "kongregate.items", NULL, NULL), GG_OK);
    CHECK_INT(seen.count, 4);
    CHECK_INT(seen.status[1], 500);
    CHECK_INT(seen.retrying[1], 1);
    CHECK_INT(seen.number[3], 2);
    CHECK_INT(seen.status[3], 200);
    CHECK_INT(seen.retrying[3], 0);
    last = sandbox_get("/_sandbox/last_request");
    CHECK(json_object_get(json_object_get(last, "headers"), "traceparent") == NULL);
    json_decref(last);

    /* Refused before sending: no attempt, no event. Removed: no more events. */
    memset(&seen, 0, sizeof seen);
    CHECK_INT(gg_call(client, "kongregate.user_info", (const char *[]){"user_id", "x", NULL},
                      NULL),
              GG_EINVAL);
    CHECK_INT(seen.count, 0);
    CHECK_INT(gg_client_set_observer(client, NULL, NULL), GG_OK);
    CHECK_INT(gg_call(client, "kongregate.items", NULL, NULL), GG_OK);
    CHECK_INT(seen.count, 0);
    CHECK_INT(gg_client_set_observer(NULL, record, NULL), GG_EINVAL);
    CHECK_INT(gg_attempt_add_header(NULL, "a", "b"), GG_EINVAL);
    CHECK(gg_attempt_endpoint(NULL) == NULL);
    gg_client_free(client);
}

int main(void)
{
    load_seed();
    test_observer();
    sandbox_release();
    return check_summary();
}
