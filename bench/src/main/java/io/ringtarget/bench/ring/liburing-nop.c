/* The C twin of RingNopBenchmark: `batch` NOPs, one io_uring_submit_and_wait(batch), reap; on liburing 2.3.
 * Build and run: gcc -O2 -o /tmp/liburing-nop bench/src/main/java/io/ringtarget/bench/ring/liburing-nop.c -luring && /tmp/liburing-nop 32
 * Same ring flags as Ring.open's first choice (SINGLE_ISSUER|DEFER_TASKRUN|TASKRUN_FLAG|SUBMIT_ALL). */
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

int main(int argc, char **argv)
{
    int batch = argc > 1 ? atoi(argv[1]) : 1;
    struct io_uring ring;
    struct io_uring_params p = {0};
    p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_TASKRUN_FLAG | IORING_SETUP_SUBMIT_ALL;
    if (io_uring_queue_init_params(64, &ring, &p) < 0 && io_uring_queue_init(64, &ring, 0) < 0) { perror("init"); return 1; }
    unsigned long long sum = 0;
    for (int round = 0; round < 3; round++) {
        long iters = 2000000 / batch;
        double t0 = now();
        for (long it = 0; it < iters; it++) {
            for (int i = 0; i < batch; i++) { struct io_uring_sqe *sqe = io_uring_get_sqe(&ring); io_uring_prep_nop(sqe); sqe->user_data = i; }
            io_uring_submit_and_wait(&ring, batch);
            struct io_uring_cqe *cqe; unsigned head, n = 0;
            io_uring_for_each_cqe(&ring, head, cqe) { sum += cqe->user_data; n++; }
            io_uring_cq_advance(&ring, n);
        }
        double t1 = now();
        printf("batch=%d: %.1f ns per batch round trip (%ld rounds)\n", batch, (t1 - t0) * 1e9 / iters, iters);
    }
    io_uring_queue_exit(&ring);
    return sum == 0xFFFFFFFFFFFFFFFFULL;
}
