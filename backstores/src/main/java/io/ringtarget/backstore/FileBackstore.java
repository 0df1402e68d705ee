package io.ringtarget.backstore;

import io.ringtarget.backstore.internal.AsideThread;
import io.ringtarget.backstore.internal.BackingFileLock;
import io.ringtarget.backstore.internal.DiscardThread;
import io.ringtarget.ffi.Errno;
import io.ringtarget.ffi.Libc;
import io.ringtarget.ffi.Stat;
import io.ringtarget.ffi.Statx;
import io.ringtarget.ring.EventLoop;
import io.ringtarget.scsi.BlockDevice;
import io.ringtarget.scsi.LogicalUnit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.ringtarget.ffi.LibcConstants.BLKGETSIZE64;
import static io.ringtarget.ffi.LibcConstants.BLKPBSZGET;
import static io.ringtarget.ffi.LibcConstants.BLKSSZGET;
import static io.ringtarget.ffi.LibcConstants.FALLOC_FL_KEEP_SIZE;
import static io.ringtarget.ffi.LibcConstants.FALLOC_FL_PUNCH_HOLE;
import static io.ringtarget.ffi.LibcConstants.O_CLOEXEC;
import static io.ringtarget.ffi.LibcConstants.O_CREAT;
import static io.ringtarget.ffi.LibcConstants.O_RDONLY;
import static io.ringtarget.ffi.LibcConstants.O_RDWR;
import static io.ringtarget.ffi.LibcConstants.S_IFBLK;
import static io.ringtarget.ffi.LibcConstants.S_IFMT;
import static io.ringtarget.ffi.LibcConstants.S_IFREG;

/**
 * {@code fileio} (a regular file) and {@code block} (a raw block device: disk, LVM LV, ZVOL): one code path.
 * Every loop gets its own file descriptors and submits reads, writes (FUA = RWF_DSYNC), fdatasync and
 * deallocation on its own ring; nothing here blocks a loop.
 * <p>
 * O_DIRECT by default. Requests whose buffer, offset or length are not 4 KiB aligned go through a second,
 * buffered descriptor of the same file instead of failing with EINVAL; Linux keeps the two coherent (direct I/O
 * writes back and invalidates the page cache over its range first).
 * <p>
 * UNMAP: fallocate(PUNCH_HOLE | KEEP_SIZE) through the ring (IORING_OP_FALLOCATE): a hole in a file, WRITE ZEROES
 * with unmap on a block device (blkdev_fallocate), both reading back zeros. A block device without WRITE ZEROES
 * but with discard gets ioctl(BLKDISCARD) on a bounded helper thread ({@link DiscardThread}), since that ioctl
 * blocks; it does not promise zeros.
 */
public final class FileBackstore implements Backstore
{
    public enum Kind
    {
        FILEIO, BLOCK
    }

    /** Buffers, offsets and lengths aligned to this go O_DIRECT; anything else is bounced to the page cache. */
    public static final int DIRECT_ALIGNMENT = 4096;


    private final String name;
    private final Path path;
    private final Kind kind;
    private final boolean direct;
    private final boolean readOnly;
    private final int blockSize;
    /** Changes only by a live resize ({@link #grow}, {@link #refreshSize}); the loops read it per request. */
    private volatile long blockCount;
    private final boolean supportsUnmap;
    private final boolean unmapReadsZeros;
    private final boolean discardFallback;
    private final int alignment;
    private final int physicalBlockSize;
    /** RWF_ATOMIC limits from statx (0 max: no atomic writes); see {@link #atomicWriteLimits}. */
    private final int atomicWriteUnit;
    private final int atomicWriteMax;
    private final CopyOnWriteArrayList<FileDevice> devices = new CopyOnWriteArrayList<>();
    private final BackingFileLock lock;
    private volatile DiscardThread discardThread;
    /** Where an APTPL state file's write and fsync run for a PERSISTENT RESERVE OUT, off the loops. */
    private final AsideThread asideThread;

    private FileBackstore(
        final String name, final Path path, final long sizeBytes, final int requestedBlockSize, final boolean direct,
        final boolean readOnly, final boolean create, final boolean grow)
    {
        this(name, path, sizeBytes, requestedBlockSize, direct, readOnly, create, grow, false);
    }

