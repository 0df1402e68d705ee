/*
 * rt-atomic-write DEVICE OFFSET LENGTH BYTE: one RWF_ATOMIC write (Linux 6.11) of LENGTH bytes of BYTE at OFFSET,
 * O_DIRECT, from one buffer, as a database writes a page it must not tear. Prints "ok" or the error and exits 0 or
 * 1. Built static by build-guest.sh for the kernel initiator guest, whose Debian 12 tools (fio 3.33, xfs_io 6.1) have
 * no RWF_ATOMIC writer; the flag is defined here because Debian 12's headers predate it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef RWF_ATOMIC
#define RWF_ATOMIC 0x00000040
#endif

int main(int argc, char **argv)
{
    if (argc != 5)
    {
        fprintf(stderr, "usage: %s DEVICE OFFSET LENGTH BYTE\n", argv[0]);
        return 2;
    }
    const off_t offset = strtoll(argv[2], NULL, 0);
    const size_t length = strtoull(argv[3], NULL, 0);
    const int byte = (int)strtol(argv[4], NULL, 0);
    const int fd = open(argv[1], O_RDWR | O_DIRECT);
    if (fd < 0)
    {
        printf("open: %s\n", strerror(errno));
        return 1;
    }
    void *buffer;
    if (posix_memalign(&buffer, 4096, length) != 0)
    {
        printf("posix_memalign failed\n");
        return 1;
    }
    memset(buffer, byte, length);
    struct iovec iov = { .iov_base = buffer, .iov_len = length };
    const ssize_t written = pwritev2(fd, &iov, 1, offset, RWF_ATOMIC);
    if (written < 0)
    {
        printf("pwritev2 RWF_ATOMIC: %s\n", strerror(errno));
        return 1;
    }
    if ((size_t)written != length)
    {
        printf("pwritev2 RWF_ATOMIC wrote %zd of %zu bytes\n", written, length);
        return 1;
    }
    printf("ok\n");
    return 0;
}
