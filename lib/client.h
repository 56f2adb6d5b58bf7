/* The client handle: options, the HTTP transport and the last message. */
#ifndef GG_CLIENT_H
#define GG_CLIENT_H

#include "options.h"
#include "session.h"
#include "transport.h"

struct gg_client {
    struct options options;
    struct transport transport;
    struct session_store *sessions; /* possibly shared with other clients */
    int last_code;
    char *last_message; /* NULL: derived from last_code */
};

/* Records the outcome of the latest call on this client for gg_client_errmsg. */
void client_remember(struct gg_client *client, int code, const char *message);

#endif
