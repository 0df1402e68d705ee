package io.ringtarget.backstore;

import io.ringtarget.backstore.internal.AsideThread;
import io.ringtarget.backstore.internal.DiscardThread;
import io.ringtarget.backstore.internal.Lseek;
import io.ringtarget.ffi.Libc;
import io.ringtarget.ffi.Stat;
import io.ringtarget.ffi.Statvfs;
import io.ringtarget.ffi.Statx;
import io.ringtarget.ring.CompletionHandler;
import io.ringtarget.ring.EventLoop;
import io.ringtarget.ring.Ring;
import io.ringtarget.ring.UserData;
import io.ringtarget.scsi.BlockDevice;
import io.ringtarget.scsi.ScsiTask;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static io.ringtarget.ffi.LibcConstants.EINVAL;
import static io.ringtarget.ffi.LibcConstants.EIO;
import static io.ringtarget.ffi.LibcConstants.EOPNOTSUPP;
import static io.ringtarget.ffi.LibcConstants.FALLOC_FL_KEEP_SIZE;
import static io.ringtarget.ffi.LibcConstants.FALLOC_FL_PUNCH_HOLE;
import static io.ringtarget.ffi.LibcConstants.O_CLOEXEC;
import static io.ringtarget.ffi.LibcConstants.O_DIRECT;
import static io.ringtarget.ffi.LibcConstants.O_RDONLY;
import static io.ringtarget.ffi.LibcConstants.O_RDWR;
import static io.ringtarget.ffi.LibcConstants.RWF_DSYNC;

/**
 * One loop's handle on a {@link FileBackstore}: its own descriptors, registered as a completion owner of the loop;
 * in-flight requests live in slot arrays indexed by the user_data tag. Loop thread only.
 */
final class FileDevice implements BlockDevice, CompletionHandler, AsideThread.Requester
{
    static final int OP_READ = 1;
    static final int OP_WRITE = 2;
    static final int OP_FLUSH = 3;
    static final int OP_UNMAP = 4;
    private static final int INITIAL_SLOTS = 256;
    private static final int EFAULT = 14;

    private final FileBackstore backstore;
    private final EventLoop loop;
    private final Ring ring;
    private final int ownerId;
    private final int directFd;
    private final int bufferedFd;
    private ScsiTask[] tasks = new ScsiTask[INITIAL_SLOTS];
    private int[] fds = new int[INITIAL_SLOTS];
    private long[] offsets = new long[INITIAL_SLOTS];
    private long[] addresses = new long[INITIAL_SLOTS];
    private int[] remaining = new int[INITIAL_SLOTS];
    private int[] done = new int[INITIAL_SLOTS];
    private int[] rwFlags = new int[INITIAL_SLOTS];
    private int[] bufIndexes = new int[INITIAL_SLOTS];
    private int[] free = new int[INITIAL_SLOTS];
    private int freeCount;
    /** Tasks whose work runs on the aside thread, to complete on this loop: none while they do (release). */
    private int asideInFlight;
    private long completions;
    private long shortTransfers;
    private long bounced;
    private long errors;
    /** fstat/fstatvfs results for LOG SENSE (this loop's own). */
    private final MemorySegment stat = Arena.ofAuto().allocate(Stat.SIZEOF, 8);
    private final MemorySegment statvfs = Arena.ofAuto().allocate(Statvfs.SIZEOF, 8);

    FileDevice(final FileBackstore backstore, final EventLoop loop)
    {
        this.backstore = backstore;
        this.loop = loop;
        this.ring = loop.ring();
        final String path = backstore.path().toString();
        final int mode = (backstore.readOnly() ? O_RDONLY : O_RDWR) | O_CLOEXEC;
        bufferedFd = Libc.open(path, mode, 0);
        FileBackstore.check(bufferedFd, "open " + path);
        if (backstore.direct())
        {
            directFd = Libc.open(path, mode | O_DIRECT, 0);
            if (directFd < 0)
            {
                Libc.close(bufferedFd);
                FileBackstore.check(directFd, "open O_DIRECT " + path);
            }
        }
        else
        {
            directFd = bufferedFd;
        }
        for (int i = INITIAL_SLOTS - 1; i >= 0; i--)
        {
            free[freeCount++] = i;
        }
        ownerId = loop.registerOwner(this);
    }

    public long blockCount()
    {
        return backstore.blockCount(); // volatile: a live resize reaches the loops
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
        return true; // page cache and/or the device's cache: emptied by fdatasync
    }

    long completions()
    {
        return completions;
    }

    long shortTransfers()
    {
        return shortTransfers;
    }

    long bounced()
    {
        return bounced;
    }

    long errors()
    {
        return errors;
    }

    public void read(final ScsiTask task, final long byteOffset, final MemorySegment dst, final int length)
    {
        if (!dst.isNative() || dst.byteSize() < length)
        {
            task.onIoComplete(-EFAULT); // the kernel needs real memory: a heap segment's address is not one
            return;
        }
        final int slot = acquire(task);
        setUp(slot, byteOffset, dst.address(), length, 0);
        bufIndexes[slot] = task.fixedBufferIndex(dst.address(), length);
        submitRw(slot, OP_READ);
    }

