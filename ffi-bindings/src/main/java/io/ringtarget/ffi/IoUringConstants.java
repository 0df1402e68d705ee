package io.ringtarget.ffi;

/**
 * Constants of {@code <linux/io_uring.h>} (linux-libc-dev 6.1, see {@code jextract/headers.txt}); every value is
 * compared with the C header by {@code LayoutCheckTest}. Newer kernels keep these values (the uapi is stable).
 */
public final class IoUringConstants
{
    // syscall numbers on x86_64 (asm/unistd_64.h): io_uring has no glibc wrapper, so it goes through syscall(2).
    public static final int SYS_IO_URING_SETUP = 425;
    public static final int SYS_IO_URING_ENTER = 426;
    public static final int SYS_IO_URING_REGISTER = 427;

    // enum io_uring_op
    public static final int IORING_OP_NOP = 0;
    public static final int IORING_OP_READV = 1;
    public static final int IORING_OP_WRITEV = 2;
    public static final int IORING_OP_FSYNC = 3;
    public static final int IORING_OP_READ_FIXED = 4;
    public static final int IORING_OP_WRITE_FIXED = 5;
    public static final int IORING_OP_POLL_ADD = 6;
    public static final int IORING_OP_POLL_REMOVE = 7;
    public static final int IORING_OP_SYNC_FILE_RANGE = 8;
    public static final int IORING_OP_SENDMSG = 9;
    public static final int IORING_OP_RECVMSG = 10;
    public static final int IORING_OP_TIMEOUT = 11;
    public static final int IORING_OP_TIMEOUT_REMOVE = 12;
    public static final int IORING_OP_ACCEPT = 13;
    public static final int IORING_OP_ASYNC_CANCEL = 14;
    public static final int IORING_OP_LINK_TIMEOUT = 15;
    public static final int IORING_OP_CONNECT = 16;
    public static final int IORING_OP_FALLOCATE = 17;
    public static final int IORING_OP_OPENAT = 18;
    public static final int IORING_OP_CLOSE = 19;
    public static final int IORING_OP_FILES_UPDATE = 20;
    public static final int IORING_OP_STATX = 21;
    public static final int IORING_OP_READ = 22;
    public static final int IORING_OP_WRITE = 23;
    public static final int IORING_OP_FADVISE = 24;
    public static final int IORING_OP_MADVISE = 25;
    public static final int IORING_OP_SEND = 26;
    public static final int IORING_OP_RECV = 27;
    public static final int IORING_OP_OPENAT2 = 28;
    public static final int IORING_OP_EPOLL_CTL = 29;
    public static final int IORING_OP_SPLICE = 30;
    public static final int IORING_OP_PROVIDE_BUFFERS = 31;
    public static final int IORING_OP_REMOVE_BUFFERS = 32;
    public static final int IORING_OP_TEE = 33;
    public static final int IORING_OP_SHUTDOWN = 34;
    public static final int IORING_OP_RENAMEAT = 35;
    public static final int IORING_OP_UNLINKAT = 36;
    public static final int IORING_OP_MKDIRAT = 37;
    public static final int IORING_OP_SYMLINKAT = 38;
    public static final int IORING_OP_LINKAT = 39;
    public static final int IORING_OP_MSG_RING = 40;
    public static final int IORING_OP_FSETXATTR = 41;
    public static final int IORING_OP_SETXATTR = 42;
    public static final int IORING_OP_FGETXATTR = 43;
    public static final int IORING_OP_GETXATTR = 44;
    public static final int IORING_OP_SOCKET = 45;
    public static final int IORING_OP_URING_CMD = 46;
    public static final int IORING_OP_SEND_ZC = 47;
    public static final int IORING_OP_SENDMSG_ZC = 48;
    /** One past the last opcode these headers know. */
    public static final int IORING_OP_LAST = 49;

