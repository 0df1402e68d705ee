/*
 * The floor under any target's CPU per QD1 request on this machine: a server that does nothing but one blocking
 * recv of a request and one send of the response over loopback TCP (no iSCSI, no storage, no event loop), against
 * a client that sends the next request when the response is in, as fio does at queue depth 1.
 *
 *   tcp-floor REQUEST_BYTES RESPONSE_BYTES COUNT [poll] [split]
 *   tcp-floor depth DEPTH REQUEST_BYTES RESPONSE_BYTES COUNT [split] [span SPAN_BYTES]
 *   tcp-floor stream MESSAGE_BYTES SECONDS [send-span|receive-span SPAN_BYTES]
 *   tcp-floor stalls SECONDS
 *
 * By default the server sleeps in recv until a request is in; with "poll" it spins on non-blocking recv instead
 * (no wake-up, but it is on the CPU all the time between requests). A server that mixes the two pays some of
 * each, so the lower of the two figures is the floor.
 *
 * With "split" the client makes each exchange as libiscsi (fio's iSCSI client) does: poll() before it sends and
 * before it waits, a request longer than a 48-byte iSCSI header as two sends (a WRITE's BHS, then its data), a
 * response longer than one as two receives (a Data-In's BHS, then its data). The server is unchanged; against the
 * plain client the difference is what that client's way of talking costs a server that does nothing (a polling one
 * is on the CPU while the client makes its extra calls).
 *
 * The server is this process, the client a forked child; both inherit the caller's CPU affinity (taskset), so the
 * harness's --pin-cpu applies. Prints key=value pairs, the client's line first:
 *
 *   round_trip_us=87.7 round_trip_p50_us=80.1 round_trip_p99_9_us=190.3
 *   request=48 response=4144 count=20000 mode=sleep server_cpu_us=33.90 server_switches=1.00
 *
 * server_cpu_us is the server's utime+stime per request (getrusage), round_trip_us the client's wall time per
 * request, server_switches its voluntary context switches per request; the client's p50 and p99.9 round trips
 * show the tail this machine adds to a server that does nothing. Both sides set TCP_NODELAY, as iSCSI
 * initiators and targets do.
 *
 * With "depth" the client keeps DEPTH requests outstanding, as fio does at QD32: it sends DEPTH at once, then one
 * more for each response that arrives (those of one recv in one send). The server receives whatever is in (one
 * blocking recv of up to 1 MiB) and answers every whole request in it with one send: the cheapest a server can
 * batch with plain syscalls, so server_cpu_us is the floor under a target's CPU per I/O at that depth. Prints the
 * client's line (requests_per_s, and the p50 and p99.9 of the time from a request's send to its whole response:
 * the tail this machine gives a server that does nothing, at that depth) and then
 *
 *   mode=depth depth=32 request=48 response=4144 count=200000 span=0 server_cpu_us=1.10 server_switches=0.05
 *
 * With "split" the client sends as libiscsi (fio's iSCSI client) does: each request on its own, and a request
 * longer than a 48-byte iSCSI header as two sends, the header and then the rest (a WRITE's BHS, then its data);
 * the server is unchanged, so the figure is the floor under a target's CPU per I/O for that client's pattern.
 *
 * With "span SPAN_BYTES" the server receives its requests into, and sends its responses from, successive places of
 * a span of that many bytes instead of one buffer: a target landing each write's data in a RAM LUN of that size and
 * sending each read's from it, where one buffer would stay in the CPU's caches. At 128 KiB this is the floor that
 * tells whether a write's CPU can be a read's: a write's data must be stored into memory, a read's only loaded.
 * The line then has span=SPAN_BYTES.
 *
 * With "stream" it measures the other limit, bandwidth: the client sends MESSAGE_BYTES messages back to back over
 * one connection for SECONDS (no answers, so nothing waits on a round trip) and the server receives them; the
 * figure is what one loopback TCP connection carries here, the ceiling of any target's large sequential
 * transfers. The server prints, after the client's line:
 *
 *   messages=9431
 *   mode=stream message=1048576 bytes=9889120256 seconds=3.00 mb_per_s=3296.4 server_cpu_pct=71.2
 *
 * mb_per_s is bytes received / 1e6 per second of the server's wall time from accept to end of stream (MB/s as fio
 * counts them), server_cpu_pct its utime+stime over that time (100 = one core).
 *
 * By default both sides reuse one buffer of MESSAGE_BYTES, which stays in the CPU's caches. A target's large
 * transfers do not: a sequential read sends from successive places of a LUN larger than any cache, a write stores
 * into them. With "send-span SPAN_BYTES" the client sends its messages from successive places of a buffer of
 * SPAN_BYTES (a read from a RAM LUN of that size), with "receive-span SPAN_BYTES" the server receives into
 * successive places of one (a write into it, received in place); the span is in 2 MiB pages where the kernel gives
 * them, as a RAM LUN's memory, and written once before the stream starts so that no page fault is measured.
 *
 * With "stalls" it measures no network at all but what the machine takes from a thread that never sleeps: one
 * process per CPU of its affinity, pinned there, reads the clock in a loop for SECONDS and counts the gaps of at
 * least 1 ms between two readings (the thread was off its CPU: another task, an interrupt, or a hypervisor that
 * descheduled the virtual CPU, which the guest's scheduler does not see). A target's commands in flight wait as long
 * when it happens to the CPU serving them, so at depth these gaps show in every target's tail. One line per CPU:
 *
 *   mode=stalls cpu=0 seconds=3.00 stalls_per_s=2.3 longest_ms=4.12 lost_pct=0.61
 *
 * lost_pct is the share of the time in gaps of 50 us or more. Built by run-bench.sh with cc; see
 * docs/benchmarks.md.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_MESSAGE (1 << 20)

static void die(const char *what)
{
    fprintf(stderr, "tcp-floor: %s: %s\n", what, strerror(errno));
    exit(1);
}

static long now_nanos(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

static int compare_longs(const void *a, const void *b)
{
    const long x = *(const long *)a;
    const long y = *(const long *)b;
    return (x > y) - (x < y);
}

static double rusage_us(const struct rusage *r)
{
    return r->ru_utime.tv_sec * 1e6 + r->ru_utime.tv_usec + r->ru_stime.tv_sec * 1e6 + r->ru_stime.tv_usec;
}

static void receive_fully(int fd, char *buf, int length, int flags)
{
    int got = 0;
    while (got < length)
    {
        const ssize_t r = recv(fd, buf + got, length - got, flags);
        if (r < 0 && (errno == EINTR || errno == EAGAIN))
        {
            continue;
        }
        if (r <= 0)
        {
            die("recv");
        }
        got += (int)r;
    }
}

static void send_fully(int fd, const char *buf, int length)
{
    int sent = 0;
    while (sent < length)
    {
        const ssize_t r = send(fd, buf + sent, length - sent, 0);
        if (r < 0 && errno == EINTR)
        {
            continue;
        }
        if (r <= 0)
        {
            die("send");
        }
        sent += (int)r;
    }
}

static void no_delay(int fd)
{
    const int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
    {
        die("TCP_NODELAY");
    }
}

static int listen_loopback(struct sockaddr_in *addr)
{
    const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener < 0)
    {
        die("socket");
    }
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr->sin_port = 0;                                  /* any free port */
    socklen_t addr_len = sizeof *addr;
    if (bind(listener, (struct sockaddr *)addr, sizeof *addr) != 0 || listen(listener, 1) != 0 ||
        getsockname(listener, (struct sockaddr *)addr, &addr_len) != 0)
    {
        die("bind/listen on 127.0.0.1");
    }
    return listener;
}

