/* Attempt events for the client's observer (gg_client_set_observer): one
 * before each attempt is sent, where headers may be added (tracing), and one
 * after it, with what it saw (metrics). Nothing reported holds a secret. */
#ifndef GG_OBSERVE_H
#define GG_OBSERVE_H

#include "endpoints.h"
#include "transport.h"

#include "gamegate.h"

#include <stdbool.h>
#include <stddef.h>

#define OBSERVE_MAX_HEADERS 8
#define OBSERVE_MAX_HEADER_BYTES 1024

struct gg_attempt {
    int phase; /* GG_ATTEMPT_STARTING or GG_ATTEMPT_ENDED */
    const struct endpoint *endpoint;
    int number;
    /* Ended only */
    int http_status, code, outcome;
    bool retrying;
    long long elapsed_us, bytes;
    /* Starting only: where added headers go */
    struct transport_attempt *transfer;
    int headers_added;
};

/* Whether the client has an observer: events are worth making. */
bool observing(const struct gg_client *client);

/* Hands the event to the client's observer, if it has one. */
void observe(struct gg_client *client, struct gg_attempt *attempt);

#endif
