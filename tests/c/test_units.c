/* The library's internals, linked directly: the endpoint table's own
 * consistency, request building, body normalization, envelopes, messages. */
#include "check.h"

#include "endpoints.h"
#include "gamegate.h"
#include "message.h"
#include "options.h"
#include "json_safe.h"
#include "ledger.h"
#include "store.h"
#include "request.h"
#include "response.h"
#include "result.h"
#include "session.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef _WIN32
#  include <windows.h>
#  include <psapi.h>
#else
#  include <sys/resource.h>
#endif

/* The process's peak resident memory so far, in KiB. */
static long peak_kib(void)
{
#ifdef _WIN32
    PROCESS_MEMORY_COUNTERS counters;
    GetProcessMemoryInfo(GetCurrentProcess(), &counters, sizeof counters);
    return (long)(counters.PeakWorkingSetSize / 1024);
#else
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
#endif
}

static bool row_has_param(const struct endpoint *row, const char *name, size_t len)
{
    for (int i = 0; row->params[i].name; i++)
        if (strlen(row->params[i].name) == len && strncmp(row->params[i].name, name, len) == 0)
            return true;
    return false;
}

/* Every row must be one that request.c can build without surprises. */
static void test_table_rows_are_well_formed(void)
{
    const struct endpoint *row;
    size_t rows = 0;
    for (size_t i = 0; (row = endpoint_at(i)); i++, rows++) {
        size_t prefix = strlen(row->service->name);
        CHECK(strncmp(row->name, row->service->name, prefix) == 0 && row->name[prefix] == '.');
        CHECK(endpoint_find(row->name) == row);
        CHECK(strcmp(row->method, "GET") == 0 || strcmp(row->method, "POST") == 0);
        CHECK(row->path[0] == '/');
        int count = 0;
        for (; row->params[count].name; count++) {
            const struct param_spec *param = &row->params[count];
            for (int j = 0; j < count; j++)
                CHECK(strcmp(row->params[j].name, param->name) != 0);
            if (param->from_option == OPT_KONGREGATE_API_KEY ||
                param->from_option == OPT_KICKAPPS_DEVELOPER_KEY)
                CHECK(param->flags & PARAM_SECRET);
            /* A session-supplied token is looked up by other parameters of the row. */
            if (param->from_session == FROM_KONGREGATE_LOGIN)
                CHECK(row_has_param(row, "user_id", 7));
            if (param->from_session == FROM_KICKAPPS_MEMBER)
                CHECK(row_has_param(row, "member", 6) && row_has_param(row, "as", 2));
            if (param->from_session != FROM_NOTHING)
                CHECK(param->flags & PARAM_SECRET);
            if (param->flags & PARAM_LOCAL)
                CHECK(!endpoint_param_in_path(row, param->name));
            if (param->choices)
                CHECK(*param->choices && param->choices[strlen(param->choices) - 1] != '|');
        }
        CHECK(count <= ENDPOINT_MAX_PARAMS);
        for (const char *open = row->path; (open = strchr(open, '{')); open++) {
            const char *close = strchr(open, '}');
            if (!CHECK(close != NULL))
                break;
            for (const char *alt = open + 1; alt < close;) {
                const char *end = memchr(alt, '|', (size_t)(close - alt));
                if (!end)
                    end = close;
                CHECK(row_has_param(row, alt, (size_t)(end - alt)));
                alt = end + 1;
            }
        }
    }
    CHECK(rows >= 31);
    CHECK(endpoint_find("kongregate.nothing") == NULL);
}

static int build_with(struct store *store, const char *endpoint,
                      const char *const *params, struct request *req, struct strbuf *msg)
{
    struct options options = {0};
    struct strbuf ignored = {0};
    options_set(&options, OPT_KICKAPPS_BASE_URL, "http://kick.test/", &ignored);
    options_set(&options, OPT_KICKAPPS_DEVELOPER_KEY, "devkey", &ignored);
    options_set(&options, OPT_KICKAPPS_AS, "92366", &ignored);
    options_set(&options, OPT_KONGREGATE_BASE_URL, "https://kong.test", &ignored);
    options_set(&options, OPT_KONGREGATE_API_KEY, "apikey", &ignored);
    strbuf_release(&ignored);
    *req = (struct request){0};
    struct param_list given = param_list_of_pairs(params);
    int code = request_build(req, endpoint_find(endpoint), &options, store, &given, msg);
    options_clear(&options);
    return code;
}

static int build(const char *endpoint, const char *const *params, struct request *req,
                 struct strbuf *msg)
{
    return build_with(NULL, endpoint, params, req, msg);
}

