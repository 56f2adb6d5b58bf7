/* The session store under many threads at once, for ThreadSanitizer: each
 * thread has its own client sharing one store, and remembers (through
 * invalidate_user_inventory callbacks), reads and forgets users chosen from a
 * small set, so that they meet on the same entries, while the store's
 * settings change under them and clients come and go. No network, unless
 * GAMEGATE_TEST_STORE names a shared store (session.store) to run it on
 * instead of the one in memory, with fewer operations. */
#include "check.h"

#include <gamegate.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 16
#define USERS 64

static int operations = 20000;

static const char *api_key = "748e63d7-c48c-418c-aa25-80456de2b98c";
static gg_client *owner;

struct worker {
    unsigned seed;
    long remembered, found, forgotten, bad;
};

static gg_client *new_sharing_client(void)
{
    gg_client *client = NULL;
    if (gg_client_new(&client) != GG_OK)
        return NULL;
    gg_client_set(client, "kongregate.api_key", api_key);
    gg_client_share_sessions(client, owner);
    return client;
}

static void *work(void *arg)
{
    struct worker *w = arg;
    gg_client *client = new_sharing_client();
    char user[16], token[32], form[256];
    for (int i = 0; client && i < operations; i++) {
        snprintf(user, sizeof user, "%u", rand_r(&w->seed) % USERS);
        int code;
        switch (rand_r(&w->seed) % 4) {
        case 0:
            snprintf(token, sizeof token, "tok-%s-%d", user, i);
            snprintf(form, sizeof form,
                     "event=invalidate_user_inventory&api_key=%s&user_id=%s&username=u%s"
                     "&game_auth_token=%s",
                     api_key, user, user, token);
            code = gg_callback_verify(client, form, strlen(form), NULL, NULL);
            w->remembered += code == GG_OK;
            w->bad += code != GG_OK;
            break;
        case 1: {
            gg_result *result = NULL;
            code = gg_session_get(client, "kongregate", NULL, user, &result);
            if (code == GG_OK) {
                const char *name = gg_result_get(result, "username");
                /* An entry is never seen half-written. */
                w->bad += !name || strcmp(name + 1, user) != 0 ||
                          strncmp(gg_result_get(result, "game_auth_token"), "tok-", 4) != 0;
                w->found++;
            } else {
                w->bad += code != GG_ENOTFOUND;
            }
            gg_result_free(result);
            break;
        }
        case 2:
            code = gg_session_forget(client, "kongregate", NULL, user);
            w->forgotten += code == GG_OK;
            w->bad += code != GG_OK && code != GG_ENOTFOUND;
            break;
        default:
            if (i % 997 == 0) { /* settings change under everyone */
                gg_client_set(client, "session.capacity", i % 2 ? "16" : "10000");
            } else if (i % 1999 == 0) { /* and clients come and go */
                gg_client_free(client);
                client = new_sharing_client();
            }
            break;
        }
    }
    gg_client_free(client);
    return NULL;
}

int main(void)
{
    CHECK_INT(gg_client_new(&owner), GG_OK);
    const char *store = getenv("GAMEGATE_TEST_STORE");
    if (store && *store) {
        CHECK_INT(gg_client_set(owner, "session.store", store), GG_OK);
        operations = 1000;
    }
    pthread_t threads[THREADS];
    struct worker workers[THREADS];
    for (int t = 0; t < THREADS; t++) {
        workers[t] = (struct worker){.seed = (unsigned)t * 7919u + 1};
        CHECK_INT(pthread_create(&threads[t], NULL, work, &workers[t]), 0);
    }
    long remembered = 0, found = 0, forgotten = 0, bad = 0;
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        remembered += workers[t].remembered;
        found += workers[t].found;
        forgotten += workers[t].forgotten;
        bad += workers[t].bad;
    }
    /* The owner leaves last; the store goes with it, tokens wiped. */
    gg_client_free(owner);
    CHECK_INT(bad, 0);
    CHECK(remembered > 0 && found > 0 && forgotten > 0);
    printf("threads: %d threads x %d operations on one %s store: %ld remembered, %ld found, "
           "%ld forgotten, %ld inconsistent\n",
           THREADS, operations, store && *store ? "shared" : "in-memory", remembered, found,
           forgotten, bad);
    return check_summary();
}
