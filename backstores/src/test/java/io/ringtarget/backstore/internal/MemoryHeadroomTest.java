package io.ringtarget.backstore.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The headroom reads this machine's /proc/meminfo, and takes and refuses memory against it and its reserve. */
class MemoryHeadroomTest
{
    private static long memAvailable() throws Exception
    {
        for (final String line : Files.readAllLines(Path.of("/proc/meminfo")))
        {
            if (line.startsWith("MemAvailable:"))
            {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new AssertionError("no MemAvailable");
    }

    @Test
    void itReadsMemAvailableAsTheKernelReportsIt() throws Exception
    {
        final long before = memAvailable();
        final long read = new MemoryHeadroom(0).available();
        final long after = memAvailable();
        // Other processes move it a little between the three readings.
        assertTrue(read > Math.min(before, after) - (64 << 20) && read < Math.max(before, after) + (64 << 20),
            before + " <= " + read + " <= " + after);
    }

    @Test
    void takingCountsAgainstTheLastReadingAndTheReserve() throws Exception
    {
        final MemoryHeadroom headroom = new MemoryHeadroom(0);
        final long available = headroom.available();
        headroom.reserveBytes(available - (256L << 20));   // about 256 MiB left above the reserve
        assertTrue(headroom.take(100L << 20));
        assertTrue(headroom.take(100L << 20));
        assertFalse(headroom.take(400L << 20), "more than is left once the first two are counted");
        headroom.reserveBytes(Long.MAX_VALUE / 8);
        assertFalse(headroom.take(4096));
        assertEquals(0, headroom.available());
    }

    @Test
    void theParserFindsMemAvailableAnywhereAndOnlyIt()
    {
        assertEquals(20490004L * 1024, parse("MemTotal:       24573720 kB\nMemFree:         1000 kB\n" +
            "MemAvailable:   20490004 kB\nBuffers:  5 kB\n"));
        assertEquals(7L * 1024, parse("MemAvailable: 7 kB"));
        assertEquals(-1, parse("MemTotal:       24573720 kB\nMemAvailableX\n"));
        assertEquals(-1, parse("MemAvailable: kB\n"));
        assertEquals(-1, parse(""));
    }

    private static long parse(final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return MemoryHeadroom.parse(ByteBuffer.wrap(bytes), bytes.length);
    }
}
