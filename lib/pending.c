/* Asynchronous calls: gg_call_start returns at once; the transfers run on
 * the engine every call of the client shares (driven by its I/O thread
 * while no blocking caller drives), retry back-off waits are engine timers,
 * and completed calls wait in a queue that an event loop reads when the
 * client's fd turns readable. */
#include "api_exit.h"
#include "call.h"
#include "client.h"
#include "gamegate.h"
#include "platform.h"
#include "request.h"
#include "result.h"
#include "wiping_alloc.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct gg_pending {
    struct call call;
};

#define CALL_OF(member_ptr, member) \
    ((struct call *)((char *)(member_ptr) - offsetof(struct call, member)))

/* The eventfd the queue signals on, made on first use. done_lock held. */
static int queue_fd(struct gg_client *client)
{
    if (client->done_fd < 0)
        client->done_fd = platform_wake_new();
    return client->done_fd;
}

/* Ends a call's transfers: it joins the queue, the fd turns readable.
 * Called without done_lock, on whichever thread drives the client's
 * transfers: what is left (teaching the session store, which may wait on
 * a shared one) is done by gg_pending_finish, on the caller's thread, so
 * that no transfer of the client waits behind the store. */
static void free_completed(struct gg_client *client);

static void complete(struct call *call)
{
    struct gg_client *client = call->client;
    pthread_mutex_lock(&client->done_lock);
    client->free_completed = free_completed;
    call->state = CALL_DONE;
    call->next_done = NULL;
    /* Only the first of a batch signals: the reader takes all that wait. */
    bool was_empty = !client->done_head;
    if (client->done_tail)
        client->done_tail->next_done = call;
    else
        client->done_head = call;
    client->done_tail = call;
    int fd = was_empty ? client->done_fd : -1;
    pthread_mutex_unlock(&client->done_lock);
    if (fd >= 0)
        platform_wake_signal(fd);
}

static void canceled(struct call *call)
{
    call->msg.len = call->msg_prefix;
    if (call->msg.data)
        call->msg.data[call->msg.len] = '\0';
    strbuf_adds(&call->msg, "canceled");
    call->code = GG_ECANCELED;
}

static void on_transfer_done(struct engine_job *job);
static void on_retry_timer(struct engine_timer *timer);

/* Starts the next attempt. done_lock held; false when the call is over. */
static bool send_next(struct call *call)
{
    if (call_attempt_begin(call) != GG_OK)
        return false;
    call->transfer.job.on_done = on_transfer_done;
    call->state = CALL_SENDING;
    if (engine_submit(&call->client->engine, &call->transfer.job) == 0)
        return true;
    call_attempt_end(call, CURLE_FAILED_INIT); /* gives the handle back */
    call->code = GG_ENOMEM;
    strbuf_adds(&call->msg, "; could not start the client's I/O thread");
    return false;
}

static void on_retry_timer(struct engine_timer *timer)
{
    struct call *call = CALL_OF(timer, retry_timer);
    pthread_mutex_lock(&call->client->done_lock);
    bool sent = !call->cancelled && send_next(call);
    if (call->cancelled)
        canceled(call);
    pthread_mutex_unlock(&call->client->done_lock);
    if (!sent)
        complete(call);
}

static void on_transfer_done(struct engine_job *job)
{
    struct call *call = CALL_OF(job, transfer.job);
    long long wait = call_attempt_end(call, job->result);
    pthread_mutex_lock(&call->client->done_lock);
    bool waiting = false;
    if (wait >= 0 && call->cancelled) {
        canceled(call);
    } else if (wait >= 0) {
        call->state = CALL_WAITING;
        call->retry_timer.fire = on_retry_timer;
        waiting = engine_timer_start(&call->client->engine, &call->retry_timer, wait) == 0;
    }
    pthread_mutex_unlock(&call->client->done_lock);
    if (!waiting)
        complete(call);
}

/* A copy of the caller's parameters that outlives the caller's arrays, in
 * one block (wiped when freed: values may be keys), read as pairs with
 * stride 2. A NULL name or value stays NULL, for request_build to refuse. */
static bool copy_params(const struct param_list *given, struct call *call,
                        struct param_list *copy)
{
    /* Read as far as request_build would: to the first NULL, which it
     * refuses, and not at all past the most parameters it takes. */
    bool readable = given->names && given->values && given->count <= REQUEST_MAX_PARAMS;
    size_t count = 0, bytes = 0;
    while (readable && count < given->count) {
        const char *name = given->names[count * given->stride];
        const char *value = given->values[count * given->stride];
        bytes += (name ? strlen(name) + 1 : 0) + (value ? strlen(value) + 1 : 0);
        count++;
        if (!name || !value)
            break;
    }
    bytes += 2 * count * sizeof(char *);
    char **pairs = calloc(1, bytes ? bytes : 1);
    if (!pairs)
        return false;
    char *at = (char *)(pairs + 2 * count);
    for (size_t i = 0; i < 2 * count; i++) {
        const char *text = i % 2 ? given->values[i / 2 * given->stride]
                                 : given->names[i / 2 * given->stride];
        if (text) {
            size_t len = strlen(text) + 1;
            pairs[i] = memcpy(at, text, len);
            at += len;
        }
    }
    call->params_copy = (char *)pairs;
    call->params_copy_bytes = bytes;
    /* What was not read is refused as it was given: too many, or NULL arrays. */
    *copy = (struct param_list){.names = (const char *const *)pairs,
                                .values = (const char *const *)pairs + 1,
                                .count = readable ? count : given->count,
                                .stride = 2};
    if (!readable && given->count <= REQUEST_MAX_PARAMS)
        copy->names = copy->values = NULL;
    return true;
}

