#include "last_error.h"

#include "gamegate.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* The clients a thread used most recently; an older one reads as "". */
#define REMEMBERED_CLIENTS 8

struct slot {
    unsigned long long client_serial; /* 0: free */
    int code;
    char *message; /* NULL: the code's own text */
};

struct thread_errors {
    struct slot slots[REMEMBERED_CLIENTS];
    unsigned next; /* the slot to reuse when all are taken */
};

static pthread_key_t key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static int key_ready = -1;

static void release(void *data)
{
    struct thread_errors *errors = data;
    for (int i = 0; i < REMEMBERED_CLIENTS; i++)
        free(errors->slots[i].message);
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
    for (int i = 0; errors && i < REMEMBERED_CLIENTS; i++)
        if (errors->slots[i].client_serial == client_serial)
            return &errors->slots[i];
    return NULL;
}

void last_error_set(unsigned long long client_serial, int code, const char *message)
{
    struct thread_errors *errors = this_thread(code != GG_OK);
    struct slot *slot = find(errors, client_serial);
    if (!slot && code == GG_OK)
        return; /* "" already */
    if (!slot) {
        if (!errors)
            return; /* without memory, gg_client_errmsg gives "" */
        slot = find(errors, 0);
        if (!slot) {
            slot = &errors->slots[errors->next];
            errors->next = (errors->next + 1) % REMEMBERED_CLIENTS;
        }
    }
    free(slot->message);
    slot->client_serial = client_serial;
    slot->code = code;
    /* Without memory for the text, the code's own text stands in. */
    slot->message = code != GG_OK && message ? strdup(message) : NULL;
}

const char *last_error_get(unsigned long long client_serial)
{
    struct slot *slot = find(this_thread(0), client_serial);
    if (!slot || slot->code == GG_OK)
        return "";
    return slot->message ? slot->message : gg_strerror(slot->code);
}