static void test_request_building(void)
{
    struct request req;
    struct strbuf msg = {0};

    const char *auth[] = {"user_id", "7", "game_auth_token", "a b+c", NULL};
    CHECK_INT(build("kongregate.authenticate", auth, &req, &msg), GG_OK);
    CHECK_STR(req.url.data, "https://kong.test/api/authenticate.json"
                            "?user_id=7&game_auth_token=a%20b%2Bc&api_key=apikey");
    CHECK_INT(req.secrets.count, 2);
    request_release(&req);

    const char *token[] = {"username", "a/../b?c#d", "clientIP", "1.2.3.4", NULL};
    CHECK_INT(build("kickapps.create_token", token, &req, &msg), GG_OK);
    CHECK_STR(req.url.data, "http://kick.test/rest/token/create/a%2F..%2Fb%3Fc%23d/92366");
    CHECK_STR(req.body.data, "developerKey=devkey&clientIP=1.2.3.4");
    request_release(&req);

    const char *no_fields[] = {"email", "x@y", "developerKey", "k2", "as", "1", NULL};
    CHECK_INT(build("kickapps.create_token", no_fields, &req, &msg), GG_OK);
    CHECK_STR(req.url.data, "http://kick.test/rest/token/create/x%40y/1");
    CHECK_STR(req.body.data, "developerKey=k2");
    request_release(&req);

    const char *openauth[] = {"devId", "d", "oat", "/w+=", "succUrl", "s", NULL};
    CHECK_INT(build("kickapps.openauth_create_token", openauth, &req, &msg), GG_OK);
    CHECK_STR(req.url.data, "http://kick.test/rest/openauth/createtoken/92366/"
                            "?devId=d&oat=%2Fw%2B%3D&succUrl=s&developerKey=devkey&f=json");
    request_release(&req);

    const char *dot[] = {"username", ".", NULL};
    CHECK_INT(build("kickapps.create_token", dot, &req, &msg), GG_EINVAL);
    request_release(&req);
    const char *lf[] = {"username", "a", "password", "x\ny", NULL};
    CHECK_INT(build("kickapps.create_token", lf, &req, &msg), GG_EINVAL);
    request_release(&req);
    strbuf_release(&msg);
}

static void test_value_checks(void)
{
    struct request req;
    struct strbuf msg = {0};
    const char *bad_period[] = {"period", "monthly", "stat_id", "1", NULL};
    CHECK_INT(build("kongregate.high_scores", bad_period, &req, &msg), GG_EINVAL);
    request_release(&req);
    const char *good_period[] = {"period", "weekly", "stat_id", "1", "weekly_page", "2", NULL};
    CHECK_INT(build("kongregate.high_scores", good_period, &req, &msg), GG_OK);
    CHECK_STR(req.url.data, "https://kong.test/api/high_scores/weekly/1.json?weekly_page=2");
    request_release(&req);
    const char *not_count[] = {"user_id", "-1", NULL};
    CHECK_INT(build("kongregate.user_items", not_count, &req, &msg), GG_EINVAL);
    request_release(&req);

    const char *none[] = {"page_num", "1", NULL};
    CHECK_INT(build("kongregate.user_info", none, &req, &msg), GG_EINVAL);
    request_release(&req);
    const char *two[] = {"username", "a", "user_id", "1", NULL};
    CHECK_INT(build("kongregate.user_info", two, &req, &msg), GG_EINVAL);
    request_release(&req);
    char ids[200] = "1";
    for (int i = 2; i <= 51; i++)
        snprintf(ids + strlen(ids), sizeof ids - strlen(ids), ",%d", i);
    const char *too_many[] = {"user_ids", ids, NULL};
    CHECK_INT(build("kongregate.user_info", too_many, &req, &msg), GG_EINVAL);
    request_release(&req);
    *strrchr(ids, ',') = '\0'; /* 50 ids */
    const char *fifty[] = {"user_ids", ids, NULL};
    CHECK_INT(build("kongregate.user_info", fifty, &req, &msg), GG_OK);
    request_release(&req);

    const char *stats[] = {"user_id", "7", "Kills", "12", "High Score", "0", NULL};
    CHECK_INT(build("kongregate.submit_statistics", stats, &req, &msg), GG_OK);
    CHECK_STR(req.body.data, "api_key=apikey&user_id=7&Kills=12&High%20Score=0");
    request_release(&req);
    const char *negative[] = {"user_id", "7", "Kills", "-3", NULL};
    CHECK_INT(build("kongregate.submit_statistics", negative, &req, &msg), GG_EINVAL);
    request_release(&req);
    const char *fraction[] = {"user_id", "7", "Kills", "1.5", NULL};
    CHECK_INT(build("kongregate.submit_statistics", fraction, &req, &msg), GG_EINVAL);
    request_release(&req);

    const char *media[] = {"mediaType", "pdf", "mediaId", "1", "t", "tok", NULL};
    CHECK_INT(build("kickapps.favorite_add", media, &req, &msg), GG_EINVAL);
    request_release(&req);
    strbuf_release(&msg);
}