    // io_uring_setup(2) flags
    public static final int IORING_SETUP_IOPOLL = 1;
    public static final int IORING_SETUP_SQPOLL = 1 << 1;
    public static final int IORING_SETUP_SQ_AFF = 1 << 2;
    public static final int IORING_SETUP_CQSIZE = 1 << 3;
    public static final int IORING_SETUP_CLAMP = 1 << 4;
    public static final int IORING_SETUP_ATTACH_WQ = 1 << 5;
    public static final int IORING_SETUP_R_DISABLED = 1 << 6;
    public static final int IORING_SETUP_SUBMIT_ALL = 1 << 7;
    public static final int IORING_SETUP_COOP_TASKRUN = 1 << 8;
    public static final int IORING_SETUP_TASKRUN_FLAG = 1 << 9;
    public static final int IORING_SETUP_SQE128 = 1 << 10;
    public static final int IORING_SETUP_CQE32 = 1 << 11;
    public static final int IORING_SETUP_SINGLE_ISSUER = 1 << 12;
    public static final int IORING_SETUP_DEFER_TASKRUN = 1 << 13;

    // io_uring_enter(2) flags
    public static final int IORING_ENTER_GETEVENTS = 1;
    public static final int IORING_ENTER_SQ_WAKEUP = 1 << 1;
    public static final int IORING_ENTER_SQ_WAIT = 1 << 2;
    public static final int IORING_ENTER_EXT_ARG = 1 << 3;
    public static final int IORING_ENTER_REGISTERED_RING = 1 << 4;

    // io_uring_register(2) opcodes
    public static final int IORING_REGISTER_BUFFERS = 0;
    public static final int IORING_UNREGISTER_BUFFERS = 1;
    public static final int IORING_REGISTER_FILES = 2;
    public static final int IORING_UNREGISTER_FILES = 3;
    public static final int IORING_REGISTER_EVENTFD = 4;
    public static final int IORING_UNREGISTER_EVENTFD = 5;
    public static final int IORING_REGISTER_FILES_UPDATE = 6;
    public static final int IORING_REGISTER_EVENTFD_ASYNC = 7;
    public static final int IORING_REGISTER_PROBE = 8;
    public static final int IORING_REGISTER_PERSONALITY = 9;
    public static final int IORING_UNREGISTER_PERSONALITY = 10;
    public static final int IORING_REGISTER_RESTRICTIONS = 11;
    public static final int IORING_REGISTER_ENABLE_RINGS = 12;
    public static final int IORING_REGISTER_FILES2 = 13;
    public static final int IORING_REGISTER_FILES_UPDATE2 = 14;
    public static final int IORING_REGISTER_BUFFERS2 = 15;
    public static final int IORING_REGISTER_BUFFERS_UPDATE = 16;
    public static final int IORING_REGISTER_IOWQ_AFF = 17;
    public static final int IORING_UNREGISTER_IOWQ_AFF = 18;
    public static final int IORING_REGISTER_IOWQ_MAX_WORKERS = 19;
    public static final int IORING_REGISTER_RING_FDS = 20;
    public static final int IORING_UNREGISTER_RING_FDS = 21;
    public static final int IORING_REGISTER_PBUF_RING = 22;
    public static final int IORING_UNREGISTER_PBUF_RING = 23;
    public static final int IORING_REGISTER_SYNC_CANCEL = 24;
    public static final int IORING_REGISTER_FILE_ALLOC_RANGE = 25;

    // io_uring_params.features
    public static final int IORING_FEAT_SINGLE_MMAP = 1;
    public static final int IORING_FEAT_NODROP = 1 << 1;
    public static final int IORING_FEAT_SUBMIT_STABLE = 1 << 2;
    public static final int IORING_FEAT_RW_CUR_POS = 1 << 3;
    public static final int IORING_FEAT_CUR_PERSONALITY = 1 << 4;
    public static final int IORING_FEAT_FAST_POLL = 1 << 5;
    public static final int IORING_FEAT_POLL_32BITS = 1 << 6;
    public static final int IORING_FEAT_SQPOLL_NONFIXED = 1 << 7;
    public static final int IORING_FEAT_EXT_ARG = 1 << 8;
    public static final int IORING_FEAT_NATIVE_WORKERS = 1 << 9;
    public static final int IORING_FEAT_RSRC_TAGS = 1 << 10;
    public static final int IORING_FEAT_CQE_SKIP = 1 << 11;
    public static final int IORING_FEAT_LINKED_FILE = 1 << 12;

