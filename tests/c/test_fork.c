/* fork() after calls, as pre-fork servers do (gunicorn --preload,
 * multiprocessing): children never read or write a connection the parent
 * opened, so each gets only its own answers and the parent's connections
 * keep working; a fork while other threads are inside a call or inside the
 * session store does not deadlock the child, which keeps what the store
 * knew. Not run under valgrind: a child leaves behind, untouched, what the
 * parent owns, and exits without freeing it. */
#include "check.h"
#include "sandbox_client.h"

#include <gamegate.h>

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHILDREN 4
#define CALLS_PER_CHILD 100
#define ROUNDS 3

static const char *api_key;
static json_t *users;

static gg_client *new_client(void)
{
    gg_client *client = NULL;
    if (gg_client_new(&client) != GG_OK)
        return NULL;
    gg_client_set(client, "kongregate.base_url", sandbox_url());
    gg_client_set(client, "kongregate.api_key", api_key);
    return client;
}

/* A question only this child asks: the players whose bits are set in
 * which, by user_ids; the answer names exactly them, in order. */
static int ask_own_question(gg_client *client, unsigned which)
{
    char ids[256] = "", want[256] = "";
    for (size_t i = 0; i < json_array_size(users); i++)
        if (which & (1u << i)) {
            json_t *user = json_array_get(users, i);
            char id[32];
            snprintf(id, sizeof id, "%s%lld", *ids ? "," : "",
                     (long long)json_integer_value(json_object_get(user, "user_id")));
            strcat(ids, id);
            strcat(want, json_string_value(json_object_get(user, "username")));
            strcat(want, ";");
        }
    const char *params[] = {"user_ids", ids, NULL};
    gg_result *result = NULL;
    int code = gg_call(client, "kongregate.user_info", params, &result);
    char got[256] = "", path[64];
    for (size_t i = 0; i < gg_result_count(result, "users"); i++) {
        snprintf(path, sizeof path, "users.%zu.username", i);
        const char *name = gg_result_get(result, path);
        if (name && strlen(got) + strlen(name) + 2 < sizeof got) {
            strcat(got, name);
            strcat(got, ";");
        }
    }
    gg_result_free(result);
    return code == GG_OK && strcmp(got, want) == 0;
}

/* Each child asks its own question many times; exit status: wrong answers. */
static void run_child(gg_client *client, unsigned which)
{
    alarm(120); /* a deadlock ends as a signal, which the parent reports */
    int wrong = 0;
    for (int i = 0; i < CALLS_PER_CHILD; i++)
        wrong += !ask_own_question(client, which);
    _exit(wrong > 100 ? 100 : wrong);
}

static int wait_for(pid_t pid)
{
    int status = 0;
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    if (WIFSIGNALED(status)) {
        fprintf(stderr, "     child %d ended by signal %d\n", (int)pid, WTERMSIG(status));
        return -1;
    }
    return WEXITSTATUS(status);
}

static void test_children_get_their_own_answers(void)
{
    gg_client *client = new_client();
    for (int round = 0; round < ROUNDS; round++) {
        /* The parent holds a kept-alive connection when it forks. */
        CHECK(ask_own_question(client, 1));
        long before = sandbox_stat("connections");
        pid_t children[CHILDREN];
        for (unsigned c = 0; c < CHILDREN; c++) {
            children[c] = fork();
            if (children[c] == 0)
                run_child(client, c + 2); /* 2..5: questions other than the parent's */
        }
        int wrong = 0;
        for (int c = 0; c < CHILDREN; c++) {
            int status = wait_for(children[c]);
            wrong += status < 0 ? CALLS_PER_CHILD : status;
        }
        CHECK_INT(wrong, 0);
        /* The parent's connection still serves it: no new one is opened. */
        for (int i = 0; i < 20; i++)
            CHECK(ask_own_question(client, 1));
        long opened = sandbox_stat("connections") - before - 1; /* less the asking one */
        /* One connection per child, and none for the parent. */
        CHECK_INT(opened, CHILDREN);
        printf("fork: round %d: %d children x %d calls, %d wrong answers, %ld connections "
               "opened (one per child), the parent's kept\n",
               round + 1, CHILDREN, CALLS_PER_CHILD, wrong, opened);
    }
    gg_client_free(client);
}

