/* What every ABI suite shares: the sandbox's seed facts, a client pointed
 * at the sandbox, and the check that no secret leaked. */
#include "api_fixture.h"

#include "check.h"
#include "sandbox_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct seed seed;
int checks_passed, checks_failed;

/* Finds the first element of array whose key equals want (any want if NULL). */
static json_t *find(json_t *array, const char *key, const char *want)
{
    size_t i;
    json_t *item;
    json_array_foreach(array, i, item) {
        const char *value = json_string_value(json_object_get(item, key));
        if (!want || (value && strcmp(value, want) == 0))
            return item;
    }
    fprintf(stderr, "seed data lacks an entry with %s=%s\n", key, want ? want : "*");
    exit(2);
}

void load_seed(void)
{
    json_t *data = sandbox_seed(), *games, *users, *sites, *keys, *apps, *grants;
    json_int_t game_id, user_id;
    if (json_unpack(data, "{s:{s:o,s:o},s:{s:o,s:o,s:{s:o,s:o}}}", "kongregate", "games", &games,
                    "users", &users, "kickapps", "sites", &sites, "developer_keys", &keys,
                    "openauth", "apps", &apps, "tokens", &grants) != 0) {
        fprintf(stderr, "seed data has an unexpected shape\n");
        exit(2);
    }
    json_t *tokens;
    json_unpack(json_array_get(games, 0), "{s:s,s:I}", "api_key", &seed.api_key, "game_id",
                &game_id);
    json_unpack(json_array_get(users, 0), "{s:I,s:s,s:o}", "user_id", &user_id, "username",
                &seed.username, "game_auth_tokens", &tokens);
    snprintf(seed.user_id, sizeof seed.user_id, "%lld", (long long)user_id);
    char game[32];
    snprintf(game, sizeof game, "%lld", (long long)game_id);
    seed.user_token = json_string_value(json_object_get(tokens, game));

    json_t *site = json_array_get(sites, 0);
    json_unpack(site, "{s:s}", "as", &seed.site);
    json_unpack(json_array_get(sites, 1), "{s:s}", "as", &seed.other_site);
    seed.banned_ip = json_string_value(json_array_get(json_object_get(site, "banned_client_ips"), 0));
    json_unpack(json_array_get(json_object_get(site, "members"), 0), "{s:s,s:s,s:s}", "username",
                &seed.member, "email", &seed.member_email, "password", &seed.member_password);
    size_t i;
    json_t *key;
    json_array_foreach(keys, i, key) {
        const char *name = json_string_value(json_object_get(key, "developerKey"));
        const char *for_site = json_string_value(json_object_get(key, "as"));
        if (!json_is_true(json_object_get(key, "enabled")))
            seed.disabled_key = name;
        else if (strcmp(for_site, seed.site) == 0)
            seed.developer_key = name;
        else
            seed.other_site_key = name;
    }
    json_t *app = find(apps, "as", seed.site);
    json_unpack(app, "{s:s,s:s}", "devId", &seed.dev_id, "succUrl", &seed.succ_url);
    json_unpack(find(grants, "devId", seed.dev_id), "{s:s,s:s}", "oat", &seed.oat, "username",
                &seed.oat_username);
    if (!seed.user_token || !seed.developer_key || !seed.disabled_key || !seed.other_site_key) {
        fprintf(stderr, "seed data lacks a token or a developer key the tests need\n");
        exit(2);
    }
}

gg_client *new_client(void)
{
    gg_client *client = NULL;
    CHECK_INT(gg_client_new(&client), GG_OK);
    CHECK_INT(gg_client_set(client, "kongregate.base_url", sandbox_url()), GG_OK);
    CHECK_INT(gg_client_set(client, "kickapps.base_url", sandbox_url()), GG_OK);
    CHECK_INT(gg_client_set(client, "kongregate.api_key", seed.api_key), GG_OK);
    CHECK_INT(gg_client_set(client, "kickapps.developer_key", seed.developer_key), GG_OK);
    CHECK_INT(gg_client_set(client, "kickapps.as", seed.site), GG_OK);
    return client;
}

/* No key, token or password of the seed may appear in text. */
void check_no_secret(const char *text)
{
    const char *secrets[] = {seed.api_key, seed.user_token, seed.developer_key,
                             seed.disabled_key, seed.other_site_key, seed.member_password,
                             seed.oat};
    for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++)
        CHECK_LACKS(text, secrets[i]);
}
