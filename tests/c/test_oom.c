/* Allocation failure: this program replaces malloc and friends for itself and
 * every library it loads (libgamegate, libcurl, jansson, libcrypto), makes
 * the Nth allocation fail for every N that a representative set of calls
 * makes, and checks that each run ends in GG_OK or GG_ENOMEM, without a crash
 * and with every allocation given back. */
#include "check.h"
#include "sandbox_client.h"

#include <gamegate.h>

#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t count, size_t size);
void *__libc_realloc(void *ptr, size_t size);
void *__libc_memalign(size_t alignment, size_t size);
void __libc_free(void *ptr);

/* Visible, so that the libraries' calls land here (the build hides symbols). */
#define REPLACES __attribute__((visibility("default")))

static atomic_long allocations; /* counted while armed */
static atomic_long fail_at;     /* 0: never fail */
static atomic_long live;        /* blocks handed out and not yet freed */
static atomic_int injected;

static int should_fail(void)
{
    long target = atomic_load(&fail_at);
    if (target <= 0)
        return 0;
    if (atomic_fetch_add(&allocations, 1) + 1 != target)
        return 0;
    atomic_store(&injected, 1);
    return 1;
}

static void *counted(void *block)
{
    if (block)
        atomic_fetch_add(&live, 1);
    return block;
}

REPLACES void *malloc(size_t size)
{
    return should_fail() ? NULL : counted(__libc_malloc(size));
}

REPLACES void *calloc(size_t count, size_t size)
{
    return should_fail() ? NULL : counted(__libc_calloc(count, size));
}

REPLACES void free(void *ptr)
{
    if (ptr) {
        atomic_fetch_sub(&live, 1);
        __libc_free(ptr);
    }
}

REPLACES void *realloc(void *ptr, size_t size)
{
    if (!ptr)
        return malloc(size);
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    return should_fail() ? NULL : __libc_realloc(ptr, size);
}

REPLACES void *memalign(size_t alignment, size_t size)
{
    return should_fail() ? NULL : counted(__libc_memalign(alignment, size));
}

REPLACES void *aligned_alloc(size_t alignment, size_t size)
{
    return memalign(alignment, size);
}

REPLACES int posix_memalign(void **out, size_t alignment, size_t size)
{
    void *block = memalign(alignment, size);
    if (!block)
        return ENOMEM;
    *out = block;
    return 0;
}

/* Fails the scenario run when a call ended in anything else than these. */
static int scenario_ok = 1;
static gg_client *current;
static void expect(int code, int also_fine, const char *what)
{
    if (code == GG_OK || code == GG_ENOMEM || code == also_fine)
        return;
    scenario_ok = 0;
    fprintf(stderr, "allocation %ld: %s ended with %s: %s\n", atomic_load(&fail_at), what,
            gg_strerror(code), current ? gg_client_errmsg(current) : "");
}

#define TRY(call, what) expect((call), GG_OK, what)

