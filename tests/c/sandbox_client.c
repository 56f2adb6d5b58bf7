#include "sandbox_client.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static json_t *seed;

const char *sandbox_url(void)
{
    const char *url = getenv("GG_SANDBOX_URL");
    if (!url || !*url) {
        fprintf(stderr, "GG_SANDBOX_URL is not set: run this test through tools/with-sandbox\n");
        exit(2);
    }
    return url;
}

json_t *sandbox_seed(void)
{
    if (!seed) {
        const char *path = getenv("GG_SANDBOX_DATA");
        json_error_t error;
        seed = path ? json_load_file(path, 0, &error) : NULL;
        if (!seed) {
            fprintf(stderr, "cannot read the sandbox seed data (GG_SANDBOX_DATA)\n");
            exit(2);
        }
    }
    return seed;
}

static size_t discard(char *data, size_t size, size_t count, void *userdata)
{
    (void)data;
    (void)userdata;
    return size * count;
}

int sandbox_control(const char *path_and_query)
{
    char url[1024];
    snprintf(url, sizeof url, "%s%s", sandbox_url(), path_and_query);
    CURL *curl = curl_easy_init();
    if (!curl)
        return -1;
    long status = 0;
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    CURLcode rc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(curl);
    return rc == CURLE_OK && status == 200 ? 0 : -1;
}

static size_t collect(char *data, size_t size, size_t count, void *userdata)
{
    char *text = userdata;
    size_t have = strlen(text), add = size * count;
    if (have + add < 4096) {
        memcpy(text + have, data, add);
        text[have + add] = '\0';
    }
    return add;
}

json_t *sandbox_stats(void)
{
    return sandbox_get("/_sandbox/stats");
}

json_t *sandbox_get(const char *path)
{
    char url[1024], text[4096] = "";
    snprintf(url, sizeof url, "%s%s", sandbox_url(), path);
    CURL *curl = curl_easy_init();
    if (!curl)
        return NULL;
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, (void *)text);
    CURLcode rc = curl_easy_perform(curl);
    curl_easy_cleanup(curl);
    return rc == CURLE_OK ? json_loads(text, 0, NULL) : NULL;
}

long sandbox_stat(const char *name)
{
    json_t *stats = sandbox_stats();
    json_t *value = json_object_get(stats, name);
    long figure = json_is_integer(value) ? (long)json_integer_value(value) : -1;
    json_decref(stats);
    return figure;
}

int sandbox_wait_until_held(long count)
{
    for (int tries = 0; tries < 6000; tries++) {
        if (sandbox_stat("held") >= count)
            return 1;
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    return 0;
}

const char *sandbox_api_key(void)
{
    json_t *games = json_object_get(json_object_get(sandbox_seed(), "kongregate"), "games");
    return json_string_value(json_object_get(json_array_get(games, 0), "api_key"));
}

json_t *sandbox_kongregate_users(void)
{
    return json_object_get(json_object_get(sandbox_seed(), "kongregate"), "users");
}

const char *sandbox_player(size_t index, char id[32])
{
    json_t *user = json_array_get(sandbox_kongregate_users(), index);
    json_t *games = json_object_get(json_object_get(sandbox_seed(), "kongregate"), "games");
    char game[32];
    snprintf(id, 32, "%lld", (long long)json_integer_value(json_object_get(user, "user_id")));
    snprintf(game, sizeof game, "%lld",
             (long long)json_integer_value(json_object_get(json_array_get(games, 0), "game_id")));
    return json_string_value(json_object_get(json_object_get(user, "game_auth_tokens"), game));
}

void sandbox_release(void)
{
    json_decref(seed);
    seed = NULL;
}
