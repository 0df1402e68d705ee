package io.ringtarget.backstore;

import io.ringtarget.backstore.internal.AllocationMap;
import io.ringtarget.backstore.internal.AsideThread;
import io.ringtarget.backstore.internal.HugePageRegions;
import io.ringtarget.backstore.internal.MemoryHeadroom;
import io.ringtarget.ffi.Libc;
import io.ringtarget.ffi.LibcConstants;
import io.ringtarget.ffi.NativeCopy;
import io.ringtarget.ring.EventLoop;
import io.ringtarget.ring.CompletionHandler;
import io.ringtarget.ring.LazyMemory;
import io.ringtarget.ring.UserData;
import io.ringtarget.scsi.BlockDevice;
import io.ringtarget.scsi.LogicalUnit;
import io.ringtarget.scsi.ScsiTask;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;

/**
 * A RAM disk: one 4 KiB-aligned off-heap segment shared by every loop. Every call completes synchronously
 * with a copy (a large write's with {@link NativeCopy}, into memory no cache holds), so the handle needs no ring;
 * concurrent writes to the same block from two loops race as they would on a disk. A READ whose transport accepts
 * it is not copied: the range is lent ({@link BlockDevice#lend}) and sent from here; each loop's handle counts what
 * it has lent, and is not released while any is.
 * <p>
 * Atomic writes (WRITE ATOMIC(16)) of any whole number of blocks up to the LU's maximum transfer: a write is one
 * copy made before the handle returns, so it is whole or not made, and no other command of that loop runs during
 * it. A READ on another loop (or a lent range being sent) may still see part of it, as with any write here.
 * <p>
 * Thin (LBPME, LBPRZ): an {@link AllocationMap} tracks which logical blocks were written since they were last unmapped,
 * so GET LBA STATUS reports never-written and unmapped blocks as deallocated. The memory is thin too: an anonymous
 * mapping ({@link LazyMemory}) whose pages the kernel commits when they are first written (a read of a block never
 * written returns zeros without touching its page: not every kernel maps its shared zero page on a read fault), and
 * UNMAP gives whole pages back (MADV_DONTNEED, after which they read zeros) and zeroes the rest of its range where its
 * page is in memory (a page never written stays untouched). So a RAM LUN costs the memory written to it, not its size;
 * a size above the machine's memory is refused. A write that needs pages the machine cannot give without going below
 * the reserve it keeps free ({@link MemoryHeadroom}) is refused with ENOSPC, which the logical unit answers DATA
 * PROTECT, SPACE ALLOCATION FAILED WRITE PROTECT (SBC-4 4.7.3.7, a thin device out of space), and reported to
 * {@link BackstoreEvents#spaceExhausted} at most once a second per loop: the data written stays, reads and writes to
 * blocks already written go on, and nothing is killed.
 * <p>
 * Pages of 4 KiB unless {@code hugePages} (the constructors without it; a configuration's ram backstore asks for huge
 * pages unless it says false), whatever the host's transparent huge pages (MADV_NOHUGEPAGE): with {@code always} the
 * kernel would commit 2 MiB at a region's first write, where the headroom is asked for 4 KiB pages. With huge pages
 * asked for (MADV_HUGEPAGE, honoured where the host's setting is {@code always} or {@code madvise}) random I/O is
 * served with one TLB entry per 2 MiB instead of per 4 KiB (docs/benchmarks.md, 2026-12-05 23:37: 0.35-0.44x the
 * QD32 p99.9 on a virtual machine), and the memory is accounted in the kernel's unit ({@link HugePageRegions}): the
 * mapping is aligned to 2 MiB, the headroom is asked for a whole 2 MiB region at the first write into it,
 * {@link #memoryBytes()} counts the regions charged so, and a region is given back (and charged again at its next
 * write) once an UNMAP leaves none of its blocks written and none of its pages in memory.
 */