    public void write(
        final ScsiTask task, final long byteOffset, final MemorySegment src, final int length, final boolean fua)
    {
        if (!src.isNative() || src.byteSize() < length)
        {
            task.onIoComplete(-EFAULT);
            return;
        }
        final int slot = acquire(task);
        // FUA (SBC-3 5.39): RWF_DSYNC makes this write durable before it completes, like a write + fdatasync.
        setUp(slot, byteOffset, src.address(), length, fua ? RWF_DSYNC : 0);
        bufIndexes[slot] = task.fixedBufferIndex(src.address(), length);
        submitRw(slot, OP_WRITE);
    }

    /**
     * RWF_ATOMIC (Linux 6.11) on the O_DIRECT descriptor, from the buffer's own address: the kernel takes an atomic
     * write only from one user buffer (a registered buffer's is refused, EINVAL), never in part, and never through
     * the page cache, so an unaligned one is refused here rather than bounced. Within the limits the backstore
     * declared ({@link FileBackstore#atomicWriteMaxBytes}), which the logical unit checked.
     */
    public void writeAtomic(
        final ScsiTask task, final long byteOffset, final MemorySegment src, final int length, final boolean fua)
    {
        if (!src.isNative() || src.byteSize() < length)
        {
            task.onIoComplete(-EFAULT);
            return;
        }
        if (!backstore.direct() || ((src.address() | byteOffset | length) & (backstore.alignment() - 1)) != 0)
        {
            task.onIoComplete(-EINVAL);
            return;
        }
        final int slot = acquire(task);
        setUp(slot, byteOffset, src.address(), length, Statx.RWF_ATOMIC | (fua ? RWF_DSYNC : 0));
        submitRw(slot, OP_WRITE); // bufIndexes[slot] stays -1: a plain WRITE
    }

    /** On the backstore's {@link AsideThread}: an fsync never holds the loop. */
    @Override
    public void runAside(final ScsiTask task, final AsideWork work)
    {
        asideInFlight++;
        backstore.asideThread().submit(loop, task, work, this);
    }

    /** On the loop, before the task completes. */
    @Override
    public void asideEnded()
    {
        asideInFlight--;
    }

    /** After the aside work handed over before it, on the same thread: a state file's fsync never holds the loop. */
    @Override
    public void saveAside(final Runnable save)
    {
        backstore.asideThread().submit(save);
    }

    public void flush(final ScsiTask task)
    {
        final int slot = acquire(task);
        ring.prepFsync(directFd, true, UserData.pack(ownerId, OP_FLUSH, slot));
    }

    public void unmap(final ScsiTask task, final long byteOffset, final long length)
    {
        if (length == 0)
        {
            task.onIoComplete(0); // nothing to deallocate; fallocate would answer EINVAL
            return;
        }
        final int slot = acquire(task);
        offsets[slot] = byteOffset;
        addresses[slot] = length;
        if (backstore.discardFallback())
        {
            discard(slot);
            return;
        }
        ring.prepFallocate(directFd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, byteOffset, length,
            UserData.pack(ownerId, OP_UNMAP, slot));
    }

    public long mappedExtent(final long byteOffset)
    {
        final long size = backstore.blockCount() * backstore.blockSize();
        if (backstore.kind() != FileBackstore.Kind.FILEIO)
        {
            return size - byteOffset;
        }
        final long data = Lseek.lseek(bufferedFd, byteOffset, Lseek.SEEK_DATA);
        if (data < 0)
        {
            // ENXIO: no data at or after the offset, a hole to the end. Other errors: say mapped.
            return data == -6 ? -(size - byteOffset) : size - byteOffset;
        }
        if (data > byteOffset)
        {
            return -(Math.min(data, size) - byteOffset);
        }
        final long hole = Lseek.lseek(bufferedFd, byteOffset, Lseek.SEEK_HOLE);
        return hole < 0 ? size - byteOffset : Math.min(hole, size) - byteOffset;
    }

    /**
     * The Logical Block Provisioning log page of a sparse file: the blocks the file system allocated to it (which
     * a punched hole gives back). A block device cannot tell (a thin LV's pool is not visible from here): -1.
     */
    public long mappedBlocks()
    {
        if (backstore.kind() != FileBackstore.Kind.FILEIO || Libc.fstat(bufferedFd, stat) < 0)
        {
            return -1;
        }
        return Math.min(Stat.st_blocks(stat) * 512 / backstore.blockSize(), backstore.blockCount());
    }

    /**
     * What the file system still has for the file: its free space (root's reserve excluded), at most the blocks
     * of the LU not mapped yet.
     */
    public long availableBlocks()
    {
        final long mapped = mappedBlocks();
        if (mapped < 0 || Libc.fstatvfs(bufferedFd, statvfs) < 0)
        {
            return -1;
        }
        final long free = Statvfs.f_bavail(statvfs) * Statvfs.f_frsize(statvfs) / backstore.blockSize();
        return Math.max(0, Math.min(free, backstore.blockCount() - mapped));
    }

