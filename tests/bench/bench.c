/* make bench: what gamegate costs a game server.
 * 1. In process, no network: building an authenticate request, and reading
 *    a create_token answer (parse, unwrap, envelope, a field), per call.
 * 2. Through the ABI against the sandbox: sequential calls on one client,
 *    and how many connections they took (one, if the handle reuses it).
 * 3. The session store: memory per remembered login. */
#include "endpoints.h"
#include "gamegate.h"
#include "request.h"
#include "response.h"
#include "result.h"
#include "sandbox_client.h"
#include "services.h"
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long rss_kib(void)
{
    FILE *status = fopen("/proc/self/status", "r");
    char line[256];
    long kib = 0;
    while (status && fgets(line, sizeof line, status))
        if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
            break;
    if (status)
        fclose(status);
    return kib;
}

static void in_process(void)
{
    struct options options = {0};
    struct strbuf ignored = {0};
    options_set(&options, OPT_KONGREGATE_API_KEY, "748e63d7-c48c-418c-aa25-80456de2b98c",
                &ignored);
    const struct endpoint *authenticate = endpoint_find("kongregate.authenticate");
    const char *params[] = {"user_id", "1480702", "game_auth_token",
                            "9f2c6a1d4e8b7c3a5f0e1d2c3b4a59687766554433221100ffeeddccbbaa9988",
                            NULL};
    const int rounds = 200000;
    double start = now_s();
    for (int i = 0; i < rounds; i++) {
        struct request req = {0};
        struct param_list given = param_list_of_pairs(params);
        request_build(&req, authenticate, &options, NULL, &given, &ignored);
        request_release(&req);
    }
    double build = (now_s() - start) / rounds;

    const char *body = "[{\"PRIVILEGES\":\"RW\",\"TOKEN\":\"Qqvb7kTFiz4M2lqCYzvjaA==\","
                       "\"METHOD\":\"POST\",\"payload_type\":\"json\",\"role\":\"MEMBER\","
                       "\"userId\":\"4851902\",\"email\":\"nobody@kickapps.com\","
                       "\"username\":\"nobody\"}]";
    start = now_s();
    for (int i = 0; i < rounds; i++) {
        struct gg_result *result = result_new();
        response_parse(body, strlen(body), true, 0, &result->body, &ignored);
        service_kickapps.check_envelope(result->body, &ignored);
        gg_result_get(result, "TOKEN");
        gg_result_free(result);
    }
    double read = (now_s() - start) / rounds;
    strbuf_release(&ignored);
    options_clear(&options);
    printf("bench: building an authenticate request: %.2f us; reading a create_token answer: "
           "%.2f us (mean of %d)\n", build * 1e6, read * 1e6, rounds);
}

static void end_to_end(void)
{
    gg_client *client = NULL;
    gg_client_new(&client);
    gg_client_set(client, "kongregate.base_url", sandbox_url());
    gg_client_set(client, "kongregate.api_key", "748e63d7-c48c-418c-aa25-80456de2b98c");
    const char *params[] = {"user_id", "1480702", "game_auth_token",
                            "9f2c6a1d4e8b7c3a5f0e1d2c3b4a59687766554433221100ffeeddccbbaa9988",
                            NULL};
    json_t *before = sandbox_stats();
    const int calls = 2000;
    int failed = 0;
    double start = now_s();
    for (int i = 0; i < calls; i++)
        failed += gg_call(client, "kongregate.authenticate", params, NULL) != GG_OK;
    double elapsed = now_s() - start;
    json_t *after = sandbox_stats();
    long connections = (long)(json_integer_value(json_object_get(after, "connections")) -
                              json_integer_value(json_object_get(before, "connections")));
    printf("bench: %d authenticate calls on one client against the sandbox: %.0f calls/s, "
           "%.2f ms each, %ld connection(s) opened, %d failed\n",
           calls, calls / elapsed, elapsed * 1e3 / calls, connections - 1 /* stats' own */,
           failed);
    json_decref(before);
    json_decref(after);
    gg_client_free(client);
}

#define STORE_SIZES 3
#define STORE_ROUNDS 7

