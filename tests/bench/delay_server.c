/* A portal far away, for make bench: answers every HTTP/1.1 request with a
 * documented authenticate body after DELAY_MS, on keep-alive connections,
 * thousands at once, on 127.0.0.1 only. Prints "listening on PORT", then
 * serves until killed.
 * usage: delay_server DELAY_MS */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_FDS 65536
#define BUFFER 8192

static const char body[] = "{\"success\":true,\"username\":\"LordSmatchington\",\"user_id\":1480702}";

struct connection {
    char in[BUFFER];
    size_t len;
    int answers_due; /* requests read and not yet answered */
    unsigned long generation; /* tells it from a later connection on the same fd */
};

/* Answers fall due in arrival order, since every one waits the same. */
struct due {
    long long at_ms;
    int fd;
    unsigned long generation;
};

static struct connection *connections[MAX_FDS];
static struct due *queue;
static size_t queue_head, queue_tail, queue_size = 1 << 20;
static unsigned long generations;

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void drop(int epoll, int fd)
{
    epoll_ctl(epoll, EPOLL_CTL_DEL, fd, NULL);
    close(fd);
    free(connections[fd]);
    connections[fd] = NULL;
}

/* Counts the whole requests in the buffer and keeps what follows them. */
static int take_requests(struct connection *c)
{
    int count = 0;
    for (;;) {
        char *end = memmem(c->in, c->len, "\r\n\r\n", 4);
        if (!end)
            return count;
        size_t head = (size_t)(end - c->in) + 4, body_len = 0;
        char *length = memmem(c->in, head, "Content-Length:", 15);
        if (length)
            body_len = strtoul(length + 15, NULL, 10);
        if (c->len < head + body_len)
            return count;
        memmove(c->in, c->in + head + body_len, c->len - head - body_len);
        c->len -= head + body_len;
        count++;
    }
}

int main(int argc, char **argv)
{
    int delay = argc > 1 ? atoi(argv[1]) : 50;
    queue = calloc(queue_size, sizeof *queue);
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t address_len = sizeof address;
    if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0 ||
        listen(listener, 4096) != 0 ||
        getsockname(listener, (struct sockaddr *)&address, &address_len) != 0) {
        perror("delay_server");
        return 1;
    }
    printf("listening on %d\n", ntohs(address.sin_port));
    fflush(stdout);
    int epoll = epoll_create1(0);
    struct epoll_event event = {.events = EPOLLIN, .data.fd = listener};
    epoll_ctl(epoll, EPOLL_CTL_ADD, listener, &event);
    char answer[512];
    int answer_len = snprintf(answer, sizeof answer,
                              "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                              "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
    struct epoll_event ready[256];
    for (;;) {
        int wait = -1;
        if (queue_head != queue_tail) {
            long long left = queue[queue_head % queue_size].at_ms - now_ms();
            wait = left > 0 ? (int)left : 0;
        }
        int n = epoll_wait(epoll, ready, 256, wait);
        for (int i = 0; i < n; i++) {
            int fd = ready[i].data.fd;
            if (fd == listener) {
                int client;
                while ((client = accept4(listener, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    if (client >= MAX_FDS) {
                        close(client);
                        continue;
                    }
                    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    connections[client] = calloc(1, sizeof **connections);
                    connections[client]->generation = ++generations;
                    struct epoll_event in = {.events = EPOLLIN, .data.fd = client};
                    epoll_ctl(epoll, EPOLL_CTL_ADD, client, &in);
                }
                continue;
            }
            struct connection *c = connections[fd];
            ssize_t got = read(fd, c->in + c->len, BUFFER - c->len);
            if (got <= 0 || (c->len += (size_t)got) == BUFFER) {
                drop(epoll, fd);
                continue;
            }
            for (int r = take_requests(c); r > 0; r--) {
                queue[queue_tail++ % queue_size] =
                    (struct due){now_ms() + delay, fd, c->generation};
                c->answers_due++;
            }
        }
        long long now = now_ms();
        while (queue_head != queue_tail && queue[queue_head % queue_size].at_ms <= now) {
            struct due due = queue[queue_head++ % queue_size];
            int fd = due.fd;
            if (connections[fd] && connections[fd]->generation == due.generation &&
                connections[fd]->answers_due > 0) {
                connections[fd]->answers_due--;
                if (write(fd, answer, (size_t)answer_len) != answer_len)
                    drop(epoll, fd);
            }
        }
    }
}