public final class RamBackstore implements Backstore
{
    private static final int EINVAL = 22;
    private static final int ENOSPC = 28;
    private static final long REPORT_INTERVAL_NANOS = 1_000_000_000L;
    /** The mapping's page: the unit the kernel commits and UNMAP gives back. */
    private static final long PAGE = 4096;
    /** A transparent huge page (x86-64, arm64 with 4 KiB pages): the unit a huge-page mapping is accounted in. */
    public static final long HUGE_PAGE = LazyMemory.HUGE_PAGE;

    private final String name;
    private final int blockSize;
    private final long blockCount;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment memory;
    /** blockCount x blockSize: the mapping may be longer (whole pages). */
    private final long capacity;
    private final AllocationMap allocation;
    private final MemoryHeadroom headroom;
    /** Blocks per page (blocks smaller than a page), or 1; and pages per block (blocks of a page or more), or 1. */
    private final int blocksPerPage;
    /** log2 of the block size: a READ's block numbers by shifts, not divisions. */
    private final int blockShift;
    private final int pagesPerBlock;
    /** With huge pages: which 2 MiB regions the headroom was asked for; else null. */
    private final HugePageRegions regions;
    private volatile BackstoreEvents events = BackstoreEvents.NONE;
    /** The handle of callers without a loop (tests, tools); each loop opens its own. */
    private final RamDevice device;
    /** Where an APTPL state file's write and fsync run for a PERSISTENT RESERVE OUT, off the loops. */
    private final AsideThread asideThread;
    private boolean closed;

    public RamBackstore(final long sizeBytes, final int blockSize)
    {
        this("ram", sizeBytes, blockSize);
    }

    public RamBackstore(final String name, final long sizeBytes, final int blockSize)
    {
        this(name, sizeBytes, blockSize, MemoryHeadroom.machine());
    }

    /** One whose writes take new memory from {@code headroom} (the machine's, shared by every RAM backstore). */
    public RamBackstore(final String name, final long sizeBytes, final int blockSize, final MemoryHeadroom headroom)
    {
        this(name, sizeBytes, blockSize, headroom, false);
    }

    /** One in huge pages where {@code hugePages} (see the class comment), its writes taking the machine's memory. */
    public RamBackstore(final String name, final long sizeBytes, final int blockSize, final boolean hugePages)
    {
        this(name, sizeBytes, blockSize, MemoryHeadroom.machine(), hugePages);
    }

    /** One whose writes take new memory from {@code headroom}, in 2 MiB regions where {@code hugePages}. */
    public RamBackstore(
        final String name, final long sizeBytes, final int blockSize, final MemoryHeadroom headroom,
        final boolean hugePages)
    {
        if (blockSize < 512 || Integer.bitCount(blockSize) != 1)
        {
            throw new IllegalArgumentException("block size " + blockSize);
        }
        if (sizeBytes < blockSize)
        {
            throw new IllegalArgumentException("size " + sizeBytes);
        }
        final long physical = physicalMemoryBytes();
        if (sizeBytes > physical)
        {
            throw new IllegalArgumentException("size " + sizeBytes + " bytes is more than this machine's memory (" +
                physical + " bytes)");
        }
        this.name = name;
        this.asideThread = new AsideThread(name);
        this.blockSize = blockSize;
        this.blockCount = sizeBytes / blockSize;
        this.capacity = blockCount * blockSize;
        // Zero, committed page by page as written; with huge pages in whole regions aligned to 2 MiB.
        this.memory =
            hugePages ? LazyMemory.allocateInHugePages(arena, capacity) : LazyMemory.allocate(arena, capacity);
        if (!hugePages)
        {
            // Page by page also where the host's transparent huge pages are "always". EINVAL from a kernel without
            // them, which commits 4 KiB pages anyway (as it does where huge pages were asked for: the regions'
            // accounting then only overstates what is held).
            Libc.madvise(memory.address(), memory.byteSize(), LibcConstants.MADV_NOHUGEPAGE);
        }
        this.allocation = new AllocationMap(blockCount);
        this.regions = hugePages ? new HugePageRegions(memory, allocation, blockSize, headroom) : null;
        this.headroom = headroom;
        this.blocksPerPage = blockSize < PAGE ? (int)(PAGE / blockSize) : 1;
        this.blockShift = Integer.numberOfTrailingZeros(blockSize);
        this.pagesPerBlock = blockSize < PAGE ? 1 : (int)(blockSize / PAGE);
        this.device = new RamDevice(null);   // last: its buffer's size depends on the regions
    }