/* The same checks on each kind of store: the secrets are the ones the
 * request builder seals with (the call's api_key, the developer key). */
static void check_tokens_in(struct store *store)
{
    struct request req;
    struct strbuf msg = {0};

    char game[SESSION_SCOPE_SIZE], other_game[SESSION_SCOPE_SIZE];
    CHECK(session_game_scope("apikey", game));
    CHECK(session_game_scope("another game's key", other_game));
    CHECK(strcmp(game, other_game) != 0);
    CHECK(strstr(game, "apikey") == NULL); /* the store never holds a key */
    struct login_view login = {.user_id = "7", .username = "p", .token = "stored-token",
                                 .site = game};
    CHECK_INT(store_remember(store, "apikey", &service_kongregate, &login, &msg), GG_OK);
    const char *use[] = {"user_id", "7", "id", "100", NULL};
    CHECK_INT(build_with(store, "kongregate.use_item", use, &req, &msg), GG_OK);
    CHECK_STR(req.body.data, "api_key=apikey&user_id=7&game_auth_token=stored-token&id=100");
    request_release(&req);
    const char *explicit_token[] = {"user_id", "7", "id", "100", "game_auth_token", "mine", NULL};
    CHECK_INT(build_with(store, "kongregate.use_item", explicit_token, &req, &msg), GG_OK);
    CHECK(strstr(req.body.data, "game_auth_token=mine") != NULL);
    request_release(&req);
    /* Another game's client (another api_key) never gets this game's token. */
    const char *other_key[] = {"user_id", "7", "id", "100", "api_key", "another game's key", NULL};
    CHECK_INT(build_with(store, "kongregate.use_item", other_key, &req, &msg), GG_EINVAL);
    request_release(&req);
    const char *stranger[] = {"user_id", "8", "id", "100", NULL};
    CHECK_INT(build_with(store, "kongregate.use_item", stranger, &req, &msg), GG_EINVAL);
    request_release(&req);

    struct login_view reader = {.token = "read-only", .privileges = "R", .site = "92366",
                                  .username = "reader", .user_id = "55"};
    CHECK_INT(store_remember(store, "devkey", &service_kickapps, &reader, &msg), GG_OK);
    const char *profile[] = {"userId", "1", "member", "reader", NULL};
    CHECK_INT(build_with(store, "kickapps.user_profile", profile, &req, &msg), GG_OK);
    CHECK_STR(req.body.data, "t=read-only"); /* member itself is never sent */
    request_release(&req);
    const char *write[] = {"friendId", "2", "member", "reader", NULL};
    CHECK_INT(build_with(store, "kickapps.friend_add", write, &req, &msg), GG_EDENIED);
    request_release(&req);
    const char *other_site[] = {"friendId", "2", "member", "reader", "as", "1", NULL};
    CHECK_INT(build_with(store, "kickapps.friend_add", other_site, &req, &msg), GG_EINVAL);
    request_release(&req);
    const char *by_id[] = {"userId", "1", "member", "55", NULL};
    CHECK_INT(build_with(store, "kickapps.user_profile", by_id, &req, &msg), GG_OK);
    CHECK_STR(req.body.data, "t=read-only");
    request_release(&req);

    /* A username that is another member's userId never answers for it: all
     * digits is a userId, whatever usernames the store holds. */
    struct login_view confusing = {.token = "other", .privileges = "RW", .site = "92366",
                                     .username = "55", .user_id = "77"};
    CHECK_INT(store_remember(store, "devkey", &service_kickapps, &confusing, &msg), GG_OK);
    CHECK_INT(build_with(store, "kickapps.user_profile", by_id, &req, &msg), GG_OK);
    CHECK_STR(req.body.data, "t=read-only");
    request_release(&req);
    struct session_data found;
    CHECK_INT(store_find(store, "devkey", &service_kickapps, "92366", "55", &found, &msg), GG_OK);
    CHECK_STR(found.user_id, "55");
    session_data_clear(&found);
    /* Once the real member is gone, "55" finds nobody, not the member named so. */
    bool live = false;
    CHECK_INT(store_forget(store, "devkey", &service_kickapps, "92366", "reader", &live, &msg), GG_OK);
    CHECK(live);
    CHECK_INT(store_find(store, "devkey", &service_kickapps, "92366", "55", &found, &msg), GG_ENOTFOUND);
    CHECK_INT(build_with(store, "kickapps.user_profile", by_id, &req, &msg), GG_EINVAL);
    CHECK_CONTAINS(msg.data, "missing required parameter 't'");
    request_release(&req);
    CHECK_INT(store_find(store, "devkey", &service_kickapps, "92366", "77", &found, &msg), GG_OK);
    CHECK_STR(found.username, "55");
    session_data_clear(&found);
    /* Parts are length-prefixed: no site and name can be made to collide. */
    struct login_view tricky = {.token = "t1", .site = "S/1:x", .user_id = "y"};
    CHECK_INT(store_remember(store, "devkey", &service_kickapps, &tricky, &msg), GG_OK);
    CHECK_INT(store_find(store, "devkey", &service_kickapps, "S", "x/i1:y", &found, &msg), GG_ENOTFOUND);
    strbuf_release(&msg);
}

