package io.ringtarget.backstore;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.ringtarget.backstore.internal.MemoryHeadroom;
import io.ringtarget.ffi.Libc;
import io.ringtarget.ffi.LibcConstants;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class RamBackstoreTest
{
    /** madvise(2): collapse the range into transparent huge pages now, as khugepaged would (Linux 6.1). */
    private static final int MADV_COLLAPSE = 25;

    @Test
    void writeReadUnmapThroughTheLogicalUnit()
    {
        final RamBackstore ram = new RamBackstore(8L << 20, 512);
        assertEquals(16384, ram.blockCount());
        try (LoopDriver d = new LoopDriver(ram))
        {
            d.buffer.asSlice(0, 8192).fill((byte)9);
            d.run(8192, LoopDriver.cdb16(0x8A, 0, 100, 16));
            d.assertGood();
            assertEquals(9, ram.slice(100 * 512, 1).get(ValueLayout.JAVA_BYTE, 0));
            d.buffer.asSlice(0, 8192).fill((byte)0);
            d.run(8192, LoopDriver.cdb16(0x88, 0, 100, 16));
            d.assertGood();
            d.assertBytes(d.buffer, 0, 8192, 9);

            d.buffer.asSlice(0, 512).fill((byte)0);
            d.run(512, LoopDriver.cdb16(0x93, 0x08, 100, 8));
            d.assertGood();
            assertEquals(0, ram.slice(100 * 512, 1).get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(9, ram.slice(108 * 512, 1).get(ValueLayout.JAVA_BYTE, 0));
        }
    }

    @Test
    void memoryIsTakenAsBlocksAreWrittenAndGivenBackByUnmap() throws IOException
    {
        final long size = 64L << 20;
        final RamBackstore ram = new RamBackstore(size, 512);
        try (LoopDriver d = new LoopDriver(ram))
        {
            assertEquals(0, ram.memoryBytes());
            assertEquals(0, pagesHeld(ram, size), "nothing committed at creation");
            // A read of blocks never written reads zeros without touching their pages: still nothing held (this VM's
            // kernel maps no shared zero page on a read fault: a copy from the memory committed a page each).
            d.buffer.asSlice(0, 1 << 20).fill((byte)1);
            d.run(1 << 20, LoopDriver.cdb16(0x88, 0, 0, 2048));
            d.assertGood();
            d.assertBytes(d.buffer, 0, 1 << 20, 0);
            assertEquals(0, ram.memoryBytes());
            assertEquals(0, pagesHeld(ram, size), "a read commits nothing");
            // 1 MiB written at 1 MiB, and one 512-byte block in the middle of a page at 4 MiB.
            d.buffer.asSlice(0, 1 << 20).fill((byte)7);
            d.run(1 << 20, LoopDriver.cdb16(0x8A, 0, 2048, 2048));
            d.assertGood();
            d.run(512, LoopDriver.cdb16(0x8A, 0, 8192 + 3, 1));
            d.assertGood();
            assertEquals((1 << 20) + 4096, ram.memoryBytes());
            assertEquals(256 + 1, pagesHeld(ram, size));
            // Reads across written and never-written blocks: the data where written, zeros elsewhere, no page taken.
            d.buffer.asSlice(0, 8192).fill((byte)1);
            d.run(8192, LoopDriver.cdb16(0x88, 0, 2048 - 8, 16));
            d.assertGood();
            d.assertBytes(d.buffer, 0, 4096, 0);
            d.assertBytes(d.buffer, 4096, 4096, 7);
            d.buffer.asSlice(0, 4096).fill((byte)1);
            d.run(4096, LoopDriver.cdb16(0x88, 0, 8192, 8));
            d.assertGood();
            d.assertBytes(d.buffer, 0, 3 * 512, 0);
            d.assertBytes(d.buffer, 3 * 512, 512, 7);
            d.assertBytes(d.buffer, 4 * 512, 4 * 512, 0);
            assertEquals(256 + 1, pagesHeld(ram, size), "reads took no page");
            // WRITE SAME(16) with UNMAP over the 1 MiB: its pages go back to the kernel and read zeros.
            d.buffer.asSlice(0, 512).fill((byte)0);
            d.run(512, LoopDriver.cdb16(0x93, 0x08, 2048, 2048));
            d.assertGood();
            assertEquals(4096, ram.memoryBytes());
            assertEquals(1, pagesHeld(ram, size), "the unmapped pages were given back");
            d.run(1 << 20, LoopDriver.cdb16(0x88, 0, 2048, 2048));
            d.assertGood();
            d.assertBytes(d.buffer, 0, 1 << 20, 0);
            // UNMAP of part of a page (its blocks 2-3, the written one among them) zeroes it in place: the kernel
            // keeps the page (another loop may be writing its other blocks), no block of it is counted any more.
            d.run(512, LoopDriver.cdb16(0x93, 0x08, 8192 + 2, 2));
            d.assertGood();
            d.run(4096, LoopDriver.cdb16(0x88, 0, 8192, 8));
            d.assertGood();
            d.assertBytes(d.buffer, 0, 4096, 0);
            assertEquals(0, ram.memoryBytes());
            assertEquals(1, pagesHeld(ram, size));
            assertEquals(0, ram.slice((8192 + 3) * 512, 512).get(ValueLayout.JAVA_LONG, 0), "zeroed in place");
            // UNMAP of parts of pages never written (blocks 5-7 of one, 0-2 of the next, and 1-2 of a third) takes no
            // page: zeroing them would commit them for blocks that read zeros anyway.
            d.run(512, LoopDriver.cdb16(0x93, 0x08, 12288 + 5, 6));
            d.assertGood();
            d.run(512, LoopDriver.cdb16(0x93, 0x08, 16384 + 1, 2));
            d.assertGood();
            assertEquals(1, pagesHeld(ram, size), "an UNMAP of part of a page never written took no page");
            d.buffer.asSlice(0, 8192).fill((byte)1);
            d.run(8192, LoopDriver.cdb16(0x88, 0, 12288, 16));
            d.assertGood();
            d.assertBytes(d.buffer, 0, 8192, 0);
            assertEquals(1, pagesHeld(ram, size));
        }
    }

    @Test
    void aWriteTheMachineHasNoMemoryForIsRefusedAsAThinDeviceOutOfSpaceAndReported()
    {
        final long physical = ((com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean())
            .getTotalMemorySize();
        final MemoryHeadroom headroom = new MemoryHeadroom(0);
        final RamBackstore ram = new RamBackstore("tight", 8L << 20, 512, headroom);
        final java.util.List<String> reports = new java.util.ArrayList<>();
        ram.events(new BackstoreEvents()
        {
            @Override
            public void spaceExhausted(final long refused, final long availableBytes, final long reserveBytes)
            {
                reports.add(refused + " refused, " + (availableBytes > 0) + ", " + (reserveBytes == physical));
            }
        });
        try (LoopDriver d = new LoopDriver(ram))
        {
            d.buffer.asSlice(0, 8192).fill((byte)5);
            d.run(8192, LoopDriver.cdb16(0x8A, 0, 0, 16));   // two pages
            d.assertGood();
            // The machine now keeps all its memory free: nothing new can be taken.
            headroom.reserveBytes(physical);
            d.run(512, LoopDriver.cdb16(0x8A, 0, 100, 1));
            assertSense(d, 0x07, 0x2707);   // DATA PROTECT, SPACE ALLOCATION FAILED WRITE PROTECT
            d.run(4096, LoopDriver.cdb16(0x8A, 0, 12, 8));   // half in a page held, half in a new one
            assertSense(d, 0x07, 0x2707);
            assertEquals(java.util.List.of("1 refused, true, true"), reports, "reported once (then once a second)");
            d.buffer.asSlice(0, 4096).fill((byte)6);
            d.run(4096, LoopDriver.cdb16(0x8A, 0, 4, 8));    // blocks of the two pages it holds: written
            d.assertGood();
            d.run(8192, LoopDriver.cdb16(0x88, 0, 0, 16));
            d.assertGood();
            d.assertBytes(d.buffer, 0, 2048, 5);
            d.assertBytes(d.buffer, 2048, 4096, 6);
            d.assertBytes(d.buffer, 6144, 2048, 5);
            assertEquals(8192, ram.memoryBytes(), "nothing more taken");
            // UNMAP still gives memory back; with the reserve as before, writes take memory again.
            d.buffer.asSlice(0, 512).fill((byte)0);
            d.run(512, LoopDriver.cdb16(0x93, 0x08, 0, 16));
            d.assertGood();
            assertEquals(0, ram.memoryBytes());
            headroom.reserveBytes(0);
            d.buffer.asSlice(0, 512).fill((byte)7);
            d.run(512, LoopDriver.cdb16(0x8A, 0, 100, 1));
            d.assertGood();
        }
    }

    /** CHECK CONDITION with {@code key} and ASC/ASCQ {@code ascq}, fixed format. */
    private static void assertSense(final LoopDriver d, final int key, final int ascq)
    {
        assertEquals(2, d.task.status(), "CHECK CONDITION");
        assertEquals(key, d.task.senseData().get(ValueLayout.JAVA_BYTE, 2) & 0x0F);
        assertEquals(ascq, ((d.task.senseData().get(ValueLayout.JAVA_BYTE, 12) & 0xFF) << 8) |
            (d.task.senseData().get(ValueLayout.JAVA_BYTE, 13) & 0xFF));
    }

    @Test
    void aLunTheSizeOfHalfTheMachineCostsOnlyWhatIsWrittenAndOneLargerThanItIsRefused() throws IOException
    {
        final long physical = ((com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean())
            .getTotalMemorySize();
        final IllegalArgumentException refused =
            assertThrows(IllegalArgumentException.class, () -> new RamBackstore(physical + (1L << 30), 4096));
        assertTrue(refused.getMessage().contains("more than this machine's memory"), refused.getMessage());

        final long size = (physical / 2) & -(1L << 20);
        final RamBackstore ram = new RamBackstore(size, 4096);
        try (LoopDriver d = new LoopDriver(ram))
        {
            final long last = size / 4096 - 1;
            d.buffer.asSlice(0, 4096).fill((byte)3);
            d.run(4096, LoopDriver.cdb16(0x8A, 0, last, 1));
            d.assertGood();
            d.buffer.asSlice(0, 4096).fill((byte)0);
            d.run(4096, LoopDriver.cdb16(0x88, 0, last, 1));
            d.assertGood();
            d.assertBytes(d.buffer, 0, 4096, 3);
            assertEquals(4096, ram.memoryBytes());
            assertEquals(1, pagesHeld(ram, size));
        }
        finally
        {
            ram.close();
        }
    }

    @Test
    void theMemoryIsAdvisedAgainstHugePagesSoThatItIsTakenPageByPageOnAnyHost() throws IOException
    {
        assumeTrue(Files.isDirectory(Path.of("/sys/kernel/mm/transparent_hugepage")), "a kernel without huge pages");
        final RamBackstore ram = new RamBackstore(64L << 20, 512);
        try (LoopDriver d = new LoopDriver(ram))
        {
            // VM_NOHUGEPAGE shows as "nh" in the mapping's VmFlags: even with transparent huge pages "always", the
            // first write of a region commits its page, not 2 MiB.
            assertTrue(List.of(vmFlags(ram.slice(0, 1).address()).split(" ")).contains("nh"),
                "VmFlags of the LUN's mapping: " + vmFlags(ram.slice(0, 1).address()));
            d.buffer.asSlice(0, 4096).fill((byte)2);
            d.run(4096, LoopDriver.cdb16(0x8A, 0, 4096, 8));
            d.assertGood();
            assertEquals(1, pagesHeld(ram, 64L << 20));
        }
    }

    @Test
    void withHugePagesMemoryIsChargedAWhole2MiBRegionAtATimeAndGivenBackOnceAnUnmapEmptiesARegion() throws IOException
    {
        final long physical = ((com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean())
            .getTotalMemorySize();
        final MemoryHeadroom headroom = new MemoryHeadroom(0);
        final long size = 16L << 20;
        final RamBackstore ram = new RamBackstore("huge", size, 512, headroom, true);
        final long region = RamBackstore.HUGE_PAGE / 512;   // blocks per 2 MiB region: 4096
        assertTrue(ram.hugePages());
        try (LoopDriver d = new LoopDriver(ram))
        {
            assertEquals(0, ram.memoryBytes());
            assertEquals(0, pagesHeld(ram, size), "nothing committed at creation");
            d.buffer.asSlice(0, 4096).fill((byte)1);
            d.run(512, LoopDriver.cdb16(0x8A, 0, 100, 1));
            d.assertGood();
            assertEquals(2L << 20, ram.memoryBytes(), "the first write into a region charges all of it");
            d.run(512, LoopDriver.cdb16(0x8A, 0, 2000, 1));
            d.assertGood();
            assertEquals(2L << 20, ram.memoryBytes(), "the same region: nothing more");
            d.buffer.asSlice(0, 4096).fill((byte)2);
            d.run(4096, LoopDriver.cdb16(0x8A, 0, 2 * region - 4, 8));   // across regions 1 and 2
            d.assertGood();
            assertEquals(6L << 20, ram.memoryBytes());

            // The machine keeps all its memory free: a region charged still takes blocks never written (its memory
            // was asked for in full), a new region is refused as a thin device out of space.
            headroom.reserveBytes(physical);
            d.buffer.asSlice(0, 512).fill((byte)3);
            d.run(512, LoopDriver.cdb16(0x8A, 0, 3000, 1));
            d.assertGood();
            d.run(512, LoopDriver.cdb16(0x8A, 0, 3 * region + 5, 1));
            assertSense(d, 0x07, 0x2707);
            assertEquals(6L << 20, ram.memoryBytes());
            headroom.reserveBytes(0);

            // UNMAP of a block of a region that holds others: still charged.
            d.buffer.asSlice(0, 512).fill((byte)0);
            d.run(512, LoopDriver.cdb16(0x93, 0x08, 100, 1));
            d.assertGood();
            assertEquals(6L << 20, ram.memoryBytes());
            // UNMAP of a whole region: its pages go back to the kernel, and its charge with them.
            d.run(512, LoopDriver.cdb16(0x93, 0x08, region, region));
            d.assertGood();
            assertEquals(4L << 20, ram.memoryBytes());
            // A region emptied by two UNMAPs of half of it: given back at the second (no block, no page left), unless
            // khugepaged refilled the first half with zeros in between (see the next test): then given back by an
            // UNMAP of all of it. After the second, no page of the region is left for khugepaged to collapse from.
            d.run(512, LoopDriver.cdb16(0x93, 0x08, 0, region / 2));
            d.assertGood();
            assertEquals(4L << 20, ram.memoryBytes(), "block 3000 is still written");
            d.run(512, LoopDriver.cdb16(0x93, 0x08, region / 2, region / 2));
            d.assertGood();
            final long refilled = pagesHeld(ram, 0, RamBackstore.HUGE_PAGE);
            assertEquals(refilled > 0 ? 4L << 20 : 2L << 20, ram.memoryBytes(), refilled + " pages refilled");
            d.run(512, LoopDriver.cdb16(0x93, 0x08, 0, region));
            d.assertGood();
            assertEquals(2L << 20, ram.memoryBytes());
            // Region 2 holds blocks 0-3 of its first page. UNMAP of blocks 0-1, then 2-3: the page is zeroed in place
            // (a write on another loop may be filling its other blocks) and stays in memory, so the region stays
            // charged though no block of it is written; an UNMAP of all of it gives the region back.
            d.run(512, LoopDriver.cdb16(0x93, 0x08, 2 * region, 2));
            d.assertGood();
            d.run(512, LoopDriver.cdb16(0x93, 0x08, 2 * region + 2, 2));
            d.assertGood();
            assertEquals(2L << 20, ram.memoryBytes(), "a page of the region is still in memory");
            d.run(512, LoopDriver.cdb16(0x93, 0x08, 2 * region, region));
            d.assertGood();
            assertEquals(0, ram.memoryBytes());
            assertEquals(0, pagesHeld(ram, size), "every page given back");

            // Written again: charged again; the data reads back, the blocks unmapped read zeros.
            d.buffer.asSlice(0, 512).fill((byte)4);
            d.run(512, LoopDriver.cdb16(0x8A, 0, 7, 1));
            d.assertGood();
            assertEquals(2L << 20, ram.memoryBytes());
            d.buffer.asSlice(0, 8192).fill((byte)9);
            d.run(8192, LoopDriver.cdb16(0x88, 0, 0, 16));
            d.assertGood();
            d.assertBytes(d.buffer, 0, 7 * 512, 0);
            d.assertBytes(d.buffer, 7 * 512, 512, 4);
            d.assertBytes(d.buffer, 8 * 512, 8 * 512, 0);
        }
    }

    @Test
    void withHugePagesTheMappingIsAdvisedForThemAndARegionIsOneHugePageWhereTheHostAllowsThem() throws IOException
    {
        final Path thp = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        assumeTrue(Files.isReadable(thp), "a kernel without transparent huge pages");
        final long size = 64L << 20;
        final RamBackstore ram = new RamBackstore("huge", size, 4096, new MemoryHeadroom(0), true);
        try (LoopDriver d = new LoopDriver(ram))
        {
            final long address = ram.slice(0, 1).address();
            assertEquals(0, address % RamBackstore.HUGE_PAGE, "aligned to 2 MiB");
            // VM_HUGEPAGE shows as "hg": with the host's setting "madvise" (Debian's default) huge pages are used here.
            assertTrue(List.of(vmFlags(address).split(" ")).contains("hg"), "VmFlags: " + vmFlags(address));
            d.buffer.asSlice(0, 4096).fill((byte)2);
            d.run(4096, LoopDriver.cdb16(0x8A, 0, 3 * 512 + 7, 1));
            d.assertGood();
            // The host's setting: "[always] madvise never" and the like; huge pages unless it is "never".
            final boolean allowed = !Files.readString(thp).contains("[never]");
            assertEquals(allowed ? 512 : 1, pagesHeld(ram, size), Files.readString(thp).trim());
            assertEquals(2L << 20, ram.memoryBytes());
        }
    }

    @Test
    void aRegionTheKernelCollapsedBackIntoAHugePageAfterAnUnmapStaysChargedUntilAnUnmapCoversAllOfIt()
        throws IOException
    {
        // khugepaged collapses a region whose 4 KiB page table has at most max_ptes_none (511 by default) empty
        // entries back into a huge page, zeros filling the pages an UNMAP gave back: the region then holds 2 MiB
        // again, though only half of it was written, and is charged until an UNMAP covers all of it. MADV_COLLAPSE
        // (Linux 6.1) does here now what khugepaged does when it comes by.
        final RamBackstore ram = new RamBackstore("huge", 8L << 20, 512, new MemoryHeadroom(0), true);
        final long region = RamBackstore.HUGE_PAGE / 512;
        try (LoopDriver d = new LoopDriver(ram))
        {
            d.buffer.asSlice(0, 512).fill((byte)5);
            d.run(512, LoopDriver.cdb16(0x8A, 0, 10, 1));
            d.assertGood();
            d.run(512, LoopDriver.cdb16(0x8A, 0, region - 10, 1));
            d.assertGood();
            d.run(512, LoopDriver.cdb16(0x93, 0x08, 0, region / 2));
            d.assertGood();
            assertEquals(2L << 20, ram.memoryBytes(), "block region - 10 is still written");
            final int collapsed = Libc.madvise(ram.slice(0, 1).address(), RamBackstore.HUGE_PAGE, MADV_COLLAPSE);
            assumeTrue(collapsed != -LibcConstants.EINVAL, "a kernel without MADV_COLLAPSE (before 6.1)");
            assumeTrue(collapsed != -LibcConstants.EAGAIN && collapsed != -LibcConstants.ENOMEM,
                "no free 2 MiB of memory to collapse into: " + collapsed);
            assertEquals(0, collapsed, "MADV_COLLAPSE");
            assertEquals(512, pagesHeld(ram, 0, RamBackstore.HUGE_PAGE), "the unmapped half refilled");

            // The second half unmapped: no block written, but the first half's zeros are held, and charged.
            d.run(512, LoopDriver.cdb16(0x93, 0x08, region / 2, region / 2));
            d.assertGood();
            assertEquals(256, pagesHeld(ram, 0, RamBackstore.HUGE_PAGE));
            assertEquals(2L << 20, ram.memoryBytes(), "pages of the region are still in memory");
            d.buffer.asSlice(0, 512).fill((byte)9);
            d.run(512, LoopDriver.cdb16(0x88, 0, 10, 1));
            d.assertGood();
            d.assertBytes(d.buffer, 0, 512, 0);

            // An UNMAP of all of it (fstrim's, where the region is free) gives it back.
            d.run(512, LoopDriver.cdb16(0x93, 0x08, 0, region));
            d.assertGood();
            assertEquals(0, pagesHeld(ram, 0, RamBackstore.HUGE_PAGE));
            assertEquals(0, ram.memoryBytes());
        }
    }

    /** The VmFlags line of the mapping of this process that holds {@code address} (/proc/self/smaps). */
    private static String vmFlags(final long address) throws IOException
    {
        boolean inside = false;
        for (final String line : Files.readAllLines(Path.of("/proc/self/smaps")))
        {
            final int dash = line.indexOf('-');
            final int space = line.indexOf(' ');
            if (dash > 0 && space > dash && line.substring(0, dash).chars().allMatch(c -> Character.digit(c, 16) >= 0))
            {
                final long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                final long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                inside = Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0;
            }
            else if (inside && line.startsWith("VmFlags:"))
            {
                return line.substring("VmFlags:".length()).trim();
            }
        }
        throw new IOException("no mapping holds " + Long.toHexString(address));
    }

    /**
     * The backstore's pages the kernel holds for this process alone (/proc/self/pagemap: present and exclusively
     * mapped, so a shared zero page, where the kernel maps one, is not counted).
     */
    static long pagesHeld(final RamBackstore ram, final long size) throws IOException
    {
        return pagesHeld(ram, 0, size);
    }

    /** As {@link #pagesHeld(RamBackstore, long)}, of the {@code size} bytes from {@code offset} (4 KiB aligned). */
    static long pagesHeld(final RamBackstore ram, final long offset, final long size) throws IOException
    {
        final long first = ram.slice(offset, size).address() / 4096;
        final long pages = size / 4096;
        long held = 0;
        try (FileChannel pagemap = FileChannel.open(Path.of("/proc/self/pagemap")))
        {
            final ByteBuffer entries = ByteBuffer.allocate(8 * 4096).order(ByteOrder.nativeOrder());
            for (long page = 0; page < pages; page += 4096)
            {
                entries.clear().limit((int)(8 * Math.min(4096, pages - page)));
                while (entries.hasRemaining())
                {
                    if (pagemap.read(entries, (first + page) * 8 + entries.position()) < 0)
                    {
                        throw new IOException("short read of /proc/self/pagemap");
                    }
                }
                entries.flip();
                while (entries.hasRemaining())
                {
                    final long entry = entries.getLong();
                    if (entry < 0 && (entry & (1L << 56)) != 0)   // bit 63 present, bit 56 exclusively mapped
                    {
                        held++;
                    }
                }
            }
        }
        return held;
    }

    @Test
    void getLbaStatusReportsNeverWrittenAndUnmappedBlocksDeallocated()
    {
        final RamBackstore ram = new RamBackstore(8L << 20, 512);
        try (LoopDriver d = new LoopDriver(ram))
        {
            // Never written: one deallocated run over the whole LU (SBC-3 5.4, PROVISIONING STATUS 1).
            assertStatus(d, 0, 16384, 1);
            d.buffer.asSlice(0, 8192).fill((byte)7);
            d.run(8192, LoopDriver.cdb16(0x8A, 0, 100, 16));
            d.assertGood();
            assertStatus(d, 0, 100, 1);
            assertStatus(d, 100, 16, 0);
            assertStatus(d, 104, 12, 0);
            assertStatus(d, 116, 16384 - 116, 1);
            // UNMAP (SBC-3 5.28) of 4 blocks in the middle.
            d.buffer.asSlice(0, 24).fill((byte)0);
            d.buffer.set(ValueLayout.JAVA_BYTE, 1, (byte)22);
            d.buffer.set(ValueLayout.JAVA_BYTE, 3, (byte)16);
            d.buffer.set(ValueLayout.JAVA_BYTE, 15, (byte)104);
            d.buffer.set(ValueLayout.JAVA_BYTE, 19, (byte)4);
            d.run(24, 0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0);
            d.assertGood();
            assertStatus(d, 100, 4, 0);
            assertStatus(d, 104, 4, 1);
            assertStatus(d, 108, 8, 0);
            // WRITE SAME(16) with UNMAP over everything written: all deallocated again.
            d.buffer.asSlice(0, 512).fill((byte)0);
            d.run(512, LoopDriver.cdb16(0x93, 0x08, 100, 16));
            d.assertGood();
            assertStatus(d, 0, 16384, 1);
        }
    }

    /** LOG SENSE, Logical Block Provisioning page (SBC-4 6.4.5): {available, used, scope}. */
    static long[] provisioningLogPage(final LoopDriver d)
    {
        d.run(512, 0x4D, 0, 0x40 | 0x0C, 0, 0, 0, 0, 2, 0, 0);
        d.assertGood();
        final ValueLayout.OfInt u32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
        assertEquals(0x0001, d.buffer.get(ValueLayout.JAVA_BYTE, 5));
        assertEquals(0x0002, d.buffer.get(ValueLayout.JAVA_BYTE, 17));
        return new long[] {d.buffer.get(u32, 8) & 0xFFFF_FFFFL, d.buffer.get(u32, 20) & 0xFFFF_FFFFL,
            d.buffer.get(ValueLayout.JAVA_BYTE, 12) & 0x03};
    }

    @Test
    void logicalBlockProvisioningLogPageCountsWrittenBlocks()
    {
        final RamBackstore ram = new RamBackstore(8L << 20, 512);
        try (LoopDriver d = new LoopDriver(ram))
        {
            // The machine's memory is the resource, shared (SCOPE 10b); it has more than the LU's 8 MiB available.
            assertArrayEquals(new long[] {16384, 0, 2}, provisioningLogPage(d), "all available, scope shared");
            d.buffer.asSlice(0, 8192).fill((byte)7);
            d.run(8192, LoopDriver.cdb16(0x8A, 0, 100, 16));
            d.run(8192, LoopDriver.cdb16(0x8A, 0, 108, 16));   // 8 blocks overlap: 24 mapped
            assertArrayEquals(new long[] {16384 - 24, 24, 2}, provisioningLogPage(d));
            d.buffer.asSlice(0, 512).fill((byte)0);
            d.run(512, LoopDriver.cdb16(0x93, 0x08, 100, 20));   // WRITE SAME(16) UNMAP
            d.assertGood();
            assertArrayEquals(new long[] {16384 - 4, 4, 2}, provisioningLogPage(d));
        }
    }

    @Test
    void sanitizeGivesTheLoopATurnBetweenStepsAndHoldsTheMemoryUntilItEnds()
    {
        final RamBackstore ram = new RamBackstore(8L << 20, 512);
        try (LoopDriver d = new LoopDriver(ram))
        {
            // SANITIZE OVERWRITE with IMMED: GOOD at once, then one 1 MiB step per turn of the loop.
            d.buffer.asSlice(0, 5).copyFrom(java.lang.foreign.MemorySegment.ofArray(new byte[]{2, 0, 0, 1, 0x6B}));
            d.run(5, 0x48, 0x81, 0, 0, 0, 0, 0, 0, 5, 0);
            d.assertGood();
            assertEquals(1, d.lu.status().sanitizeState(), "in progress after the status");
            assertFalse(ram.release(d.device), "the memory is not released under a sanitize waiting for its turn");
            int turns = 0;
            while (d.lu.status().sanitizeState() == 1 && turns < 1000)
            {
                d.loop.doWork();
                turns++;
            }
            assertEquals(0, d.lu.status().sanitizeState());
            assertTrue(turns >= 15, "two passes of eight steps, a turn between each: " + turns);
            assertEquals(0x6B, ram.slice(0, 1).get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(0x6B, ram.slice((8L << 20) - 1, 1).get(ValueLayout.JAVA_BYTE, 0));
            assertTrue(ram.release(d.device));
            assertStatus(d, 0, 16384, 0);   // every block written

            d.run(0, 0x48, 0x02, 0, 0, 0, 0, 0, 0, 0, 0);   // BLOCK ERASE
            d.assertGood();
            assertStatus(d, 0, 16384, 1);
            assertEquals(0, ram.slice(4096, 1).get(ValueLayout.JAVA_BYTE, 0));
        }
    }

    @Test
    void aBackgroundSelfTestReadsAChunkPerTurnOfTheLoop()
    {
        final RamBackstore ram = new RamBackstore(8L << 20, 512);
        try (LoopDriver d = new LoopDriver(ram))
        {
            d.run(0, 0x1D, 0x02 << 5, 0, 0, 0, 0);   // SEND DIAGNOSTIC, background extended self-test
            d.assertGood();
            assertTrue(d.lu.status().selfTestRunning(), "in progress after the status");
            int turns = 0;
            while (d.lu.status().selfTestRunning() && turns < 1000)
            {
                d.loop.doWork();
                turns++;
            }
            assertFalse(d.lu.status().selfTestRunning());
            assertTrue(turns >= 7, "eight 1 MiB reads, a turn between each: " + turns);
            d.run(64, 0x4D, 0, 0x40 | 0x10, 0, 0, 0, 0, 0, 64, 0);   // Self-Test Results, newest
            d.assertGood();
            assertEquals(0x40, d.buffer.get(ValueLayout.JAVA_BYTE, 8), "background extended (010b), completed");
        }
    }

    /** GET LBA STATUS at {@code lba}: its one descriptor starts there, covers {@code blocks}, with {@code status}. */
    private static void assertStatus(final LoopDriver d, final long lba, final long blocks, final int status)
    {
        d.run(24, 0x9E, 0x12, 0, 0, 0, 0, (int)(lba >>> 24) & 0xFF, (int)(lba >>> 16) & 0xFF, (int)(lba >>> 8) & 0xFF,
            (int)lba & 0xFF, 0, 0, 0, 24, 0, 0);
        d.assertGood();
        final java.nio.ByteBuffer b = d.buffer.asSlice(0, 24).asByteBuffer();
        assertEquals(lba, b.getLong(8), "descriptor's LBA");
        assertEquals(blocks, Integer.toUnsignedLong(b.getInt(16)), "blocks from " + lba);
        assertEquals(status, b.get(20) & 0x0F, "provisioning status at " + lba);
    }
}
