package io.ringtarget.ring;

import io.ringtarget.ffi.ErrnoException;
import io.ringtarget.ffi.Errno;
import io.ringtarget.ffi.IoCqringOffsets;
import io.ringtarget.ffi.IoSqringOffsets;
import io.ringtarget.ffi.IoUringCqe;
import io.ringtarget.ffi.IoUringGeteventsArg;
import io.ringtarget.ffi.IoUringParams;
import io.ringtarget.ffi.IoUringSqe;
import io.ringtarget.ffi.IoUringSyscalls;
import io.ringtarget.ffi.KernelTimespec;
import io.ringtarget.ffi.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static io.ringtarget.ffi.IoUringConstants.*;
import static io.ringtarget.ffi.LibcConstants.*;

/**
 * One io_uring instance, driven by one thread.
 * <p>
 * The {@code prep*} methods write a 64-byte SQE straight into the mmapped SQ (no downcall, no allocation); when the
 * SQ is full they submit first, so they never fail for lack of room. {@link #submit()} and
 * {@link #submitAndWait(int, long)} publish the SQ tail with a release store and make one io_uring_enter(2) for the
 * whole batch. {@link #poll} reads CQEs between the acquired CQ tail and our head and hands them to a
 * {@link CompletionHandler} as primitives, releasing the head after each one.
 * <p>
 * Threading: not thread-safe. With SINGLE_ISSUER the ring is created disabled (IORING_SETUP_R_DISABLED) and enabled
 * by the first thread that enters it, which then owns it: the ring may be built on one thread and handed to its loop.
 * With DEFER_TASKRUN completions are only posted while the owner enters with GETEVENTS, which {@link #submit()} does
 * whenever the kernel flags pending task work (IORING_SQ_TASKRUN) and {@link #submitAndWait} always does.
 * <p>
 * Errors: setup and registration problems throw {@link ErrnoException}/{@link IllegalStateException};
 * submit/poll return {@code -errno}; use after {@link #close()} throws {@link IllegalStateException}.
 */
public final class Ring implements AutoCloseable
{
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    /** log2 of sizeof(struct io_uring_sqe) and of sizeof(struct io_uring_cqe): rings without SQE128/CQE32. */
    private static final int SQE_SHIFT = log2(IoUringSqe.SIZEOF);
    private static final int CQE_SHIFT = log2(IoUringCqe.SIZEOF);
    /** The SQ index array holds one __u32 per slot. */
    private static final long SQ_ARRAY_ENTRY_BYTES = ValueLayout.JAVA_INT.byteSize();
    private static final int MAX_FULL_SQ_FLUSHES = 1024;

    private final Arena arena;
    private final int ringFd;
    private final int setupFlags;
    private final int features;
    private final boolean deferTaskrun;
    private final boolean taskrunFlag;
    private final boolean sqPoll;
    private final OpcodeProbe opcodes;

    private final long sqRingAddress;
    private final long sqRingSize;
    private final long cqRingAddress;
    private final long cqRingSize;
    private final long sqesAddress;
    private final long sqesSize;
    private final MemorySegment sqRing;
    private final MemorySegment cqRing;
    private final MemorySegment sqes;
    private final long sqHeadOffset;
    private final long sqTailOffset;
    private final long sqFlagsOffset;
    private final long sqDroppedOffset;
    private final int sqMask;
    private final int sqEntries;
    private final long cqHeadOffset;
    private final long cqTailOffset;
    private final long cqOverflowOffset;
    private final long cqesOffset;
    private final int cqMask;
    private final int cqEntries;

    private final MemorySegment errnoState;
    private final MemorySegment getEventsArg;
    private final MemorySegment waitTimespec;
    private final long getEventsArgAddress;

    private int sqTail;
    private int sqHeadCache;
    private int cqHead;
    private boolean enabled;
    private boolean closed;
    private Thread issuer;

    private long enterCalls;
    private long sqFullFlushes;
    private long cqOverflowFlushes;