struct busy {
    gg_client *client;
    atomic_bool stop;
    atomic_long done;
};

static void *call_held_at_barrier(void *arg)
{
    struct busy *b = arg;
    b->done += ask_own_question(b->client, 1);
    return NULL;
}

static void *use_store(void *arg)
{
    struct busy *b = arg;
    while (!atomic_load(&b->stop)) {
        gg_result *result = NULL;
        gg_session_get(b->client, "kongregate", NULL, "765", &result);
        gg_result_free(result);
        gg_client_set(b->client, "session.ttl_ms", "3600000");
        atomic_fetch_add(&b->done, 1);
    }
    return NULL;
}

static void test_fork_while_other_threads_work(void)
{
    gg_client *client = new_client();
    char id[32];
    const char *token = sandbox_player(1, id);
    const char *login[] = {"user_id", id, "game_auth_token", token, NULL};
    CHECK_INT(gg_call(client, "kongregate.authenticate", login, NULL), GG_OK);

    /* One thread inside a call the sandbox holds; another in and out of
     * the store's lock and the client's configuration. */
    CHECK_INT(sandbox_control("/_sandbox/barrier?parties=2&timeout=120"), 0);
    struct busy caller = {.client = client}, storer = {.client = client};
    pthread_t calling, storing;
    pthread_create(&calling, NULL, call_held_at_barrier, &caller);
    pthread_create(&storing, NULL, use_store, &storer);
    CHECK(sandbox_wait_until_held(1));
    while (atomic_load(&storer.done) < 100)
        nanosleep(&(struct timespec){0, 1000 * 1000}, NULL);

    pid_t pid = fork();
    if (pid == 0) {
        alarm(120);
        /* The store's copy: the login made before the fork. */
        gg_result *session = NULL;
        int found = gg_session_get(client, "kongregate", NULL, id, &session);
        int same = found == GG_OK && strcmp(gg_result_get(session, "game_auth_token"), token) == 0;
        gg_result_free(session);
        /* Its own call: the barrier's second party, which frees the parent's. */
        int asked = ask_own_question(client, 2);
        _exit(same && asked ? 0 : 1);
    }
    CHECK_INT(wait_for(pid), 0);
    pthread_join(calling, NULL);
    atomic_store(&storer.stop, true);
    pthread_join(storing, NULL);
    CHECK_INT(atomic_load(&caller.done), 1);
    CHECK(ask_own_question(client, 1));
    gg_client_free(client);
}

struct churn {
    atomic_bool stop;
    atomic_long rounds;
    const gg_result *result; /* read over and over, when set */
    gg_client *refused;      /* calls a port nobody listens on, when set */
    gg_client *setting;      /* has session.store set over and over, when set */
    const char *store;       /* the SQLite store it switches to */
};

/* Clients that share stores come and go: releasing a store takes the fork
 * registry's lock, which fork() holds while it waits for client locks. */
static void *share_and_free(void *arg)
{
    struct churn *c = arg;
    while (!atomic_load(&c->stop)) {
        gg_client *owner = NULL, *sharer = NULL;
        gg_client_new(&owner);
        gg_client_new(&sharer);
        gg_client_share_sessions(sharer, owner);
        gg_client_free(owner);
        gg_client_free(sharer);
        atomic_fetch_add(&c->rounds, 1);
    }
    return NULL;
}

/* A store named again and again: opening one registers fork hooks, which
 * must not happen under the lock fork() waits for. */
static void *set_store(void *arg)
{
    struct churn *c = arg;
    while (!atomic_load(&c->stop)) {
        gg_client_set(c->setting, "session.store", atomic_fetch_add(&c->rounds, 1) % 2
                                                       ? "memory"
                                                       : c->store);
    }
    return NULL;
}

static void *read_result(void *arg)
{
    struct churn *c = arg;
    while (!atomic_load(&c->stop)) {
        gg_result_get(c->result, "items.0");
        gg_result_json(c->result);
        atomic_fetch_add(&c->rounds, 1);
    }
    return NULL;
}

