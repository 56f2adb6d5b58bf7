/* The library as another language's FFI meets it: dlopen by path, every
 * function looked up by name, nothing from the header but the types. */
#include "check.h"
#include "sandbox_client.h"

#include <pthread.h>
#ifdef _WIN32
/* What an FFI does on Windows: LoadLibrary, then GetProcAddress by name. */
#  include <windows.h>
#  define dlopen(path, flags) ((void *)LoadLibraryA(path))
#  define dlsym(library, name) ((void *)GetProcAddress((HMODULE)(library), (name)))
#  define dlclose(library) (FreeLibrary((HMODULE)(library)) ? 0 : -1)
#  define dlerror() "LoadLibrary failed"
#  define DEFAULT_LIBRARY "gamegate.dll"
#else
#  include <dlfcn.h>
#  define DEFAULT_LIBRARY "libgamegate.so.0"
#endif
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct gg_client gg_client;
typedef struct gg_result gg_result;

static struct {
    const char *(*version)(void);
    const char *(*strerror)(int);
    int (*client_new)(gg_client **);
    void (*client_free)(gg_client *);
    int (*client_set)(gg_client *, const char *, const char *);
    const char *(*client_errmsg)(const gg_client *);
    int (*call)(gg_client *, const char *, const char *const *, gg_result **);
    int (*result_code)(const gg_result *);
    const char *(*result_message)(const gg_result *);
    int (*result_http_status)(const gg_result *);
    const char *(*result_get)(const gg_result *, const char *);
    size_t (*result_count)(const gg_result *, const char *);
    const char *(*result_json)(const gg_result *);
    void (*result_free)(gg_result *);
} gg;

static void *need(void *library, const char *name)
{
    void *symbol = dlsym(library, name);
    CHECK(symbol != NULL);
    if (!symbol) {
        fprintf(stderr, "missing symbol %s\n", name);
        exit(check_summary());
    }
    return symbol;
}

#define BIND(field) (*(void **)&gg.field = need(library, "gg_" #field))

/* A thread that got a message from the library, and is still running when
 * the program dlcloses it, must exit cleanly: the library keeps per-thread
 * messages whose destructor runs at thread exit. */
static pthread_barrier_t closed;

static void *fail_then_outlive_dlclose(void *unused)
{
    (void)unused;
    gg_client *client = NULL;
    gg.client_new(&client);
    gg.client_set(client, "no.such.option", "x");
    gg.client_free(client);
    pthread_barrier_wait(&closed); /* the main thread dlcloses meanwhile */
    pthread_barrier_wait(&closed);
    return NULL;
}

int main(void)
{
    const char *path = getenv("GAMEGATE_LIBRARY");
    void *library = dlopen(path ? path : DEFAULT_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (!CHECK(library != NULL)) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return check_summary();
    }
    BIND(version), BIND(strerror), BIND(client_new), BIND(client_free), BIND(client_set);
    BIND(client_errmsg), BIND(call), BIND(result_code), BIND(result_message);
    BIND(result_http_status), BIND(result_get), BIND(result_count), BIND(result_json);
    BIND(result_free);
    /* Internals stay hidden: only gg_* names are exported. */
    CHECK(dlsym(library, "request_build") == NULL);
    CHECK(dlsym(library, "strbuf_add") == NULL);

    CHECK(gg.version() != NULL);
    CHECK_STR(gg.strerror(0), "no error");

    json_t *seed = sandbox_seed();
    const char *api_key = NULL, *username = NULL;
    json_int_t user_id = 0, game_id = 0;
    json_t *tokens = NULL;
    json_unpack(seed, "{s:{s:[{s:s,s:I}*]}}", "kongregate", "games", "api_key", &api_key,
                "game_id", &game_id);
    json_unpack(seed, "{s:{s:[{s:I,s:s,s:o}*]}}", "kongregate", "users", "user_id", &user_id,
                "username", &username, "game_auth_tokens", &tokens);
    char id[32], game[32];
    snprintf(id, sizeof id, "%lld", (long long)user_id);
    snprintf(game, sizeof game, "%lld", (long long)game_id);
    const char *token = json_string_value(json_object_get(tokens, game));

    gg_client *client = NULL;
    CHECK_INT(gg.client_new(&client), 0);
    CHECK_INT(gg.client_set(client, "kongregate.base_url", sandbox_url()), 0);
    CHECK_INT(gg.client_set(client, "kongregate.api_key", api_key), 0);
    CHECK_INT(gg.client_set(client, "no.such.option", "x"), 1);
    CHECK_CONTAINS(gg.client_errmsg(client), "unknown option");

    gg_result *result = NULL;
    const char *params[] = {"user_id", id, "game_auth_token", token, NULL};
    CHECK_INT(gg.call(client, "kongregate.authenticate", params, &result), 0);
    CHECK_INT(gg.result_code(result), 0);
    CHECK_INT(gg.result_http_status(result), 200);
    CHECK_STR(gg.result_message(result), "");
    CHECK_STR(gg.result_get(result, "username"), username);
    CHECK_INT(gg.result_count(result, ""), 3);
    CHECK(gg.result_json(result)[0] == '{');
    gg.result_free(result);
    gg.result_free(NULL);
    gg.client_free(client);
    gg.client_free(NULL);

    pthread_barrier_init(&closed, NULL, 2);
    pthread_t thread;
    pthread_create(&thread, NULL, fail_then_outlive_dlclose, NULL);
    pthread_barrier_wait(&closed);
    sandbox_release();
    CHECK_INT(dlclose(library), 0);
    pthread_barrier_wait(&closed);
    pthread_join(thread, NULL); /* it exited: no crash in an unmapped destructor */
    pthread_barrier_destroy(&closed);
    return check_summary();
}