    private FileBackstore(
        final String name, final Path path, final long sizeBytes, final int requestedBlockSize, final boolean direct,
        final boolean readOnly, final boolean create, final boolean grow, final boolean forceDiscard)
    {
        this.name = name;
        this.asideThread = new AsideThread(name);
        this.path = path;
        this.direct = direct;
        this.readOnly = readOnly;
        final int flags = (readOnly ? O_RDONLY : O_RDWR) | O_CLOEXEC | (create && !readOnly ? O_CREAT : 0);
        // An empty file holds no data: sizing it is creating it. Any other file is grown only when asked.
        final boolean mayGrow = grow || !Files.exists(path) || isEmpty(path);
        final int fd = Libc.open(path.toString(), flags, 0644);
        if (fd < 0)
        {
            throw new UncheckedIOException(new IOException("open " + path + ": " + Errno.describe(fd)));
        }
        BackingFileLock taken = null;
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment stat = arena.allocate(Stat.SIZEOF, 8);
            check(Libc.fstat(fd, stat), "fstat " + path);
            final int type = Stat.st_mode(stat) & S_IFMT;
            if (type == S_IFBLK || type == S_IFREG)
            {
                // Before anything changes the file (ftruncate below): another process serving it refuses us.
                taken = BackingFileLock.acquire(path, fd, !readOnly, type == S_IFBLK);
            }
            if (type == S_IFBLK)
            {
                kind = Kind.BLOCK;
                final MemorySegment arg = arena.allocate(8, 8);
                check(Libc.ioctl(fd, BLKGETSIZE64, arg), "BLKGETSIZE64 " + path);
                final long bytes = arg.get(ValueLayout.JAVA_LONG, 0);
                check(Libc.ioctl(fd, BLKSSZGET, arg), "BLKSSZGET " + path);
                final int logical = arg.get(ValueLayout.JAVA_INT, 0);
                final int physical = Libc.ioctl(fd, BLKPBSZGET, arg) == 0 ? arg.get(ValueLayout.JAVA_INT, 0) : logical;
                blockSize = Math.max(logical, requestedBlockSize);
                if (blockSize % logical != 0)
                {
                    throw new IllegalArgumentException("block size " + blockSize + " is not a multiple of the device's " + logical);
                }
                blockCount = bytes / blockSize;
                final long rdev = stat.get(ValueLayout.JAVA_LONG, 40); // st_rdev (x86_64 struct stat)
                final String sys = "/sys/dev/block/" + major(rdev) + ":" + minor(rdev) + "/queue/";
                final long writeZeroes = sysfsLong(sys + "write_zeroes_max_bytes");
                final long discard = sysfsLong(sys + "discard_max_bytes");
                unmapReadsZeros = writeZeroes > 0 && !forceDiscard;
                discardFallback = (forceDiscard || writeZeroes <= 0) && discard > 0;
                supportsUnmap = !readOnly && (writeZeroes > 0 || discard > 0);
                alignment = Math.max(DIRECT_ALIGNMENT, logical);
                physicalBlockSize = powerOfTwoAtLeast(physical, blockSize);
            }
            else if (type == S_IFREG)
            {
                kind = Kind.FILEIO;
                blockSize = requestedBlockSize;
                long size = Stat.st_size(stat);
                if (sizeBytes > size)
                {
                    if (readOnly)
                    {
                        throw new IllegalArgumentException(path + " is smaller than " + sizeBytes + " and read-only");
                    }
                    if (!mayGrow)
                    {
                        throw new IllegalArgumentException(path + " is " + size + " bytes, smaller than the " +
                            "configured " + sizeBytes + ": an existing file is not grown unless asked (grow)");
                    }
                    // Sparse: blocks are allocated as they are written.
                    check(Libc.ftruncate(fd, sizeBytes), "ftruncate " + path);
                    size = sizeBytes;
                }
                blockCount = size / blockSize;
                // Probe hole punching past the end (KEEP_SIZE: nothing changes) rather than trusting the file system.
                supportsUnmap = !readOnly && Libc.fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                    (size + DIRECT_ALIGNMENT) & ~(DIRECT_ALIGNMENT - 1L), DIRECT_ALIGNMENT) == 0;
                unmapReadsZeros = supportsUnmap;
                discardFallback = false;
                alignment = DIRECT_ALIGNMENT;
                // A file has no physical block: reported as the logical block (LBPPBE 0), as LIO's fileio does. The
                // file system block size still reaches initiators as the OPTIMAL TRANSFER LENGTH GRANULARITY of the
                // Block Limits page (4 KiB). With a larger physical block, GET LBA STATUS answers as SBC-3 5.5 asks
                // but libiscsi's GetLBAStatus.UnmapSingle expects the extent of LBA i+1 to start at i+8.
                physicalBlockSize = blockSize;
            }
            else
            {
                throw new IllegalArgumentException(path + " is neither a regular file nor a block device");
            }
            if (blockCount <= 0)
            {
                throw new IllegalArgumentException(path + " holds less than one block of " + blockSize);
            }
            final long atomic = direct && !readOnly ? atomicWriteLimits(fd, Math.max(blockSize, alignment), arena) : 0;
            atomicWriteUnit = (int)(atomic >>> 32);
            atomicWriteMax = (int)atomic;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final RuntimeException ex)
        {
            if (taken != null)
            {
                taken.close();
            }
            throw ex;
        }
        finally
        {
            Libc.close(fd);
        }
        this.lock = taken;
    }

    /**
     * What the kernel writes atomically to this file or device with RWF_ATOMIC (Linux 6.11 statx: an XFS file,
     * software-assisted, up to the file system's limit; a file system or device with atomic write support of its
     * own, e.g. NVMe AWUPF). The unit is the larger of statx's minimum and the block (and the O_DIRECT alignment:
     * an atomic write is never bounced through the page cache); a write must be a power of two long and start at a
     * multiple of its length (Linux's rule for RWF_ATOMIC), from one buffer.
     *
     * @return the unit in the high 32 bits and the maximum in the low 32 (0: no atomic writes).
     */
    private static long atomicWriteLimits(final int fd, final int smallestUnit, final Arena arena)
    {
        final MemorySegment statx = arena.allocate(Statx.SIZEOF, 8);
        if (Libc.fstatx(fd, Statx.STATX_WRITE_ATOMIC, statx) != 0 ||
            (Statx.stx_mask(statx) & Statx.STATX_WRITE_ATOMIC) == 0 ||
            (Statx.stx_attributes(statx) & Statx.STATX_ATTR_WRITE_ATOMIC) == 0 ||
            Statx.stx_atomic_write_segments_max(statx) < 1)
        {
            return 0;
        }
        final int unit = Math.max(Statx.stx_atomic_write_unit_min(statx), smallestUnit);
        final int max = Math.min(Statx.stx_atomic_write_unit_max(statx), LogicalUnit.DEFAULT_MAX_TRANSFER_BYTES);
        if (Integer.bitCount(unit) != 1 || Integer.bitCount(max) != 1 || max < unit)
        {
            return 0;
        }
        return (long)unit << 32 | max;
    }

    /**
     * A {@code fileio} backstore; a block device path works too (same code).
     *
     * @param sizeBytes 0 = the file's size; a missing (or empty) file is created sparse at this size; an existing
     *                  file smaller than this is refused (IllegalArgumentException), see the overload with grow.
     * @param direct    O_DIRECT (the default); false = buffered through the page cache.
     */
    public static FileBackstore fileio(
        final String name, final Path path, final long sizeBytes, final int blockSize, final boolean direct,
        final boolean readOnly)
    {
        return fileio(name, path, sizeBytes, blockSize, direct, readOnly, false);
    }

    /**
     * @param grow true = an existing file smaller than {@code sizeBytes} is extended sparsely to it; false = that is
     *             refused, since a file that turns out smaller than configured is more often the wrong file (or a
     *             disk image of another size) than one meant to grow.
     */
    public static FileBackstore fileio(
        final String name, final Path path, final long sizeBytes, final int blockSize, final boolean direct,
        final boolean readOnly, final boolean grow)
    {
        return new FileBackstore(name, path, sizeBytes, blockSize, direct, readOnly, true, grow);
    }

    /**
     * A {@code block} backstore on a raw device (e.g. /dev/sdb, /dev/vg/lv, /dev/zvol/pool/vol), O_DIRECT, with
     * the device's logical block size.
     */
    public static FileBackstore block(final String name, final Path device, final boolean readOnly)
    {
        return block(name, device, 0, readOnly);
    }

    /**
     * @param blockSize the logical block size to report: 0 = the device's own (BLKSSZGET); otherwise a multiple
     *                  of it, e.g. 4096 on a 512-byte device.
     */
    public static FileBackstore block(final String name, final Path device, final int blockSize, final boolean readOnly)
    {
        return new FileBackstore(name, device, 0, Math.max(512, blockSize), true, readOnly, false, false);
    }

    /**
     * A block backstore that deallocates with BLKDISCARD on the helper thread even when the device has WRITE
     * ZEROES: exercises that path on devices (loop) that would otherwise take the fallocate one.
     */
    static FileBackstore blockWithDiscardThread(final String name, final Path device)
    {
        return new FileBackstore(name, device, 0, 512, true, false, false, false, true);
    }

    private static boolean isEmpty(final Path path)
    {
        try
        {
            return Files.isRegularFile(path) && Files.size(path) == 0;
        }
        catch (final IOException ex)
        {
            return false; // open() reports what is wrong with it
        }
    }

    public String name()
    {
        return name;
    }

    public Path path()
    {
        return path;
    }

    public Kind kind()
    {
        return kind;
    }

    public boolean direct()
    {
        return direct;
    }

    public int blockSize()
    {
        return blockSize;
    }

    public long blockCount()
    {
        return blockCount;
    }

    /**
     * Grows the file of a {@code fileio} backstore (sparse) to {@code sizeBytes} while it is served: once this
     * returns, requests up to the new size work; the caller then tells the logical unit, which reports the new
     * capacity (SBC-3 4.10). Any thread.
     *
     * @return the size in bytes before, for {@link #undoGrow} (equal to {@code sizeBytes}: nothing changed).
     * @throws IllegalArgumentException for a block device (grow the device, then {@link #refreshSize}), a read-only
     *                                  backstore, or a size below the current one (shrinking would take blocks an
     *                                  initiator may be using).
     * @throws UncheckedIOException     when the file cannot be extended (ftruncate's error).
     */
    public synchronized long grow(final long sizeBytes)
    {
        final long before = blockCount * blockSize;
        if (kind != Kind.FILEIO)
        {
            throw new IllegalArgumentException(path + " is a block device: it has the device's size (grow the " +
                "device, e.g. lvextend, and the target follows)");
        }
        if (sizeBytes < before)
        {
            throw new IllegalArgumentException("cannot shrink " + name + " from " + before + " to " + sizeBytes +
                " bytes while it is served (the blocks past the new end may hold data)");
        }
        if (sizeBytes == before)
        {
            return before;
        }
        if (readOnly)
        {
            throw new IllegalArgumentException(name + " is read-only: it cannot grow");
        }
        truncate(sizeBytes);
        blockCount = sizeBytes / blockSize;
        return before;
    }

    /**
     * Takes back a {@link #grow} whose change was not kept (the configuration could not be saved): the file gets its
     * size before. Only before the logical unit reported the new capacity, so that no initiator wrote past it.
     */
    public synchronized void undoGrow(final long sizeBytesBefore)
    {
        if (kind == Kind.FILEIO && sizeBytesBefore < blockCount * blockSize)
        {
            blockCount = sizeBytesBefore / blockSize;
            truncate(sizeBytesBefore);
        }
    }

    /**
     * Reads the size of the file or device again (a program other than the target may have grown it: lvextend,
     * truncate) and serves that many blocks from now on. Any thread.
     *
     * @return the block count now.
     * @throws UncheckedIOException when the file or device cannot be opened or sized.
     */
    public synchronized long refreshSize()
    {
        final int fd = Libc.open(path.toString(), O_RDONLY | O_CLOEXEC, 0);
        check(fd, "open " + path);
        try (Arena arena = Arena.ofConfined())
        {
            final long bytes;
            if (kind == Kind.BLOCK)
            {
                final MemorySegment arg = arena.allocate(8, 8);
                check(Libc.ioctl(fd, BLKGETSIZE64, arg), "BLKGETSIZE64 " + path);
                bytes = arg.get(ValueLayout.JAVA_LONG, 0);
            }
            else
            {
                final MemorySegment stat = arena.allocate(Stat.SIZEOF, 8);
                check(Libc.fstat(fd, stat), "fstat " + path);
                bytes = Stat.st_size(stat);
            }
            if (bytes / blockSize > 0)
            {
                blockCount = bytes / blockSize;
            }
            return blockCount;
        }
        finally
        {
            Libc.close(fd);
        }
    }

    private void truncate(final long sizeBytes)
    {
        final int fd = Libc.open(path.toString(), O_RDWR | O_CLOEXEC, 0);
        check(fd, "open " + path);
        try
        {
            check(Libc.ftruncate(fd, sizeBytes), "ftruncate " + path + " to " + sizeBytes + " bytes");
        }
        finally
        {
            Libc.close(fd);
        }
    }

    /**
     * On {@code handle}'s loop: that loop will not use it again (no LUN maps this backstore any more). Closes its
     * descriptors once none of its requests is in flight.
     *
     * @return true when released; false while a request is still in flight (ask again later).
     */
    @Override
    public boolean release(final BlockDevice handle)
    {
        if (!(handle instanceof FileDevice device) || !devices.contains(device))
        {
            return true;
        }
        if (device.inFlight() > 0)
        {
            return false;
        }
        devices.remove(device);
        device.closeOnLoop();
        return true;
    }

    public boolean supportsUnmap()
    {
        return supportsUnmap;
    }

    public boolean unmapReadsZeros()
    {
        return unmapReadsZeros;
    }

    public boolean readOnly()
    {
        return readOnly;
    }

    /** How UNMAP is carried out, for logs and docs. */
    public String unmapMethod()
    {
        if (!supportsUnmap)
        {
            return "none";
        }
        return discardFallback ? "BLKDISCARD on a helper thread" : "IORING_OP_FALLOCATE(PUNCH_HOLE|KEEP_SIZE)";
    }

    /** Failed reads, writes, flushes and deallocations over every loop's handle (approximate while running). */
    public long ioErrors()
    {
        long n = 0;
        for (final FileDevice d : devices)
        {
            n += d.errors();
        }
        return n;
    }

    /** Requests that were not 4 KiB aligned and went through the buffered descriptor. */
    public long bouncedRequests()
    {
        long n = 0;
        for (final FileDevice d : devices)
        {
            n += d.bounced();
        }
        return n;
    }

    /** Short reads/writes that were continued. */
    public long shortTransfers()
    {
        long n = 0;
        for (final FileDevice d : devices)
        {
            n += d.shortTransfers();
        }
        return n;
    }

    public BlockDevice open(final EventLoop loop)
    {
        final FileDevice device = new FileDevice(this, loop);
        devices.add(device);
        return device;
    }

    /** Closes every loop's descriptors, then releases the lock on the file (last: no I/O of ours is left). */
    public void close()
    {
        for (final FileDevice d : devices)
        {
            d.closeFds();
        }
        devices.clear();
        asideThread.close();
        final DiscardThread t = discardThread;
        if (t != null)
        {
            t.close();
        }
        lock.close();
    }

    /** Buffers, offsets and lengths aligned to this go through the O_DIRECT descriptor. */
    int alignment()
    {
        return alignment;
    }

    AsideThread asideThread()
    {
        return asideThread;
    }

    /** UNMAP by BLKDISCARD on {@link #discardThread()} rather than fallocate through the ring. */
    boolean discardFallback()
    {
        return discardFallback;
    }

    DiscardThread discardThread()
    {
        DiscardThread t = discardThread;
        if (t == null)
        {
            synchronized (this)
            {
                t = discardThread;
                if (t == null)
                {
                    t = new DiscardThread("discard-" + name);
                    discardThread = t;
                }
            }
        }
        return t;
    }

    /** Throws for a failed call ({@code r} is -errno), naming it: setup paths only. */
    static void check(final int r, final String what)
    {
        if (r < 0)
        {
            throw new UncheckedIOException(new IOException(what + ": " + Errno.describe(r)));
        }
    }

    private static int powerOfTwoAtLeast(final int size, final int blockSize)
    {
        if (size <= blockSize || Integer.bitCount(size) != 1)
        {
            return blockSize;
        }
        return size;
    }

    public int physicalBlockSize()
    {
        return physicalBlockSize;
    }

    public int atomicWriteUnitBytes()
    {
        return atomicWriteUnit;
    }

    public int atomicWriteMaxBytes()
    {
        return atomicWriteMax;
    }

    public boolean atomicWritesNaturallyAligned()
    {
        return true;
    }

    private static long major(final long rdev)
    {
        return ((rdev >>> 8) & 0xFFF) | ((rdev >>> 32) & ~0xFFFL);
    }

    private static long minor(final long rdev)
    {
        return (rdev & 0xFF) | ((rdev >>> 12) & ~0xFFL);
    }

    private static long sysfsLong(final String file)
    {
        try
        {
            return Long.parseLong(Files.readString(Path.of(file)).trim());
        }
        catch (final IOException | NumberFormatException e)
        {
            return 0;
        }
    }
}