static void test_tokens_from_the_session_store(void)
{
    struct strbuf msg = {0};
    int code = -1;
    struct store *memory = store_open("memory", &msg, &code);
    CHECK_INT(code, GG_OK);
    check_tokens_in(memory);
    store_release(memory);
    char path[] = "/tmp/gamegate-units-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    char url[64];
    snprintf(url, sizeof url, "sqlite://%s", path);
    struct store *sqlite = store_open(url, &msg, &code);
    if (!sqlite && code == GG_EINVAL && strstr(msg.data, "not built")) {
        printf("units: %s: the SQLite store's checks skipped\n", msg.data);
        unlink(path);
        strbuf_release(&msg);
        return;
    }
    CHECK_INT(code, GG_OK);
    CHECK(store_is_shared(sqlite));
    check_tokens_in(sqlite);
    /* Sealed under another secret, an entry reads as absent. */
    struct session_data found;
    CHECK_INT(store_find(sqlite, "devkey", &service_kickapps, "92366", "77", &found, &msg), GG_OK);
    session_data_clear(&found);
    CHECK_INT(store_find(sqlite, "not the key", &service_kickapps, "92366", "77", &found, &msg),
              GG_ENOTFOUND);
    CHECK(found.token == NULL);
    CHECK_INT(store_find(sqlite, NULL, &service_kickapps, "92366", "77", &found, &msg), GG_EINVAL);
    store_release(sqlite);
    for (const char *const *suffix = (const char *const[]){"", "-wal", "-shm", NULL}; *suffix;
         suffix++) {
        snprintf(url, sizeof url, "%s%s", path, *suffix);
        unlink(url);
    }
    strbuf_release(&msg);
}



static void test_logging_in_again(void)
{
    struct session_store *store = session_store_new();
    struct login_view login = {.token = "first-token", .username = "p", .user_id = "7",
                                 .site = "game"};
    CHECK_INT(session_remember(store, &service_kongregate.logins, &login), GG_OK);
    CHECK_INT(session_remember(store, &service_kongregate.logins, &login), GG_OK); /* renewed in place */
    CHECK_INT(session_count(store), 1);
    login.token = "second-token";
    CHECK_INT(session_remember(store, &service_kongregate.logins, &login), GG_OK);
    CHECK_INT(session_count(store), 1);
    struct session_data found;
    CHECK_INT(session_find(store, &service_kongregate.logins, "game", "7", &found), GG_OK);
    CHECK_STR(found.token, "second-token");
    session_data_clear(&found);
    session_store_release(store);
}

static void test_session_store_bounds(void)
{
    struct session_store *store = session_store_new();
    session_store_set_capacity(store, 3);
    session_store_set_ttl(store, 0);
    char id[16];
    struct login_view data = {.token = "t0000", .user_id = id};
    struct session_data out;
    for (int i = 0; i < 3; i++) {
        snprintf(id, sizeof id, "%d", i);
        session_remember(store, &service_kongregate.logins, &data);
    }
    /* 0 is now the most recently used */
    CHECK_INT(session_find(store, &service_kongregate.logins, NULL, "0", &out), GG_OK);
    session_data_clear(&out);
    snprintf(id, sizeof id, "3");
    session_remember(store, &service_kongregate.logins, &data);
    CHECK_INT(session_count(store), 3);
    /* the least recently used went */
    CHECK_INT(session_find(store, &service_kongregate.logins, NULL, "1", &out), GG_ENOTFOUND);
    CHECK_INT(session_find(store, &service_kongregate.logins, NULL, "0", &out), GG_OK);
    session_data_clear(&out);
    CHECK(session_forget(store, &service_kongregate.logins, NULL, "0"));
    CHECK(!session_forget(store, &service_kongregate.logins, NULL, "0"));
    session_store_set_capacity(store, 1);
    CHECK_INT(session_count(store), 1);

    session_store_set_capacity(store, 10);
    session_store_set_ttl(store, 1); /* entries live 1 ms */
    snprintf(id, sizeof id, "9");
    session_remember(store, &service_kongregate.logins, &data);
    snprintf(id, sizeof id, "8");
    session_remember(store, &service_kongregate.logins, &data);
    size_t with_both = session_count(store);
    struct timespec pause = {0, 5 * 1000 * 1000};
    nanosleep(&pause, NULL);
    /* An expired login is forgotten, token and all, though it reads as gone. */
    CHECK(!session_forget(store, &service_kongregate.logins, NULL, "8"));
    CHECK_INT(session_count(store), with_both - 1);
    /* Writers sweep what expired: it does not stay in memory until evicted. */
    session_store_set_ttl(store, 0);
    snprintf(id, sizeof id, "7");
    session_remember(store, &service_kongregate.logins, &data);
    /* Left: the login kept at capacity 1 (no expiry) and 7; a slow machine
     * may have swept 9 earlier, so the count before is no guide. */
    CHECK_INT(session_count(store), 2);
    session_store_set_ttl(store, 1);
    CHECK_INT(session_find(store, &service_kongregate.logins, NULL, "9", &out), GG_ENOTFOUND);
    session_store_release(store);
}

