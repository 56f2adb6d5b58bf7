/* The client handle: options, the HTTP transport and the last message. */
#ifndef GG_CLIENT_H
#define GG_CLIENT_H

#include "options.h"
#include "session.h"
#include "transport.h"

#include "gamegate.h"

#include <stddef.h>

struct gg_client {
    struct options options;
    struct transport transport;
    struct session_store *sessions; /* possibly shared with other clients */
    gg_log_fn log_fn;
    void *log_userdata;
    int last_code;
    char *last_message; /* NULL: derived from last_code */
};

/* Sends a log line, cleaned of the secrets and the client's keys, if the
 * client logs at that level. */
void client_log(struct gg_client *client, int level, const char *const *secrets,
                size_t secret_count, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Records the outcome of the latest call on this client for gg_client_errmsg. */
void client_remember(struct gg_client *client, int code, const char *message);

#endif
