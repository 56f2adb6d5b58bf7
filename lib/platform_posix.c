#define _GNU_SOURCE /* explicit_bzero, malloc_usable_size */
#include "platform.h"

#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

/* explicit_bzero runs at memset's speed; OPENSSL_cleanse, which it replaced,
 * went byte by byte and cost 2% of a call in libcurl's freed buffers. */
void platform_wipe(void *data, size_t size)
{
    explicit_bzero(data, size);
}

size_t platform_usable_size(void *block)
{
    return malloc_usable_size(block);
}

long platform_pid(void)
{
    return (long)getpid();
}

curl_socket_t platform_socket(int family, int type, int protocol)
{
    int fd = socket(family, type | SOCK_CLOEXEC, protocol);
    return fd >= 0 ? fd : CURL_SOCKET_BAD;
}

int platform_close_socket(curl_socket_t socket)
{
    return close(socket);
}

bool platform_parse_ip(bool v6, const char *text, unsigned char *address)
{
    return inet_pton(v6 ? AF_INET6 : AF_INET, text, address) == 1;
}

bool platform_can_wake(void)
{
    return true;
}

int platform_wake_new(void)
{
    return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

void platform_wake_signal(int fd)
{
    while (eventfd_write(fd, 1) != 0 && errno == EINTR)
        ;
}

void platform_wake_drain(int fd)
{
    eventfd_t ignored;
    eventfd_read(fd, &ignored);
}

void platform_wake_free(int fd)
{
    close(fd);
}

void platform_prefer_writers(pthread_rwlockattr_t *attr)
{
    pthread_rwlockattr_setkind_np(attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
}

int platform_at_fork(void (*prepare)(void), void (*parent)(void), void (*child)(void))
{
    return pthread_atfork(prepare, parent, child) == 0 ? 0 : -1;
}