    /** A ring io_uring_setup returned ({@link RingSetup} calls it): maps its queues, probes its opcodes. */
    Ring(final Arena arena, final int ringFd, final MemorySegment params, final int setupFlags)
    {
        this.arena = arena;
        this.ringFd = ringFd;
        this.setupFlags = setupFlags;
        this.features = IoUringParams.features(params);
        this.deferTaskrun = (setupFlags & IORING_SETUP_DEFER_TASKRUN) != 0;
        this.taskrunFlag = (setupFlags & IORING_SETUP_TASKRUN_FLAG) != 0;
        this.sqPoll = (setupFlags & IORING_SETUP_SQPOLL) != 0;
        this.enabled = (setupFlags & IORING_SETUP_R_DISABLED) == 0;

        final MemorySegment sqOff = IoUringParams.sq_off(params);
        final MemorySegment cqOff = IoUringParams.cq_off(params);
        sqEntries = IoUringParams.sq_entries(params);
        cqEntries = IoUringParams.cq_entries(params);

        long sqSize = IoSqringOffsets.array(sqOff) + SQ_ARRAY_ENTRY_BYTES * sqEntries;
        long cqSize = IoCqringOffsets.cqes(cqOff) + ((long)cqEntries << CQE_SHIFT);
        final boolean singleMmap = (features & IORING_FEAT_SINGLE_MMAP) != 0;
        if (singleMmap)
        {
            sqSize = Math.max(sqSize, cqSize);
            cqSize = sqSize;
        }
        long sqAddr = 0;
        long cqAddr = 0;
        long sqesAddr = 0;
        try
        {
            sqAddr = Libc.check(Libc.mmap(0, sqSize, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
                ringFd, IORING_OFF_SQ_RING), "mmap(IORING_OFF_SQ_RING)");
            cqAddr = singleMmap ? sqAddr : Libc.check(Libc.mmap(0, cqSize, PROT_READ | PROT_WRITE,
                MAP_SHARED | MAP_POPULATE, ringFd, IORING_OFF_CQ_RING), "mmap(IORING_OFF_CQ_RING)");
            sqesAddr = Libc.check(Libc.mmap(0, (long)sqEntries << SQE_SHIFT, PROT_READ | PROT_WRITE,
                MAP_SHARED | MAP_POPULATE, ringFd, IORING_OFF_SQES), "mmap(IORING_OFF_SQES)");
        }
        catch (final RuntimeException ex)
        {
            if (sqesAddr > 0)
            {
                Libc.munmap(sqesAddr, (long)sqEntries << SQE_SHIFT);
            }
            if (cqAddr > 0 && cqAddr != sqAddr)
            {
                Libc.munmap(cqAddr, cqSize);
            }
            if (sqAddr > 0)
            {
                Libc.munmap(sqAddr, sqSize);
            }
            throw ex;
        }
        sqRingAddress = sqAddr;
        sqRingSize = sqSize;
        cqRingAddress = cqAddr;
        cqRingSize = cqSize;
        sqesAddress = sqesAddr;
        sqesSize = (long)sqEntries << SQE_SHIFT;
        // Bound to the arena: after close() any access throws IllegalStateException instead of touching unmapped memory.
        sqRing = MemorySegment.ofAddress(sqAddr).reinterpret(sqSize, arena, null);
        cqRing = singleMmap ? sqRing : MemorySegment.ofAddress(cqAddr).reinterpret(cqSize, arena, null);
        sqes = MemorySegment.ofAddress(sqesAddr).reinterpret(sqesSize, arena, null);

        sqHeadOffset = IoSqringOffsets.head(sqOff);
        sqTailOffset = IoSqringOffsets.tail(sqOff);
        sqFlagsOffset = IoSqringOffsets.flags(sqOff);
        sqDroppedOffset = IoSqringOffsets.dropped(sqOff);
        sqMask = sqRing.get(ValueLayout.JAVA_INT, IoSqringOffsets.ring_mask(sqOff));
        cqHeadOffset = IoCqringOffsets.head(cqOff);
        cqTailOffset = IoCqringOffsets.tail(cqOff);
        cqOverflowOffset = IoCqringOffsets.overflow(cqOff);
        cqesOffset = IoCqringOffsets.cqes(cqOff);
        cqMask = cqRing.get(ValueLayout.JAVA_INT, IoCqringOffsets.ring_mask(cqOff));

        // The SQ index array maps ring slot i to SQE i once and for all, so submitting is only a tail store.
        final long array = IoSqringOffsets.array(sqOff);
        for (int i = 0; i < sqEntries; i++)
        {
            sqRing.set(ValueLayout.JAVA_INT, array + SQ_ARRAY_ENTRY_BYTES * i, i);
        }
        sqTail = sqRing.get(ValueLayout.JAVA_INT, sqTailOffset);
        sqHeadCache = sqRing.get(ValueLayout.JAVA_INT, sqHeadOffset);
        cqHead = cqRing.get(ValueLayout.JAVA_INT, cqHeadOffset);

        errnoState = Libc.allocateErrnoState(arena);
        waitTimespec = arena.allocate(KernelTimespec.LAYOUT);
        getEventsArg = arena.allocate(IoUringGeteventsArg.LAYOUT);
        IoUringGeteventsArg.ts(getEventsArg, waitTimespec.address());
        getEventsArgAddress = getEventsArg.address();

        opcodes = OpcodeProbe.probe(arena, ringFd);
    }