static void test_memory_ledger(void)
{
    struct strbuf msg = {0};
    int code = -1;
    /* What session.store cannot name, or cannot reach, is refused. */
    const char *refused[] = {"redis", "ftp://host/x", "sqlite://relative/path", "redis://",
                             "redis://host/notanumber", "redis://host/0?x=1", "unix://relative",
                             NULL};
    for (int i = 0; refused[i]; i++) {
        CHECK(store_open(refused[i], &msg, &code) == NULL);
        CHECK_INT(code, GG_EINVAL);
        strbuf_reset(&msg);
    }
    CHECK(store_open("redis://127.0.0.1:1/0", &msg, &code) == NULL);
    if (!strstr(msg.data, "not built")) { /* where Redis is */
        CHECK_INT(code, GG_ESTORE);
        CHECK_CONTAINS(msg.data, "Redis at 127.0.0.1:1 cannot be used");
    }
    strbuf_release(&msg);
    struct ledger *ledger = ledger_new();
    CHECK(ledger != NULL);
    bool first = false;
    char key[32];
    /* Many keys, past every growth of the table: each is first once. */
    int firsts = 0, repeats = 0;
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 1000; i++) {
            snprintf(key, sizeof key, "scope:item_order_placed:%d", i);
            CHECK_INT(ledger_record(ledger, key, 60000, &first, &msg), GG_OK);
            firsts += first;
            repeats += !first;
        }
    CHECK_INT(firsts, 1000);
    CHECK_INT(repeats, 1000);
    /* A record past its retention makes way for a new first. */
    CHECK_INT(ledger_record(ledger, "scope:e:short", 1, &first, &msg), GG_OK);
    CHECK(first);
    nanosleep(&(struct timespec){0, 5 * 1000 * 1000}, NULL);
    CHECK_INT(ledger_record(ledger, "scope:e:short", 1, &first, &msg), GG_OK);
    CHECK(first);
    ledger_free(ledger);
    ledger_free(NULL);
    strbuf_release(&msg);
}

static void test_message_cleaning(void)
{
    struct secrets secrets = {{"abcd", "abcdefg", "", "t"}, 4};
    char *clean = message_clean("x abcdefg y abcd\r\nz\x01t", &secrets);
    CHECK_STR(clean, "x [redacted] y [redacted]??z?t");
    free(clean);

    char long_text[MESSAGE_MAX_BYTES + 10];
    memset(long_text, 'a', sizeof long_text);
    memcpy(long_text + MESSAGE_MAX_BYTES - 1, "\xc3\xa9", 2); /* é across the cut */
    long_text[sizeof long_text - 1] = '\0';
    clean = message_clean(long_text, NULL);
    CHECK_INT(strlen(clean), MESSAGE_MAX_BYTES - 1);
    free(clean);

    /* A server may echo a secret percent-encoded in either case of hex. */
    struct secrets key = {{"k/y+z w"}, 1};
    clean = message_clean("a k%2Fy%2Bz%20w b k%2fy%2bz+w c k%2fy%2bz%20w d", &key);
    CHECK_STR(clean, "a [redacted] b [redacted] c [redacted] d");
    free(clean);

    /* Nothing a log reader takes for a line break survives: C1 controls
     * (NEL U+0085, CSI U+009B) and the line and paragraph separators. */
    clean = message_clean("1\xc2\x85" "2\xc2\x9b" "3\xe2\x80\xa8" "4\xe2\x80\xa9" "5 \xc2\xa0\xe2\x80\xa6",
                          NULL);
    CHECK_STR(clean, "1?2?3?4?5 \xc2\xa0\xe2\x80\xa6"); /* NBSP and the ellipsis stay */
    free(clean);
    /* Nor what reorders a line: RLO U+202E, RLI U+2067. */
    clean = message_clean("a\xe2\x80\xae" "b\xe2\x81\xa7" "c", NULL);
    CHECK_STR(clean, "a?b?c");
    free(clean);
}

