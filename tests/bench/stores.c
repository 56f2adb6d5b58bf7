/* make bench: the session stores, one thread, one connection: logins
 * remembered (sealed, for a shared store) and looked up per second, and the
 * ledger's first-delivery checks per second, for the store a URL names.
 * Prints one line: "<url> remember <n/s> lookup <n/s> deliver <n/s>". */
#include "gamegate.h"
#include "services.h"
#include "session.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s STORE_URL COUNT\n", argv[0]);
        return 64;
    }
    int count = atoi(argv[2]), code = GG_OK, failures = 0;
    struct strbuf msg = {0};
    struct store *store = store_open(argv[1], &msg, &code);
    if (!store) {
        fprintf(stderr, "stores: %s\n", msg.data);
        return 1;
    }
    const char *secret = "748e63d7-c48c-418c-aa25-80456de2b98c";
    char scope[SESSION_SCOPE_SIZE], user_id[32], key[96];
    session_game_scope(secret, scope);
    store_set_capacity(store, (size_t)count); /* the in-process store keeps them all */
    /* A run of its own: a shared store may hold an earlier run's entries. */
    long run = (long)getpid();

    double start = now_s();
    for (int i = 0; i < count; i++) {
        snprintf(user_id, sizeof user_id, "%ld%07d", run, i);
        struct login_view login = {
            .user_id = user_id, .username = "LordSmatchington", .site = scope,
            .token = "9f2c6a1d4e8b7c3a5f0e1d2c3b4a59687766554433221100ffeeddccbbaa9988"};
        failures += store_remember(store, secret, &service_kongregate, &login, &msg) != GG_OK;
    }
    double remember = count / (now_s() - start);

    start = now_s();
    for (int i = 0; i < count; i++) {
        snprintf(user_id, sizeof user_id, "%ld%07d", run, i);
        struct session_data found;
        failures += store_find(store, secret, &service_kongregate, scope, user_id, &found, &msg) != GG_OK;
        session_data_clear(&found);
    }
    double lookup = count / (now_s() - start);

    start = now_s();
    for (int i = 0; i < count; i++) {
        snprintf(key, sizeof key, "%s:\"item_order_placed\":%ld%07d", scope, run, i);
        bool first = false;
        failures += store_record_delivery(store, key, 3600000, &first, &msg) != GG_OK || !first;
    }
    double deliver = count / (now_s() - start);

    printf("%s remember %.0f lookup %.0f deliver %.0f\n", argv[1], remember, lookup, deliver);
    if (failures)
        fprintf(stderr, "stores: %d operations failed: %s\n", failures, msg.data ? msg.data : "");
    store_release(store);
    strbuf_release(&msg);
    return failures != 0;
}