static void *open_sockets(void *arg)
{
    struct churn *c = arg;
    while (!atomic_load(&c->stop)) {
        gg_call(c->refused, "kongregate.items", NULL, NULL);
        atomic_fetch_add(&c->rounds, 1);
    }
    return NULL;
}

/* Internet sockets open in this process. */
static int inet_sockets(void)
{
    int count = 0;
    for (int fd = 0; fd < 1024; fd++) {
        struct sockaddr_storage address;
        socklen_t len = sizeof address;
        if (getsockname(fd, (struct sockaddr *)&address, &len) == 0 &&
            (address.ss_family == AF_INET || address.ss_family == AF_INET6))
            count++;
    }
    return count;
}

/* Forks again and again while workers run; each child does its check and
 * exits, within a time limit. Returns the children that failed or hung. */
static int fork_under(void *(*work)(void *), struct churn *c, int forks,
                      int (*child_check)(struct churn *))
{
    pthread_t threads[4];
    for (int t = 0; t < 4; t++)
        pthread_create(&threads[t], NULL, work, c);
    while (atomic_load(&c->rounds) < 10)
        nanosleep(&(struct timespec){0, 1000 * 1000}, NULL);
    int bad = 0;
    for (int i = 0; i < forks; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            alarm(20);
            _exit(child_check(c));
        }
        bad += wait_for(pid) != 0;
    }
    atomic_store(&c->stop, true);
    for (int t = 0; t < 4; t++)
        pthread_join(threads[t], NULL);
    return bad;
}

static int child_makes_a_client(struct churn *c)
{
    (void)c;
    gg_client *client = NULL;
    int code = gg_client_new(&client);
    gg_client_free(client);
    return code != GG_OK;
}

static int child_reads_the_result(struct churn *c)
{
    return gg_result_get(c->result, "items.0") == NULL;
}

static int child_holds_no_parent_socket(struct churn *c)
{
    (void)c;
    return inet_sockets() != 0;
}

static void test_fork_while_locks_and_sockets_change_hands(void)
{
    struct churn sharing = {0};
    CHECK_INT(fork_under(share_and_free, &sharing, 200, child_makes_a_client), 0);

    gg_client *client = new_client();
    gg_result *items = NULL;
    CHECK_INT(gg_call(client, "kongregate.items", NULL, &items), GG_OK);
    struct churn reading = {.result = items};
    CHECK_INT(fork_under(read_result, &reading, 200, child_reads_the_result), 0);
    gg_result_free(items);
    gg_client_free(client);

    /* A hang here (the parent's fork() against a setter) is ended by the
     * alarm, and fails the test. */
    char store[64];
    snprintf(store, sizeof store, "sqlite:///tmp/gamegate-fork-%d.db", (int)getpid());
    struct churn setting = {.store = store};
    gg_client_new(&setting.setting);
    alarm(120);
    CHECK_INT(fork_under(set_store, &setting, 100, child_makes_a_client), 0);
    alarm(0);
    gg_client_free(setting.setting);
    const char *suffixes[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char path[80];
        snprintf(path, sizeof path, "%s%s", store + strlen("sqlite://"), suffixes[i]);
        unlink(path);
    }

    gg_client *refused = NULL;
    gg_client_new(&refused);
    gg_client_set(refused, "kongregate.base_url", "http://127.0.0.1:1");
    gg_client_set(refused, "kongregate.api_key", api_key);
    gg_client_set(refused, "retry.attempts", "1");
    struct churn connecting = {.refused = refused};
    CHECK_INT(fork_under(open_sockets, &connecting, 300, child_holds_no_parent_socket), 0);
    gg_client_free(refused);
}

int main(void)
{
    api_key = sandbox_api_key();
    users = sandbox_kongregate_users();
    CHECK_INT(sandbox_control("/_sandbox/reset"), 0);

    test_children_get_their_own_answers();
    test_fork_while_other_threads_work();
    test_fork_while_locks_and_sockets_change_hands();

    sandbox_release();
    return check_summary();
}
