/* SEND versus SEND_ZC over TCP on 127.0.0.1 (io_uring, liburing 2.3): one connection, a reader thread draining it,
 * the sender keeping DEPTH sends of SIZE bytes in flight for SECONDS; prints GB/s. Decides whether Ring needs a
 * prepSendZc (docs/ring-io.md). Build: gcc -O2 -pthread -o /tmp/sendzc sendzc-loopback.c -luring
 * Run: /tmp/sendzc <size> <0=SEND|1=SEND_ZC> */
#include <liburing.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DEPTH 8
#define SECONDS 4

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static void *reader(void *arg) { int fd = *(int *)arg; static char buf[1 << 20]; while (read(fd, buf, sizeof buf) > 0) {} return NULL; }

int main(int argc, char **argv)
{
    size_t size = argc > 1 ? strtoul(argv[1], NULL, 0) : 65536;
    int zc = argc > 2 ? atoi(argv[2]) : 0;
    int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t al = sizeof a;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(l, (void *)&a, sizeof a) || listen(l, 1) || getsockname(l, (void *)&a, &al)) { perror("listen"); return 1; }
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(c, (void *)&a, sizeof a)) { perror("connect"); return 1; }
    int s = accept(l, NULL, NULL);
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    pthread_t t; pthread_create(&t, NULL, reader, &s);

    struct io_uring ring; io_uring_queue_init(64, &ring, 0);
    char *bufs = aligned_alloc(4096, DEPTH * size); memset(bufs, 7, DEPTH * size);
    int inflight = 0; long sent = 0; unsigned long next = 0;
    double t0 = now(), end = t0 + SECONDS;
    while (now() < end || inflight > 0) {
        while (inflight < DEPTH && now() < end) {
            struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
            char *b = bufs + (next % DEPTH) * size;
            if (zc) io_uring_prep_send_zc(sqe, c, b, size, MSG_NOSIGNAL, 0); else io_uring_prep_send(sqe, c, b, size, MSG_NOSIGNAL);
            sqe->user_data = next++; inflight++;
        }
        io_uring_submit_and_wait(&ring, 1);
        struct io_uring_cqe *cqe; unsigned head, n = 0;
        io_uring_for_each_cqe(&ring, head, cqe) {
            n++;
            if (zc && (cqe->flags & IORING_CQE_F_NOTIF)) { inflight--; continue; } /* buffer free again */
            if (cqe->res < 0) { fprintf(stderr, "send: %s\n", strerror(-cqe->res)); return 1; }
            sent += cqe->res;
            if (!zc) inflight--;
            else if (!(cqe->flags & IORING_CQE_F_MORE)) inflight--; /* no notification will follow */
        }
        io_uring_cq_advance(&ring, n);
    }
    double secs = now() - t0;
    printf("%s size=%zu: %.2f GB/s\n", zc ? "SEND_ZC" : "SEND   ", size, sent / secs / 1e9);
    shutdown(c, SHUT_WR); pthread_join(t, NULL);
    return 0;
}
