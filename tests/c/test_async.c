/* Asynchronous calls as an event loop drives them: started at once, their
 * completions read when the client's fd turns readable, many in flight on
 * one client, retries on timers, cancellation. Runs plain, under valgrind,
 * ASan and ThreadSanitizer. */
#include "check.h"
#include "sandbox_client.h"

#include <gamegate.h>

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define IN_FLIGHT 32

static gg_client *new_client(void)
{
    gg_client *client = NULL;
    gg_client_new(&client);
    gg_client_set(client, "kongregate.base_url", sandbox_url());
    gg_client_set(client, "kongregate.api_key", sandbox_api_key());
    gg_client_set(client, "max_connections", "64");
    return client;
}

/* Waits (as an event loop would, on the fd) for the next completion; NULL
 * after two minutes without one. */
static gg_pending *next_done(gg_client *client)
{
    int fd = -1;
    CHECK_INT(gg_client_fd(client, &fd), GG_OK);
    for (int waited = 0; waited < 120000;) {
        gg_pending *done = NULL;
        gg_client_next_done(client, &done);
        if (done)
            return done;
        struct pollfd ready = {.fd = fd, .events = POLLIN};
        poll(&ready, 1, 100);
        waited += 100;
    }
    return NULL;
}

static void test_many_in_flight_on_one_client(void)
{
    gg_client *client = new_client();
    CHECK_INT(sandbox_control("/_sandbox/barrier?parties=32&timeout=60"), 0);
    const char *who[] = {"user_id", "765", NULL};
    gg_pending *started[IN_FLIGHT];
    for (intptr_t i = 0; i < IN_FLIGHT; i++)
        CHECK_INT(gg_call_start(client, "kongregate.user_info", who, (void *)i, &started[i]),
                  GG_OK);
    int good = 0, seen[IN_FLIGHT] = {0};
    for (int i = 0; i < IN_FLIGHT; i++) {
        gg_pending *done = next_done(client);
        if (!CHECK(done != NULL))
            break;
        intptr_t tag = (intptr_t)gg_pending_userdata(done);
        seen[tag]++;
        gg_result *result = NULL;
        int code = gg_pending_finish(done, &result);
        good += code == GG_OK && strcmp(gg_result_get(result, "username"), "KredBuyer") == 0;
        gg_result_free(result);
    }
    CHECK_INT(good, IN_FLIGHT); /* all passed a barrier that needed all 32 at once */
    for (int i = 0; i < IN_FLIGHT; i++)
        CHECK_INT(seen[i], 1);
    gg_pending *none = (gg_pending *)1;
    gg_client_next_done(client, &none);
    CHECK(none == NULL);
    printf("async: %d calls in flight together on one client, all through a barrier of %d\n",
           IN_FLIGHT, IN_FLIGHT);
    gg_client_free(client);
}

static void test_refused_before_sending_completes_at_once(void)
{
    gg_client *client = new_client();
    const char *bad[] = {"user_id", "not-a-number", NULL};
    gg_pending *pending = NULL;
    CHECK_INT(gg_call_start(client, "kongregate.user_info", bad, NULL, &pending), GG_OK);
    gg_pending *done = next_done(client);
    CHECK(done == pending);
    gg_result *result = NULL;
    CHECK_INT(gg_pending_finish(done, &result), GG_EINVAL);
    CHECK_CONTAINS(gg_result_message(result), "user_id");
    /* gg_pending_finish is this thread's latest call: its message too. */
    CHECK_STR(gg_client_errmsg(client), gg_result_message(result));
    CHECK_INT(gg_result_attempts(result), 0);
    gg_result_free(result);
    CHECK_INT(gg_call_start(client, "kongregate.no_such", NULL, NULL, NULL), GG_OK);
    CHECK_INT(gg_pending_finish(next_done(client), NULL), GG_EINVAL);
    /* Completed and never taken: the client frees it (valgrind and ASan
     * would see a leak). */
    int fd = -1;
    CHECK_INT(gg_client_fd(client, &fd), GG_OK);
    CHECK_INT(gg_call_start(client, "kongregate.no_such", NULL, NULL, NULL), GG_OK);
    struct pollfd ready = {.fd = fd, .events = POLLIN};
    CHECK_INT(poll(&ready, 1, 120000), 1);
    gg_client_free(client);
}

/* Counted parameters, from arrays freed (and scribbled over) as soon as the
 * call has started: the call keeps copies. */
