/* One client shared by many threads, as a threaded game server uses it:
 * calls in flight together on a bounded pool of connections, each thread
 * reading its own messages, results read by several threads, and nothing
 * that stays off the network waiting behind a call in flight. Runs plain,
 * under valgrind, ASan and ThreadSanitizer. */
#include "check.h"
#include "sandbox_client.h"

#include <gamegate.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define THREADS 8
#define CALLS 1000
#define MAX_CONNECTIONS "4"

static const char *api_key;
static json_t *users; /* the seed's Kongregate users */

static gg_client *new_client(const char *max_connections)
{
    gg_client *client = NULL;
    if (gg_client_new(&client) != GG_OK)
        return NULL;
    gg_client_set(client, "kongregate.base_url", sandbox_url());
    gg_client_set(client, "kongregate.api_key", api_key);
    gg_client_set(client, "max_connections", max_connections);
    return client;
}

/* Asks about one player and checks that the answer is that player's. */
static int ask_about(gg_client *client, size_t player)
{
    json_t *user = json_array_get(users, player % json_array_size(users));
    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(user, "user_id")));
    const char *params[] = {"user_id", id, NULL};
    gg_result *result = NULL;
    int code = gg_call(client, "kongregate.user_info", params, &result);
    const char *name = gg_result_get(result, "username");
    const char *want = json_string_value(json_object_get(user, "username"));
    int ok = code == GG_OK && name && strcmp(name, want) == 0;
    if (!ok)
        fprintf(stderr, "     user_info %s: code %d, %s\n", id, code, gg_result_message(result));
    gg_result_free(result);
    return ok;
}

struct worker {
    gg_client *client;
    size_t index;
    int calls;
    atomic_int good;
    atomic_bool finished;
};

static void *call_many(void *arg)
{
    struct worker *w = arg;
    for (int i = 0; i < w->calls; i++)
        atomic_fetch_add(&w->good, ask_about(w->client, w->index + (size_t)i));
    atomic_store(&w->finished, true);
    return NULL;
}

static void run_workers(gg_client *client, int calls_each, struct worker workers[THREADS])
{
    pthread_t threads[THREADS];
    for (size_t t = 0; t < THREADS; t++) {
        workers[t] = (struct worker){.client = client, .index = t, .calls = calls_each};
        CHECK_INT(pthread_create(&threads[t], NULL, call_many, &workers[t]), 0);
    }
    for (size_t t = 0; t < THREADS; t++)
        pthread_join(threads[t], NULL);
}

static void test_calls_in_flight_together(void)
{
    gg_client *client = new_client(MAX_CONNECTIONS);
    /* All eight must be in flight at once for any to pass: with one call at
     * a time, or more threads than connections served in turn, the sandbox's
     * barrier times out and every call fails. */
    gg_client_set(client, "max_connections", "8");
    CHECK_INT(sandbox_control("/_sandbox/barrier?parties=8&timeout=60"), 0);
    struct worker workers[THREADS];
    run_workers(client, 1, workers);
    for (size_t t = 0; t < THREADS; t++)
        CHECK_INT(atomic_load(&workers[t].good), 1);

    gg_client_free(client);

    /* Then a thousand calls over a bound of four connections, on a client
     * that has none open yet. */
    client = new_client(MAX_CONNECTIONS);
    long before = sandbox_stat("connections");
    run_workers(client, CALLS / THREADS, workers);
    int good = 0;
    for (size_t t = 0; t < THREADS; t++)
        good += atomic_load(&workers[t].good);
    long opened = sandbox_stat("connections") - before - 1; /* less the asking one */
    CHECK_INT(good, CALLS);
    CHECK(opened >= 1 && opened <= atoi(MAX_CONNECTIONS));
    printf("pool: %d threads, %d calls on one client, %ld connections opened "
           "(max_connections %s)\n", THREADS, CALLS, opened, MAX_CONNECTIONS);
    gg_client_free(client);
}

struct message_probe {
    gg_client *client;
    bool fail;
    pthread_barrier_t *both_called;
    int code;
    char message[256];
};