    /**
     * Sets up a ring, trying SINGLE_ISSUER|DEFER_TASKRUN, then COOP_TASKRUN, then no task-run flags, each with and
     * without TASKRUN_FLAG and SUBMIT_ALL, and logs what it got ({@link RingSetup}).
     *
     * @throws ErrnoException when io_uring is unavailable (ENOSYS: no kernel support; EPERM: disabled by
     *                        kernel.io_uring_disabled or a seccomp policy).
     */
    public static Ring open(final RingConfig cfg)
    {
        return RingSetup.open(cfg);
    }

    /** One line: fd, sizes, setup flags and features in use, last opcode the kernel knows. */
    public String describe()
    {
        return "io_uring fd=" + ringFd + " sq=" + sqEntries + " cq=" + cqEntries + " setup=" +
            RingFlagNames.setupFlags(setupFlags) + " features=" + RingFlagNames.features(features) + " lastOp=" +
            opcodes.lastOp();
    }

    /** Whether the kernel supports this IORING_OP_* (IORING_REGISTER_PROBE). */
    public boolean supports(final int opcode)
    {
        return opcodes.supports(opcode);
    }

    public int setupFlags()
    {
        return setupFlags;
    }

    public int features()
    {
        return features;
    }

    public int ringFd()
    {
        return ringFd;
    }

    public int sqEntries()
    {
        return sqEntries;
    }

    public int cqEntries()
    {
        return cqEntries;
    }

    // ------------------------------------------------------------------------------------------------ preparation

    private long nextSqe()
    {
        final int tail = sqTail;
        if (tail - sqHeadCache >= sqEntries)
        {
            sqHeadCache = (int)INT.getAcquire(sqRing, sqHeadOffset);
            if (tail - sqHeadCache >= sqEntries)
            {
                flushFullSq();
            }
        }
        sqTail = tail + 1;
        return (long)(tail & sqMask) << SQE_SHIFT;
    }

    private void flushFullSq()
    {
        sqFullFlushes++;
        for (int i = 0; i < MAX_FULL_SQ_FLUSHES; i++)
        {
            final int r = submit();
            sqHeadCache = (int)INT.getAcquire(sqRing, sqHeadOffset);
            if (sqTail - sqHeadCache < sqEntries)
            {
                return;
            }
            if (r < 0 && r != -EAGAIN && r != -EBUSY && r != -EINTR)
            {
                throw new IllegalStateException("SQ full and io_uring_enter failed: " + Errno.describe(r));
            }
            Thread.onSpinWait();
        }
        throw new IllegalStateException("SQ full: the kernel accepted no SQE after " + MAX_FULL_SQ_FLUSHES + " submits");
    }