static void test_counted_parameters_are_copied(void)
{
    gg_client *client = new_client();
    char *id = strdup("765");
    const char **names = malloc(sizeof *names), **values = malloc(sizeof *values);
    names[0] = "user_id";
    values[0] = id;
    gg_pending *pending = NULL;
    CHECK_INT(gg_call_start_n(client, "kongregate.user_info", names, values, 1, NULL, &pending),
              GG_OK);
    memset(id, 'x', strlen(id));
    free(id);
    free(names);
    free(values);
    gg_result *result = NULL;
    CHECK(next_done(client) == pending);
    CHECK_INT(gg_pending_finish(pending, &result), GG_OK);
    CHECK_STR(gg_result_get(result, "username"), "KredBuyer");
    gg_result_free(result);

    const char *no_name[] = {NULL}, *value[] = {"765"};
    CHECK_INT(gg_call_start_n(client, "kongregate.user_info", no_name, value, 1, NULL, &pending),
              GG_OK);
    CHECK(next_done(client) == pending);
    CHECK_INT(gg_pending_finish(pending, &result), GG_EINVAL);
    CHECK_STR(gg_result_message(result), "kongregate.user_info: parameter #1 has no name (NULL)");
    gg_result_free(result);
    /* Read no further than a call would: to the first NULL, and not at all
     * beyond the most parameters a call takes. */
    const char *two_names[] = {"user_id", NULL}, *two_values[] = {"765", NULL};
    size_t counts[] = {3, (size_t)-1};
    const char *why[] = {"parameter #2 has no name", "more than 1024 parameters"};
    for (int i = 0; i < 2; i++) {
        CHECK_INT(gg_call_start_n(client, "kongregate.user_info", two_names, two_values,
                                  counts[i], NULL, &pending),
                  GG_OK);
        CHECK(next_done(client) == pending);
        CHECK_INT(gg_pending_finish(pending, &result), GG_EINVAL);
        CHECK_CONTAINS(gg_result_message(result), why[i]);
        gg_result_free(result);
    }
    CHECK_INT(gg_call_start_n(client, "kongregate.user_info", NULL, NULL, 1, NULL, &pending),
              GG_OK);
    CHECK(next_done(client) == pending);
    CHECK_INT(gg_pending_finish(pending, &result), GG_EINVAL);
    CHECK_CONTAINS(gg_result_message(result), "array is NULL");
    gg_result_free(result);
    gg_client_free(client);
}

static void test_retries_wait_on_timers(void)
{
    gg_client *client = new_client();
    gg_client_set(client, "retry.backoff_ms", "50");
    CHECK_INT(sandbox_control("/_sandbox/fault?kind=http500&count=2&path=/api/items.json"), 0);
    CHECK_INT(gg_call_start(client, "kongregate.items", NULL, NULL, NULL), GG_OK);
    /* A blocking call on the same client meanwhile. */
    const char *who[] = {"user_id", "765", NULL};
    CHECK_INT(gg_call(client, "kongregate.user_info", who, NULL), GG_OK);
    gg_result *result = NULL;
    CHECK_INT(gg_pending_finish(next_done(client), &result), GG_OK);
    CHECK_INT(gg_result_attempts(result), 3);
    gg_result_free(result);
    gg_client_free(client);
}

static atomic_int retry_waits;

static void note_retry_wait(void *userdata, int level, const char *message)
{
    (void)userdata;
    if (getenv("ASYNC_DEBUG"))
        fprintf(stderr, "log %d: %s\n", level, message);
    if (level == GG_LOG_WARNING && strstr(message, "retrying in"))
        atomic_fetch_add(&retry_waits, 1);
}

static void test_cancel_a_write_in_flight(void)
{
    sandbox_control("/_sandbox/reset");
    gg_client *client = new_client();
    char id[32];
    const char *token = sandbox_player(0, id);
    const char *login[] = {"user_id", id, "game_auth_token", token, NULL};
    CHECK_INT(gg_call(client, "kongregate.authenticate", login, NULL), GG_OK);

    /* Held until the barrier times out: it will not answer before the cancel. */
    CHECK_INT(sandbox_control("/_sandbox/barrier?parties=2&timeout=5"), 0);
    const char *stats[] = {"user_id", id, "Kills", "1", NULL};
    gg_pending *pending = NULL;
    CHECK_INT(gg_call_start(client, "kongregate.submit_statistics", stats, NULL, &pending),
              GG_OK);
    CHECK(sandbox_wait_until_held(1));
    CHECK_INT(gg_pending_cancel(pending), GG_OK);
    gg_pending *done = next_done(client);
    CHECK(done == pending);
    gg_result *result = NULL;
    CHECK_INT(gg_pending_finish(done, &result), GG_ECANCELED);
    CHECK_INT(gg_result_outcome(result), GG_OUTCOME_UNKNOWN); /* the request had left */
    CHECK_CONTAINS(gg_result_message(result), "canceled");
    gg_result_free(result);

    /* Cancelled while waiting to retry: ends at once, nothing sent again. */
    gg_client_set(client, "retry.backoff_ms", "60000");
    gg_client_set(client, "retry.max_backoff_ms", "60000");
    gg_client_set(client, "retry.deadline_ms", "0");
    CHECK_INT(sandbox_control("/_sandbox/fault?kind=http500&count=1&path=/api/items.json"), 0);
    gg_client_set_log(client, note_retry_wait, NULL);
    CHECK_INT(gg_call_start(client, "kongregate.items", NULL, NULL, &pending), GG_OK);
    for (int tries = 0; tries < 12000 && !atomic_load(&retry_waits); tries++)
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    CHECK_INT(atomic_load(&retry_waits), 1); /* now waiting 30 s or more to retry */
    CHECK_INT(gg_pending_cancel(pending), GG_OK);
    CHECK_INT(gg_pending_finish(next_done(client), &result), GG_ECANCELED);
    CHECK_INT(gg_result_attempts(result), 1);
    CHECK_INT(gg_result_outcome(result), GG_OUTCOME_NOT_APPLIED);
    gg_result_free(result);
    gg_client_free(client);
}

int main(void)
{
    CHECK_INT(sandbox_control("/_sandbox/reset"), 0);
    test_many_in_flight_on_one_client();
    test_refused_before_sending_completes_at_once();
    test_counted_parameters_are_copied();
    test_retries_wait_on_timers();
    test_cancel_a_write_in_flight();
    sandbox_release();
    return check_summary();
}
