/*
 * What glibc's memcpy does with memory no cache holds, the copy a RAM LUN's write makes into the LUN:
 *
 *   copy-span into CHUNK_BYTES      one buffer copied into successive places of 1 GiB (a write into a RAM LUN)
 *   copy-span from CHUNK_BYTES      successive places of 1 GiB copied into one buffer, which is then read (a copied
 *                                   READ: the buffer goes to the socket at once)
 *
 * 8 GiB in all; prints GB/s (10^9 bytes per second). Run it with and without
 * GLIBC_TUNABLES=glibc.cpu.x86_non_temporal_threshold=0x8000 (bin/jvm-env.sh) to see what non-temporal stores
 * change; docs/benchmarks.md, 2026-12-02 11:20. Build: cc -O2 -o copy-span bench/scripts/copy-span.c
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SPAN (1UL << 30)
#define TOTAL (8UL << 30)

int main(int argc, char **argv)
{
    const size_t chunk = argc == 3 ? strtoul(argv[2], NULL, 0) : 0;
    const int into = argc == 3 && strcmp(argv[1], "into") == 0;
    if (argc != 3 || (!into && strcmp(argv[1], "from") != 0) || chunk < 64 || chunk > SPAN)
    {
        fprintf(stderr, "usage: copy-span into|from CHUNK_BYTES (64 .. 1 GiB)\n");
        return 2;
    }
    char *buffer = malloc(chunk);
    char *span = malloc(SPAN);
    if (buffer == NULL || span == NULL)
    {
        perror("malloc");
        return 1;
    }
    /* Every page written first: no page fault is measured. */
    memset(buffer, 1, chunk);
    memset(span, 2, SPAN);
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    unsigned long sum = 0;
    size_t offset = 0;
    for (size_t done = 0; done < TOTAL; done += chunk)
    {
        if (into)
        {
            memcpy(span + offset, buffer, chunk);
        }
        else
        {
            memcpy(buffer, span + offset, chunk);
            for (size_t i = 0; i < chunk; i += 64)
            {
                sum += (unsigned char)buffer[i];
            }
        }
        offset = offset + 2 * chunk > SPAN ? 0 : offset + chunk;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    const double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    printf("%s chunk=%zu gb_per_s=%.1f checksum=%lu\n", into ? "into" : "from", chunk, TOTAL / 1e9 / seconds,
        sum & 1);
    return 0;
}
