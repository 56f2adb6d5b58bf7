/* A game server's login flow, in C: authenticate a Kongregate player, get a
 * KickApps token for a member, refuse a forged login.
 *
 * `make demo` runs it against the sandbox. The ids, token and keys below are
 * the sandbox's seed data; a real server gets the first two from its game
 * client and the keys from its own configuration. */
#include <gamegate.h>

#include <stdio.h>
#include <stdlib.h>

static int fail(const char *what, gg_client *client)
{
    fprintf(stderr, "[c] %s: %s\n", what, gg_client_errmsg(client));
    gg_client_free(client);
    return 1;
}

int main(void)
{
    const char *url = getenv("GG_SANDBOX_URL");
    if (!url) {
        fprintf(stderr, "GG_SANDBOX_URL is not set: run `make demo`\n");
        return 2;
    }
    gg_client *client = NULL;
    if (gg_client_new(&client) != GG_OK)
        return 1;
    const char *options[][2] = {
        {"kongregate.base_url", url},
        {"kongregate.api_key", "748e63d7-c48c-418c-aa25-80456de2b98c"},
        {"kickapps.base_url", url},
        {"kickapps.developer_key", "1842b4c9"},
        {"kickapps.as", "92366"},
    };
    for (size_t i = 0; i < sizeof options / sizeof *options; i++)
        if (gg_client_set(client, options[i][0], options[i][1]) != GG_OK)
            return fail("option", client);

    /* What the game client handed over after the player logged in. */
    const char *login[] = {"user_id", "1480702", "game_auth_token",
                           "9f2c6a1d4e8b7c3a5f0e1d2c3b4a59687766554433221100ffeeddccbbaa9988", NULL};
    gg_result *player = NULL;
    if (gg_call(client, "kongregate.authenticate", login, &player) != GG_OK) {
        gg_result_free(player);
        return fail("authenticate", client);
    }
    printf("[c] Kongregate vouches for user %s: welcome, %s\n", gg_result_get(player, "user_id"),
           gg_result_get(player, "username"));
    gg_result_free(player);

    const char *member[] = {"username", "nobody", NULL};
    gg_result *grant = NULL;
    if (gg_call(client, "kickapps.create_token", member, &grant) != GG_OK) {
        gg_result_free(grant);
        return fail("create_token", client);
    }
    printf("[c] KickApps token for %s (userId %s): privileges %s, kept server-side\n",
           gg_result_get(grant, "username"), gg_result_get(grant, "userId"),
           gg_result_get(grant, "PRIVILEGES"));
    gg_result_free(grant);

    const char *forged[] = {"user_id", "1480702", "game_auth_token",
                            "0000000000000000000000000000000000000000000000000000000000000000", NULL};
    int code = gg_call(client, "kongregate.authenticate", forged, NULL);
    if (code != GG_EAUTH) {
        fprintf(stderr, "[c] a forged login got %s, not a refusal\n", gg_strerror(code));
        gg_client_free(client);
        return 1;
    }
    printf("[c] forged login refused (%s): %s\n", gg_strerror(code), gg_client_errmsg(client));
    gg_client_free(client);
    return 0;
}
