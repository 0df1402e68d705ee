package io.ringtarget.ring;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Memory mapped for transparent huge pages, read back from the kernel's own account of this process's mappings
 * (/proc/self/smaps): aligned, advised (VmFlags "hg"), nothing held until touched, then a whole huge page where the
 * host's setting allows them (Debian's default, "madvise", does).
 */
class LazyMemoryTest
{
    private static final Path THP = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

    @Test
    void inHugePagesTheMappingIsAlignedAdvisedAndTakesAWholeHugePageAtItsFirstTouch() throws IOException
    {
        assumeTrue(Files.isReadable(THP), "a kernel without transparent huge pages");
        final boolean allowed = !Files.readString(THP).contains("[never]");
        try (Arena arena = Arena.ofShared())
        {
            final MemorySegment memory = LazyMemory.allocateInHugePages(arena, 3L << 20);
            assertEquals(4L << 20, memory.byteSize(), "whole huge pages");
            assertEquals(0, memory.address() % LazyMemory.HUGE_PAGE, "aligned to 2 MiB");
            assertTrue(flags(memory.address()).contains("hg"), "VmFlags: " + flags(memory.address()));
            assertEquals(0, anonHugePagesKiB(memory.address()), "nothing held before a touch");

            memory.set(ValueLayout.JAVA_BYTE, (2L << 20) + 5, (byte)1);
            assertEquals(allowed ? 2048 : 0, anonHugePagesKiB(memory.address()), Files.readString(THP).trim());
            assertEquals(0, memory.get(ValueLayout.JAVA_BYTE, (2L << 20) + 4), "zero");
            assertEquals(0, memory.get(ValueLayout.JAVA_BYTE, (4L << 20) - 1), "zero");
        }
    }

    /** The VmFlags of the mapping of this process that holds {@code address}. */
    private static List<String> flags(final long address) throws IOException
    {
        return List.of(field(address, "VmFlags:").split(" "));
    }

    /** The AnonHugePages of the mapping of this process that holds {@code address}, in KiB. */
    private static long anonHugePagesKiB(final long address) throws IOException
    {
        return Long.parseLong(field(address, "AnonHugePages:").replace("kB", "").trim());
    }

    /** A field of the mapping that holds {@code address} in /proc/self/smaps, its name cut off. */
    private static String field(final long address, final String name) throws IOException
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
            else if (inside && line.startsWith(name))
            {
                return line.substring(name.length()).trim();
            }
        }
        throw new IOException("no mapping holds " + Long.toHexString(address));
    }
}