static int wait_client(pid_t client)
{
    int status = 0;
    if (waitpid(client, &status, 0) != client || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    {
        fprintf(stderr, "tcp-floor: client failed\n");
        return 0;
    }
    return 1;
}

/* A zeroed buffer of that many bytes. */
static char *zeroed_buffer(const long bytes)
{
    char *buf = calloc(1, bytes);
    if (buf == NULL)
    {
        die("calloc");
    }
    return buf;
}

/* A zeroed buffer of MAX_MESSAGE bytes, the most either side sends or receives at once. */
static char *message_buffer(void)
{
    return zeroed_buffer(MAX_MESSAGE);
}

/* The client's connection to the listener at addr, with Nagle off. */
static int connect_loopback(const struct sockaddr_in *addr)
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (const struct sockaddr *)addr, sizeof *addr) != 0)
    {
        die("connect");
    }
    no_delay(fd);
    return fd;
}

/* fork(2) for the client side: 0 in the child, its pid in this process. */
static pid_t fork_client(void)
{
    const pid_t pid = fork();
    if (pid < 0)
    {
        die("fork");
    }
    return pid;
}

/* The server's end of the client's connection, with Nagle off. */
static int accept_client(int listener)
{
    const int conn = accept(listener, NULL, NULL);
    if (conn < 0)
    {
        die("accept");
    }
    no_delay(conn);
    return conn;
}

