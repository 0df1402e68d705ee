package io.ringtarget.backstore.rbd;

import io.ringtarget.backstore.internal.AsideThread;
import io.ringtarget.ffi.Librbd;
import io.ringtarget.ring.EventLoop;
import io.ringtarget.ring.LoopTask;
import io.ringtarget.scsi.BlockDevice;
import io.ringtarget.scsi.ScsiTask;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.ringtarget.ffi.LibcConstants.EAGAIN;
import static io.ringtarget.ffi.LibcConstants.EFAULT;
import static io.ringtarget.ffi.LibcConstants.EILSEQ;
import static io.ringtarget.ffi.LibcConstants.EIO;
import static io.ringtarget.ffi.LibcConstants.ENOMEDIUM;
import static io.ringtarget.ffi.LibcConstants.EROFS;
import static io.ringtarget.ffi.LibcConstants.ESHUTDOWN;

/**
 * One event loop's handle of an RBD image: it starts librbd's asynchronous operations from the loop's thread, each
 * with a completion whose argument names this handle and the request's slot, and takes their results on the same
 * thread, either straight from the image's {@link RbdCompletions} (when this loop reads the image's eventfd) or from
 * its inbox, a single-producer ring buffer that loop fills. Requests live in slot arrays; nothing is allocated per
 * request on the Java side (librbd allocates its completion object).
 * <p>
 * SCSI mapping: FUA is the write followed by rbd_aio_flush (librbd's default cache acknowledges writes before they
 * are stored until the first flush, and writes around itself after: SBC-3 5.11's "written to the medium" needs the
 * flush); SYNCHRONIZE CACHE is rbd_aio_flush. UNMAP deallocates with rbd_aio_discard only where the range is aligned
 * to rbd_discard_granularity_bytes, since librbd leaves the unaligned parts of a discard as they were, and writes
 * zeros (rbd_aio_write_zeroes) otherwise: either way the range reads back as zeros, as LBPRZ=1 promises.
 * <p>
 * Writes wait (in order) while this process does not hold the image's exclusive lock, the first asking for a
 * takeover ({@link ExclusiveLock}); once the image was taken by another gateway every request fails with
 * ESHUTDOWN, which the logical unit answers NOT READY, LOGICAL UNIT NOT ACCESSIBLE (SPC-4 5.15.2.4.5), until the
 * image is opened again ({@link ImageReopen}), which waits until every loop's handle has said it has nothing in
 * flight on the fenced one ({@link #quiescedGeneration()}).
 */
final class RbdDevice implements BlockDevice, AsideThread.Requester
{
    static final int OP_READ = 1;
    static final int OP_WRITE = 2;
    static final int OP_FLUSH = 3;
    static final int OP_DISCARD = 4;
    static final int OP_WRITE_ZEROES = 5;
    /** The flush that makes a FUA write durable, on the write's slot. */
    static final int OP_FUA_FLUSH = 6;
    /** COMPARE AND WRITE in one OSD operation: the compare data at the slot's address, the write data after it. */
    static final int OP_COMPARE_AND_WRITE = 7;
    /** A read made once the image's lock is held, like a write ({@link #readForUpdate}). */
    static final int OP_READ_FOR_UPDATE = 8;
    /** The range librbd 16.2 compares and writes in one operation: one sector, not crossing a sector boundary. */
    static final int CAW_SECTOR = 512;

    /** Requests in flight on one loop at most: each has one inbox message at most, so the inbox never fills. */
    static final int MAX_SLOTS = 8192;
    private static final int INITIAL_SLOTS = 256;
    private static final int MSG_RESULT = 1;
    private static final int RESULT_LENGTH = Integer.BYTES + Long.BYTES;