    /**
     * Writes all 64 bytes of the SQE as eight longs, so no field of a previous use survives; {@link SqeWords} places
     * each field at its {@link IoUringSqe} offset. Unions are written through their first member: {@code off} =
     * addr2, {@code addr} = splice_off_in, {@code rw_flags} = the op's flags (msg, fsync, accept, timeout, cancel...),
     * {@code buf_index} = buf_group, {@code splice_fd_in} = file_index; personality, addr3 and the pad are 0.
     */
    private void sqe(
        final int opcode, final int sqeFlags, final int ioprio, final int fd, final long off, final long addr,
        final int len, final int opFlags, final long userData, final int bufIndex, final int fileIndex)
    {
        final long o = nextSqe();
        final MemorySegment s = sqes;
        s.set(ValueLayout.JAVA_LONG, o + SqeWords.HEAD,
            (opcode & 0xFFL) << SqeWords.OPCODE_SHIFT | (sqeFlags & 0xFFL) << SqeWords.FLAGS_SHIFT |
            (ioprio & 0xFFFFL) << SqeWords.IOPRIO_SHIFT | (fd & 0xFFFF_FFFFL) << SqeWords.FD_SHIFT);
        s.set(ValueLayout.JAVA_LONG, o + SqeWords.OFF, off);
        s.set(ValueLayout.JAVA_LONG, o + SqeWords.ADDR, addr);
        s.set(ValueLayout.JAVA_LONG, o + SqeWords.LEN_FLAGS,
            (len & 0xFFFF_FFFFL) << SqeWords.LEN_SHIFT | (opFlags & 0xFFFF_FFFFL) << SqeWords.OP_FLAGS_SHIFT);
        s.set(ValueLayout.JAVA_LONG, o + SqeWords.USER_DATA, userData);
        s.set(ValueLayout.JAVA_LONG, o + SqeWords.BUF_FILE,
            (bufIndex & 0xFFFFL) << SqeWords.BUF_INDEX_SHIFT | (fileIndex & 0xFFFF_FFFFL) << SqeWords.FILE_INDEX_SHIFT);
        s.set(ValueLayout.JAVA_LONG, o + SqeWords.ADDR3, 0L);
        s.set(ValueLayout.JAVA_LONG, o + SqeWords.PAD2, 0L);
    }

    /** Sets IOSQE_* flags (e.g. IOSQE_IO_LINK) on the SQE prepared last; call right after its prep. */
    public void lastSqeFlags(final int sqeFlags)
    {
        final long o = (long)((sqTail - 1) & sqMask) << SQE_SHIFT;
        sqes.set(ValueLayout.JAVA_BYTE, o + IoUringSqe.flags$OFFSET, (byte)sqeFlags);
    }

    /** SQE slot {@code index} of the mapped SQE array, for tests that check the bytes a prep wrote (allocates). */
    MemorySegment sqeSlot(final int index)
    {
        return sqes.asSlice((long)(index & sqMask) << SQE_SHIFT, IoUringSqe.SIZEOF);
    }

    public void prepNop(final long userData)
    {
        sqe(IORING_OP_NOP, 0, 0, -1, 0, 0, 0, 0, userData, 0, 0);
    }

    public void prepRead(final int fd, final long bufAddress, final int len, final long offset, final long userData)
    {
        sqe(IORING_OP_READ, 0, 0, fd, offset, bufAddress, len, 0, userData, 0, 0);
    }

    /** @param rwFlags RWF_* flags, e.g. {@code RWF_DSYNC} for a FUA write (SBC-3 5.40). */
    public void prepWrite(final int fd, final long bufAddress, final int len, final long offset, final int rwFlags, final long userData)
    {
        sqe(IORING_OP_WRITE, 0, 0, fd, offset, bufAddress, len, rwFlags, userData, 0, 0);
    }

    /** READ_FIXED: the buffer must lie inside registered buffer {@code bufIndex}. */
    public void prepReadFixed(final int fd, final long bufAddress, final int len, final long offset, final int bufIndex, final long userData)
    {
        sqe(IORING_OP_READ_FIXED, 0, 0, fd, offset, bufAddress, len, 0, userData, bufIndex, 0);
    }