/* One recv of up to length bytes, retried on EINTR: the bytes received, 0 at the end of the stream. */
static ssize_t recv_some(int fd, char *buf, size_t length)
{
    for (;;)
    {
        const ssize_t r = recv(fd, buf, length, 0);
        if (r >= 0)
        {
            return r;
        }
        if (errno != EINTR)
        {
            die("recv");
        }
    }
}

/*
 * A buffer of span bytes, every page written (a RAM LUN's memory once it has been filled), or NULL for span 0. In
 * 2 MiB transparent huge pages where the kernel gives them, as a RAM LUN's memory is by default (madvise: the host's
 * setting may be "madvise"); 4 KiB pages would add TLB misses that no LUN has.
 */
static char *span_buffer(const long span)
{
    if (span == 0)
    {
        return NULL;
    }
    void *mem = NULL;
    if (posix_memalign(&mem, 2L << 20, span) != 0)
    {
        die("posix_memalign");
    }
    madvise(mem, span, MADV_HUGEPAGE);   /* advice only: without THP the span is in 4 KiB pages, as before */
    memset(mem, 0x5a, span);
    return mem;
}

/*
 * One connection, MESSAGE_BYTES sends back to back for SECONDS, received whole: loopback TCP's bandwidth. A
 * send_span walks the client's sends through that many bytes, a receive_span the server's receives.
 */
static int stream(const int message, const int seconds, const long send_span, const long receive_span)
{
    struct sockaddr_in addr;
    const int listener = listen_loopback(&addr);
    char *buf = message_buffer();
    const pid_t client = fork_client();
    if (client == 0)
    {
        char *span = span_buffer(send_span);
        const int fd = connect_loopback(&addr);
        /* The server's go, once its own span is written: its page faults are not in the stream's time. */
        char go;
        if (recv(fd, &go, 1, MSG_WAITALL) != 1)
        {
            die("recv go");
        }
        const long end = now_nanos() + seconds * 1000000000L;
        long messages = 0;
        long offset = 0;
        while (now_nanos() < end)
        {
            if (span == NULL)
            {
                send_fully(fd, buf, message);
            }
            else
            {
                offset = offset + message > send_span ? 0 : offset;
                send_fully(fd, span + offset, message);
                offset += message;
            }
            messages++;
        }
        /* The end of the stream: the server counts until it sees it. */
        if (shutdown(fd, SHUT_WR) != 0)
        {
            die("shutdown");
        }
        printf("messages=%ld\n", messages);
        fflush(stdout);
        _exit(0);
    }

    /*
     * Written after the fork, which would have left its pages shared copy-on-write with the client (every receive
     * a page fault); the client waits for the go sent once it is written (on one host writing 1 GiB took longer
     * than the whole 3 s stream, which then measured its last hundredth of a second), and the clock starts then.
     */
    char *span = span_buffer(receive_span);
    const int conn = accept_client(listener);
    const char go = 1;
    if (send(conn, &go, 1, MSG_NOSIGNAL) != 1)
    {
        die("send go");
    }
    struct rusage before;
    struct rusage after;
    getrusage(RUSAGE_SELF, &before);
    const long start = now_nanos();
    long bytes = 0;
    long offset = 0;
    for (;;)
    {
        ssize_t r;
        if (span == NULL)
        {
            r = recv_some(conn, buf, MAX_MESSAGE);
        }
        else
        {
            offset = offset == receive_span ? 0 : offset;
            const long room = receive_span - offset;
            r = recv_some(conn, span + offset, room < MAX_MESSAGE ? room : MAX_MESSAGE);
            offset += r;
        }
        if (r <= 0)
        {
            break;
        }
        bytes += r;
    }
    const double elapsed = (now_nanos() - start) / 1e9;
    getrusage(RUSAGE_SELF, &after);
    if (!wait_client(client))
    {
        return 1;
    }
    printf("mode=stream message=%d send_span=%ld receive_span=%ld bytes=%ld seconds=%.2f mb_per_s=%.1f "
        "server_cpu_pct=%.1f\n", message, send_span, receive_span, bytes, elapsed, bytes / 1e6 / elapsed,
        (rusage_us(&after) - rusage_us(&before)) / 1e4 / elapsed);
    return 0;
}