static json_t *parse(const char *body, bool unwrap, int *code)
{
    json_t *root = NULL;
    struct strbuf msg = {0};
    *code = response_parse(body, strlen(body), unwrap, 0, &root, &msg);
    strbuf_release(&msg);
    return root;
}

static void test_body_normalization(void)
{
    int code;
    json_t *root = parse(" cb_1.x ( [{\"TOKEN\":\"t\"}] ) ; \n", true, &code);
    CHECK_INT(code, GG_OK);
    CHECK_STR(json_string_value(json_object_get(root, "TOKEN")), "t");
    json_decref(root);

    root = parse("[{\"id\":1}]", false, &code); /* Kongregate: a real one-item list */
    CHECK(json_is_array(root));
    json_decref(root);
    root = parse("[{\"a\":1},{\"b\":2}]", true, &code);
    CHECK(json_is_array(root));
    json_decref(root);

    CHECK(parse("", true, &code) == NULL && code == GG_EPROTOCOL);
    CHECK(parse("  \n", true, &code) == NULL && code == GG_EPROTOCOL);
    CHECK(parse("<html></html>", true, &code) == NULL && code == GG_EPROTOCOL);
    CHECK(parse("cb(", true, &code) == NULL && code == GG_EPROTOCOL);
    /* A response's strings are read as C strings (envelopes, tokens): NUL is
     * refused there; a callback's payload may hold it. */
    CHECK(parse("{\"a\":\"x\\u0000y\"}", true, &code) == NULL && code == GG_EPROTOCOL);
    /* Valid JSON that jansson alone cannot hold is accepted; what is not JSON
     * is refused, number-like or not, and a number never becomes a name. */
    const char *not_json[] = {"[0123456789012345678901]", "[1-2-3-4-5-6-7-8-9-0-1-2]",
                              "[1e999e]", "[5.e999]", "{\"a\":--------------------1}",
                              "{12345678901234567890123:1}", "[-]", "[1e]", "[.5e999]"};
    for (size_t i = 0; i < sizeof not_json / sizeof *not_json; i++)
        CHECK(parse(not_json[i], false, &code) == NULL && code == GG_EPROTOCOL);
    root = parse("[1.5e999,-1e999,0e99999,1e-999,123456789012345678901234567890.5,"
                 "0.000000001e320,0.000000001e300]", false, &code);
    CHECK_INT(code, GG_OK);
    CHECK_STR(json_safe_number_text(json_array_get(root, 0)), "1.5e999");
    CHECK_STR(json_safe_number_text(json_array_get(root, 1)), "-1e999");
    CHECK(json_is_real(json_array_get(root, 2)));     /* zero */
    CHECK(json_is_real(json_array_get(root, 3)));     /* underflows to zero */
    CHECK(json_is_real(json_array_get(root, 4)));     /* 1.2e29 fits a double */
    CHECK_STR(json_safe_number_text(json_array_get(root, 5)), "0.000000001e320"); /* 1e311 */
    CHECK(json_is_real(json_array_get(root, 6)));     /* 1e291 */
    json_decref(root);
    root = parse("{\"id\":18446744073709551616,\"r\":1e400,\"n\":-9223372036854775809,"
                 "\"ok\":9223372036854775807,\"f\":1.5}", true, &code);
    CHECK_INT(code, GG_OK);
    CHECK_STR(json_safe_number_text(json_object_get(root, "id")), "18446744073709551616");
    CHECK_STR(json_safe_number_text(json_object_get(root, "r")), "1e400");
    CHECK_STR(json_safe_number_text(json_object_get(root, "n")), "-9223372036854775809");
    CHECK(json_is_integer(json_object_get(root, "ok")));
    CHECK(json_is_real(json_object_get(root, "f")));
    char *dumped = json_safe_dump(root);
    CHECK_STR(dumped, "{\"id\":18446744073709551616,\"r\":1e400,\"n\":-9223372036854775809,"
                      "\"ok\":9223372036854775807,\"f\":1.5}");
    free(dumped);
    json_decref(root);
    /* A string that merely looks like a kept number stays a string. */
    root = parse("{\"s\":\"\\u001f00112233445566778899aabbccddeeff12\"}", true, &code);
    CHECK(json_safe_number_text(json_object_get(root, "s")) == NULL);
    json_decref(root);
    CHECK(parse("{\"a\":\"\xff\"}", true, &code) == NULL && code == GG_EPROTOCOL);
    /* The message describes the fault but never quotes the body, which may
     * hold a token. */
    struct strbuf said = {0};
    json_t *none = NULL;
    const char *unquoted = "[{\"TOKEN\" \"Qqvb7kTFiz4M2lqC\"}]";
    response_parse(unquoted, strlen(unquoted), true, 0, &none, &said);
    CHECK(said.data && !strstr(said.data, "Qqvb"));
    strbuf_release(&said);
    root = parse("\"just a string\"", true, &code);
    CHECK(json_is_string(root) && code == GG_OK);
    json_decref(root);
}