    public void prepWriteFixed(
        final int fd, final long bufAddress, final int len, final long offset, final int bufIndex, final int rwFlags, final long userData)
    {
        sqe(IORING_OP_WRITE_FIXED, 0, 0, fd, offset, bufAddress, len, rwFlags, userData, bufIndex, 0);
    }

    /** The iovec array must stay untouched until the SQE is submitted (IORING_FEAT_SUBMIT_STABLE). */
    public void prepReadv(final int fd, final long iovecAddress, final int iovCount, final long offset, final long userData)
    {
        sqe(IORING_OP_READV, 0, 0, fd, offset, iovecAddress, iovCount, 0, userData, 0, 0);
    }

    public void prepWritev(final int fd, final long iovecAddress, final int iovCount, final long offset, final int rwFlags, final long userData)
    {
        sqe(IORING_OP_WRITEV, 0, 0, fd, offset, iovecAddress, iovCount, rwFlags, userData, 0, 0);
    }

    public void prepFsync(final int fd, final boolean datasync, final long userData)
    {
        sqe(IORING_OP_FSYNC, 0, 0, fd, 0, 0, 0, datasync ? IORING_FSYNC_DATASYNC : 0, userData, 0, 0);
    }

    /** fallocate(2) as an SQE: the kernel reads mode from len and length from addr. */
    public void prepFallocate(final int fd, final int mode, final long offset, final long length, final long userData)
    {
        sqe(IORING_OP_FALLOCATE, 0, 0, fd, offset, length, mode, 0, userData, 0, 0);
    }

    /** ACCEPT of a new socket (SOCK_CLOEXEC); multishot posts one CQE (with F_MORE) per connection. */
    public void prepAccept(final int listenFd, final boolean multishot, final long userData)
    {
        sqe(IORING_OP_ACCEPT, 0, multishot ? IORING_ACCEPT_MULTISHOT : 0, listenFd, 0, 0, 0, SOCK_CLOEXEC, userData, 0, 0);
    }

    public void prepRecv(final int fd, final long bufAddress, final int len, final int msgFlags, final long userData)
    {
        sqe(IORING_OP_RECV, 0, 0, fd, 0, bufAddress, len, msgFlags, userData, 0, 0);
    }

    /**
     * Multishot RECV into buffers of a {@link ProvidedBufferRing} of group {@code bufGroup}: each CQE carries
     * IORING_CQE_F_BUFFER and the buffer id in {@code flags >>> 16}; without IORING_CQE_F_MORE the receive ended
     * (e.g. -ENOBUFS when the group ran dry) and must be re-armed.
     */
    public void prepRecvMultishot(final int fd, final int bufGroup, final int msgFlags, final long userData)
    {
        sqe(IORING_OP_RECV, IOSQE_BUFFER_SELECT, IORING_RECV_MULTISHOT, fd, 0, 0, 0, msgFlags, userData, bufGroup, 0);
    }

    public void prepSend(final int fd, final long bufAddress, final int len, final int msgFlags, final long userData)
    {
        sqe(IORING_OP_SEND, 0, 0, fd, 0, bufAddress, len, msgFlags, userData, 0, 0);
    }

    /**
     * Zero-copy SEND (6.0): the kernel sends from the pages of {@code bufAddress} without copying. Two CQEs come back
     * with this user_data: first the result (bytes sent or -errno) with IORING_CQE_F_MORE, then one with
     * IORING_CQE_F_NOTIF when the buffer may be reused (no notification follows a first CQE without F_MORE).
     * Measured worth it from 16 KiB up on loopback (docs/ring-io.md); use {@link #prepSend} for small sends.
     *
     * @param zcFlags IORING_RECVSEND_POLL_FIRST, or IORING_RECVSEND_FIXED_BUF with {@code bufIndex} a registered buffer.
     */
    public void prepSendZc(
        final int fd, final long bufAddress, final int len, final int msgFlags, final int zcFlags, final int bufIndex,
        final long userData)
    {
        sqe(IORING_OP_SEND_ZC, 0, zcFlags, fd, 0, bufAddress, len, msgFlags, userData, bufIndex, 0);
    }