    private final RbdBackstore backstore;
    private final EventLoop loop;
    private final int index;
    /** A snapshot's handle checks that it is still there (removed: NOT READY, MEDIUM NOT PRESENT). */
    private final boolean snapshot;
    private final Arena arena = Arena.ofShared();
    /** Where rbd_aio_create_completion writes the new completion (loop thread only). */
    private final MemorySegment completionOut = arena.allocate(ValueLayout.JAVA_LONG);
    private final long completionOutAddress = completionOut.address();
    /** Per slot, where librbd writes the offset of a compare-and-write's first differing byte. */
    private final MemorySegment mismatchOffsets = arena.allocate(ValueLayout.JAVA_LONG, MAX_SLOTS);
    private final long mismatchOffsetsAddress = mismatchOffsets.address();
    private final OneToOneRingBuffer inbox;
    private final AtomicBoolean inboxScheduled = new AtomicBoolean();
    private final LoopTask drainInbox = this::drainInbox;
    private final MessageHandler onInboxMessage = this::onInboxMessage;
    private final AtomicBoolean lockChangeScheduled = new AtomicBoolean();
    private final LoopTask onLockChange = this::retryWaitingWrites;

    private ScsiTask[] tasks = new ScsiTask[INITIAL_SLOTS];
    private int[] ops = new int[INITIAL_SLOTS];
    private long[] offsets = new long[INITIAL_SLOTS];
    private long[] lengths = new long[INITIAL_SLOTS];
    private long[] addresses = new long[INITIAL_SLOTS];
    private boolean[] fua = new boolean[INITIAL_SLOTS];
    private int[] free = new int[INITIAL_SLOTS];
    private int freeCount;
    /** Writes (and reads for update) waiting for the exclusive lock, oldest first (a ring of slots). */
    private int[] waiting = new int[INITIAL_SLOTS];
    private int waitingHead;
    private int waitingCount;
    private long errors;
    private long writesWaited;
    /** Requests librbd has and has not answered yet. */
    private int inFlight;
    /** The last fencing after which this handle had nothing in flight and so will start nothing on the old image. */
    private volatile long quiescedGeneration;