static void scenario(void)
{
    const char *url = sandbox_url();
    gg_client *client = NULL;
    if (gg_client_new(&client) != GG_OK)
        return; /* *out stays NULL; nothing to free */
    current = client;
    const char *options[][2] = {
        {"kongregate.base_url", url}, {"kickapps.base_url", url},
        {"kongregate.api_key", "748e63d7-c48c-418c-aa25-80456de2b98c"},
        {"kickapps.developer_key", "1842b4c9"}, {"kickapps.as", "92366"},
        {"retry.attempts", "1"},
    };
    for (size_t i = 0; i < sizeof options / sizeof *options; i++)
        if (gg_client_set(client, options[i][0], options[i][1]) != GG_OK) {
            gg_client_free(client);
            return;
        }
    const char *token = "9f2c6a1d4e8b7c3a5f0e1d2c3b4a59687766554433221100ffeeddccbbaa9988";
    gg_result *result = NULL;
    const char *login[] = {"user_id", "1480702", "game_auth_token", token, NULL};
    int logged_in = gg_call(client, "kongregate.authenticate", login, &result);
    expect(logged_in, GG_OK, "authenticate");
    gg_result_get(result, "user_id");
    gg_result_json(result);
    gg_result_free(result);
    /* A remembered login read back: found, or out of memory, never "not found". */
    expect(gg_session_get(client, "kongregate", NULL, "1480702", &result),
           logged_in == GG_OK ? GG_OK : GG_ENOTFOUND, "session_get of a login");
    gg_result_free(result);

    const char *member[] = {"username", "nobody", "callback", "cb", NULL};
    TRY(gg_call(client, "kickapps.create_token", member, &result), "create_token");
    gg_result_get(result, "TOKEN");
    gg_result_free(result);
    expect(gg_session_get(client, "kickapps", NULL, "nobody", &result), GG_ENOTFOUND,
           "session_get");
    gg_result_free(result);

    const char *stats[] = {"user_id", "1480702", "game_auth_token", token, "Kills", "1", NULL};
    TRY(gg_call(client, "kongregate.submit_statistics", stats, NULL), "submit_statistics");
    const char *catalogue[] = {"tags", "awesome", NULL};
    TRY(gg_call(client, "kongregate.items", catalogue, &result), "items");
    gg_result_count(result, "items");
    gg_result_get(result, "items.0.price");
    gg_result_free(result);

    /* The same through the asynchronous path: a completion always comes. */
    gg_pending *pending = NULL;
    int started = gg_call_start(client, "kongregate.items", catalogue, NULL, &pending);
    expect(started, GG_OK, "call_start");
    int fd = -1;
    for (int waited = 0; started == GG_OK && waited < 600; waited++) {
        gg_pending *done = NULL;
        gg_client_next_done(client, &done);
        if (done) {
            TRY(gg_pending_finish(done, NULL), "async items");
            break;
        }
        if (fd < 0 && gg_client_fd(client, &fd) != GG_OK)
            fd = -1;
        struct pollfd ready = {.fd = fd, .events = POLLIN};
        poll(&ready, fd >= 0, 100);
    }

    const char *example = "GbmlDg_VNvaFZFKMR6iIXBqQWtdCyzgwSPTc1IB7pC8."
                          "eyJhbGdvcml0aG0iOiJITUFDLVNIQTI1NiIsImV2ZW50IjoidGVzdCJ9";
    TRY(gg_callback_verify(client, example, strlen(example), NULL, &result), "callback");
    gg_result_free(result);
    const char *items[] = {"Sword", "Sharp", "10", "http://x/s.png", NULL};
    current = NULL;
    TRY(gg_callback_reply_items(items, NULL), "reply_items");
    gg_client_free(client);
}

/* Runs the scenario with its nth allocation failing; false once n is past
 * the last allocation it makes. */
static bool run_failing(long n)
{
    atomic_store(&allocations, 0);
    atomic_store(&injected, 0);
    atomic_store(&fail_at, n);
    scenario();
    atomic_store(&fail_at, 0);
    return atomic_load(&injected);
}

int main(void)
{
    scenario(); /* warm-up: libcurl's and OpenSSL's one-time set-up happen here */
    scenario();
    long baseline = atomic_load(&live);
    long tried = 0, leaks = 0, held = 0;
    for (long n = 1; run_failing(n); n++) {
        tried++;
        if (atomic_load(&live) == baseline)
            continue;
        /* A library may keep something once on a failure path (libcurl does):
         * a leak is what grows again each time the same failure repeats. */
        long before = atomic_load(&live);
        run_failing(n);
        run_failing(n);
        long after_two = atomic_load(&live);
        run_failing(n);
        long grown = atomic_load(&live) - after_two;
        if (grown > 0) {
            leaks++;
            fprintf(stderr, "allocation %ld: %ld blocks lost each time it fails\n", n, grown);
        } else {
            held += atomic_load(&live) - before > 0 ? atomic_load(&live) - before : 0;
            held += before - baseline;
        }
        baseline = atomic_load(&live);
    }
    CHECK(scenario_ok);
    CHECK_INT(leaks, 0);
    CHECK(tried > 100);
    printf("oom: failed each of %ld allocation points in turn: every call ended in GG_OK or "
           "GG_ENOMEM; %ld leaking points; %ld blocks kept once by libraries\n", tried, leaks,
           held);
    sandbox_release();
    return check_summary();
}
