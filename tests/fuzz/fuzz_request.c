/* Requests built from hostile parameters: the first byte picks the endpoint,
 * the rest is NUL-separated name, value, name, value, ... A session store
 * holds a login and a read-only member, so token look-ups are reached too. */
#include "endpoints.h"
#include "gamegate.h"
#include "message.h"
#include "options.h"
#include "request.h"
#include "session.h"
#include "services.h"
#include "store.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STRINGS 40

static struct store *store;
static struct options options;

static void prepare(void)
{
    struct strbuf ignored = {0};
    options_set(&options, OPT_KONGREGATE_API_KEY, "apikey", &ignored);
    options_set(&options, OPT_KICKAPPS_DEVELOPER_KEY, "devkey", &ignored);
    options_set(&options, OPT_KICKAPPS_AS, "92366", &ignored);
    strbuf_release(&ignored);
    int code;
    store = store_open("memory", &ignored, &code);
    /* Kept for the game whose api_key the options hold, as a login is. */
    static char scope[SESSION_SCOPE_SIZE];
    session_game_scope("apikey", scope);
    struct login_view login = {.user_id = "7", .token = "tok7", .site = scope};
    store_remember(store, NULL, &service_kongregate, &login, &ignored);
    struct login_view reader = {.token = "tokR", .privileges = "R", .site = "92366",
                                .username = "reader", .user_id = "8"};
    store_remember(store, NULL, &service_kickapps, &reader, &ignored);
    /* One member's username is another's userId: the ambiguous case too. */
    struct login_view other = {.token = "tokO", .privileges = "RW", .site = "92366",
                               .username = "8", .user_id = "9"};
    store_remember(store, NULL, &service_kickapps, &other, &ignored);
    strbuf_release(&ignored);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!store)
        prepare();
    if (size < 1)
        return 0;
    size_t rows = 0;
    while (endpoint_at(rows))
        rows++;
    const struct endpoint *endpoint = endpoint_at(data[0] % rows);

    char *text = malloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    const char *strings[MAX_STRINGS + 1];
    size_t count = 0;
    for (char *at = text; count < MAX_STRINGS && at < text + size - 1; at += strlen(at) + 1)
        strings[count++] = at;
    strings[count] = NULL;

    struct request req = {0};
    struct strbuf msg = {0};
    struct param_list given = param_list_of_pairs(strings);
    request_build(&req, endpoint, &options, store, &given, &msg);
    char *clean = message_clean(msg.data ? msg.data : "", &req.secrets);
    free(clean);
    request_release(&req);
    strbuf_release(&msg);
    free(text);
    return 0;
}
