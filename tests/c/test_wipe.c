/* After gg_client_free, no copy of the api_key or of a token is left in the
 * process's memory: gamegate wipes its own buffers, and libcurl allocates
 * through gamegate's wiping allocator. The process's writable memory is read
 * through /proc/self/mem (so that no sanitizer sees reads of freed blocks)
 * and searched for the secrets, which this test itself holds only masked. */
#include "check.h"
#include "sandbox_client.h"

#include <gamegate.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MASK 0x5A

struct masked {
    unsigned char bytes[128];
    size_t len;
};

/* Takes a secret out of the seed into a masked copy, and wipes the seed's. */
static struct masked take(json_t *holder, const char *key)
{
    struct masked m = {0};
    char *text = (char *)json_string_value(json_object_get(holder, key));
    m.len = strlen(text);
    for (size_t i = 0; i < m.len && i < sizeof m.bytes; i++)
        m.bytes[i] = (unsigned char)text[i] ^ MASK;
    memset(text, 'x', m.len);
    return m;
}

/* A plain copy on the heap, for handing to the library; wiped by release. */
static char *unmask(const struct masked *m)
{
    char *text = calloc(1, m->len + 1);
    for (size_t i = 0; i < m->len; i++)
        text[i] = (char)(m->bytes[i] ^ MASK);
    return text;
}

static void release(char *text)
{
    volatile char *wipe = text;
    for (size_t i = 0; text[i]; i++)
        wipe[i] = 0;
    free(text);
}

/* Occurrences of the secret in every writable mapping of this process. */
static long copies_in_memory(const struct masked *secret)
{
    FILE *maps = fopen("/proc/self/maps", "r");
    int mem = open("/proc/self/mem", O_RDONLY);
    long found = 0;
    char line[512];
    static unsigned char chunk[1 << 20];
    while (maps && mem >= 0 && fgets(line, sizeof line, maps)) {
        unsigned long start, end;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) != 3 || perms[0] != 'r' ||
            perms[1] != 'w' || strstr(line, "[vvar]"))
            continue;
        for (unsigned long at = start; at < end;) {
            size_t want = end - at < sizeof chunk ? end - at : sizeof chunk;
            ssize_t got = pread(mem, chunk, want, (off_t)at);
            if (got <= 0)
                break;
            for (ssize_t i = 0; i + (ssize_t)secret->len <= got; i++) {
                size_t j = 0;
                while (j < secret->len && (chunk[i + (ssize_t)j] ^ MASK) == secret->bytes[j])
                    j++;
                found += j == secret->len;
            }
            /* A copy across two chunks is missed; chunks overlap to catch it. */
            at += (unsigned long)got > secret->len ? (unsigned long)got - secret->len : 1;
        }
    }
    if (maps)
        fclose(maps);
    if (mem >= 0)
        close(mem);
    memset(chunk, 0, sizeof chunk);
    return found;
}

int main(void)
{
    /* First, so that gamegate initializes libcurl (with its allocator)
     * before this test's own libcurl calls do. */
    gg_client *client = NULL;
    CHECK_INT(gg_client_new(&client), GG_OK);
    json_t *seed = json_object_get(sandbox_seed(), "kongregate");
    json_t *game = json_array_get(json_object_get(seed, "games"), 0);
    json_t *user = json_array_get(json_object_get(seed, "users"), 0);
    char user_id[32];
    snprintf(user_id, sizeof user_id, "%lld",
             (long long)json_integer_value(json_object_get(user, "user_id")));
    char game_id[32];
    snprintf(game_id, sizeof game_id, "%lld",
             (long long)json_integer_value(json_object_get(game, "game_id")));
    struct masked api_key = take(game, "api_key");
    struct masked token = take(json_object_get(user, "game_auth_tokens"), game_id);
    sandbox_release();
    CHECK_INT(sandbox_control("/_sandbox/reset"), 0);

    char *key_text = unmask(&api_key), *token_text = unmask(&token);
    gg_client_set(client, "kongregate.base_url", sandbox_url());
    CHECK_INT(gg_client_set(client, "kongregate.api_key", key_text), GG_OK);
    const char *login[] = {"user_id", user_id, "game_auth_token", token_text, NULL};
    CHECK_INT(gg_call(client, "kongregate.authenticate", login, NULL), GG_OK);
    release(token_text);
    release(key_text);
    const char *stats[] = {"user_id", user_id, "Kills", "3", NULL}; /* a POST, token from the store */
    CHECK_INT(gg_call(client, "kongregate.submit_statistics", stats, NULL), GG_OK);
    gg_result *items = NULL;
    CHECK_INT(gg_call(client, "kongregate.items", NULL, &items), GG_OK);
    gg_result_free(items);
    /* The library holds them while the client lives. */
    CHECK(copies_in_memory(&api_key) > 0);

    gg_client_free(client);
    long key_copies = copies_in_memory(&api_key), token_copies = copies_in_memory(&token);
    CHECK_INT(key_copies, 0);
    CHECK_INT(token_copies, 0);
    printf("wipe: after gg_client_free, %ld copies of the api_key and %ld of the token are "
           "left in memory\n", key_copies, token_copies);
    return check_summary();
}