    public String name()
    {
        return name;
    }

    public int blockSize()
    {
        return blockSize;
    }

    public long blockCount()
    {
        return blockCount;
    }

    public boolean supportsUnmap()
    {
        return true;
    }

    public int atomicWriteMaxBytes()
    {
        return LogicalUnit.DEFAULT_MAX_TRANSFER_BYTES;
    }

    public boolean unmapReadsZeros()
    {
        return true;
    }

    public boolean readOnly()
    {
        return false;
    }

    /** Whether the memory is in 2 MiB huge pages, and accounted in 2 MiB regions (see the class comment). */
    public boolean hugePages()
    {
        return regions != null;
    }

    /**
     * The memory this backstore's data holds now: the pages with a block written and not unmapped since (a page
     * never written, or given back by UNMAP, holds none; a read of one does not touch it). Counted from the
     * allocation map (a syscall-free walk of one bit per block). An UNMAP of part of a page in memory zeroes that
     * part in place (a write on another loop may be filling the rest): the page stays held, and is no longer counted
     * once none of its blocks is mapped; a page not in memory is left so. With huge pages: the 2 MiB regions charged
     * to the headroom (written into and not given back since), what the kernel may hold for them.
     */
    public long memoryBytes()
    {
        if (regions != null)
        {
            return regions.chargedBytes();
        }
        return blockSize >= PAGE ? allocation.mappedCount() * blockSize :
            allocation.mappedGroupCount((int)(PAGE / blockSize)) * PAGE;
    }

    /** What the machine's RAM backstores keep free of its memory: writes that need more of it are refused. */
    public static long machineReserveBytes()
    {
        return MemoryHeadroom.machine().reserveBytes();
    }

    /** The machine's MemAvailable now (/proc/meminfo), in bytes: what can be taken without swapping; -1 unknown. */
    public static long machineMemoryAvailableBytes()
    {
        return MemoryHeadroom.machine().memAvailable();
    }