    /** The msghdr and its iovecs must stay untouched until the SQE is submitted. */
    public void prepSendmsg(final int fd, final long msghdrAddress, final int msgFlags, final long userData)
    {
        sqe(IORING_OP_SENDMSG, 0, 0, fd, 0, msghdrAddress, 1, msgFlags, userData, 0, 0);
    }

    /**
     * TIMEOUT: completes with -ETIME when the {@code __kernel_timespec} at {@code timespecAddress} elapses, or with 0
     * after {@code count} other completions (0 = pure timer). The timespec must stay valid until submitted.
     */
    public void prepTimeout(final long timespecAddress, final int count, final int flags, final long userData)
    {
        sqe(IORING_OP_TIMEOUT, 0, 0, -1, count, timespecAddress, 1, flags, userData, 0, 0);
    }

    /**
     * LINK_TIMEOUT: bounds the SQE prepared just before it, which must carry IOSQE_IO_LINK
     * ({@code lastSqeFlags}). If that request is still running when the timespec elapses it is cancelled
     * (-ECANCELED) and this completes with -ETIME; otherwise this completes with -ECANCELED.
     */
    public void prepLinkTimeout(final long timespecAddress, final int flags, final long userData)
    {
        sqe(IORING_OP_LINK_TIMEOUT, 0, 0, -1, 0, timespecAddress, 1, flags, userData, 0, 0);
    }

    /** SHUTDOWN of a socket (SHUT_RD/SHUT_WR/SHUT_RDWR), e.g. to end a connection before closing it. */
    public void prepShutdown(final int fd, final int how, final long userData)
    {
        sqe(IORING_OP_SHUTDOWN, 0, 0, fd, 0, 0, how, 0, userData, 0, 0);
    }

    /** ASYNC_CANCEL of the request(s) with {@code targetUserData} (IORING_ASYNC_CANCEL_* flags). */
    public void prepCancel(final long targetUserData, final int flags, final long userData)
    {
        sqe(IORING_OP_ASYNC_CANCEL, 0, 0, -1, 0, targetUserData, 0, flags, userData, 0, 0);
    }

    public void prepClose(final int fd, final long userData)
    {
        sqe(IORING_OP_CLOSE, 0, 0, fd, 0, 0, 0, 0, userData, 0, 0);
    }

    /** Submission-queue entries written but not yet consumed by the kernel. */
    public int pendingSubmissions()
    {
        return sqTail - (int)INT.getAcquire(sqRing, sqHeadOffset);
    }

    // ------------------------------------------------------------------------------------------------ submission

    private int publishTail()
    {
        INT.setRelease(sqRing, sqTailOffset, sqTail);
        final int head = (int)INT.getAcquire(sqRing, sqHeadOffset);
        sqHeadCache = head;
        return sqTail - head;
    }

    /** Whether completions wait for us to enter with GETEVENTS (deferred task work, CQ overflow backlog). */
    private boolean needsGetEvents()
    {
        final int sqFlags = (int)INT.getAcquire(sqRing, sqFlagsOffset);
        if ((sqFlags & (IORING_SQ_TASKRUN | IORING_SQ_CQ_OVERFLOW)) != 0)
        {
            return true;
        }
        return deferTaskrun && !taskrunFlag;
    }

    private int enter(final int toSubmit, final int minComplete, final int flags, final long arg, final long argSize)
    {
        if (closed)
        {
            throw new IllegalStateException("Ring is closed");
        }
        if (!enabled)
        {
            enable();
        }
        enterCalls++;
        return IoUringSyscalls.enter(errnoState, ringFd, toSubmit, minComplete, flags, arg, argSize);
    }

    private void enable()
    {
        final int r = IoUringSyscalls.register(ringFd, IORING_REGISTER_ENABLE_RINGS, 0, 0);
        if (r < 0)
        {
            throw new ErrnoException("IORING_REGISTER_ENABLE_RINGS", -r);
        }
        enabled = true;
        issuer = Thread.currentThread();
    }