#define BHS_BYTES 48

/* Sends n requests: all in one send, or with split each on its own, a longer one as its header and then the rest. */
static void send_requests(const int fd, const char *out, const int n, const int request, const int split)
{
    if (!split)
    {
        send_fully(fd, out, n * request);
        return;
    }
    for (int i = 0; i < n; i++)
    {
        if (request > BHS_BYTES)
        {
            send_fully(fd, out, BHS_BYTES);
            send_fully(fd, out, request - BHS_BYTES);
        }
        else
        {
            send_fully(fd, out, request);
        }
    }
}

/* poll(2) for one event on fd, as libiscsi's callers do before each send and each wait. */
static void poll_for(const int fd, const short events)
{
    struct pollfd p = { .fd = fd, .events = events };
    while (poll(&p, 1, -1) < 0)
    {
        if (errno != EINTR)
        {
            die("poll");
        }
    }
}

/* One QD1 exchange as libiscsi makes it ("split" above): poll, the request in two sends, poll, two receives. */
static void libiscsi_exchange(const int fd, char *buf, const int request, const int response)
{
    poll_for(fd, POLLOUT);
    send_requests(fd, buf, 1, request, 1);
    poll_for(fd, POLLIN);
    receive_fully(fd, buf, response > BHS_BYTES ? BHS_BYTES : response, 0);
    if (response > BHS_BYTES)
    {
        receive_fully(fd, buf, response - BHS_BYTES, 0);
    }
}

/*
 * DEPTH requests outstanding; the server answers each recv's whole requests with one send, receiving into and sending
 * from successive places of a span when span_bytes is not 0.
 */
static int depth(const int outstanding, const int request, const int response, const int count, const int split,
    const long span_bytes)
{
    struct sockaddr_in addr;
    const int listener = listen_loopback(&addr);
    /* Room for a whole window of requests or responses in one recv or send. */
    const long most = (long)outstanding * (request > response ? request : response);
    const long room = most > MAX_MESSAGE ? most : MAX_MESSAGE;
    char *buf = zeroed_buffer(room);
    char *out = zeroed_buffer(room);
    const pid_t client = fork_client();
    if (client == 0)
    {
        const int fd = connect_loopback(&addr);
        if (span_bytes != 0)
        {
            /* The server's go, once its span is written (as in stream). */
            char go;
            if (recv(fd, &go, 1, MSG_WAITALL) != 1)
            {
                die("recv go");
            }
        }
        /* When each request went out and how long it waited for its whole response (fio's completion latency). */
        long *sent_at = malloc(sizeof(long) * count);
        long *latency = malloc(sizeof(long) * count);
        if (sent_at == NULL || latency == NULL)
        {
            die("malloc");
        }
        const long start = now_nanos();
        int sent = outstanding < count ? outstanding : count;
        for (int i = 0; i < sent; i++)
        {
            sent_at[i] = start;
        }
        send_requests(fd, out, sent, request, split);
        long received = 0;
        while (received < (long)count * response)
        {
            const ssize_t r = recv_some(fd, buf, room);
            if (r == 0)
            {
                die("recv: the server closed");
            }
            const long now = now_nanos();
            const long before = received / response;
            received += r;
            for (long k = before; k < received / response; k++)
            {
                latency[k] = now - sent_at[k];
            }
            int more = (int)(received / response - before);
            if (more > count - sent)
            {
                more = count - sent;
            }
            if (more > 0)
            {
                for (int i = sent; i < sent + more; i++)
                {
                    sent_at[i] = now;
                }
                send_requests(fd, out, more, request, split);
                sent += more;
            }
        }
        const double seconds = (now_nanos() - start) / 1e9;
        qsort(latency, count, sizeof(long), compare_longs);
        printf("requests_per_s=%.0f latency_p50_us=%.1f latency_p99_9_us=%.1f\n", count / seconds,
            latency[count / 2] / 1000.0, latency[(int)(count * 0.999)] / 1000.0);
        fflush(stdout);
        _exit(0);
    }

    /*
     * Written after the fork, as in stream: written before, its pages would be shared copy-on-write with the client,
     * and the first receive into each would copy it (a 2 MiB page split into 4 KiB ones), which is no LUN's cost.
     */
    char *span = span_buffer(span_bytes);
    const int conn = accept_client(listener);
    if (span != NULL)
    {
        const char go = 1;
        if (send(conn, &go, 1, MSG_NOSIGNAL) != 1)
        {
            die("send go");
        }
    }
    struct rusage before;
    struct rusage after;
    getrusage(RUSAGE_SELF, &before);
    long pending = 0;
    int answered = 0;
    long received_at = 0;   /* where in the span the next recv and send go */
    long sent_from = 0;
    while (answered < count)
    {
        char *into = buf;
        if (span != NULL)
        {
            received_at = received_at + room > span_bytes ? 0 : received_at;
            into = span + received_at;
        }
        const ssize_t r = recv_some(conn, into, room);
        if (r == 0)
        {
            die("recv: the client closed");
        }
        received_at += r;
        pending += r;
        const int whole = (int)(pending / request);
        pending -= (long)whole * request;
        if (whole > 0)
        {
            const char *from = out;
            if (span != NULL)
            {
                sent_from = sent_from + (long)whole * response > span_bytes ? 0 : sent_from;
                from = span + sent_from;
                sent_from += (long)whole * response;
            }
            send_fully(conn, from, whole * response);
            answered += whole;
        }
    }
    getrusage(RUSAGE_SELF, &after);
    if (!wait_client(client))
    {
        return 1;
    }
    printf("mode=%s depth=%d request=%d response=%d count=%d span=%ld server_cpu_us=%.2f server_switches=%.2f\n",
        split ? "depth-split" : "depth", outstanding, request, response, count, span_bytes,
        (rusage_us(&after) - rusage_us(&before)) / count,
        (double)(after.ru_nvcsw - before.ru_nvcsw) / count);
    return 0;
}