static void free_pending(struct gg_pending *pending)
{
    call_release(&pending->call);
    if (pending->call.params_copy) {
        wipe(pending->call.params_copy, pending->call.params_copy_bytes);
        free(pending->call.params_copy);
    }
    free(pending);
}

static int call_start(gg_client *client, const char *endpoint, const struct param_list *params,
                      void *userdata, gg_pending **out);

GG_EXTERN int gg_call_start(gg_client *client, const char *endpoint, const char *const *params,
                            void *userdata, gg_pending **out)
{
    struct param_list list = param_list_of_pairs(params);
    return call_start(client, endpoint, &list, userdata, out);
}

GG_EXTERN int gg_call_start_n(gg_client *client, const char *endpoint, const char *const *names,
                              const char *const *values, size_t count, void *userdata,
                              gg_pending **out)
{
    struct param_list list = {.names = names, .values = values, .count = count, .stride = 1};
    return call_start(client, endpoint, &list, userdata, out);
}

static int call_start(gg_client *client, const char *endpoint, const struct param_list *params,
                      void *userdata, gg_pending **out)
{
    if (out)
        *out = NULL;
    if (!client)
        return api_exit(NULL, GG_EINVAL, "client is NULL", NULL, NULL, NULL);
    struct gg_pending *pending = calloc(1, sizeof *pending);
    struct param_list copied;
    if (!pending || !copy_params(params, &pending->call, &copied)) {
        free(pending);
        return api_exit(client, GG_ENOMEM, NULL, NULL, NULL, NULL);
    }
    struct call *call = &pending->call;
    call->userdata = userdata;
    int code = call_prepare(call, client, endpoint, &copied);
    pthread_mutex_lock(&client->done_lock);
    bool ready = call->result && (queue_fd(client) >= 0 || !platform_can_wake());
    bool sent = ready && code == GG_OK && send_next(call);
    pthread_mutex_unlock(&client->done_lock);
    if (!ready) {
        gg_result_free(call->result);
        free_pending(pending);
        return api_exit(client, GG_ENOMEM, NULL, NULL, NULL, NULL);
    }
    /* Refused before sending: completed at once, like any other. */
    if (!sent)
        complete(call);
    if (out)
        *out = pending;
    return api_exit(client, GG_OK, NULL, NULL, NULL, NULL);
}

GG_EXTERN int gg_pending_cancel(gg_pending *pending)
{
    if (!pending)
        return api_exit(NULL, GG_EINVAL, "pending is NULL", NULL, NULL, NULL);
    struct call *call = &pending->call;
    struct gg_client *client = call->client;
    pthread_mutex_lock(&client->done_lock);
    bool stopped_waiting = false;
    if (call->state != CALL_DONE && !call->cancelled) {
        call->cancelled = true;
        if (call->state == CALL_SENDING)
            engine_cancel(&client->engine, &call->transfer.job);
        else
            stopped_waiting = engine_timer_cancel(&client->engine, &call->retry_timer);
        if (stopped_waiting)
            canceled(call);
    }
    pthread_mutex_unlock(&client->done_lock);
    if (stopped_waiting)
        complete(call);
    return api_exit(client, GG_OK, NULL, NULL, NULL, NULL);
}

GG_EXTERN int gg_client_fd(gg_client *client, int *out)
{
    if (!client || !out)
        return api_exit(client, GG_EINVAL, "client and out are required", NULL, NULL, NULL);
    if (!platform_can_wake()) {
        *out = -1;
        return api_exit(client, GG_EINVAL, "no descriptor to watch on this system: poll "
                                           "gg_client_next_done", NULL, NULL, NULL);
    }
    pthread_mutex_lock(&client->done_lock);
    *out = queue_fd(client);
    pthread_mutex_unlock(&client->done_lock);
    return api_exit(client, *out >= 0 ? GG_OK : GG_ENOMEM, NULL, NULL, NULL, NULL);
}

GG_EXTERN int gg_client_next_done(gg_client *client, gg_pending **out)
{
    if (!client || !out)
        return api_exit(client, GG_EINVAL, "client and out are required", NULL, NULL, NULL);
    pthread_mutex_lock(&client->done_lock);
    /* Read the fd empty, then look: a completion queued after the look
     * makes it readable again. */
    if (!client->done_head && client->done_fd >= 0) {
        platform_wake_drain(client->done_fd);
    }
    struct call *call = client->done_head;
    if (call) {
        client->done_head = call->next_done;
        if (!client->done_head)
            client->done_tail = NULL;
    }
    pthread_mutex_unlock(&client->done_lock);
    *out = call ? (struct gg_pending *)call : NULL;
    return api_exit(client, GG_OK, NULL, NULL, NULL, NULL);
}

GG_EXTERN void *gg_pending_userdata(const gg_pending *pending)
{
    return pending ? pending->call.userdata : NULL;
}

GG_EXTERN int gg_pending_finish(gg_pending *pending, gg_result **out)
{
    if (!pending)
        return api_exit(NULL, GG_EINVAL, "pending is NULL", NULL, NULL, out);
    struct call *call = &pending->call;
    call_conclude(call);
    int code = api_exit(call->client, call->code, call_message(call), &call->secrets,
                        call->result, out);
    free_pending(pending);
    return code;
}

/* What gg_client_free calls for the completed calls nobody took: their
 * results go unread, and their logins unremembered. */
static void free_completed(struct gg_client *client)
{
    for (struct call *call = client->done_head, *next; call; call = next) {
        next = call->next_done;
        gg_result_free(call->result);
        free_pending((struct gg_pending *)call);
    }
    client->done_head = client->done_tail = NULL;
}