static void *call_and_read_message(void *arg)
{
    struct message_probe *p = arg;
    const char *params[] = {"user_id", p->fail ? "not-a-number" : "765", NULL};
    p->code = gg_call(p->client, "kongregate.user_info", params, NULL);
    /* The other thread's call ends between this one and reading its message. */
    pthread_barrier_wait(p->both_called);
    snprintf(p->message, sizeof p->message, "%s", gg_client_errmsg(p->client));
    return NULL;
}

static void test_messages_are_per_thread(void)
{
    gg_client *client = new_client(MAX_CONNECTIONS);
    pthread_barrier_t both_called;
    pthread_barrier_init(&both_called, NULL, 2);
    struct message_probe failing = {.client = client, .fail = true, .both_called = &both_called};
    struct message_probe passing = {.client = client, .both_called = &both_called};
    pthread_t a, b;
    pthread_create(&a, NULL, call_and_read_message, &failing);
    pthread_create(&b, NULL, call_and_read_message, &passing);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    pthread_barrier_destroy(&both_called);
    CHECK_INT(failing.code, GG_EINVAL);
    CHECK_CONTAINS(failing.message, "user_id");
    CHECK_INT(passing.code, GG_OK);
    CHECK_STR(passing.message, "");
    gg_client_free(client);
}

static void test_local_work_does_not_wait_for_calls(void)
{
    gg_client *client = new_client(MAX_CONNECTIONS);
    /* A call that the sandbox holds until a second request arrives. */
    CHECK_INT(sandbox_control("/_sandbox/barrier?parties=2&timeout=120"), 0);
    struct worker held = {.client = client, .calls = 1};
    pthread_t thread;
    pthread_create(&thread, NULL, call_many, &held);
    CHECK(sandbox_wait_until_held(1));

    /* Everything that needs no network, on the same client, meanwhile. */
    char form[512];
    snprintf(form, sizeof form,
             "event=invalidate_user_inventory&api_key=%s&user_id=765&game_auth_token=fresh",
             api_key);
    CHECK_INT(gg_callback_verify(client, form, strlen(form), NULL, NULL), GG_OK);
    gg_result *session = NULL;
    CHECK_INT(gg_session_get(client, "kongregate", NULL, "765", &session), GG_OK);
    CHECK_STR(gg_result_get(session, "game_auth_token"), "fresh");
    gg_result_free(session);
    gg_result *reply = NULL;
    CHECK_INT(gg_callback_reply_order("completed", &reply), GG_OK);
    gg_result_free(reply);
    CHECK_INT(gg_client_set(client, "timeout_ms", "20000"), GG_OK);
    CHECK(gg_endpoint_count() > 0);
    /* All of that happened while the call was still held. */
    CHECK(!atomic_load(&held.finished));

    gg_client *other = new_client("1");
    CHECK(ask_about(other, 0)); /* the second party: releases both */
    pthread_join(thread, NULL);
    CHECK_INT(atomic_load(&held.good), 1);
    gg_client_free(other);
    gg_client_free(client);
}

struct reader {
    const gg_result *result;
    int mismatches;
    const char *whole;
};

static void *read_result(void *arg)
{
    struct reader *r = arg;
    for (int i = 0; i < 2000; i++) {
        const char *items = gg_result_get(r->result, "items");
        const char *first = gg_result_get(r->result, "items.0");
        const char *whole = gg_result_json(r->result);
        r->mismatches += !items || !first || !whole || strcmp(whole, r->whole) != 0 ||
                         items[0] != '[' || first[0] != '{';
    }
    return NULL;
}

static void test_one_result_read_by_many_threads(void)
{
    gg_client *client = new_client(MAX_CONNECTIONS);
    gg_result *items = NULL;
    CHECK_INT(gg_call(client, "kongregate.items", NULL, &items), GG_OK);
    /* The expected text, from a copy the readers never touch. */
    gg_result *copy = NULL;
    gg_call(client, "kongregate.items", NULL, &copy);
    char *whole = strdup(gg_result_json(copy));
    gg_result_free(copy);
    pthread_t threads[THREADS];
    struct reader readers[THREADS];
    for (size_t t = 0; t < THREADS; t++) {
        readers[t] = (struct reader){.result = items, .whole = whole};
        pthread_create(&threads[t], NULL, read_result, &readers[t]);
    }
    int mismatches = 0;
    for (size_t t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        mismatches += readers[t].mismatches;
    }
    CHECK_INT(mismatches, 0);
    free(whole);
    gg_result_free(items);
    gg_client_free(client);
}

