/* Windows (MinGW-w64, winpthreads): no fork(), no eventfd; sockets are
 * SOCKETs, closed with closesocket. */
#include "platform.h"

#include <malloc.h>
#include <process.h>
#include <string.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

void platform_wipe(void *data, size_t size)
{
    SecureZeroMemory(data, size);
}

size_t platform_usable_size(void *block)
{
    return _msize(block);
}

long platform_pid(void)
{
    return (long)_getpid();
}

curl_socket_t platform_socket(int family, int type, int protocol)
{
    /* Not inherited by child processes (WSA_FLAG_NO_HANDLE_INHERIT). */
    SOCKET s = WSASocketW(family, type, protocol, NULL, 0,
                          WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    return s == INVALID_SOCKET ? CURL_SOCKET_BAD : s;
}

int platform_close_socket(curl_socket_t socket)
{
    return closesocket(socket);
}

bool platform_parse_ip(bool v6, const char *text, unsigned char *address)
{
    return inet_pton(v6 ? AF_INET6 : AF_INET, text, address) == 1;
}

bool platform_can_wake(void)
{
    return false;
}

int platform_wake_new(void)
{
    return -1;
}

void platform_wake_signal(int fd)
{
    (void)fd;
}

void platform_wake_drain(int fd)
{
    (void)fd;
}

void platform_wake_free(int fd)
{
    (void)fd;
}

/* winpthreads' reader/writer locks take no such setting. */
void platform_prefer_writers(pthread_rwlockattr_t *attr)
{
    (void)attr;
}

int platform_at_fork(void (*prepare)(void), void (*parent)(void), void (*child)(void))
{
    (void)prepare;
    (void)parent;
    (void)child;
    return 0;
}
