package io.ringtarget.backstore;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Reads and writes through a FileBackstore handle on a real ring allocate nothing in steady state (the loop's
 * duty cycle included).
 */
class FileBackstoreAllocationTest
{
    private static final int WARM_UP = 20_000;
    private static final int MEASURED = 5_000;
    private static final long TOLERANCE_BYTES = 4096;
    private final Path file = Path.of("/var/tmp", "ringtarget-alloc-" + ProcessHandle.current().pid() + "-" +
        System.nanoTime() + ".img");

    @AfterEach
    void deleteFile() throws IOException
    {
        Files.deleteIfExists(file);
    }

    @Test
    void readWriteFlushAllocateNothing()
    {
        final java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)bean;
        final FileBackstore bs = FileBackstore.fileio("alloc", file, 16L << 20, 512, true, false);
        try (LoopDriver d = new LoopDriver(bs))
        {
            final byte[][] cdbs =
                {
                    bytes(LoopDriver.cdb16(0x8A, 0, 64, 8)),
                    bytes(LoopDriver.cdb16(0x88, 0, 64, 8)),
                    bytes(LoopDriver.cdb16(0x8A, 0x08, 128, 8)),
                    bytes(LoopDriver.cdb16(0x88, 0, 3, 1)), // unaligned: the buffered descriptor
                };
            final MemorySegment[] segments = new MemorySegment[cdbs.length];
            for (int i = 0; i < cdbs.length; i++)
            {
                segments[i] = Arena.ofAuto().allocate(16);
                MemorySegment.copy(MemorySegment.ofArray(cdbs[i]), 0, segments[i], 0, 16);
            }
            final int[] edtl = {4096, 4096, 4096, 512};
            for (int i = 0; i < WARM_UP; i++)
            {
                d.runQuietly(segments[i % 4], edtl[i % 4]);
            }
            final long id = Thread.currentThread().threadId();
            final int before = d.completions;
            final long start = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < MEASURED; i++)
            {
                d.runQuietly(segments[i % 4], edtl[i % 4]);
            }
            final long allocated = threads.getThreadAllocatedBytes(id) - start;
            assertEquals(MEASURED, d.completions - before);
            System.out.println(MEASURED + " fileio commands through the ring allocated " + allocated + " bytes");
            assertTrue(allocated < TOLERANCE_BYTES, allocated + " bytes");
        }
    }

    private static byte[] bytes(final int[] cdb)
    {
        final byte[] b = new byte[cdb.length];
        for (int i = 0; i < cdb.length; i++)
        {
            b[i] = (byte)cdb[i];
        }
        return b;
    }
}
