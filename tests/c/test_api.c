/* The public ABI, driven as a game server written in C would drive it,
 * against the sandbox started by tools/with-sandbox. */
#include "check.h"
#include "sandbox_client.h"

#include <gamegate.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
    const char *api_key, *user_token, *username;
    char user_id[32];
    const char *site, *other_site, *developer_key, *other_site_key, *disabled_key, *banned_ip;
    const char *member, *member_email, *member_password;
    const char *dev_id, *oat, *succ_url, *oat_username;
} seed;

/* Finds the first element of array whose key equals want (any want if NULL). */
static json_t *find(json_t *array, const char *key, const char *want)
{
    size_t i;
    json_t *item;
    json_array_foreach(array, i, item) {
        const char *value = json_string_value(json_object_get(item, key));
        if (!want || (value && strcmp(value, want) == 0))
            return item;
    }
    fprintf(stderr, "seed data lacks an entry with %s=%s\n", key, want ? want : "*");
    exit(2);
}

static void load_seed(void)
{
    json_t *data = sandbox_seed(), *games, *users, *sites, *keys, *apps, *grants;
    json_int_t game_id, user_id;
    if (json_unpack(data, "{s:{s:o,s:o},s:{s:o,s:o,s:{s:o,s:o}}}", "kongregate", "games", &games,
                    "users", &users, "kickapps", "sites", &sites, "developer_keys", &keys,
                    "openauth", "apps", &apps, "tokens", &grants) != 0) {
        fprintf(stderr, "seed data has an unexpected shape\n");
        exit(2);
    }
    json_t *tokens;
    json_unpack(json_array_get(games, 0), "{s:s,s:I}", "api_key", &seed.api_key, "game_id",
                &game_id);
    json_unpack(json_array_get(users, 0), "{s:I,s:s,s:o}", "user_id", &user_id, "username",
                &seed.username, "game_auth_tokens", &tokens);
    snprintf(seed.user_id, sizeof seed.user_id, "%lld", (long long)user_id);
    char game[32];
    snprintf(game, sizeof game, "%lld", (long long)game_id);
    seed.user_token = json_string_value(json_object_get(tokens, game));

    json_t *site = json_array_get(sites, 0);
    json_unpack(site, "{s:s}", "as", &seed.site);
    json_unpack(json_array_get(sites, 1), "{s:s}", "as", &seed.other_site);
    seed.banned_ip = json_string_value(json_array_get(json_object_get(site, "banned_client_ips"), 0));
    json_unpack(json_array_get(json_object_get(site, "members"), 0), "{s:s,s:s,s:s}", "username",
                &seed.member, "email", &seed.member_email, "password", &seed.member_password);
    size_t i;
    json_t *key;
    json_array_foreach(keys, i, key) {
        const char *name = json_string_value(json_object_get(key, "developerKey"));
        const char *for_site = json_string_value(json_object_get(key, "as"));
        if (!json_is_true(json_object_get(key, "enabled")))
            seed.disabled_key = name;
        else if (strcmp(for_site, seed.site) == 0)
            seed.developer_key = name;
        else
            seed.other_site_key = name;
    }
    json_t *app = find(apps, "as", seed.site);
    json_unpack(app, "{s:s,s:s}", "devId", &seed.dev_id, "succUrl", &seed.succ_url);
    json_unpack(find(grants, "devId", seed.dev_id), "{s:s,s:s}", "oat", &seed.oat, "username",
                &seed.oat_username);
    if (!seed.user_token || !seed.developer_key || !seed.disabled_key || !seed.other_site_key) {
        fprintf(stderr, "seed data lacks a token or a developer key the tests need\n");
        exit(2);
    }
}

static gg_client *new_client(void)
{
    gg_client *client = NULL;
    CHECK_INT(gg_client_new(&client), GG_OK);
    CHECK_INT(gg_client_set(client, "kongregate.base_url", sandbox_url()), GG_OK);
    CHECK_INT(gg_client_set(client, "kickapps.base_url", sandbox_url()), GG_OK);
    CHECK_INT(gg_client_set(client, "kongregate.api_key", seed.api_key), GG_OK);
    CHECK_INT(gg_client_set(client, "kickapps.developer_key", seed.developer_key), GG_OK);
    CHECK_INT(gg_client_set(client, "kickapps.as", seed.site), GG_OK);
    return client;
}

/* No key, token or password of the seed may appear in text. */
static void check_no_secret(const char *text)
{
    const char *secrets[] = {seed.api_key, seed.user_token, seed.developer_key,
                             seed.disabled_key, seed.other_site_key, seed.member_password,
                             seed.oat};
    for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++)
        CHECK_LACKS(text, secrets[i]);
}

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
    test_static_facts();
    test_null_is_harmless();
    test_options();
    test_authenticate();
    test_counted_parameters();
    test_observer();
    test_authenticate_rejections();
    test_refused_before_sending();
    test_create_token();
    test_openauth();
    test_broken_responses();
    test_unreachable();
    test_discovery();
    test_sessions();
    test_callbacks();
    test_guilds_characters_links_kongpanions();
    test_faithful_answers();
    sandbox_release();
    return check_summary();
}