/* A body's tree may take at most a few times the cap: empty arrays would
 * cost 45 times their text, empty objects 77 times. */
static void test_response_memory_is_bounded(void)
{
    const size_t cap = 8 << 20, max_cost = cap * RESPONSE_COST_FACTOR;
    const char *units[] = {"[],", "{},", "1e999,"};
    for (size_t u = 0; u < 3; u++) {
        char *body = malloc(cap + 1);
        body[0] = '[';
        size_t unit = strlen(units[u]), len = 1;
        for (; len + unit < cap; len += unit)
            memcpy(body + len, units[u], unit);
        body[len - 1] = ']';
        body[len] = '\0';
        long before = peak_kib();
        json_t *root = NULL;
        struct strbuf msg = {0};
        int code = response_parse(body, len, false, max_cost, &root, &msg);

        CHECK_INT(code, GG_EPROTOCOL);
        CHECK_CONTAINS(msg.data, "memory");
        long grown_kib = peak_kib() - before;
        CHECK(grown_kib * 1024L < (long)(2 * cap)); /* refused before the tree is made */
        const char *what[] = {"empty arrays", "empty objects", "numbers beyond a double"};
        printf("units: an 8 MiB body of %s: refused, peak memory +%ld KiB\n", what[u],
               grown_kib);
        strbuf_release(&msg);
        json_decref(root);
        free(body);
    }
    /* An ordinary body well under the cap is not refused. */
    json_t *root = NULL;
    struct strbuf msg = {0};
    const char *items = "{\"success\":true,\"items\":[{\"id\":1,\"name\":\"Sword\"}]}";
    CHECK_INT(response_parse(items, strlen(items), false, 8 * 1024, &root, &msg), GG_OK);
    json_decref(root);
    strbuf_release(&msg);
}

/* A failed call's body is scrubbed wherever a secret hides: after a NUL in
 * a string, as a number, as a member's name, inside a number kept as text. */
static void test_scrubbing_a_failed_body(void)
{
    const struct secrets secrets = {{"0123456789abcdef", "12345678", "SECRETNAME"}, 3};
    const char *body = "{\"echo\":\"api_key=\\u0000api_key=0123456789abcdef\","
                       "\"password\":12345678,\"got\":{\"SECRETNAME\":true},"
                       "\"big\":9912345678000000000000000001}";
    int code;
    const char *what = "";
    struct gg_result *result = result_new();
    result->body = json_safe_load(body, strlen(body), JSON_ALLOW_NUL, 0, &code, &what);
    CHECK_INT(code, GG_OK);
    result_scrub(result, &secrets);
    const char *text = gg_result_json(result);
    for (int i = 0; i < 3; i++)
        CHECK_LACKS(text, secrets.items[i]);
    CHECK_LACKS(text, "u001F"); /* no half-redacted number leaks the marker */
    CHECK_CONTAINS(text, "\"big\":\"[redacted]\"");
    CHECK_CONTAINS(text, "\"password\":\"[redacted]\"");
    CHECK_CONTAINS(text, "\"got\":{\"[redacted]\":true}");
    gg_result_free(result);
}

static void test_json_pointers(void)
{
    char name[2100], body[2300], pointer[2200];
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    snprintf(body, sizeof body, "{\"items\":[10,11],\"a/b~c\":1,\"%s\":2}", name);
    struct gg_result *result = result_new();
    result->body = json_loads(body, 0, NULL);
    CHECK_STR(gg_result_get(result, "/items/1"), "11");
    CHECK(gg_result_get(result, "/items/01") == NULL); /* RFC 6901: no leading zero */
    CHECK_STR(gg_result_get(result, "/a~1b~0c"), "1");
    CHECK(gg_result_get(result, "/a~2b") == NULL);
    snprintf(pointer, sizeof pointer, "/%s", name);
    CHECK_STR(gg_result_get(result, pointer), "2"); /* a name of any length */
    gg_result_free(result);
}

static int envelope(const struct service *service, const char *body, char *said, size_t size)
{
    json_t *root = json_loads(body, JSON_DECODE_ANY, NULL);
    struct strbuf msg = {0};
    int code = service->check_envelope(root, &msg);
    snprintf(said, size, "%s", msg.data ? msg.data : "");
    strbuf_release(&msg);
    json_decref(root);
    return code;
}

