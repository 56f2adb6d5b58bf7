/* The C tests' client of the sandbox that tools/with-sandbox started: its
 * address, its seed data, and its controls. */
#ifndef GG_TEST_SANDBOX_CLIENT_H
#define GG_TEST_SANDBOX_CLIENT_H

#include <jansson.h>

/* GG_SANDBOX_URL; exits with a message when it is not set. */
const char *sandbox_url(void);
/* The seed data the sandbox loaded (GG_SANDBOX_DATA), parsed once. */
json_t *sandbox_seed(void);
/* POSTs to a /_sandbox/ control path ("/_sandbox/reset"); 0 on HTTP 200. */
int sandbox_control(const char *path_and_query);
/* GET /_sandbox/stats, parsed (connections, requests); NULL on failure. */
json_t *sandbox_stats(void);
/* The JSON a GET of path answers (a /_sandbox/ control), NULL on failure. */
json_t *sandbox_get(const char *path);
/* One figure of GET /_sandbox/stats ("connections", "requests", "held"),
 * -1 on failure. The asking request's own connection is counted. */
long sandbox_stat(const char *name);
/* Whether count requests are held at the sandbox's barrier within a minute. */
int sandbox_wait_until_held(long count);
/* The seed's first game's api_key, and its Kongregate users. */
const char *sandbox_api_key(void);
json_t *sandbox_kongregate_users(void);
/* The seed's index-th Kongregate player: user_id written into id, and its
 * game_auth_token for the first game. */
const char *sandbox_player(size_t index, char id[32]);
void sandbox_release(void);

#endif
