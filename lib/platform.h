/* What gamegate asks of the operating system beyond C11, POSIX threads
 * (winpthreads on Windows) and libcurl: one declaration each, with a POSIX
 * implementation (platform_posix.c) and a Windows one (platform_windows.c),
 * so that no other file tests which system it is built for. */
#ifndef GG_PLATFORM_H
#define GG_PLATFORM_H

#include <curl/curl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

/* Overwrites size bytes in a way the compiler may not drop. */
void platform_wipe(void *data, size_t size);
/* The bytes malloc gave block, at least what was asked for. */
size_t platform_usable_size(void *block);
/* This process's id: a forked child's differs from its parent's. */
long platform_pid(void);

/* A connection's socket, not inherited by programs the process executes;
 * CURL_SOCKET_BAD on failure. */
curl_socket_t platform_socket(int family, int type, int protocol);
int platform_close_socket(curl_socket_t socket);
/* Whether text is an IPv6 (v6) or IPv4 address, its bytes then in address
 * (16 bytes of room). */
bool platform_parse_ip(bool v6, const char *text, unsigned char *address);

/* A descriptor an event loop watches for reading, readable once signalled
 * until drained (an eventfd), or -1. Where platform_can_wake() is false
 * (Windows) there is none: gg_client_fd is then GG_EINVAL, and callers poll
 * gg_client_next_done. */
bool platform_can_wake(void);
int platform_wake_new(void);
void platform_wake_signal(int fd);
void platform_wake_drain(int fd);
void platform_wake_free(int fd);

/* Makes locks made with attr let a waiting writer in before new readers
 * (where the system can say so). */
void platform_prefer_writers(pthread_rwlockattr_t *attr);

/* pthread_atfork: 0, or -1 when the hooks could not be installed. Where
 * there is no fork() (Windows) there is nothing to hook: 0. */
int platform_at_fork(void (*prepare)(void), void (*parent)(void), void (*child)(void));

#endif
