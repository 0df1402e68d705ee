package io.ringtarget.backstore;

import io.ringtarget.ffi.Iovec;
import io.ringtarget.scsi.ScsiStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Data buffers registered with the ring go to the kernel as READ_FIXED/WRITE_FIXED: verified by data round
 * trips, and by registering less than the task claims, which the kernel must then refuse (EFAULT) — so the
 * fixed path is the one taken.
 */
class FixedBufferIoTest
{
    private static final int WRITE_16 = 0x8A;
    private static final int READ_16 = 0x88;
    private final Path file = Path.of("/var/tmp", "ringtarget-fixed-" + ProcessHandle.current().pid() + "-" +
        System.nanoTime() + ".img");

    @AfterEach
    void removeFile() throws Exception
    {
        Files.deleteIfExists(file);
    }

    private static void register(final LoopDriver d, final long length)
    {
        try (Arena tmp = Arena.ofConfined())
        {
            final MemorySegment iovecs = tmp.allocate(Iovec.LAYOUT, 1);
            Iovec.iov_base(iovecs, d.buffer);
            Iovec.iov_len(iovecs, length);
            assertTrue(d.loop.ring().registerBuffers(iovecs, 1) >= 0, "register the test buffer");
        }
    }

    @Test
    void directReadsAndWritesThroughARegisteredBuffer()
    {
        try (LoopDriver d = new LoopDriver(FileBackstore.fileio("fixed", file, 16L << 20, 512, true, false)))
        {
            register(d, d.buffer.byteSize());
            d.fixedIndex = 0;
            for (int i = 0; i < 64 * 1024; i++)
            {
                d.buffer.set(ValueLayout.JAVA_BYTE, i, (byte)(i * 7 + 3));
            }
            d.run(64 * 1024, LoopDriver.cdb16(WRITE_16, 0x08, 2048, 128));   // FUA too
            d.assertGood();
            d.buffer.asSlice(0, 64 * 1024).fill((byte)0);
            d.run(64 * 1024, LoopDriver.cdb16(READ_16, 0, 2048, 128));
            d.assertGood();
            for (int i = 0; i < 64 * 1024; i++)
            {
                assertEquals((byte)(i * 7 + 3), d.buffer.get(ValueLayout.JAVA_BYTE, i), "byte " + i);
            }
        }
    }

    @Test
    void theKernelSeesTheRegisteredRange()
    {
        try (LoopDriver d = new LoopDriver(FileBackstore.fileio("fixed", file, 16L << 20, 512, true, false)))
        {
            register(d, 4096);              // the kernel knows 4 KiB ...
            d.fixedIndex = 0;                // ... the task claims the whole buffer is registered
            d.run(4096, LoopDriver.cdb16(READ_16, 0, 0, 8));
            d.assertGood();                  // inside the registered 4 KiB: fine
            d.run(64 * 1024, LoopDriver.cdb16(READ_16, 0, 0, 128));
            assertEquals(ScsiStatus.CHECK_CONDITION, d.task.status(),
                "READ_FIXED beyond the registered range must fail in the kernel");
        }
    }
}
