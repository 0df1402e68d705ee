package io.ringtarget.backstore;

import io.ringtarget.scsi.ScsiStatus;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileBackstoreTest
{
    private static final long SIZE = 64L << 20;
    private final Path file = Path.of("/var/tmp", "ringtarget-fileio-" + ProcessHandle.current().pid() + "-" +
        System.nanoTime() + ".img");

    @AfterEach
    void deleteFile() throws IOException
    {
        Files.deleteIfExists(file);
    }

    static long allocatedBlocks(final Path path) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder("stat", "-c", "%b", path.toString()).start();
        final String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.waitFor());
        return Long.parseLong(out);
    }

    private byte[] fileBytes(final long offset, final int length) throws IOException
    {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer b = ByteBuffer.allocate(length);
            ch.read(b, offset);
            return b.array();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void createsSparseFileAndWritesReadsThroughTheRing(final boolean direct) throws Exception
    {
        final FileBackstore bs = FileBackstore.fileio("f", file, SIZE, 512, direct, false);
        assertEquals(SIZE, Files.size(file));
        assertEquals(SIZE / 512, bs.blockCount());
        assertTrue(bs.supportsUnmap());
        assertTrue(allocatedBlocks(file) < 64, "created sparse");
        assertEquals(bs.blockSize(), bs.physicalBlockSize(), "a file has no physical block: LBPPBE 0, as LIO fileio");
        try (LoopDriver d = new LoopDriver(bs))
        {
            d.buffer.asSlice(0, 64 * 1024).fill((byte)0x5A);
            d.run(64 * 1024, LoopDriver.cdb16(0x8A, 0, 1024, 128));
            d.assertGood();
            assertEquals(0x5A, fileBytes(1024 * 512, 1)[0]);
            assertEquals(0x5A, fileBytes(1024 * 512 + 64 * 1024 - 1, 1)[0]);
            assertEquals(0, fileBytes(1024 * 512 + 64 * 1024, 1)[0]);

            d.buffer.asSlice(0, 64 * 1024).fill((byte)0);
            d.run(64 * 1024, LoopDriver.cdb16(0x88, 0, 1024, 128));
            d.assertGood();
            assertEquals(64 * 1024, d.task.dataInLength());
            d.assertBytes(d.buffer, 0, 64 * 1024, 0x5A);

            // FUA write (RWF_DSYNC) and SYNCHRONIZE CACHE (fdatasync) complete GOOD through the ring.
            d.buffer.asSlice(0, 4096).fill((byte)0x33);
            d.run(4096, LoopDriver.cdb16(0x8A, 0x08, 0, 8));
            d.assertGood();
            d.run(0, LoopDriver.cdb16(0x91, 0, 0, 0));
            d.assertGood();
            assertEquals(0x33, fileBytes(0, 1)[0]);
        }
    }

    /**
     * A PERSISTENT RESERVE OUT, which may write the APTPL state file (a write and two fsyncs) under the reservations'
     * monitor, runs on the backstore's aside thread, not on the loop: execute returns before the command completes, a
     * turn of the loop completes it GOOD, and the file holds the key (or is removed with APTPL off).
     */
    @Test
    void aPersistentReserveOutRunsOffTheLoopAndWritesTheAptplFileThere(@TempDir final Path state) throws Exception
    {
        final FileBackstore bs = FileBackstore.fileio("f", file, SIZE, 512, true, false);
        try (LoopDriver d = new LoopDriver(bs))
        {
            d.lu.stateFiles().persistentReservationDirectory(state);
            final Path pr = state.resolve("persistent-reservations");
            assertTrue(reserveOut(d, 0x5EED, 0x01), "REGISTER with APTPL went to the aside thread");
            d.assertGood();
            try (java.util.stream.Stream<Path> files = Files.list(pr))
            {
                final List<Path> written = files.toList();
                assertEquals(1, written.size(), written.toString());
                assertTrue(Files.readString(written.get(0)).contains("registration 0000000000005eed "),
                    Files.readString(written.get(0)));
            }
            // APTPL off again: the file is removed, off the loop too (APTPL was active).
            d.buffer.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 0, 0x5EEDL);
            assertTrue(reserveOut(d, 0x5EED, 0), "REGISTER with APTPL=0 over an APTPL state went aside");
            d.assertGood();
            try (java.util.stream.Stream<Path> files = Files.list(pr))
            {
                assertEquals(0, files.count(), "the state file removed");
            }
            // Neither active nor asked for: nothing to write, but off the loop all the same (one rule, one thread).
            d.buffer.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 0, 0x5EEDL);
            assertTrue(reserveOut(d, 0x5EEE, 0), "REGISTER without APTPL went to the aside thread too");
            d.assertGood();
            try (java.util.stream.Stream<Path> files = Files.list(pr))
            {
                assertEquals(0, files.count(), "no state file");
            }
        }
    }

    /**
     * PERSISTENT RESERVE OUT, REGISTER, with the reservation key already in the buffer's first 8 bytes: {@code
     * serviceActionKey} and byte 20 ({@code flags}). True when it completed only after execute returned.
     */
    private static boolean reserveOut(final LoopDriver d, final long serviceActionKey, final int flags)
    {
        d.buffer.asSlice(8, 16).fill((byte)0);
        d.buffer.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 8, serviceActionKey);
        d.buffer.set(ValueLayout.JAVA_BYTE, 20, (byte)flags);
        final int before = d.completions;
        d.task.reset();
        d.task.nexus(d.nexus).device(d.device).cdb(new byte[] {0x5F, 0, 0, 0, 0, 0, 0, 0, 24, 0})
            .expectedDataTransferLength(24).dataBuffer(d.buffer);
        final boolean completedInExecute = d.lu.execute(d.task);
        final long deadline = System.nanoTime() + LoopDriver.WAIT_NANOS;
        while (d.completions == before && System.nanoTime() - deadline < 0)
        {
            d.loop.doWork();
        }
        assertEquals(before + 1, d.completions, "completed once");
        return !completedInExecute;
    }

    @Test
    void unalignedRequestsAreBouncedNotFailed() throws Exception
    {
        final FileBackstore bs = FileBackstore.fileio("f", file, SIZE, 512, true, false);
        try (LoopDriver d = new LoopDriver(bs))
        {
            // A 512-byte write at a 512-aligned but not 4 KiB aligned offset, from a buffer at +512.
            final MemorySegment odd = d.buffer.asSlice(512, 1024);
            odd.fill((byte)0x77);
            d.run(odd, 512, LoopDriver.cdb16(0x8A, 0, 3, 1));
            d.assertGood();
            assertEquals(0x77, fileBytes(3 * 512, 1)[0]);
            assertEquals(0, fileBytes(4 * 512, 1)[0]);

            // An EDTL of 200 bytes reads 200 bytes.
            d.buffer.asSlice(0, 512).fill((byte)0);
            d.run(200, LoopDriver.cdb16(0x88, 0, 3, 1));
            d.assertGood();
            assertEquals(200, d.task.dataInLength());
            d.assertBytes(d.buffer, 0, 200, 0x77);
            assertTrue(((FileDevice)d.device).bounced() >= 2);
            assertEquals(((FileDevice)d.device).bounced(), bs.bouncedRequests());

            // And an aligned read after the buffered write sees it (O_DIRECT writes back the page cache first).
            d.run(4096, LoopDriver.cdb16(0x88, 0, 0, 8));
            d.assertGood();
            d.assertBytes(d.buffer, 3 * 512, 512, 0x77);
        }
    }

    @Test
    void unmapPunchesHolesAndGetLbaStatusSeesThem() throws Exception
    {
        final FileBackstore bs = FileBackstore.fileio("f", file, SIZE, 512, true, false);
        try (LoopDriver d = new LoopDriver(bs))
        {
            d.buffer.asSlice(0, 1 << 20).fill((byte)0x44);
            d.run(1 << 20, LoopDriver.cdb16(0x8A, 0x08, 0, 2048));
            d.assertGood();
            final long before = allocatedBlocks(file);
            assertTrue(before >= 2048, "1 MiB allocated: " + before);

            // GET LBA STATUS: LBA 0 mapped, LBA 4096 deallocated.
            d.run(24, 0x9E, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 24, 0, 0);
            d.assertGood();
            assertEquals(0, d.buffer.get(ValueLayout.JAVA_BYTE, 20));
            assertEquals(2048, d.buffer.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 16));
            d.run(24, 0x9E, 0x12, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 24, 0, 0);
            assertEquals(1, d.buffer.get(ValueLayout.JAVA_BYTE, 20));

            // UNMAP the first 512 KiB: one descriptor.
            d.buffer.asSlice(0, 24).fill((byte)0);
            d.buffer.set(ValueLayout.JAVA_BYTE, 1, (byte)22);
            d.buffer.set(ValueLayout.JAVA_BYTE, 3, (byte)16);
            d.buffer.set(ValueLayout.JAVA_BYTE, 18, (byte)0x04); // 1024 blocks
            d.run(24, 0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0);
            d.assertGood();
            final long after = allocatedBlocks(file);
            assertTrue(after <= before - 1024, "hole punched: " + before + " -> " + after);
            d.run(1 << 20, LoopDriver.cdb16(0x88, 0, 0, 2048));
            d.assertBytes(d.buffer, 0, 512 * 1024, 0);
            d.assertBytes(d.buffer, 512 * 1024, 512 * 1024, 0x44);

            d.run(24, 0x9E, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 24, 0, 0);
            assertEquals(1, d.buffer.get(ValueLayout.JAVA_BYTE, 20), "LBA 0 deallocated now");

            // WRITE SAME(16) with UNMAP over zeros also punches.
            d.buffer.asSlice(0, 512).fill((byte)0);
            d.run(512, LoopDriver.cdb16(0x93, 0x08, 1024, 1024));
            d.assertGood();
            assertTrue(allocatedBlocks(file) <= after - 1024);
        }
    }

    @Test
    void logicalBlockProvisioningLogPageReportsTheFilesBlocksAndTheFileSystemsFreeSpace() throws Exception
    {
        final FileBackstore bs = FileBackstore.fileio("f", file, SIZE, 512, true, false);
        try (LoopDriver d = new LoopDriver(bs))
        {
            long[] page = RamBackstoreTest.provisioningLogPage(d);
            assertEquals(0, page[1], "a new sparse file uses nothing");
            assertEquals(2, page[2], "scope: shared with the file system");
            final long usable = Files.getFileStore(file).getUsableSpace() / 512;
            assertEquals(Math.min(usable, SIZE / 512), page[0], Math.max(4096, usable / 100), "available");

            d.buffer.asSlice(0, 1 << 20).fill((byte)0x44);
            d.run(1 << 20, LoopDriver.cdb16(0x8A, 0x08, 0, 2048));
            d.assertGood();
            page = RamBackstoreTest.provisioningLogPage(d);
            assertEquals(allocatedBlocks(file), page[1], "used: the file's st_blocks");
            assertTrue(page[1] >= 2048, "1 MiB written: " + page[1]);
            assertTrue(page[0] <= SIZE / 512 - page[1], "never more than the LU can still map: " + page[0]);

            d.buffer.asSlice(0, 512).fill((byte)0);
            d.run(512, LoopDriver.cdb16(0x93, 0x08, 0, 2048));   // WRITE SAME(16) UNMAP: the hole punched
            d.assertGood();
            assertEquals(allocatedBlocks(file), RamBackstoreTest.provisioningLogPage(d)[1]);
        }
    }

    @Test
    void sanitizeOverwritesEveryBlockAndBlockErasePunchesTheWholeFile() throws Exception
    {
        final FileBackstore bs = FileBackstore.fileio("f", file, SIZE, 512, true, false);
        try (LoopDriver d = new LoopDriver(bs))
        {
            // SANITIZE OVERWRITE, one pass of a 2-byte pattern, IMMED=0: 64 steps of 1 MiB on the ring.
            final byte[] list = {1, 0, 0, 2, 0x3C, 0x5A};
            d.buffer.asSlice(0, 6).copyFrom(java.lang.foreign.MemorySegment.ofArray(list));
            d.run(6, 0x48, 0x01, 0, 0, 0, 0, 0, 0, 6, 0);
            d.assertGood();
            final byte[] first = fileBytes(0, 4);
            final byte[] last = fileBytes(SIZE - 2, 2);
            assertEquals(0x3C, first[0]);
            assertEquals(0x5A, first[1]);
            assertEquals(0x3C, last[0]);
            assertEquals(0x5A, last[1]);
            assertTrue(allocatedBlocks(file) >= SIZE / 512, "every block written: " + allocatedBlocks(file));

            d.run(0, 0x48, 0x02, 0, 0, 0, 0, 0, 0, 0, 0);   // BLOCK ERASE: the whole file punched
            d.assertGood();
            assertEquals(0, allocatedBlocks(file), "nothing left allocated");
            assertEquals(0, fileBytes(SIZE - 2, 2)[1]);
            assertEquals(SIZE, Files.size(file), "the size kept");
            assertEquals(0, d.lu.status().sanitizeState());
        }
    }

    @Test
    void compareAndWriteAndVerifyOnTheRing() throws Exception
    {
        final FileBackstore bs = FileBackstore.fileio("f", file, SIZE, 4096, true, false);
        assertEquals(SIZE / 4096, bs.blockCount());
        try (LoopDriver d = new LoopDriver(bs))
        {
            d.buffer.asSlice(0, 4096).fill((byte)0);
            d.buffer.asSlice(4096, 4096).fill((byte)0x21);
            d.run(8192, 0x89, 0, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 1, 0, 0);
            d.assertGood();
            assertEquals(0x21, fileBytes(7 * 4096, 1)[0]);
            d.run(8192, 0x89, 0, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 1, 0, 0);
            assertEquals(ScsiStatus.CHECK_CONDITION, d.task.status(), "now the medium holds 0x21");

            d.buffer.asSlice(0, 4096).fill((byte)0x21);
            d.run(4096, LoopDriver.cdb16(0x8F, 0x02, 7, 1));
            d.assertGood();
        }
    }

    @Test
    void existingFileKeepsItsSizeAndReadOnlyIsEnforced() throws Exception
    {
        Files.write(file, new byte[1 << 20]);
        final FileBackstore bs = FileBackstore.fileio("ro", file, 0, 512, true, true);
        assertEquals(2048, bs.blockCount());
        try (LoopDriver d = new LoopDriver(bs))
        {
            d.run(512, LoopDriver.cdb16(0x8A, 0, 0, 1));
            assertEquals(ScsiStatus.CHECK_CONDITION, d.task.status());
            d.run(512, LoopDriver.cdb16(0x88, 0, 0, 1));
            d.assertGood();
        }
    }

    @Test
    void anExistingSmallerFileIsGrownOnlyWhenAsked() throws Exception
    {
        final byte[] data = new byte[1 << 20];
        java.util.Arrays.fill(data, (byte)0x42);
        Files.write(file, data);

        final IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> FileBackstore.fileio("f", file, SIZE, 512, true, false));
        assertEquals(file + " is 1048576 bytes, smaller than the configured " + SIZE + ": an existing file is not " +
            "grown unless asked (grow)", refused.getMessage());
        assertEquals(1 << 20, Files.size(file), "not grown");

        final FileBackstore grown = FileBackstore.fileio("f", file, SIZE, 512, true, false, true);
        assertEquals(SIZE, Files.size(file));
        assertEquals(SIZE / 512, grown.blockCount());
        assertEquals(0x42, fileBytes((1 << 20) - 1, 1)[0], "the data stays");
        grown.close();
    }

    @Test
    void anEmptyFileIsSizedLikeANewOne() throws Exception
    {
        Files.createFile(file);

        final FileBackstore bs = FileBackstore.fileio("f", file, SIZE, 512, true, false);

        assertEquals(SIZE, Files.size(file));
        assertEquals(SIZE / 512, bs.blockCount());
        bs.close();
    }

    @Test
    void readsPastATruncatedFileAreMediumErrors() throws Exception
    {
        final FileBackstore bs = FileBackstore.fileio("f", file, SIZE, 512, true, false);
        try (LoopDriver d = new LoopDriver(bs))
        {
            // Someone shrinks the file under us: the ring read returns 0 bytes, which must not pass as data.
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE))
            {
                ch.truncate(1 << 20);
            }
            d.run(4096, LoopDriver.cdb16(0x88, 0, 4096, 8));
            assertEquals(ScsiStatus.CHECK_CONDITION, d.task.status());
            assertEquals(0x03, d.task.senseData().get(ValueLayout.JAVA_BYTE, 2), "MEDIUM ERROR");
            assertEquals(0x11, d.task.senseData().get(ValueLayout.JAVA_BYTE, 12), "UNRECOVERED READ ERROR");
            assertEquals(1, d.lu.status().ioErrorCount());
            assertEquals(1, bs.ioErrors());
            d.run(4096, LoopDriver.cdb16(0x88, 0, 0, 8));
            d.assertGood();
        }
    }

    @Test
    void aSelfTestNamesTheFirstBlockATruncatedFileCannotGive() throws Exception
    {
        final FileBackstore bs = FileBackstore.fileio("f", file, SIZE, 512, true, false);
        try (LoopDriver d = new LoopDriver(bs))
        {
            d.run(0, 0x1D, 0x04, 0, 0, 0, 0);   // SEND DIAGNOSTIC, SELFTEST: the default self-test
            d.assertGood();
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE))
            {
                ch.truncate((1 << 20) + 1000);   // block 2048 whole, block 2049 in part, the rest gone
            }
            d.run(0, 0x1D, 0x04, 0, 0, 0, 0);
            assertEquals(ScsiStatus.CHECK_CONDITION, d.task.status());
            assertEquals(0x04, d.task.senseData().get(ValueLayout.JAVA_BYTE, 2), "HARDWARE ERROR");
            assertEquals(0x3E, d.task.senseData().get(ValueLayout.JAVA_BYTE, 12), "LOGICAL UNIT FAILED SELF-TEST");
            assertEquals(0x03, d.task.senseData().get(ValueLayout.JAVA_BYTE, 13));
            // A background short self-test, for the log: GOOD at once, its reads on the loop after (so not d.run,
            // which holds that a command answered has no device I/O left in flight).
            d.task.reset();
            d.task.nexus(d.nexus).device(d.device).cdb(new byte[] {0x1D, 0x01 << 5, 0, 0, 0, 0})
                .expectedDataTransferLength(0).dataBuffer(d.buffer);
            d.lu.execute(d.task);
            d.assertGood();
            assertTrue(d.lu.status().selfTestRunning());
            // Until the test ends (bounded in time, not in turns: a loaded machine completes the reads more slowly
            // than the loop spins; a CI run met 10,000 turns that were not enough).
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (d.lu.status().selfTestRunning() && System.nanoTime() < deadline)
            {
                d.loop.doWork();
            }
            assertFalse(d.lu.status().selfTestRunning(), "the background self-test ended within 10 s");
            d.run(64, 0x4D, 0, 0x40 | 0x10, 0, 0, 0, 0, 0, 64, 0);   // Self-Test Results, newest first
            d.assertGood();
            assertEquals(0x25, d.buffer.get(ValueLayout.JAVA_BYTE, 8), "background short, first segment failed");
            final ValueLayout.OfLong u64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
            assertEquals(2049, d.buffer.get(u64, 12), "ADDRESS OF FIRST FAILURE");
            assertEquals(0x03, d.buffer.get(ValueLayout.JAVA_BYTE, 20), "MEDIUM ERROR");
            assertEquals(0x11, d.buffer.get(ValueLayout.JAVA_BYTE, 21), "UNRECOVERED READ ERROR");
            assertEquals(0x00, d.buffer.get(ValueLayout.JAVA_BYTE, 28), "no older entry: the default is not logged");
        }
    }

    @Test
    void heapBuffersAreRefusedNotPassedToTheKernel()
    {
        final FileBackstore bs = FileBackstore.fileio("f", file, SIZE, 512, true, false);
        try (LoopDriver d = new LoopDriver(bs))
        {
            final MemorySegment heap = MemorySegment.ofArray(new byte[4096]);
            d.run(heap, 4096, LoopDriver.cdb16(0x88, 0, 0, 8));
            assertEquals(ScsiStatus.CHECK_CONDITION, d.task.status());
            assertEquals(0x03, d.task.senseData().get(ValueLayout.JAVA_BYTE, 2), "MEDIUM ERROR");
            d.run(heap, 4096, LoopDriver.cdb16(0x8A, 0, 0, 8));
            assertEquals(ScsiStatus.CHECK_CONDITION, d.task.status());
        }
    }
}