    RbdDevice(final RbdBackstore backstore, final EventLoop loop, final int index)
    {
        this.backstore = backstore;
        this.loop = loop;
        this.index = index;
        this.snapshot = backstore.spec().isSnapshot();
        final int capacity = Integer.highestOneBit(MAX_SLOTS * 32 - 1) << 1; // a 12-byte message takes 24 bytes
        this.inbox = new OneToOneRingBuffer(
            new UnsafeBuffer(ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH)));
        for (int i = INITIAL_SLOTS - 1; i >= 0; i--)
        {
            free[freeCount++] = i;
        }
    }

    EventLoop loop()
    {
        return loop;
    }

    long errors()
    {
        return errors;
    }

    long writesWaited()
    {
        return writesWaited;
    }

    long quiescedGeneration()
    {
        return quiescedGeneration;
    }

    public long blockCount()
    {
        return backstore.blockCount();
    }

    public int blockSize()
    {
        return backstore.blockSize();
    }

    public boolean supportsUnmap()
    {
        return backstore.supportsUnmap();
    }

    public boolean unmapReadsZeros()
    {
        return backstore.unmapReadsZeros();
    }

    public boolean readOnly()
    {
        return backstore.readOnly();
    }

    public boolean writeCacheEnabled()
    {
        return backstore.librbdCaches();
    }

    public void read(final ScsiTask task, final long byteOffset, final MemorySegment dst, final int length)
    {
        if (!dst.isNative() || dst.byteSize() < length)
        {
            task.onIoComplete(-EFAULT); // librbd needs real memory: a heap segment's address is not one
            return;
        }
        start(task, OP_READ, byteOffset, length, dst.address(), false);
    }

    /**
     * A read that waits for the image's exclusive lock as a write does: once this gateway holds it, another gateway's
     * writes are refused (it was blocklisted when the lock was taken over), so the write that follows this read in
     * COMPARE AND WRITE (longer than librbd's one-sector operation) or ORWRITE is made on what it read.
     */
    @Override
    public void readForUpdate(final ScsiTask task, final long byteOffset, final MemorySegment dst, final int length)
    {
        if (!dst.isNative() || dst.byteSize() < length)
        {
            task.onIoComplete(-EFAULT);
            return;
        }
        start(task, backstore.readOnly() ? OP_READ : OP_READ_FOR_UPDATE, byteOffset, length, dst.address(), false);
    }

    public void write(
        final ScsiTask task, final long byteOffset, final MemorySegment src, final int length, final boolean fua)
    {
        if (!src.isNative() || src.byteSize() < length)
        {
            task.onIoComplete(-EFAULT);
            return;
        }
        start(task, OP_WRITE, byteOffset, length, src.address(), fua);
    }

    /**
     * rbd_aio_compare_and_write, one OSD operation, so atomic against the image's other gateways too. librbd 16.2 takes
     * it within one 512-byte sector only (EINVAL otherwise, measured): a longer range is left to the logical unit
     * (false), as VMware's ATS sends one 512-byte block.
     */
    @Override
    public boolean compareAndWrite(
        final ScsiTask task, final long byteOffset, final MemorySegment src, final int length, final boolean fua)
    {
        if (byteOffset % CAW_SECTOR + length > CAW_SECTOR)
        {
            return false;
        }
        if (!src.isNative() || src.byteSize() < 2L * length)
        {
            task.onIoComplete(-EFAULT);
            return true;
        }
        start(task, OP_COMPARE_AND_WRITE, byteOffset, length, src.address(), fua);
        return true;
    }

    /** On the backstore's {@link AsideThread}: no loop waits for an OSD to answer. */
    @Override
    public void runAside(final ScsiTask task, final AsideWork work)
    {
        backstore.asideThread().submit(loop, task, work, this);
    }

    /** Nothing to count: an rbd backstore releases its handles whatever is in flight (Backstore.release). */
    @Override
    public void asideEnded()
    {
    }

    /** After the aside work handed over before it, on the same thread: a state file's fsync never holds the loop. */
    @Override
    public void saveAside(final Runnable save)
    {
        backstore.asideThread().submit(save);
    }

    public void flush(final ScsiTask task)
    {
        start(task, OP_FLUSH, 0, 0, 0, false);
    }

    public void unmap(final ScsiTask task, final long byteOffset, final long length)
    {
        if (length == 0)
        {
            task.onIoComplete(0);
            return;
        }
        final long granularity = backstore.discardGranularity();
        final boolean aligned = granularity > 0 && byteOffset % granularity == 0 && length % granularity == 0;
        start(task, aligned ? OP_DISCARD : OP_WRITE_ZEROES, byteOffset, length, 0, false);
    }

    private void start(
        final ScsiTask task, final int op, final long offset, final long length, final long address, final boolean fua)
    {
        final int slot = acquire(task);
        if (slot < 0)
        {
            errors++;
            task.onIoComplete(-EAGAIN);
            return;
        }
        ops[slot] = op;
        offsets[slot] = offset;
        lengths[slot] = length;
        addresses[slot] = address;
        this.fua[slot] = fua;
        if (snapshot && backstore.mediumGone())
        {
            complete(slot, -ENOMEDIUM);
            return;
        }
        if (op == OP_READ)
        {
            if (backstore.lockState() == ExclusiveLock.FENCED)
            {
                complete(slot, -ESHUTDOWN);
                return;
            }
            submit(slot);
            return;
        }
        startWrite(slot);
    }

    /** A write-type request: to librbd when the lock is ours, else it waits (and asks for the lock) or fails. */
    private void startWrite(final int slot)
    {
        if (backstore.readOnly())
        {
            // Never the lock: a flush goes to librbd (nothing to flush); the logical unit refuses writes first.
            if (ops[slot] != OP_FLUSH)
            {
                complete(slot, -EROFS);
            }
            else if (backstore.lockState() == ExclusiveLock.FENCED)
            {
                complete(slot, -ESHUTDOWN);
            }
            else
            {
                submit(slot);
            }
            return;
        }
        switch (backstore.lockState())
        {
            case ExclusiveLock.OWNER -> submit(slot);
            case ExclusiveLock.FENCED -> complete(slot, -ESHUTDOWN);
            default ->
            {
                writesWaited++;
                enqueueWaiting(slot);
                backstore.requestTakeover();
            }
        }
    }

    private void submit(final int slot)
    {
        final long arg = ((long)index << 32) | slot;
        // librbd 16.2 announces every request through the image's eventfd but compare-and-write: a callback for it.
        int r = ops[slot] == OP_COMPARE_AND_WRITE ?
            Librbd.aioCreateCompletion(arg, backstore.compareAndWriteCompletions().callback(), completionOutAddress) :
            Librbd.aioCreateCompletion(arg, completionOutAddress);
        if (r < 0)
        {
            complete(slot, r);
            return;
        }
        final long completion = completionOut.get(ValueLayout.JAVA_LONG, 0);
        final long image = backstore.imageHandle();
        r = switch (ops[slot])
        {
            case OP_READ, OP_READ_FOR_UPDATE ->
                Librbd.aioRead(image, offsets[slot], lengths[slot], addresses[slot], completion);
            case OP_WRITE -> Librbd.aioWrite(image, offsets[slot], lengths[slot], addresses[slot], completion);
            case OP_DISCARD -> Librbd.aioDiscard(image, offsets[slot], lengths[slot], completion);
            case OP_WRITE_ZEROES -> Librbd.aioWriteZeroes(image, offsets[slot], lengths[slot], completion);
            case OP_COMPARE_AND_WRITE -> Librbd.aioCompareAndWrite(image, offsets[slot], lengths[slot],
                addresses[slot], addresses[slot] + lengths[slot], completion,
                mismatchOffsetsAddress + (long)slot * Long.BYTES);
            default -> Librbd.aioFlush(image, completion);
        };
        if (r < 0)
        {
            Librbd.aioRelease(completion); // never started: never announced
            complete(slot, r);
            return;
        }
        inFlight++;
    }

    /**
     * The result of a request of this handle, on this handle's loop: from {@link RbdCompletions} directly when this
     * loop reads the eventfd, else from the inbox.
     */
    void onResult(final int slot, final long result)
    {
        inFlight--;
        takeResult(slot, result);
        if (inFlight == 0)
        {
            noteQuiesced();
        }
    }

    private void takeResult(final int slot, final long result)
    {
        final int op = ops[slot];
        if (result < 0)
        {
            if (result == -EILSEQ && op == OP_COMPARE_AND_WRITE)
            {
                // SBC-3 5.2: INFORMATION is the offset into the Data-Out. librbd 16.2 gives it from the start of the
                // request (measured); its sources suggest an image offset in other versions: both are read right.
                final long mismatch = mismatchOffsets.getAtIndex(ValueLayout.JAVA_LONG, slot);
                tasks[slot].miscompareAt(mismatch < lengths[slot] ? mismatch : mismatch - offsets[slot]);
                complete(slot, -EILSEQ);
                return;
            }
            if (result == -ESHUTDOWN)
            {
                backstore.blocklisted();
                complete(slot, -ESHUTDOWN);
                return;
            }
            if (result == -EROFS && op != OP_READ && op != OP_READ_FOR_UPDATE)
            {
                backstore.fencedOff();
                complete(slot, -ESHUTDOWN);
                return;
            }
            complete(slot, (int)result);
            return;
        }
        switch (op)
        {
            case OP_READ, OP_READ_FOR_UPDATE -> complete(slot, result == lengths[slot] ? (int)result : -EIO);
            case OP_WRITE, OP_COMPARE_AND_WRITE ->
            {
                if (fua[slot])
                {
                    ops[slot] = OP_FUA_FLUSH;
                    if (backstore.lockState() == ExclusiveLock.FENCED)
                    {
                        complete(slot, -ESHUTDOWN); // not flushed: not acknowledged (nothing more goes to this image)
                        return;
                    }
                    submit(slot);
                    return;
                }
                complete(slot, (int)lengths[slot]);
            }
            case OP_FUA_FLUSH -> complete(slot, (int)lengths[slot]);
            default -> complete(slot, 0);
        }
    }

    /**
     * On this loop, with nothing in flight: when the image is fenced, nothing more will be started on its handle here
     * (every start sees the state first), so the reopen may replace it as far as this loop is concerned.
     */
    private void noteQuiesced()
    {
        if (backstore.lockState() == ExclusiveLock.FENCED)
        {
            final long generation = backstore.fencingGeneration();
            if (quiescedGeneration != generation)
            {
                quiescedGeneration = generation;
            }
        }
    }

    /**
     * Called on the loop that reads the eventfd for a request of this (other) loop: queue the result and make sure
     * this loop drains its inbox. The inbox holds at most one message per slot, so it has room.
     */
    void post(final int slot, final long result)
    {
        final int at = inbox.tryClaim(MSG_RESULT, RESULT_LENGTH);
        if (at < 0)
        {
            throw new IllegalStateException("rbd inbox full"); // cannot happen: sized for MAX_SLOTS messages
        }
        final org.agrona.concurrent.AtomicBuffer buffer = inbox.buffer();
        buffer.putInt(at, slot);
        buffer.putLong(at + Integer.BYTES, result);
        inbox.commit(at);
        if (!inboxScheduled.getAndSet(true))
        {
            loop.offer(drainInbox);
        }
    }

    private void drainInbox(final EventLoop l)
    {
        // Cleared before reading: a result posted after this read schedules another drain.
        inboxScheduled.set(false);
        // One read stops at the end of the buffer: after a wrap (a padding record there), the messages that follow
        // are at its start, and with nothing more in flight no later post would schedule another drain (a QD1
        // session hung at the first wrap, after 10923 results of 24 bytes in 256 KiB).
        inbox.read(onInboxMessage);
        inbox.read(onInboxMessage);
    }

    private void onInboxMessage(final int type, final DirectBuffer buffer, final int at, final int length)
    {
        onResult(buffer.getInt(at), buffer.getLong(at + Integer.BYTES));
    }

    /** The lock's state changed (lock thread): retry or fail the waiting writes on this loop. */
    void lockStateChanged()
    {
        if (!lockChangeScheduled.getAndSet(true))
        {
            loop.offer(onLockChange);
        }
    }

    private void retryWaitingWrites(final EventLoop l)
    {
        lockChangeScheduled.set(false);
        final int state = backstore.lockState();
        if (state == ExclusiveLock.TAKING_OVER)
        {
            return;
        }
        if (state == ExclusiveLock.FENCED && inFlight == 0)
        {
            noteQuiesced();
        }
        int n = waitingCount;
        while (n-- > 0)
        {
            final int slot = waiting[waitingHead];
            waitingHead = (waitingHead + 1) & (waiting.length - 1);
            waitingCount--;
            if (state == ExclusiveLock.NOT_OWNER)
            {
                complete(slot, backstore.takeoverError()); // the takeover failed (logged); the next one tries again
            }
            else
            {
                startWrite(slot);
            }
        }
    }

    private void enqueueWaiting(final int slot)
    {
        if (waitingCount == waiting.length)
        {
            final int[] grown = new int[waiting.length * 2];
            for (int i = 0; i < waitingCount; i++)
            {
                grown[i] = waiting[(waitingHead + i) & (waiting.length - 1)];
            }
            waiting = grown;
            waitingHead = 0;
        }
        waiting[(waitingHead + waitingCount) & (waiting.length - 1)] = slot;
        waitingCount++;
    }

    private void complete(final int slot, final int result)
    {
        final ScsiTask task = tasks[slot];
        tasks[slot] = null;
        free[freeCount++] = slot; // released first: the completion may start the next request
        loop.deviceIoCompleted();
        if (result < 0 && result != -EILSEQ) // a miscompare is the command's answer, not an error of the image
        {
            errors++;
        }
        task.onIoComplete(result);
    }

    private int acquire(final ScsiTask task)
    {
        if (freeCount == 0 && !grow())
        {
            return -1;
        }
        final int slot = free[--freeCount];
        tasks[slot] = task;
        loop.deviceIoStarted();
        return slot;
    }

    private boolean grow()
    {
        // More requests in flight than ever before on this loop: double once (not per command), up to MAX_SLOTS.
        final int n = tasks.length;
        if (n >= MAX_SLOTS)
        {
            return false;
        }
        tasks = Arrays.copyOf(tasks, 2 * n);
        ops = Arrays.copyOf(ops, 2 * n);
        offsets = Arrays.copyOf(offsets, 2 * n);
        lengths = Arrays.copyOf(lengths, 2 * n);
        addresses = Arrays.copyOf(addresses, 2 * n);
        fua = Arrays.copyOf(fua, 2 * n);
        free = Arrays.copyOf(free, 2 * n);
        for (int i = 2 * n - 1; i >= n; i--)
        {
            free[freeCount++] = i;
        }
        return true;
    }

    void close()
    {
        arena.close();
    }
}