static void test_envelopes(void)
{
    char said[256];
    const struct service *kong = &service_kongregate, *kick = &service_kickapps;
    CHECK_INT(envelope(kong, "{\"success\":true}", said, sizeof said), GG_OK);
    CHECK_INT(envelope(kong, "{\"success\":false,\"error\":403,\"error_description\":\"Invalid "
                             "credentials\"}", said, sizeof said), GG_EAUTH);
    CHECK_STR(said, "Invalid credentials (error 403)");
    CHECK_INT(envelope(kong, "{\"success\":false,\"error\":404}", said, sizeof said),
              GG_ESERVICE);
    CHECK_INT(envelope(kong, "{\"success\":\"true\"}", said, sizeof said), GG_EPROTOCOL);
    CHECK_INT(envelope(kong, "{}", said, sizeof said), GG_EPROTOCOL);
    CHECK_INT(envelope(kong, "[]", said, sizeof said), GG_EPROTOCOL);

    CHECK_INT(envelope(kick, "{\"TOKEN\":\"t\"}", said, sizeof said), GG_OK);
    CHECK_INT(envelope(kick, "{\"status\":\"1\",\"error\":\"\"}", said, sizeof said), GG_OK);
    CHECK_INT(envelope(kick, "{\"status\":\"1\",\"error\":\"This IP address has been banned\"}",
                       said, sizeof said), GG_EDENIED);
    CHECK_INT(envelope(kick, "{\"status\":\"-1\",\"error\":\"\",\"message\":\"invalid\"}", said,
                       sizeof said), GG_ESERVICE);
    CHECK_STR(said, "invalid (status -1)");
    CHECK_INT(envelope(kick, "{\"status\":\"-1\",\"error\":\"Access Denied. Please contact "
                             "customer support\"}", said, sizeof said), GG_EDENIED);
    CHECK_INT(envelope(kick, "{\"status\":\"-1\",\"error\":\"either developerkey is not passed "
                             "or developerKey disabled\"}", said, sizeof said), GG_EAUTH);
    CHECK_INT(envelope(kick, "{\"status\":\"-1\",\"errorId\":\"1\",\"error\":\"x\"}", said,
                       sizeof said), GG_EAUTH);
    CHECK_INT(envelope(kick, "{\"status\":\"-1\",\"errorId\":18,\"error\":\"x\"}", said,
                       sizeof said), GG_EDENIED);
    CHECK_STR(said, "x (status -1, errorId 18)");
    CHECK_INT(envelope(kick, "{\"status\":\"-1\",\"errorId\":\"44\",\"error\":\"x\"}", said,
                       sizeof said), GG_EAUTH);
    CHECK_INT(envelope(kick, "\"no\"", said, sizeof said), GG_EPROTOCOL);
}

static void test_result_paths(void)
{
    struct gg_result *result = result_new();
    result->body = json_loads("{\"items\":[{\"name\":\"Sharp Sword\",\"price\":10,"
                              "\"tags\":[\"sword\"],\"data\":null}],\"user_vars\":{\"level\":3},"
                              "\"a.b\":1}", 0, NULL);
    CHECK_STR(gg_result_get(result, "items.0.name"), "Sharp Sword");
    CHECK_STR(gg_result_get(result, "items.0.price"), "10");
    CHECK_STR(gg_result_get(result, "items.0.data"), "null");
    CHECK_STR(gg_result_get(result, "items.0.tags"), "[\"sword\"]");
    CHECK_STR(gg_result_get(result, "user_vars"), "{\"level\":3}");
    CHECK_STR(gg_result_get(result, "user_vars.level"), "3");
    CHECK(gg_result_get(result, "items.1.name") == NULL);
    CHECK(gg_result_get(result, "items.+0.name") == NULL);
    CHECK(gg_result_get(result, "items.x") == NULL);
    CHECK(gg_result_get(result, "items.0.name.") == NULL);
    CHECK(gg_result_get(result, "items.99999999999999999999") == NULL);
    CHECK(gg_result_get(result, NULL) == NULL);
    CHECK_INT(gg_result_count(result, "items"), 1);
    CHECK_INT(gg_result_count(result, "items.0"), 4);
    CHECK_INT(gg_result_count(result, "items.0.name"), 0);
    CHECK_INT(gg_result_count(result, "missing"), 0);
    CHECK_INT(gg_result_count(result, ""), 3);
    gg_result_free(result);
}

int main(void)
{
    test_table_rows_are_well_formed();
    test_request_building();
    test_value_checks();
    test_tokens_from_the_session_store();
    test_session_store_bounds();
    test_memory_ledger();
    test_message_cleaning();
    test_response_memory_is_bounded();
    test_scrubbing_a_failed_body();
    test_logging_in_again();
    test_json_pointers();
    test_body_normalization();
    test_envelopes();
    test_result_paths();
    return check_summary();
}