    /** The machine's memory (or the container's limit), which a RAM backstore may not exceed. */
    private static long physicalMemoryBytes()
    {
        return ((com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean())
            .getTotalMemorySize();
    }

    /** A view of the RAM's bytes (tests, tools): a block never written reads zeros through a READ whatever it holds. */
    public MemorySegment slice(final long offset, final long length)
    {
        return memory.asSlice(offset, length);
    }

    /**
     * A view of the RAM's bytes to write into directly (tests, benchmarks: a LUN filled before it serves), its blocks
     * counted as written from now on, as a WRITE's are (READ returns what is put there; the memory is not taken from
     * the machine's headroom).
     */
    public MemorySegment sliceToWrite(final long offset, final long length)
    {
        final MemorySegment view = memory.asSlice(offset, length);
        if (length > 0)
        {
            final long first = offset / blockSize;
            allocation.markMapped(first, (offset + length - 1) / blockSize + 1 - first);
            if (regions != null)
            {
                regions.markCharged(offset, length);
            }
        }
        return view;
    }

    /** Where refusals for lack of memory are reported. */
    public void events(final BackstoreEvents events)
    {
        this.events = events;
    }

    public BlockDevice open(final EventLoop loop)
    {
        return new RamDevice(loop); // its own count of lent ranges, kept by that loop alone
    }

    /**
     * Not while the handle's loop still sends Data-In from this memory (its ranges must stay valid until sent), nor
     * while a long operation waits for its next turn on it ({@link BlockDevice#continueLater}: a SANITIZE) or for work
     * of it on the aside thread ({@link BlockDevice#runAside}).
     */
    public boolean release(final BlockDevice handle)
    {
        if (!(handle instanceof RamDevice ram))
        {
            return true;
        }
        if (ram.lent != 0 || ram.continuing != null || ram.asideInFlight != 0)
        {
            return false;
        }
        ram.released();
        return true;
    }

    public BlockDevice device()
    {
        return device;
    }

    /** Frees the memory; idempotent (a second close must not fail and hide why the first was called). */
    public synchronized void close()
    {
        if (!closed)
        {
            closed = true;
            asideThread.close();
            arena.close();
        }
    }

    private boolean outside(final long offset, final long length)
    {
        return offset < 0 || length < 0 || offset > capacity - length;
    }

    private final class RamDevice implements BlockDevice, CompletionHandler, AsideThread.Requester
    {
        /** The handle's loop: null for the handle of no loop ({@link #device()}). */
        private final EventLoop loop;
        /** Ranges lent and not yet given back: only this handle's loop changes it. */
        private int lent;
        /** The task {@link #continueLater} continues when its NOP completes, or null. */
        private ScsiTask continuing;
        /** Tasks whose work runs on the aside thread, to complete on this loop (a SANITIZE's save): not released. */
        private int asideInFlight;
        /** This handle's completion owner on the loop, registered by the first {@link #continueLater}; -1 none. */
        private int ownerId = -1;
        /** Writes this handle refused for lack of memory, and when it last reported them. */
        private long refused;
        private long reportedNanos;
        /** mincore's answer for one page (an UNMAP's partial page), or a region's pages (huge pages). */
        private final MemorySegment residency;

        RamDevice(final EventLoop loop)
        {
            this.loop = loop;
            this.residency = arena.allocate(regions == null ? 1 : HugePageRegions.RESIDENCY_BYTES, Long.BYTES);
        }

        /** On the backstore's {@link AsideThread} (the handle of no loop: at once): an fsync never holds a loop. */
        @Override
        public void runAside(final ScsiTask task, final AsideWork work)
        {
            if (loop == null)
            {
                BlockDevice.super.runAside(task, work);
                return;
            }
            asideInFlight++;
            asideThread.submit(loop, task, work, this);
        }

        /** On the loop, before the task completes. */
        @Override
        public void asideEnded()
        {
            asideInFlight--;
        }

        /** As {@link #runAside}: on the backstore's {@link AsideThread}, after the work handed over before it. */
        @Override
        public void saveAside(final Runnable save)
        {
            if (loop == null)
            {
                save.run();
                return;
            }
            asideThread.submit(save);
        }

        /**
         * An IORING_OP_NOP on the loop's ring: its completion is reaped with the loop's next batch of completions,
         * after the sockets' of this duty cycle, so a long operation takes one step per duty cycle.
         */
        public void continueLater(final ScsiTask task)
        {
            // One at a time (one sanitize operation per logical unit); another, or no loop, continues at once.
            if (loop == null || continuing != null)
            {
                task.onIoComplete(0);
                return;
            }
            if (ownerId < 0)
            {
                ownerId = loop.registerOwner(this);
            }
            continuing = task;
            loop.ring().prepNop(UserData.pack(ownerId, 0, 0));
        }

        public void onCompletion(final long userData, final int res, final int flags)
        {
            final ScsiTask task = continuing;
            continuing = null;
            task.onIoComplete(0);
        }

        /** Released by its loop ({@link RamBackstore#release}): its completion owner goes too. */
        void released()
        {
            if (ownerId >= 0)
            {
                loop.unregisterOwner(ownerId);
                ownerId = -1;
            }
        }

        public long blockCount()
        {
            return blockCount;
        }

        public int blockSize()
        {
            return blockSize;
        }

        public boolean supportsUnmap()
        {
            return true;
        }

        public boolean readOnly()
        {
            return false;
        }

        public boolean writeCacheEnabled()
        {
            return false;
        }

        public void read(final ScsiTask task, final long byteOffset, final MemorySegment dst, final int length)
        {
            if (outside(byteOffset, length))
            {
                task.onIoComplete(-EINVAL);
                return;
            }
            // Blocks never written (or unmapped) read zeros without their pages being touched: a kernel that maps no
            // shared zero page on a read fault (this project's 6.18 VM kernel) would commit a page for each, outside
            // the headroom writes are held to, and a full read of a large LUN could exhaust the machine's memory.
            if (allMapped(byteOffset, length))
            {
                // Not NativeCopy: libc's memcpy may write a large copy around the caches (non-temporal stores, set
                // by the launcher: 0.6x as fast into a reused buffer the transport reads at once,
                // bench/scripts/copy-span.c).
                MemorySegment.copy(memory, byteOffset, dst, 0, length);
                task.onIoComplete(length);
                return;
            }
            final long end = byteOffset + length;
            final long endBlock = ((end - 1) >>> blockShift) + 1;
            long position = byteOffset;
            while (position < end)
            {
                final long block = position >>> blockShift;
                final long runEnd = Math.min(end, (block + allocation.run(block, endBlock)) << blockShift);
                if (allocation.mapped(block))
                {
                    MemorySegment.copy(memory, position, dst, position - byteOffset, runEnd - position);
                }
                else
                {
                    dst.asSlice(position - byteOffset, runEnd - position).fill((byte)0);
                }
                position = runEnd;
            }
            task.onIoComplete(length);
        }

        public boolean lend(final ScsiTask task, final long byteOffset, final int length)
        {
            if (outside(byteOffset, length) || !allMapped(byteOffset, length))
            {
                return false;   // read() answers it (zeros for blocks never written: their pages are not touched)
            }
            lent++;
            task.lend(this, memory, byteOffset);
            task.onIoComplete(length);
            return true;
        }

        public void lendEnded()
        {
            lent--;
        }

        public void write(
            final ScsiTask task, final long byteOffset, final MemorySegment src, final int length, final boolean fua)
        {
            write(task, byteOffset, src, 0, length, fua);
        }

        public boolean writesBeforeReturning()
        {
            return true;
        }

        public void write(
            final ScsiTask task, final long byteOffset, final MemorySegment src, final long srcOffset, final int length,
            final boolean fua)
        {
            if (outside(byteOffset, length))
            {
                task.onIoComplete(-EINVAL);
                return;
            }
            if (length > 0 && !memoryFor(byteOffset, length))
            {
                task.onIoComplete(-ENOSPC);
                return;
            }
            NativeCopy.copy(src, srcOffset, memory, byteOffset, length);
            if (length > 0)
            {
                // After the copy: a block is reported mapped only once its data is there (AllocationMap).
                final long first = byteOffset / blockSize;
                allocation.markMapped(first, (byteOffset + length + blockSize - 1) / blockSize - first);
            }
            task.onIoComplete(length);
        }

        public void writeAtomic(
            final ScsiTask task, final long byteOffset, final MemorySegment src, final int length, final boolean fua)
        {
            write(task, byteOffset, src, 0, length, fua); // one copy on this loop: see the class comment
        }

        public void flush(final ScsiTask task)
        {
            task.onIoComplete(0);
        }

        public void unmap(final ScsiTask task, final long byteOffset, final long length)
        {
            if (outside(byteOffset, length))
            {
                task.onIoComplete(-EINVAL);
                return;
            }
            // Whole blocks in the range are deallocated (before they are zeroed, so a deallocated block reads zeros
            // whatever a racing write does); a partial block is zeroed and stays mapped.
            final long first = (byteOffset + blockSize - 1) / blockSize;
            final long end = (byteOffset + length) / blockSize;
            if (end > first)
            {
                allocation.markDeallocated(first, end - first);
            }
            zero(byteOffset, length);
            task.onIoComplete(0);
        }

        /** Whether every block of the range holds written data (none of it reads the zeros of a page never touched). */
        private boolean allMapped(final long byteOffset, final int length)
        {
            return length <= 0 ||
                allocation.allMapped(byteOffset >>> blockShift, ((byteOffset + length - 1) >>> blockShift) + 1);
        }

        /**
         * Whether the pages a write of the range would take for the first time can be had (blocks already written
         * hold theirs: no memory is asked for them); false is reported, at most once a second by this handle.
         */
        private boolean memoryFor(final long byteOffset, final int length)
        {
            if (regions != null)
            {
                return regions.charge(byteOffset, length) || refuse();
            }
            final long first = byteOffset / blockSize;
            final long count = (byteOffset + length + blockSize - 1) / blockSize - first;
            final long pages = allocation.emptyGroupCount(first, count, blocksPerPage) * pagesPerBlock;
            if (pages == 0 || headroom.take(pages * PAGE))
            {
                return true;
            }
            return refuse();
        }

        /** Counts a write refused for lack of memory, reported at most once a second by this handle; false. */
        private boolean refuse()
        {
            refused++;
            final long now = System.nanoTime();
            if (refused == 1 || now - reportedNanos >= REPORT_INTERVAL_NANOS)
            {
                reportedNanos = now;
                events.spaceExhausted(refused, headroom.lastAvailable(), headroom.reserveBytes());
            }
            return false;
        }

        /**
         * Gives the range's whole pages back to the kernel (they read zeros after) and zeroes the rest where its page
         * is in memory. A page at either end is not given back (a write on another loop may be filling its other
         * blocks), and one not in memory (never written, given back before, or swapped out) is not touched: zeroing
         * would commit it, outside the headroom, for blocks that read zeros anyway (they are deallocated).
         */
        private void zero(final long byteOffset, final long length)
        {
            final long end = byteOffset + length;
            final long pagesStart = (byteOffset + PAGE - 1) & -PAGE;
            // A range to the LU's end takes the mapping's tail with it (bytes past the last block: no block is there).
            final long pagesEnd = end == capacity ? memory.byteSize() : end & -PAGE;
            if (pagesEnd <= pagesStart ||
                Libc.madvise(memory.address() + pagesStart, pagesEnd - pagesStart, LibcConstants.MADV_DONTNEED) < 0)
            {
                zeroWhereInMemory(byteOffset, end);
            }
            else
            {
                zeroWhereInMemory(byteOffset, pagesStart);
                zeroWhereInMemory(pagesEnd, end);
            }
            if (regions != null)
            {
                regions.giveBack(byteOffset, end, residency);
            }
        }

        /** Zeroes the bytes from {@code start} before {@code end} that lie in pages the kernel holds now (mincore). */
        private void zeroWhereInMemory(final long start, final long end)
        {
            long position = start;
            while (position < end)
            {
                final long page = position & -PAGE;
                final long partEnd = Math.min(end, page + PAGE);
                if (Libc.mincore(memory.address() + page, PAGE, residency) != 0 ||
                    (residency.get(ValueLayout.JAVA_BYTE, 0) & 1) != 0)
                {
                    memory.asSlice(position, partEnd - position).fill((byte)0);
                }
                position = partEnd;
            }
        }

        /** GET LBA STATUS (SBC-3 5.4): the run of blocks from the one at {@code byteOffset}, negative if unmapped. */
        public long mappedExtent(final long byteOffset)
        {
            final long block = byteOffset / blockSize;
            final long bytes = allocation.run(block) * blockSize;
            return allocation.mapped(block) ? bytes : -bytes;
        }

        /** The Logical Block Provisioning log page: the blocks written and not unmapped since, of the LU's size. */
        public long mappedBlocks()
        {
            return allocation.mappedCount();
        }

        /**
         * The machine's memory is the resource (SCOPE 10b, shared with everything else on it): what the kernel has
         * available (MemAvailable) above the reserve kept free, at most the blocks not mapped yet. Reads /proc/meminfo:
         * LOG SENSE only.
         */
        public long availableBlocks()
        {
            return Math.min(blockCount - allocation.mappedCount(), headroom.available() / blockSize);
        }

        public boolean provisioningResourcesShared()
        {
            return true;
        }
    }
}
