/* The C rows of make bench, each a tight loop that prints its calls per
 * second:
 *   loop curl URL N       a raw libcurl loop, one reused easy handle: the
 *                         limit for any C client
 *   loop gamegate URL N   gg_call of kongregate.authenticate, base URL URL
 *   loop verify N BODY    gg_callback_verify of BODY (a signed item_order_placed
 *                         under the services.md worked example's api_key) */
#include <gamegate.h>

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t keep(char *data, size_t size, size_t count, void *userdata)
{
    (void)data;
    (void)userdata;
    return size * count;
}

#define LOGIN_QUERY "/api/authenticate.json?user_id=1480702&game_auth_token=" \
    "9f2c6a1d4e8b7c3a5f0e1d2c3b4a59687766554433221100ffeeddccbbaa9988" \
    "&api_key=748e63d7-c48c-418c-aa25-80456de2b98c"

static int raw_curl(const char *base, long n)
{
    char url[512];
    snprintf(url, sizeof url, "%s" LOGIN_QUERY, base);
    CURL *curl = curl_easy_init();
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep);
    long failed = 0;
    double start = now_s();
    for (long i = 0; i < n; i++)
        failed += curl_easy_perform(curl) != CURLE_OK;
    double elapsed = now_s() - start;
    curl_easy_cleanup(curl);
    printf("%.1f %ld\n", n / elapsed, failed);
    return 0;
}

static int gamegate_calls(const char *base, long n)
{
    gg_client *client = NULL;
    gg_client_new(&client);
    gg_client_set(client, "kongregate.base_url", base);
    gg_client_set(client, "kongregate.api_key", "748e63d7-c48c-418c-aa25-80456de2b98c");
    const char *params[] = {"user_id", "1480702", "game_auth_token",
                            "9f2c6a1d4e8b7c3a5f0e1d2c3b4a59687766554433221100ffeeddccbbaa9988",
                            NULL};
    long failed = 0;
    double start = now_s();
    for (long i = 0; i < n; i++) {
        gg_result *result = NULL;
        failed += gg_call(client, "kongregate.authenticate", params, &result) != GG_OK;
        failed += gg_result_get(result, "username") == NULL;
        gg_result_free(result);
    }
    double elapsed = now_s() - start;
    gg_client_free(client);
    printf("%.1f %ld\n", n / elapsed, failed);
    return 0;
}

static int verify(long n, const char *signed_order)
{
    const char *key = "748e63d7-c48c-418c-aa25-80456de2b98c";
    long failed = 0;
    double start = now_s();
    for (long i = 0; i < n; i++) {
        gg_result *result = NULL;
        failed += gg_callback_verify(NULL, signed_order, strlen(signed_order), key, &result) != GG_OK;
        gg_result_free(result);
    }
    double elapsed = now_s() - start;
    printf("%.1f %ld\n", n / elapsed, failed);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: loop curl|gamegate URL N | loop verify N BODY\n");
        return 2;
    }
    if (strcmp(argv[1], "verify") == 0)
        return verify(atol(argv[2]), argv[3]);
    if (strcmp(argv[1], "curl") == 0)
        return raw_curl(argv[2], atol(argv[3]));
    return gamegate_calls(argv[2], atol(argv[3]));
}