/* A spinner on one CPU: the gaps in its clock readings are the time the machine took that CPU from it. */
static void spin_on(const int cpu, const double seconds)
{
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    if (sched_setaffinity(0, sizeof one, &one) != 0)
    {
        die("sched_setaffinity");
    }
    const long start = now_nanos();
    const long end = start + (long)(seconds * 1e9);
    long previous = start;
    long stalls = 0;
    long longest = 0;
    long lost = 0;
    for (long now = now_nanos(); now < end; now = now_nanos())
    {
        const long gap = now - previous;
        previous = now;
        if (gap >= 50000)
        {
            lost += gap;
            stalls += gap >= 1000000;
            longest = gap > longest ? gap : longest;
        }
    }
    const double elapsed = (previous - start) / 1e9;
    printf("mode=stalls cpu=%d seconds=%.2f stalls_per_s=%.1f longest_ms=%.2f lost_pct=%.2f\n", cpu, elapsed,
        stalls / elapsed, longest / 1e6, lost / 1e7 / elapsed);
    fflush(stdout);
}

/* One spinner per CPU of the caller's affinity, all at once (a machine whose every CPU is busy, as under load). */
static int stalls(const double seconds)
{
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0)
    {
        die("sched_getaffinity");
    }
    int children = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
    {
        if (!CPU_ISSET(cpu, &allowed))
        {
            continue;
        }
        const pid_t child = fork();
        if (child < 0)
        {
            die("fork");
        }
        if (child == 0)
        {
            spin_on(cpu, seconds);
            _exit(0);
        }
        children++;
    }
    int failed = 0;
    for (int i = 0; i < children; i++)
    {
        int status;
        if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        {
            failed = 1;
        }
    }
    return failed;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "stalls") == 0)
    {
        const double seconds = atof(argv[2]);
        if (seconds <= 0)
        {
            fprintf(stderr, "tcp-floor: SECONDS must be positive\n");
            return 2;
        }
        return stalls(seconds);
    }
    if (argc >= 6 && argc <= 9 && strcmp(argv[1], "depth") == 0)
    {
        const int outstanding = atoi(argv[2]);
        const int request = atoi(argv[3]);
        const int response = atoi(argv[4]);
        const int count = atoi(argv[5]);
        const int split = argc % 2 == 1 && strcmp(argv[6], "split") == 0;
        const int spans = argc >= 8 && strcmp(argv[argc - 2], "span") == 0;
        const long span = spans ? atol(argv[argc - 1]) : 0;
        const long most = (long)outstanding * (request > response ? request : response);
        if (outstanding < 1 || request < 1 || response < 1 || count < 1 || most > 64L * MAX_MESSAGE ||
            (argc % 2 == 1 && !split) || (argc >= 8 && (!spans || span < (most > MAX_MESSAGE ? most : MAX_MESSAGE))))
        {
            fprintf(stderr, "usage: tcp-floor depth DEPTH REQUEST_BYTES RESPONSE_BYTES COUNT [split] [span SPAN_BYTES]"
                            "\n(DEPTH times either size at most %d bytes, COUNT at least 1, a span at least 1 MiB "
                            "and a window of requests)\n", 64 * MAX_MESSAGE);
            return 2;
        }
        return depth(outstanding, request, response, count, split, span);
    }
    if ((argc == 4 || argc == 6) && strcmp(argv[1], "stream") == 0)
    {
        const int message = atoi(argv[2]);
        const int seconds = atoi(argv[3]);
        const int sends = argc == 6 && strcmp(argv[4], "send-span") == 0;
        const int receives = argc == 6 && strcmp(argv[4], "receive-span") == 0;
        const long span = argc == 6 ? atol(argv[5]) : 0;
        if (message < 1 || message > MAX_MESSAGE || seconds < 1 || (argc == 6 && !sends && !receives) ||
            (argc == 6 && span < message))
        {
            fprintf(stderr, "tcp-floor: MESSAGE_BYTES must be 1..%d, SECONDS at least 1, a span send-span or "
                            "receive-span of at least MESSAGE_BYTES\n", MAX_MESSAGE);
            return 2;
        }
        return stream(message, seconds, sends ? span : 0, receives ? span : 0);
    }
    const int poll_mode = argc >= 5 && strcmp(argv[4], "poll") == 0;
    const int split = argc == 5 + poll_mode && strcmp(argv[argc - 1], "split") == 0;
    if (argc != 4 + poll_mode + split)
    {
        fprintf(stderr, "usage: tcp-floor REQUEST_BYTES RESPONSE_BYTES COUNT [poll] [split]\n"
                        "       tcp-floor depth DEPTH REQUEST_BYTES RESPONSE_BYTES COUNT [split] [span SPAN_BYTES]\n"
                        "       tcp-floor stream MESSAGE_BYTES SECONDS [send-span|receive-span SPAN_BYTES]\n"
                        "       tcp-floor stalls SECONDS\n");
        return 2;
    }
    const int request = atoi(argv[1]);
    const int response = atoi(argv[2]);
    const int count = atoi(argv[3]);
    if (request < 1 || request > MAX_MESSAGE || response < 1 || response > MAX_MESSAGE || count < 1)
    {
        fprintf(stderr, "tcp-floor: sizes must be 1..%d bytes and COUNT at least 1\n", MAX_MESSAGE);
        return 2;
    }

    struct sockaddr_in addr;
    const int listener = listen_loopback(&addr);
    char *buf = message_buffer();

    const pid_t client = fork_client();
    if (client == 0)
    {
        const int fd = connect_loopback(&addr);
        long *trips = malloc(sizeof(long) * count);
        if (trips == NULL)
        {
            die("malloc");
        }
        const long start = now_nanos();
        for (int i = 0; i < count; i++)
        {
            const long sent = now_nanos();
            if (split)
            {
                libiscsi_exchange(fd, buf, request, response);
            }
            else
            {
                send_fully(fd, buf, request);
                receive_fully(fd, buf, response, 0);
            }
            trips[i] = now_nanos() - sent;
        }
        const double round_trip_us = (now_nanos() - start) / 1000.0 / count;
        qsort(trips, count, sizeof(long), compare_longs);
        printf("round_trip_us=%.1f round_trip_p50_us=%.1f round_trip_p99_9_us=%.1f\n", round_trip_us,
            trips[count / 2] / 1000.0, trips[(int)(count * 0.999)] / 1000.0);
        fflush(stdout);
        _exit(0);
    }

    const int conn = accept_client(listener);
    struct rusage before;
    struct rusage after;
    getrusage(RUSAGE_SELF, &before);
    for (int i = 0; i < count; i++)
    {
        receive_fully(conn, buf, request, poll_mode ? MSG_DONTWAIT : 0);
        send_fully(conn, buf, response);
    }
    getrusage(RUSAGE_SELF, &after);
    if (!wait_client(client))
    {
        return 1;
    }
    printf("request=%d response=%d count=%d mode=%s%s server_cpu_us=%.2f server_switches=%.2f\n", request,
        response, count, poll_mode ? "poll" : "sleep", split ? "-split" : "",
        (rusage_us(&after) - rusage_us(&before)) / count, (double)(after.ru_nvcsw - before.ru_nvcsw) / count);
    return 0;
}