struct sharer {
    gg_client *owner;
    int failures;
};

static void *share_repeatedly(void *arg)
{
    struct sharer *s = arg;
    for (int i = 0; i < 200; i++) {
        gg_client *client = NULL;
        gg_client_new(&client);
        s->failures += gg_client_share_sessions(client, s->owner) != GG_OK;
        gg_client_free(client);
    }
    return NULL;
}

/* Sharing a store while its owner's configuration changes. */
static void test_sharing_while_the_owner_changes(void)
{
    gg_client *owner = new_client(MAX_CONNECTIONS);
    struct sharer sharers[4];
    pthread_t threads[4];
    for (int t = 0; t < 4; t++) {
        sharers[t] = (struct sharer){.owner = owner};
        pthread_create(&threads[t], NULL, share_repeatedly, &sharers[t]);
    }
    for (int i = 0; i < 200; i++)
        gg_client_set(owner, "session.ttl_ms", i % 2 ? "1000" : "2000");
    int failures = 0;
    for (int t = 0; t < 4; t++) {
        pthread_join(threads[t], NULL);
        failures += sharers[t].failures;
    }
    CHECK_INT(failures, 0);
    gg_client_free(owner);
}

/* gg_client_errmsg's text lives until this thread's next call on that
 * client, whatever it does with other clients meanwhile. */
static void test_a_message_outlives_calls_on_other_clients(void)
{
    gg_client *first = new_client("1");
    const char *bad[] = {"user_id", "not-a-number", NULL};
    CHECK_INT(gg_call(first, "kongregate.user_info", bad, NULL), GG_EINVAL);
    const char *kept = gg_client_errmsg(first);
    char copy[256];
    snprintf(copy, sizeof copy, "%s", kept);
    for (int i = 0; i < 20; i++) {
        gg_client *other = new_client("1");
        gg_call(other, "kongregate.user_info", bad, NULL);
        gg_client_free(other);
    }
    CHECK_STR(kept, copy); /* the same pointer, still alive (valgrind, ASan) */
    CHECK(gg_client_errmsg(first) == kept);
    gg_client_free(first);
}

struct log_count {
    atomic_int lines;
};

static void count_line(void *userdata, int level, const char *message)
{
    (void)level;
    (void)message;
    atomic_fetch_add(&((struct log_count *)userdata)->lines, 1);
}

/* Once gg_client_set_log(NULL) returns, no call still in flight logs to
 * the fn it replaced. */
static void test_stopping_the_log_stops_calls_in_flight(void)
{
    gg_client *client = new_client("4");
    gg_client_set(client, "log_level", "debug");
    struct log_count counted = {0};
    CHECK_INT(gg_client_set_log(client, count_line, &counted), GG_OK);
    CHECK_INT(sandbox_control("/_sandbox/barrier?parties=2&timeout=120"), 0);
    struct worker held = {.client = client, .calls = 1};
    pthread_t thread;
    pthread_create(&thread, NULL, call_many, &held);
    CHECK(sandbox_wait_until_held(1));
    CHECK_INT(gg_client_set_log(client, NULL, NULL), GG_OK);
    int before = atomic_load(&counted.lines);
    gg_client *other = new_client("1");
    CHECK(ask_about(other, 0)); /* the second party */
    pthread_join(thread, NULL);
    gg_client_free(other);
    CHECK_INT(atomic_load(&held.good), 1);
    CHECK_INT(atomic_load(&counted.lines), before);
    gg_client_free(client);
}

int main(void)
{
    api_key = sandbox_api_key();
    users = sandbox_kongregate_users();
    CHECK_INT(sandbox_control("/_sandbox/reset"), 0);

    test_calls_in_flight_together();
    test_messages_are_per_thread();
    test_local_work_does_not_wait_for_calls();
    test_one_result_read_by_many_threads();
    test_sharing_while_the_owner_changes();
    test_a_message_outlives_calls_on_other_clients();
    test_stopping_the_log_stops_calls_in_flight();

    sandbox_release();
    return check_summary();
}