    /**
     * One io_uring_enter for every prepared SQE (and GETEVENTS when the kernel has completions waiting for us);
     * no system call when there is nothing to do.
     *
     * @return SQEs consumed by the kernel, or -errno.
     */
    public int submit()
    {
        if (closed)
        {
            throw new IllegalStateException("Ring is closed");
        }
        final int toSubmit = publishTail();
        int flags = needsGetEvents() ? IORING_ENTER_GETEVENTS : 0;
        if (sqPoll)
        {
            if (toSubmit > 0 && ((int)INT.getAcquire(sqRing, sqFlagsOffset) & IORING_SQ_NEED_WAKEUP) != 0)
            {
                flags |= IORING_ENTER_SQ_WAKEUP;
            }
            if (flags == 0)
            {
                return toSubmit;
            }
        }
        if (toSubmit == 0 && flags == 0)
        {
            return 0;
        }
        return enter(toSubmit, 0, flags, 0, 0);
    }

    /**
     * Submits and waits for at least {@code minComplete} completions, at most {@code timeoutNanos} when it is > 0
     * (IORING_ENTER_EXT_ARG, no timeout SQE needed). An expired wait or a signal returns 0, not an error.
     *
     * @return SQEs submitted, or -errno.
     */
    public int submitAndWait(final int minComplete, final long timeoutNanos)
    {
        if (closed)
        {
            throw new IllegalStateException("Ring is closed");
        }
        final int toSubmit = publishTail();
        int flags = IORING_ENTER_GETEVENTS;
        if (sqPoll && toSubmit > 0 && ((int)INT.getAcquire(sqRing, sqFlagsOffset) & IORING_SQ_NEED_WAKEUP) != 0)
        {
            flags |= IORING_ENTER_SQ_WAKEUP;
        }
        final int r;
        if (timeoutNanos > 0)
        {
            KernelTimespec.tv_sec(waitTimespec, timeoutNanos / 1_000_000_000L);
            KernelTimespec.tv_nsec(waitTimespec, timeoutNanos % 1_000_000_000L);
            r = enter(sqPoll ? 0 : toSubmit, minComplete, flags | IORING_ENTER_EXT_ARG, getEventsArgAddress,
                IoUringGeteventsArg.SIZEOF);
        }
        else
        {
            r = enter(sqPoll ? 0 : toSubmit, minComplete, flags, 0, 0);
        }
        return r == -ETIME || r == -EINTR ? 0 : r;
    }

    // ------------------------------------------------------------------------------------------------ completion

    /**
     * Reaps up to {@code limit} CQEs and hands each to {@code handler}. The CQ head is released before each call,
     * so a handler may prepare and submit more work. When the kernel flags a CQ overflow backlog, enters once with
     * GETEVENTS to flush it (IORING_FEAT_NODROP keeps those completions).
     *
     * @return CQEs handled.
     */
    public int poll(final CompletionHandler handler, final int limit)
    {
        final MemorySegment cq = cqRing;
        int head = cqHead;
        int tail = (int)INT.getAcquire(cq, cqTailOffset);
        int count = 0;
        while (count < limit)
        {
            if (head == tail)
            {
                if (((int)INT.getAcquire(sqRing, sqFlagsOffset) & IORING_SQ_CQ_OVERFLOW) == 0)
                {
                    break;
                }
                cqOverflowFlushes++;
                enter(0, 0, IORING_ENTER_GETEVENTS, 0, 0);
                tail = (int)INT.getAcquire(cq, cqTailOffset);
                if (head == tail)
                {
                    break;
                }
            }
            final long o = cqesOffset + ((long)(head & cqMask) << CQE_SHIFT);
            final long userData = cq.get(ValueLayout.JAVA_LONG, o + IoUringCqe.user_data$OFFSET);
            final int res = cq.get(ValueLayout.JAVA_INT, o + IoUringCqe.res$OFFSET);
            final int flags = cq.get(ValueLayout.JAVA_INT, o + IoUringCqe.flags$OFFSET);
            head++;
            cqHead = head;
            INT.setRelease(cq, cqHeadOffset, head);
            count++;
            handler.onCompletion(userData, res, flags);
            head = cqHead;
        }
        return count;
    }

