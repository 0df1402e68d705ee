package io.ringtarget.backstore.internal;

import io.ringtarget.ffi.Libc;
import io.ringtarget.ring.LazyMemory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A RAM mapping in transparent huge pages, accounted in the kernel's unit: which 2 MiB regions of it were charged to
 * a {@link MemoryHeadroom}. The kernel commits a whole huge page at a region's first fault (and khugepaged may fill a
 * region of 4 KiB pages up to one), so the headroom is asked for a whole region at the first write into it, and the
 * charge is given back once an UNMAP leaves the region with no written block (the medium's {@link AllocationMap}) and
 * no page in memory (mincore). The accounting may overstate what the kernel holds, never understate it, except for a
 * write racing an UNMAP on another loop into the same emptied region: that one goes uncharged until the headroom's
 * next reading, as a page of another process would. khugepaged may collapse a region an UNMAP gave part of back into a
 * huge page again, zeros refilling that part: the region then holds memory with no block written and stays charged
 * until an UNMAP covers all of it (giving its other pages back at once could lose a write racing into them).
 * <p>
 * Thread-safe and allocation-free as {@link AllocationMap} is: a bit per region, several loops charging at once (two
 * loops writing into the same new region at once may both ask for it: an overstatement until the next reading). The
 * mincore answer is written into a buffer of the caller's ({@link #RESIDENCY_BYTES}), one per loop.
 */
public final class HugePageRegions
{
    /** The unit the memory is accounted in: the kernel's transparent huge page. */
    private static final long HUGE_PAGE = LazyMemory.HUGE_PAGE;
    /** The bytes mincore answers for one region: one per 4 KiB page. */
    public static final long RESIDENCY_BYTES = HUGE_PAGE / 4096;
    private static final int SHIFT = Long.numberOfTrailingZeros(HUGE_PAGE);

    private final MemorySegment memory;
    private final AllocationMap blocks;
    private final int blockShift;
    private final MemoryHeadroom headroom;
    /** A bit per region, set: charged to the headroom. */
    private final AllocationMap charged;

    /**
     * The regions of {@code memory} (from {@link LazyMemory#allocateInHugePages}) holding the blocks of
     * {@code blocks}, each {@code blockSize} bytes (a power of two), charged to {@code headroom}; none charged yet.
     */
    public HugePageRegions(
        final MemorySegment memory, final AllocationMap blocks, final int blockSize, final MemoryHeadroom headroom)
    {
        if ((memory.address() & (HUGE_PAGE - 1)) != 0 || (memory.byteSize() & (HUGE_PAGE - 1)) != 0 ||
            Integer.bitCount(blockSize) != 1 || blocks.blocks() * blockSize > memory.byteSize())
        {
            throw new IllegalArgumentException("not whole aligned regions holding the blocks: " + memory);
        }
        this.memory = memory;
        this.blocks = blocks;
        this.blockShift = Integer.numberOfTrailingZeros(blockSize);
        this.headroom = headroom;
        this.charged = new AllocationMap(memory.byteSize() >>> SHIFT);
    }

    /**
     * Charges the regions a write of {@code length} bytes at {@code byteOffset} touches that are not charged yet,
     * before the write: false if the headroom cannot give them (nothing charged; the write is to be refused).
     */
    public boolean charge(final long byteOffset, final int length)
    {
        final long first = byteOffset >>> SHIFT;
        final long count = ((byteOffset + length - 1) >>> SHIFT) + 1 - first;
        if (count == 1 && charged.mapped(first))
        {
            return true;   // the usual case: a write within a region already charged, one word read
        }
        final long uncharged = charged.emptyGroupCount(first, count, 1);
        if (uncharged == 0)
        {
            return true;
        }
        if (headroom.take(uncharged << SHIFT))
        {
            charged.markMapped(first, count);
            return true;
        }
        return false;
    }

    /** Counts the regions of the range charged without asking the headroom (a LUN filled before it serves). */
    public void markCharged(final long byteOffset, final long length)
    {
        if (length > 0)
        {
            final long first = byteOffset >>> SHIFT;
            charged.markMapped(first, ((byteOffset + length - 1) >>> SHIFT) + 1 - first);
        }
    }

    /** The regions charged now, in bytes: what the kernel may hold for the mapping. */
    public long chargedBytes()
    {
        return charged.mappedCount() << SHIFT;
    }

    /**
     * After an UNMAP of the bytes from {@code start} before {@code end} (its blocks deallocated, its whole pages given
     * back): the charged regions the range touches that no longer hold a written block or a page in memory are charged
     * no more, so their next write asks the headroom again. {@code residency}: at least {@link #RESIDENCY_BYTES}.
     */
    public void giveBack(final long start, final long end, final MemorySegment residency)
    {
        if (end <= start)
        {
            return;
        }
        final long blockCount = blocks.blocks();
        final long last = (end - 1) >>> SHIFT;
        for (long region = start >>> SHIFT; region <= last; region++)
        {
            final long regionStart = region << SHIFT;
            final long firstBlock = regionStart >>> blockShift;
            final long endBlock =
                Math.min(blockCount, Math.max(firstBlock + 1, (regionStart + HUGE_PAGE) >>> blockShift));
            if (charged.mapped(region) && !blocks.mapped(firstBlock) &&
                blocks.run(firstBlock, endBlock) == endBlock - firstBlock && !anyPageInMemory(regionStart, residency))
            {
                charged.markDeallocated(region, 1);
            }
        }
    }

    /** Whether the kernel holds any page of the region at {@code regionStart} (unknown: true). */
    private boolean anyPageInMemory(final long regionStart, final MemorySegment residency)
    {
        if (Libc.mincore(memory.address() + regionStart, HUGE_PAGE, residency) != 0)
        {
            return true;
        }
        for (long i = 0; i < RESIDENCY_BYTES; i += Long.BYTES)
        {
            // One byte per page, bit 0: resident.
            if ((residency.get(ValueLayout.JAVA_LONG_UNALIGNED, i) & 0x0101_0101_0101_0101L) != 0)
            {
                return true;
            }
        }
        return false;
    }
}
