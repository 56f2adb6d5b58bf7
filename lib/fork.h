/* fork() in a process that has clients: pre-fork servers (gunicorn
 * --preload, multiprocessing) fork after the first calls were made. Every
 * object whose locks or connections a child must not inherit registers
 * here; pthread_atfork then takes all their locks before the fork, so the
 * child never starts with a lock some vanished thread held, and lets each
 * object drop what the parent owns in the child. */
#ifndef GG_FORK_H
#define GG_FORK_H

/* Objects of a lower rank are locked first. A thread holding a lock of
 * some rank never waits for a lock of a lower one, so the order in which
 * the hooks lock cannot deadlock against any caller. */
enum fork_rank { FORK_RANK_CLIENT = 0, FORK_RANK_STORE = 1, FORK_RANK_RESULTS = 2 };

struct fork_watch {
    enum fork_rank rank;
    void *object;
    void (*prepare)(void *object); /* takes the object's locks */
    void (*parent)(void *object);  /* releases them */
    void (*child)(void *object);   /* releases them; drops what is the parent's */
    struct fork_watch *next;
};

/* 0, or -1 when the handlers could not be installed. */
int fork_watch_add(struct fork_watch *watch);
void fork_watch_remove(struct fork_watch *watch);

#endif