    /** CQEs in the CQ not yet reaped. */
    public int readyCompletions()
    {
        return (int)INT.getAcquire(cqRing, cqTailOffset) - cqHead;
    }

    // ------------------------------------------------------------------------------------------------ registration

    /**
     * IORING_REGISTER_BUFFERS of {@code count} iovecs; returns 0 or -errno: ENOMEM when over RLIMIT_MEMLOCK, EEXIST
     * when called from another thread than the owner of an enabled SINGLE_ISSUER ring (every io_uring_register is
     * bound to the issuer once the ring is enabled; before the first submit any thread may register).
     */
    public int registerBuffers(final MemorySegment iovecArray, final int count)
    {
        checkOpen();
        return IoUringSyscalls.register(ringFd, IORING_REGISTER_BUFFERS, iovecArray.address(), count);
    }

    public void unregisterBuffers()
    {
        checkOpen();
        final int r = IoUringSyscalls.register(ringFd, IORING_UNREGISTER_BUFFERS, 0, 0);
        if (r < 0 && r != -ENXIO)
        {
            throw new ErrnoException("IORING_UNREGISTER_BUFFERS", -r);
        }
    }

    /** IORING_REGISTER_FILES of {@code count} ints (fds, or -1 for sparse slots); returns 0 or -errno. */
    public int registerFiles(final MemorySegment fdArray, final int count)
    {
        checkOpen();
        return IoUringSyscalls.register(ringFd, IORING_REGISTER_FILES, fdArray.address(), count);
    }

    public void unregisterFiles()
    {
        checkOpen();
        final int r = IoUringSyscalls.register(ringFd, IORING_UNREGISTER_FILES, 0, 0);
        if (r < 0 && r != -ENXIO)
        {
            throw new ErrnoException("IORING_UNREGISTER_FILES", -r);
        }
    }

    /** Any io_uring_register(2) opcode (for {@link ProvidedBufferRing}); returns the result or -errno. */
    public int register(final int opcode, final long arg, final int nrArgs)
    {
        checkOpen();
        return IoUringSyscalls.register(ringFd, opcode, arg, nrArgs);
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("Ring is closed");
        }
    }

    // ------------------------------------------------------------------------------------------------ counters

    public long enterCalls()
    {
        return enterCalls;
    }

    public long sqFullFlushes()
    {
        return sqFullFlushes;
    }

    public long cqOverflowFlushes()
    {
        return cqOverflowFlushes;
    }

    /** CQEs the kernel dropped for lack of room (only without IORING_FEAT_NODROP). */
    public int cqOverflowCount()
    {
        return (int)INT.getAcquire(cqRing, cqOverflowOffset);
    }

    /** SQEs the kernel dropped as invalid (bad index in the SQ array). */
    public int sqDropped()
    {
        return (int)INT.getAcquire(sqRing, sqDroppedOffset);
    }

    /** The thread that owns the ring (first to enter it), or null before that. */
    public Thread issuer()
    {
        return issuer;
    }

    public boolean isClosed()
    {
        return closed;
    }

    /** Unmaps the rings and closes the ring fd (which cancels in-flight requests). Idempotent. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        arena.close();
        Libc.munmap(sqesAddress, sqesSize);
        if (cqRingAddress != sqRingAddress)
        {
            Libc.munmap(cqRingAddress, cqRingSize);
        }
        Libc.munmap(sqRingAddress, sqRingSize);
        Libc.close(ringFd);
    }

    // ------------------------------------------------------------------------------------------------ naming

    private static int log2(final long structSize)
    {
        if (Long.bitCount(structSize) != 1)
        {
            throw new IllegalStateException("ring entry size is not a power of two: " + structSize);
        }
        return Long.numberOfTrailingZeros(structSize);
    }
}