/* A store holding logins 0 .. logins - 1 of one game. */
static struct session_store *filled_store(int logins, const char *scope, long *bytes_each)
{
    struct session_store *store = session_store_new();
    session_store_set_capacity(store, (size_t)logins);
    long before = rss_kib();
    char id[16];
    struct login_view data = {
        .user_id = id, .username = "LordSmatchington", .site = scope,
        .token = "9f2c6a1d4e8b7c3a5f0e1d2c3b4a59687766554433221100ffeeddccbbaa9988"};
    for (int i = 0; i < logins; i++) {
        snprintf(id, sizeof id, "%d", i);
        session_remember(store, &service_kongregate.logins, &data);
    }
    *bytes_each = (rss_kib() - before) * 1024 / logins;
    return store;
}

/* Microseconds per lookup of random logins among those the store holds. */
static double lookup_us(struct session_store *store, int logins, const char *scope,
                        unsigned *seed)
{
    const int lookups = 200000;
    char id[16];
    int missing = 0;
    double start = now_s();
    for (int i = 0; i < lookups; i++) {
        snprintf(id, sizeof id, "%d", (int)(rand_r(seed) % (unsigned)logins));
        struct session_data out;
        if (session_find(store, &service_kongregate.logins, scope, id, &out) == GG_OK)
            session_data_clear(&out);
        else
            missing++;
    }
    if (missing)
        printf("bench: session store: %d of %d lookups missed\n", missing, lookups);
    return (now_s() - start) * 1e6 / lookups;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Lookup cost should not grow with the store (a table that grows, short
 * chains): the median of interleaved rounds at each size, and memory per
 * login, which is what a capacity costs. */
static void store_scaling(void)
{
    const int sizes[STORE_SIZES] = {10000, 100000, 1000000};
    char scope[SESSION_SCOPE_SIZE];
    session_game_scope("748e63d7-c48c-418c-aa25-80456de2b98c", scope);
    struct session_store *stores[STORE_SIZES];
    long bytes[STORE_SIZES];
    for (int s = 0; s < STORE_SIZES; s++)
        stores[s] = filled_store(sizes[s], scope, &bytes[s]);
    double us[STORE_SIZES][STORE_ROUNDS];
    unsigned seed = 12345;
    for (int round = 0; round < STORE_ROUNDS; round++)
        for (int s = 0; s < STORE_SIZES; s++)
            us[s][round] = lookup_us(stores[s], sizes[s], scope, &seed);
    double median[STORE_SIZES];
    for (int s = 0; s < STORE_SIZES; s++) {
        qsort(us[s], STORE_ROUNDS, sizeof us[s][0], by_value);
        median[s] = us[s][STORE_ROUNDS / 2];
        printf("bench: session store of %7d logins: lookup %.3f us (median of %d interleaved "
               "rounds; %.2fx the 10k cost), about %ld bytes per login\n", sizes[s], median[s],
               STORE_ROUNDS, median[s] / median[0], bytes[s]);
        session_store_release(stores[s]);
    }
}

/* What one 8 MiB body of empty arrays or objects costs to parse, with the
 * memory bound and without it (as before the bound existed). */
static void response_memory(void)
{
    const size_t cap = 8 << 20;
    const char *units[] = {"[],", "{},"};
    for (size_t u = 0; u < 2; u++) {
        char *body = malloc(cap + 1);
        body[0] = '[';
        for (size_t i = 1; i + 3 < cap; i += 3)
            memcpy(body + i, units[u], 3);
        size_t len = 1 + (cap - 4) / 3 * 3;
        body[len - 1] = ']';
        body[len] = '\0';
        long grown[2];
        for (int bounded = 1; bounded >= 0; bounded--) {
            long before = rss_kib();
            json_t *root = NULL;
            struct strbuf ignored = {0};
            response_parse(body, len, false, bounded ? cap * RESPONSE_COST_FACTOR : 0, &root,
                           &ignored);
            grown[bounded] = rss_kib() - before;
            json_decref(root);
            strbuf_release(&ignored);
        }
        printf("bench: an 8 MiB body of empty %s: +%ld MiB resident unbounded, +%ld MiB with "
               "the bound (refused before parsing)\n", u ? "objects" : "arrays",
               grown[0] / 1024, grown[1] / 1024);
        free(body);
    }
}

int main(void)
{
    in_process();
    end_to_end();
    store_scaling();
    response_memory();
    sandbox_release();
    return 0;
}
