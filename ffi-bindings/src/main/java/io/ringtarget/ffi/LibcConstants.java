package io.ringtarget.ffi;

/**
 * libc and kernel constants for x86_64 Linux (glibc 2.36, linux-libc-dev 6.1); every value is compared with the
 * C headers by {@code LayoutCheckTest}. Some differ on other architectures (e.g. O_DIRECT on arm64).
 */
public final class LibcConstants
{
    // <fcntl.h>
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0x40;
    public static final int O_EXCL = 0x80;
    public static final int O_TRUNC = 0x200;
    public static final int O_APPEND = 0x400;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_DSYNC = 0x1000;
    /** x86_64 value; arm64 uses 0x10000. */
    public static final int O_DIRECT = 0x4000;
    public static final int O_DIRECTORY = 0x10000;
    public static final int O_NOFOLLOW = 0x20000;
    public static final int O_CLOEXEC = 0x80000;
    public static final int O_SYNC = 0x101000;

    // <sys/file.h>
    public static final int LOCK_SH = 1;
    public static final int LOCK_EX = 2;
    public static final int LOCK_NB = 4;
    public static final int LOCK_UN = 8;

    // <linux/falloc.h>
    public static final int FALLOC_FL_KEEP_SIZE = 1;
    public static final int FALLOC_FL_PUNCH_HOLE = 2;
    public static final int FALLOC_FL_NO_HIDE_STALE = 4;
    public static final int FALLOC_FL_COLLAPSE_RANGE = 8;
    public static final int FALLOC_FL_ZERO_RANGE = 0x10;
    public static final int FALLOC_FL_INSERT_RANGE = 0x20;
    public static final int FALLOC_FL_UNSHARE_RANGE = 0x40;

    // <linux/fs.h> block device ioctls
    public static final long BLKGETSIZE64 = 0x80081272L;
    public static final long BLKSSZGET = 0x1268L;
    public static final long BLKPBSZGET = 0x127BL;
    public static final long BLKDISCARD = 0x1277L;
    public static final long BLKZEROOUT = 0x127FL;
    public static final long BLKFLSBUF = 0x1261L;

    // <linux/fs.h> preadv2/pwritev2 and io_uring rw_flags
    public static final int RWF_HIPRI = 1;
    /** Per-write O_DSYNC: the FUA of SBC-3 WRITE(10/16) maps to it. */
    public static final int RWF_DSYNC = 2;
    public static final int RWF_SYNC = 4;
    public static final int RWF_NOWAIT = 8;
    public static final int RWF_APPEND = 0x10;

    // <sys/stat.h>
    public static final int S_IFMT = 0xF000;
    public static final int S_IFREG = 0x8000;
    public static final int S_IFBLK = 0x6000;
    public static final int S_IFDIR = 0x4000;

    // <sys/socket.h>, <netinet/in.h>, <netinet/tcp.h>
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int IPPROTO_IPV6 = 41;
    /** IPV6_V6ONLY: 0 lets an AF_INET6 socket bound to :: accept IPv4 too (v4-mapped addresses), dual-stack. */
    public static final int IPV6_V6ONLY = 26;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_KEEPALIVE = 9;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_REUSEPORT = 15;
    public static final int IPPROTO_TCP = 6;
    public static final int TCP_NODELAY = 1;
    public static final int TCP_KEEPIDLE = 4;
    public static final int TCP_KEEPINTVL = 5;
    public static final int TCP_KEEPCNT = 6;
    public static final int TCP_USER_TIMEOUT = 18;
    public static final int TCP_INFO = 11;
    public static final int TCP_CONGESTION = 13;
    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;
    public static final int MSG_OOB = 1;
    public static final int MSG_PEEK = 2;
    public static final int MSG_TRUNC = 0x20;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_WAITALL = 0x100;
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final int MSG_MORE = 0x8000;
    public static final int MSG_ZEROCOPY = 0x4000000;

    // <errno.h>
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int ENXIO = 6;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENAMETOOLONG = 36;
    /** Same value as EAGAIN on Linux: what flock(LOCK_NB) answers when the lock is held. */
    public static final int EWOULDBLOCK = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int EFBIG = 27;
    public static final int ENOSPC = 28;
    /** librbd: a write refused because another client holds the image's exclusive lock. */
    public static final int EROFS = 30;
    public static final int EPIPE = 32;
    /** librados: an asserted object version is older than the object's (another client wrote it since). */
    public static final int ERANGE = 34;
    public static final int ENOSYS = 38;
    public static final int ENODATA = 61;
    /** librados: an asserted object version is newer than the object's. */
    public static final int EOVERFLOW = 75;
    /** librbd: a compare-and-write whose compare data differed from the medium (nothing written). */
    public static final int EILSEQ = 84;
    public static final int ETIME = 62;
    public static final int EBADFD = 77;
    public static final int ENOTSOCK = 88;
    public static final int EOPNOTSUPP = 95;
    public static final int EADDRINUSE = 98;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ECONNRESET = 104;
    public static final int ENOBUFS = 105;
    /** Ceph's EBLOCKLISTED: the client was blocklisted (fenced) by another that took its lock over. */
    public static final int ESHUTDOWN = 108;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int EALREADY = 114;
    /** No medium: a backstore's storage is gone (an rbd snapshot removed while served). */
    public static final int ENOMEDIUM = 123;
    public static final int EINPROGRESS = 115;
    public static final int ECANCELED = 125;

    // <sys/mman.h>
    public static final int PROT_NONE = 0;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    public static final int MAP_PRIVATE = 2;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_POPULATE = 0x8000;
    public static final int MAP_NORESERVE = 0x4000;
    public static final long MAP_FAILED = -1L;
    /** A private anonymous mapping's pages are freed; they read as zeros when next touched. */
    public static final int MADV_DONTNEED = 4;
    /** The range is to be backed by transparent huge pages where the system's setting allows (always, madvise). */
    public static final int MADV_HUGEPAGE = 14;
    /** The range is not to be backed by transparent huge pages, whatever the system's setting. */
    public static final int MADV_NOHUGEPAGE = 15;

    // <sys/eventfd.h>
    public static final int EFD_CLOEXEC = 0x80000;
    public static final int EFD_NONBLOCK = 0x800;

    /** INADDR_LOOPBACK in host order. */
    public static final int INADDR_LOOPBACK = 0x7F000001;

    private LibcConstants()
    {
    }
}
