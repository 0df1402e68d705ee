package io.ringtarget.backstore.internal;

import io.ringtarget.ffi.Libc;
import io.ringtarget.ffi.LibcConstants;
import io.ringtarget.ring.LazyMemory;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The 2 MiB regions of a real huge-page mapping charged to a real headroom (this machine's /proc/meminfo): what a
 * write asks for, what it is refused, and when an UNMAP's region is given back (a real mincore).
 */
class HugePageRegionsTest
{
    private static final long MIB = 1L << 20;
    private static final int BLOCK = 4096;

    @Test
    void refusesMemoryThatIsNotWholeAlignedRegionsHoldingTheBlocks()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment memory = LazyMemory.allocateInHugePages(arena, 8 * MIB);
            final MemoryHeadroom headroom = new MemoryHeadroom(0);
            assertThrows(IllegalArgumentException.class, () ->
                new HugePageRegions(memory.asSlice(BLOCK, 4 * MIB), new AllocationMap(1024), BLOCK, headroom));
            assertThrows(IllegalArgumentException.class, () ->
                new HugePageRegions(memory.asSlice(0, 3 * MIB), new AllocationMap(768), BLOCK, headroom));
            assertThrows(IllegalArgumentException.class, () ->
                new HugePageRegions(memory, new AllocationMap(8 * MIB / BLOCK + 1), BLOCK, headroom));
            assertThrows(IllegalArgumentException.class, () ->
                new HugePageRegions(memory, new AllocationMap(1024), 3000, headroom));
        }
    }

    @Test
    void aWriteChargesTheRegionsItTouchesOnceAndANewRegionIsRefusedWhenTheHeadroomHasNone()
    {
        final long physical = ((com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean())
            .getTotalMemorySize();
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment memory = LazyMemory.allocateInHugePages(arena, 8 * MIB);
            final MemoryHeadroom headroom = new MemoryHeadroom(0);
            final HugePageRegions regions =
                new HugePageRegions(memory, new AllocationMap(8 * MIB / BLOCK), BLOCK, headroom);
            assertEquals(0, regions.chargedBytes());
            assertTrue(regions.charge(2 * MIB - BLOCK, 2 * BLOCK), "across regions 0 and 1");
            assertEquals(4 * MIB, regions.chargedBytes());
            assertTrue(regions.charge(5, 100));
            assertEquals(4 * MIB, regions.chargedBytes(), "charged already: nothing more");

            headroom.reserveBytes(physical);   // keep all of the machine's memory free: nothing more may be taken
            assertTrue(regions.charge(3 * MIB, BLOCK), "a charged region asks nothing");
            assertFalse(regions.charge(4 * MIB, BLOCK), "a new region is refused");
            assertFalse(regions.charge(3 * MIB, 2 * (int)MIB), "partly new: refused whole");
            assertEquals(4 * MIB, regions.chargedBytes(), "nothing charged by a refusal");

            regions.markCharged(6 * MIB, MIB);   // filled without asking (a LUN filled before it serves)
            assertEquals(6 * MIB, regions.chargedBytes());
        }
    }

    @Test
    void anUnmapGivesARegionBackOnlyOnceNoBlockIsWrittenAndNoPageIsInMemory()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment memory = LazyMemory.allocateInHugePages(arena, 4 * MIB);
            final MemorySegment residency = arena.allocate(HugePageRegions.RESIDENCY_BYTES, Long.BYTES);
            final AllocationMap blocks = new AllocationMap(4 * MIB / BLOCK);
            final HugePageRegions regions = new HugePageRegions(memory, blocks, BLOCK, new MemoryHeadroom(0));
            assertTrue(regions.charge(0, 4 * (int)MIB));
            // Region 0: a block written and still mapped. Region 1: its block deallocated but its page still held
            // (an UNMAP of part of a page zeroes it in place).
            memory.set(ValueLayout.JAVA_BYTE, 100, (byte)1);
            blocks.markMapped(0, 1);
            memory.set(ValueLayout.JAVA_BYTE, 2 * MIB + 100, (byte)1);
            regions.giveBack(0, 4 * MIB, residency);
            assertEquals(4 * MIB, regions.chargedBytes(), "a written block, and a page in memory");

            // Region 1's page given back to the kernel: the region is no longer charged; region 0 still is.
            assertEquals(0, Libc.madvise(memory.address() + 2 * MIB, 2 * MIB,
                LibcConstants.MADV_DONTNEED));
            regions.giveBack(2 * MIB, 4 * MIB, residency);
            assertEquals(2 * MIB, regions.chargedBytes());
            // Region 0's block deallocated, its page still held: charged; given back with the page.
            blocks.markDeallocated(0, 1);
            regions.giveBack(0, BLOCK, residency);
            assertEquals(2 * MIB, regions.chargedBytes());
            assertEquals(0, Libc.madvise(memory.address(), 2 * MIB,
                LibcConstants.MADV_DONTNEED));
            regions.giveBack(0, BLOCK, residency);
            assertEquals(0, regions.chargedBytes());
        }
    }
}
