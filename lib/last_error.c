#include "last_error.h"

#include "gamegate.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* One failed call's message, for one client, in one thread. A success
 * removes it; the thread's exit frees them all. Nothing else may free one:
 * gg_client_errmsg promises its text until the thread's next call on that
 * client, whatever the thread does with other clients meanwhile. */
struct slot {
    unsigned long long client_serial;
    int code;
    char *message; /* NULL: the code's own text */
};

struct thread_errors {
    struct slot *slots;
    size_t count, capacity;
};

static pthread_key_t key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static int key_ready = -1;

static void release(void *data)
{
    struct thread_errors *errors = data;
    for (size_t i = 0; i < errors->count; i++)
        free(errors->slots[i].message);
    free(errors->slots);
    free(errors);
}

static void make_key(void)
{
    key_ready = pthread_key_create(&key, release);
}

static struct thread_errors *this_thread(int create)
{
    pthread_once(&key_once, make_key);
    if (key_ready != 0)
        return NULL;
    struct thread_errors *errors = pthread_getspecific(key);
    if (!errors && create && (errors = calloc(1, sizeof *errors)) &&
        pthread_setspecific(key, errors) != 0) {
        free(errors);
        errors = NULL;
    }
    return errors;
}

static struct slot *find(struct thread_errors *errors, unsigned long long client_serial)
{
    for (size_t i = 0; errors && i < errors->count; i++)
        if (errors->slots[i].client_serial == client_serial)
            return &errors->slots[i];
    return NULL;
}

/* A free slot at the end; NULL if out of memory. */
static struct slot *add(struct thread_errors *errors)
{
    if (errors->count == errors->capacity) {
        size_t capacity = errors->capacity ? 2 * errors->capacity : 4;
        struct slot *grown = realloc(errors->slots, capacity * sizeof *grown);
        if (!grown)
            return NULL;
        errors->slots = grown;
        errors->capacity = capacity;
    }
    struct slot *slot = &errors->slots[errors->count++];
    *slot = (struct slot){0};
    return slot;
}

void last_error_set(unsigned long long client_serial, int code, const char *message)
{
    struct thread_errors *errors = this_thread(code != GG_OK);
    struct slot *slot = find(errors, client_serial);
    if (code == GG_OK) {
        if (slot) {
            free(slot->message);
            *slot = errors->slots[--errors->count];
        }
        return;
    }
    if (!slot && !(errors && (slot = add(errors))))
        return; /* without memory, gg_client_errmsg gives "" */
    free(slot->message);
    slot->client_serial = client_serial;
    slot->code = code;
    /* Without memory for the text, the code's own text stands in. */
    slot->message = message ? strdup(message) : NULL;
}

const char *last_error_get(unsigned long long client_serial)
{
    struct slot *slot = find(this_thread(0), client_serial);
    if (!slot)
        return "";
    return slot->message ? slot->message : gg_strerror(slot->code);
}