    // io_uring_sqe.flags
    public static final int IOSQE_FIXED_FILE = 1;
    public static final int IOSQE_IO_DRAIN = 1 << 1;
    public static final int IOSQE_IO_LINK = 1 << 2;
    public static final int IOSQE_IO_HARDLINK = 1 << 3;
    public static final int IOSQE_ASYNC = 1 << 4;
    public static final int IOSQE_BUFFER_SELECT = 1 << 5;
    public static final int IOSQE_CQE_SKIP_SUCCESS = 1 << 6;

    // io_uring_cqe.flags
    public static final int IORING_CQE_F_BUFFER = 1;
    public static final int IORING_CQE_F_MORE = 1 << 1;
    public static final int IORING_CQE_F_SOCK_NONEMPTY = 1 << 2;
    public static final int IORING_CQE_F_NOTIF = 1 << 3;
    /** The buffer id of a provided buffer sits in the upper 16 bits of cqe.flags. */
    public static final int IORING_CQE_BUFFER_SHIFT = 16;

    // sq_ring flags
    public static final int IORING_SQ_NEED_WAKEUP = 1;
    public static final int IORING_SQ_CQ_OVERFLOW = 1 << 1;
    public static final int IORING_SQ_TASKRUN = 1 << 2;
    // cq_ring flags
    public static final int IORING_CQ_EVENTFD_DISABLED = 1;

    // mmap offsets
    public static final long IORING_OFF_SQ_RING = 0L;
    public static final long IORING_OFF_CQ_RING = 0x8000000L;
    public static final long IORING_OFF_SQES = 0x10000000L;

    // per-opcode flags
    public static final int IORING_FSYNC_DATASYNC = 1;
    public static final int IORING_TIMEOUT_ABS = 1;
    public static final int IORING_TIMEOUT_UPDATE = 1 << 1;
    public static final int IORING_TIMEOUT_BOOTTIME = 1 << 2;
    public static final int IORING_TIMEOUT_REALTIME = 1 << 3;
    public static final int IORING_LINK_TIMEOUT_UPDATE = 1 << 4;
    public static final int IORING_TIMEOUT_ETIME_SUCCESS = 1 << 5;
    public static final int IORING_ASYNC_CANCEL_ALL = 1;
    public static final int IORING_ASYNC_CANCEL_FD = 1 << 1;
    public static final int IORING_ASYNC_CANCEL_ANY = 1 << 2;
    public static final int IORING_ASYNC_CANCEL_FD_FIXED = 1 << 3;
    /** In sqe.ioprio of SEND/RECV: try the socket before arming poll. */
    public static final int IORING_RECVSEND_POLL_FIRST = 1;
    /** In sqe.ioprio of RECV: keep posting CQEs (with IORING_CQE_F_MORE) until an error or the buffers run out. */
    public static final int IORING_RECV_MULTISHOT = 1 << 1;
    public static final int IORING_RECVSEND_FIXED_BUF = 1 << 2;
    /** In sqe.ioprio of ACCEPT: one SQE, one CQE per accepted connection. */
    public static final int IORING_ACCEPT_MULTISHOT = 1;
    public static final int IORING_FILE_INDEX_ALLOC = ~0;
    public static final int IORING_RSRC_REGISTER_SPARSE = 1;
    /** io_uring_probe_op.flags: the opcode is supported. */
    public static final int IO_URING_OP_SUPPORTED = 1;

    private IoUringConstants()
    {
    }
}
