#include "fork.h"

#include "platform.h"

#include <pthread.h>
#include <stdbool.h>

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fork_watch *watches; /* sorted by rank */
static pthread_once_t handlers_once = PTHREAD_ONCE_INIT;
static bool handlers_installed;

static void before_fork(void)
{
    pthread_mutex_lock(&registry_lock);
    for (struct fork_watch *w = watches; w; w = w->next)
        w->prepare(w->object);
}

static void after_fork_in_parent(void)
{
    for (struct fork_watch *w = watches; w; w = w->next)
        w->parent(w->object);
    pthread_mutex_unlock(&registry_lock);
}

static void after_fork_in_child(void)
{
    for (struct fork_watch *w = watches; w; w = w->next)
        w->child(w->object);
    pthread_mutex_unlock(&registry_lock);
}

static void install_handlers(void)
{
    handlers_installed =
        platform_at_fork(before_fork, after_fork_in_parent, after_fork_in_child) == 0;
}

int fork_watch_add(struct fork_watch *watch)
{
    pthread_once(&handlers_once, install_handlers);
    if (!handlers_installed)
        return -1;
    pthread_mutex_lock(&registry_lock);
    struct fork_watch **slot = &watches;
    while (*slot && (*slot)->rank <= watch->rank)
        slot = &(*slot)->next;
    watch->next = *slot;
    *slot = watch;
    pthread_mutex_unlock(&registry_lock);
    return 0;
}

void fork_watch_remove(struct fork_watch *watch)
{
    pthread_mutex_lock(&registry_lock);
    for (struct fork_watch **slot = &watches; *slot; slot = &(*slot)->next)
        if (*slot == watch) {
            *slot = watch->next;
            break;
        }
    pthread_mutex_unlock(&registry_lock);
}
