/* drivers: compare libcurl multi drivers.
 * usage: drivers poll|socket URL N C
 * Runs N transfers of URL, C in flight, on one CURLM (CURLSH shares DNS and
 * SSL sessions, CURLMOPT_MAX_TOTAL_CONNECTIONS = C), re-adding each easy
 * handle after it completes until N are done.
 * Prints: MODE calls_per_s user_cpu_s sys_cpu_s failed */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static long n_total, started, done, failed;
static int epfd = -1;
static long long deadline_ms = -1; /* socket mode: -1 means no timer */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t discard(char *p, size_t s, size_t n, void *u)
{
    (void)p; (void)u;
    return s * n;
}

/* Counts finished transfers and puts each handle back while work remains. */
static void drain(CURLM *m)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(m, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        CURL *e = msg->easy_handle; /* msg dies with remove_handle */
        CURLcode rc = msg->data.result;
        long code = 0;
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
        if (rc != CURLE_OK || code != 200)
            failed++;
        done++;
        curl_multi_remove_handle(m, e);
        if (started < n_total) {
            started++;
            curl_multi_add_handle(m, e);
        }
    }
}

static int sock_cb(CURL *e, curl_socket_t s, int what, void *userp, void *socketp)
{
    (void)e;
    CURLM *m = userp;
    if (what == CURL_POLL_REMOVE) {
        if (socketp) {
            epoll_ctl(epfd, EPOLL_CTL_DEL, s, NULL); /* may already be closed */
            curl_multi_assign(m, s, NULL);
        }
        return 0;
    }
    struct epoll_event ev = {0};
    ev.data.fd = s;
    if (what & CURL_POLL_IN) ev.events |= EPOLLIN;
    if (what & CURL_POLL_OUT) ev.events |= EPOLLOUT;
    if (epoll_ctl(epfd, socketp ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, s, &ev) != 0) {
        if (errno == ENOENT) epoll_ctl(epfd, EPOLL_CTL_ADD, s, &ev);
        else if (errno == EEXIST) epoll_ctl(epfd, EPOLL_CTL_MOD, s, &ev);
    }
    if (!socketp)
        curl_multi_assign(m, s, (void *)1);
    return 0;
}

static int timer_cb(CURLM *m, long timeout_ms, void *userp)
{
    (void)m; (void)userp;
    deadline_ms = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
    return 0;
}

static void run_poll(CURLM *m)
{
    int running;
    while (done < n_total) {
        curl_multi_perform(m, &running);
        drain(m);
        if (done >= n_total)
            break;
        curl_multi_poll(m, NULL, 0, 1000, NULL);
    }
}

static void run_socket(CURLM *m)
{
    int running;
    struct epoll_event evs[1024];
    while (done < n_total) {
        int wait = 1000;
        if (deadline_ms >= 0) {
            long long left = deadline_ms - now_ms();
            wait = left <= 0 ? 0 : left < 1000 ? (int)left : 1000;
        }
        int n = epoll_wait(epfd, evs, 1024, wait);
        for (int i = 0; i < n; i++) {
            int f = 0;
            if (evs[i].events & EPOLLIN) f |= CURL_CSELECT_IN;
            if (evs[i].events & EPOLLOUT) f |= CURL_CSELECT_OUT;
            if (evs[i].events & (EPOLLERR | EPOLLHUP)) f |= CURL_CSELECT_ERR;
            curl_multi_socket_action(m, evs[i].data.fd, f, &running);
        }
        if (deadline_ms >= 0 && deadline_ms <= now_ms()) {
            deadline_ms = -1;
            curl_multi_socket_action(m, CURL_SOCKET_TIMEOUT, 0, &running);
        }
        drain(m);
    }
}

int main(int argc, char **argv)
{
    if (argc != 5 || (strcmp(argv[1], "poll") && strcmp(argv[1], "socket"))) {
        fprintf(stderr, "usage: %s poll|socket URL N C\n", argv[0]);
        return 2;
    }
    int socket_mode = !strcmp(argv[1], "socket");
    const char *url = argv[2];
    n_total = atol(argv[3]);
    long c = atol(argv[4]);
    if (n_total < 1 || c < 1) {
        fprintf(stderr, "N and C must be positive\n");
        return 2;
    }
    if (c > n_total) c = n_total;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURLSH *sh = curl_share_init();
    curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    CURLM *m = curl_multi_init();
    curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, c);
    if (socket_mode) {
        epfd = epoll_create1(EPOLL_CLOEXEC);
        curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, sock_cb);
        curl_multi_setopt(m, CURLMOPT_SOCKETDATA, m);
        curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, timer_cb);
    }
    CURL **easy = calloc((size_t)c, sizeof *easy);
    for (long i = 0; i < c; i++) {
        easy[i] = curl_easy_init();
        curl_easy_setopt(easy[i], CURLOPT_URL, url);
        curl_easy_setopt(easy[i], CURLOPT_SHARE, sh);
        curl_easy_setopt(easy[i], CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(easy[i], CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(easy[i], CURLOPT_TIMEOUT, 60L);
    }

    struct rusage r0, r1;
    getrusage(RUSAGE_SELF, &r0);
    double t0 = now_s();
    for (long i = 0; i < c; i++) {
        started++;
        curl_multi_add_handle(m, easy[i]);
    }
    if (socket_mode) run_socket(m); else run_poll(m);
    double t1 = now_s();
    getrusage(RUSAGE_SELF, &r1);

    double user = (r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) + (r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) / 1e6;
    double sys = (r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) + (r1.ru_stime.tv_usec - r0.ru_stime.tv_usec) / 1e6;
    printf("%s %.1f %.3f %.3f %ld\n", argv[1], n_total / (t1 - t0), user, sys, failed);

    for (long i = 0; i < c; i++) {
        curl_multi_remove_handle(m, easy[i]);
        curl_easy_cleanup(easy[i]);
    }
    free(easy);
    curl_multi_cleanup(m);
    curl_share_cleanup(sh);
    if (epfd >= 0) close(epfd);
    curl_global_cleanup();
    return 0;
}