    public boolean provisioningResourcesShared()
    {
        return true;
    }

    private void setUp(final int slot, final long offset, final long address, final int length, final int flags)
    {
        offsets[slot] = offset;
        addresses[slot] = address;
        remaining[slot] = length;
        done[slot] = 0;
        rwFlags[slot] = flags;
        bufIndexes[slot] = -1;
        final boolean aligned = ((address | offset | length) & (backstore.alignment() - 1)) == 0;
        if (backstore.direct() && !aligned)
        {
            bounced++;
        }
        fds[slot] = aligned ? directFd : bufferedFd;
    }

    private void submitRw(final int slot, final int op)
    {
        final int d = done[slot];
        final long userData = UserData.pack(ownerId, op, slot);
        final int bufIndex = bufIndexes[slot];
        if (bufIndex >= 0)
        {
            // A buffer registered with the ring (the transport's pools): the kernel does not pin it per I/O.
            if (op == OP_READ)
            {
                ring.prepReadFixed(fds[slot], addresses[slot] + d, remaining[slot], offsets[slot] + d, bufIndex,
                    userData);
            }
            else
            {
                ring.prepWriteFixed(fds[slot], addresses[slot] + d, remaining[slot], offsets[slot] + d, bufIndex,
                    rwFlags[slot], userData);
            }
        }
        else if (op == OP_READ)
        {
            ring.prepRead(fds[slot], addresses[slot] + d, remaining[slot], offsets[slot] + d, userData);
        }
        else
        {
            ring.prepWrite(fds[slot], addresses[slot] + d, remaining[slot], offsets[slot] + d, rwFlags[slot], userData);
        }
    }

    public void onCompletion(final long userData, final int res, final int flags)
    {
        completions++;
        final int slot = UserData.tag(userData);
        final int op = UserData.op(userData);
        final int result;
        switch (op)
        {
            case OP_READ:
            case OP_WRITE:
                if (res > 0 && res < remaining[slot] && (rwFlags[slot] & Statx.RWF_ATOMIC) == 0)
                {
                    // Short transfer (signal, page cache pressure): continue where it stopped.
                    shortTransfers++;
                    done[slot] += res;
                    remaining[slot] -= res;
                    if (fds[slot] == directFd && ((res & (backstore.alignment() - 1)) != 0))
                    {
                        fds[slot] = bufferedFd;
                    }
                    submitRw(slot, op);
                    return;
                }
                // An atomic write is never continued: the kernel writes all of it or fails it.
                result = res < 0 ? res : (res < remaining[slot] ? -EIO : done[slot] + res);
                break;
            case OP_UNMAP:
                if (res == -EOPNOTSUPP && backstore.kind() != FileBackstore.Kind.FILEIO)
                {
                    discard(slot);
                    return;
                }
                result = res;
                break;
            default:
                result = res;
                break;
        }
        if (result < 0)
        {
            errors++;
        }
        complete(slot, result);
    }

    private void discard(final int slot)
    {
        final DiscardThread.Request request = new DiscardThread.Request(); // rare path: discard fallback only
        request.fd = directFd;
        request.offset = offsets[slot];
        request.length = addresses[slot];
        request.slot = slot;
        request.callback = (r, result) -> loop.offer(l -> complete(r.slot, result));
        if (!backstore.discardThread().submit(request))
        {
            complete(slot, DiscardThread.eagain());
        }
    }

    private void complete(final int slot, final int result)
    {
        final ScsiTask task = tasks[slot];
        tasks[slot] = null;
        free[freeCount++] = slot; // released first: the completion may start the next request
        loop.deviceIoCompleted();
        task.onIoComplete(result);
    }

    private int acquire(final ScsiTask task)
    {
        if (freeCount == 0)
        {
            grow();
        }
        final int slot = free[--freeCount];
        tasks[slot] = task;
        loop.deviceIoStarted();
        return slot;
    }

    private void grow()
    {
        // More requests in flight than ever before on this loop: double once (not per command).
        final int n = tasks.length;
        tasks = Arrays.copyOf(tasks, 2 * n);
        fds = Arrays.copyOf(fds, 2 * n);
        offsets = Arrays.copyOf(offsets, 2 * n);
        addresses = Arrays.copyOf(addresses, 2 * n);
        remaining = Arrays.copyOf(remaining, 2 * n);
        done = Arrays.copyOf(done, 2 * n);
        rwFlags = Arrays.copyOf(rwFlags, 2 * n);
        bufIndexes = Arrays.copyOf(bufIndexes, 2 * n);
        free = Arrays.copyOf(free, 2 * n);
        for (int i = 2 * n - 1; i >= n; i--)
        {
            free[freeCount++] = i;
        }
    }

    int inFlight()
    {
        return tasks.length - freeCount + asideInFlight;
    }

    /** On the loop: no completion of this handle will come any more; its descriptors and owner id go. */
    void closeOnLoop()
    {
        loop.unregisterOwner(ownerId);
        closeFds();
    }

    void closeFds()
    {
        if (directFd != bufferedFd)
        {
            Libc.close(directFd);
        }
        Libc.close(bufferedFd);
    }
}
