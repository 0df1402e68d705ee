package io.ringtarget.backstore;

import io.ringtarget.scsi.ItNexus;
import io.ringtarget.scsi.ScsiStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A logical unit's state files are saved off its event loop, on its backstore's aside thread, where an fsync to a slow
 * or failing disk holds no other session of the loop: a MODE SELECT with SP completes once its pages are saved, a
 * SANITIZE's start (IMMED answered once it is) and end are steps of the operation run there, and the error counters
 * and the self-test log, which no status waits for, are saved there after the work before them. Each is shown by
 * holding the aside thread (a save that waits on a latch): the command or save waits, the loop turns, and nothing
 * is written until the thread is let go. On a real file backstore and a real state directory.
 */
class StateSavesAsideTest
{
    private static final long SIZE = 8L << 20;
    private static final long HELD_MILLIS = 300;

    @TempDir
    Path state;

    private final Path file = Path.of("/var/tmp", "ringtarget-aside-" + ProcessHandle.current().pid() + "-" +
        System.nanoTime() + ".img");
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch holding = new CountDownLatch(1);

    @AfterEach
    void removeFile() throws IOException
    {
        release.countDown();
        Files.deleteIfExists(file);
    }

    private LoopDriver driver() throws IOException
    {
        return new LoopDriver(FileBackstore.fileio("f", file, SIZE, 512, true, false));
    }

    /** Holds the backstore's aside thread until {@link #release} counts down. */
    private void holdAsideThread(final LoopDriver d) throws InterruptedException
    {
        d.device.saveAside(() ->
        {
            holding.countDown();
            try
            {
                release.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(holding.await(10, TimeUnit.SECONDS), "the aside thread took the holding save");
    }

    /** Starts a command without waiting for it: true when it completed within execute. */
    private static boolean start(final LoopDriver d, final int edtl, final int... cdb)
    {
        return start(d, d.nexus, edtl, cdb);
    }

    private static boolean start(final LoopDriver d, final ItNexus nexus, final int edtl, final int... cdb)
    {
        final byte[] bytes = new byte[cdb.length];
        for (int i = 0; i < cdb.length; i++)
        {
            bytes[i] = (byte)cdb[i];
        }
        d.task.reset();
        d.task.nexus(nexus).device(d.device).cdb(bytes).expectedDataTransferLength(edtl).dataBuffer(d.buffer);
        final int before = d.completions;
        d.lu.execute(d.task);
        return d.completions != before;
    }

    /**
     * MODE SENSE(10) of {@code page} as it is (DBD: no block descriptor), put in the buffer as a MODE SELECT(10)
     * parameter list with bit 2 of byte 2 flipped (the caching page's WCE, the control page's D_SENSE).
     *
     * @return the parameter list's length.
     */
    private static int pageWithBitFlipped(final LoopDriver d, final int page)
    {
        d.run(64, 0x5A, 0x08, page, 0, 0, 0, 0, 0, 64, 0);
        d.assertGood();
        final int pageLength = 2 + d.buffer.get(ValueLayout.JAVA_BYTE, 9);
        final byte[] bytes = d.buffer.asSlice(8, pageLength).toArray(ValueLayout.JAVA_BYTE);
        bytes[0] &= 0x3F;   // PS is reserved in MODE SELECT
        bytes[2] ^= 0x04;
        d.buffer.asSlice(0, 8).fill((byte)0);
        d.buffer.asSlice(8, pageLength).copyFrom(MemorySegment.ofArray(bytes));
        return 8 + pageLength;
    }

    /** Turns the loop for a while, as it serves its other sessions: true if {@code done} became true meanwhile. */
    private static boolean turnFor(final LoopDriver d, final long millis, final BooleanSupplier done)
    {
        final long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() - end < 0)
        {
            d.loop.doWork();
            if (done.getAsBoolean())
            {
                return true;
            }
        }
        return false;
    }

    @Test
    void aModeSelectThatSavesCompletesOnceItsPagesAreSavedOffTheLoop() throws Exception
    {
        try (LoopDriver d = driver())
        {
            d.lu.stateFiles().modeParameterDirectory(state);
            final Path saved = d.lu.stateFiles().modeParameterFile();
            final boolean wceBefore = d.lu.writeCacheEnabled();
            final int length = pageWithBitFlipped(d, 0x08);   // the caching page's WCE

            holdAsideThread(d);
            final int before = d.completions;
            assertFalse(start(d, length, 0x55, 0x11, 0, 0, 0, 0, 0, 0, length, 0), "MODE SELECT with SP waited");
            assertFalse(turnFor(d, HELD_MILLIS, () -> d.completions != before), "not answered before it is saved");
            assertFalse(Files.exists(saved), "nothing saved while the aside thread is held");
            assertEquals(wceBefore, d.lu.writeCacheEnabled(), "not current before it is saved");

            release.countDown();
            assertTrue(turnFor(d, 10_000, () -> d.completions != before), "answered once saved");
            d.assertGood();
            final String content = Files.readString(saved);
            assertTrue(content.contains("\nwce " + (wceBefore ? 0 : 1) + "\n"), content);
            assertEquals(!wceBefore, d.lu.writeCacheEnabled());
        }
    }

    @Test
    void aModeSelectAbortedWhileItsSaveRunsStillTellsTheOtherNexusesOfItsChange() throws Exception
    {
        try (LoopDriver d = driver())
        {
            d.lu.stateFiles().modeParameterDirectory(state);
            final ItNexus other = new ItNexus("iqn.2026-11.test:other,i,0x000000000002", d.nexus.targetPort());
            assertTrue(start(d, other, 0, 0, 0, 0, 0, 0, 0), "TEST UNIT READY");   // its POWER ON unit attention
            assertTrue(start(d, other, 0, 0, 0, 0, 0, 0, 0), "TEST UNIT READY");
            assertEquals(ScsiStatus.GOOD, d.task.status(), "nothing pending for the other nexus");
            final int length = pageWithBitFlipped(d, 0x0A);   // the control page's D_SENSE, off by default: on

            holdAsideThread(d);
            final int before = d.completions;
            assertFalse(start(d, length, 0x55, 0x11, 0, 0, 0, 0, 0, 0, length, 0), "MODE SELECT with SP waited");
            d.task.abort();   // task management, while the save waits
            release.countDown();
            assertTrue(turnFor(d, 10_000, () -> d.completions != before), "completed once saved");
            assertEquals(ScsiStatus.TASK_ABORTED, d.task.status());
            assertTrue(d.lu.descriptorSense(), "the saved change stands");
            assertTrue(start(d, other, 0, 0, 0, 0, 0, 0, 0), "TEST UNIT READY");
            assertEquals(ScsiStatus.CHECK_CONDITION, d.task.status(), "the other nexus is told");
            // Descriptor format sense data now: sense key at byte 1, ASC and ASCQ at 2 and 3.
            assertEquals(0x06, d.task.senseData().get(ValueLayout.JAVA_BYTE, 1) & 0x0F, "UNIT ATTENTION");
            assertEquals(0x2A, d.task.senseData().get(ValueLayout.JAVA_BYTE, 2) & 0xFF, "PARAMETERS CHANGED");
            assertEquals(0x01, d.task.senseData().get(ValueLayout.JAVA_BYTE, 3) & 0xFF, "MODE PARAMETERS CHANGED");
        }
    }

    @Test
    void theErrorCountersAndTheSelfTestLogAreSavedOffTheLoopAfterTheWorkBeforeThem() throws Exception
    {
        try (LoopDriver d = driver())
        {
            d.lu.stateFiles().errorCounterDirectory(state);
            d.lu.stateFiles().selfTestLogDirectory(state);
            final Path counters = d.lu.stateFiles().errorCounterFile();
            final Path log = d.lu.stateFiles().selfTestLogFile();
            holdAsideThread(d);
            // LOG SELECT PCR resets the counters and saves them: GOOD at once, as before; the file after the hold.
            assertTrue(start(d, 0, 0x4C, 0x02, 0x40, 0, 0, 0, 0, 0, 0, 0), "LOG SELECT completed in execute");
            d.assertGood();
            // A background short self-test (SEND DIAGNOSTIC, code 001b): GOOD at once; it reads the medium on the
            // loop while the save of its log entry waits behind the held thread.
            assertTrue(start(d, 0, 0x1D, 0x20, 0, 0, 0, 0), "SEND DIAGNOSTIC completed in execute");
            d.assertGood();
            assertFalse(turnFor(d, HELD_MILLIS, () -> Files.exists(counters) || Files.exists(log)),
                "nothing saved while the aside thread is held");

            release.countDown();
            assertTrue(turnFor(d, 10_000, () -> Files.exists(counters) && Files.exists(log)), "both saved after it");
            assertTrue(Files.readString(counters).contains("read 0"), Files.readString(counters));
        }
    }

    @Test
    void aSanitizeWritesNoBlockBeforeItsStartIsSavedAndRemovesItsFileAtTheEnd() throws Exception
    {
        try (LoopDriver d = driver())
        {
            d.lu.stateFiles().mediumOperationDirectory(state);
            final Path operation = d.lu.stateFiles().mediumOperationFile();
            holdAsideThread(d);
            // SANITIZE OVERWRITE, IMMED, one pass of the pattern 0xA5.
            d.buffer.set(ValueLayout.JAVA_BYTE, 0, (byte)1);
            d.buffer.set(ValueLayout.JAVA_BYTE, 1, (byte)0);
            d.buffer.set(ValueLayout.JAVA_BYTE, 2, (byte)0);
            d.buffer.set(ValueLayout.JAVA_BYTE, 3, (byte)1);
            d.buffer.set(ValueLayout.JAVA_BYTE, 4, (byte)0xA5);
            final int before = d.completions;
            assertFalse(start(d, 5, 0x48, 0x80 | 0x01, 0, 0, 0, 0, 0, 0, 5, 0), "IMMED waits for the start's save");
            assertFalse(turnFor(d, HELD_MILLIS, () -> d.completions != before), "not answered before it is saved");
            assertFalse(Files.exists(operation), "nothing saved while the aside thread is held");
            assertEquals(0, firstByteOfFile(), "no block written before the start is saved");
            assertFalse(d.backstore.release(d.device), "the handle is kept while a step of it is aside");

            release.countDown();
            assertTrue(turnFor(d, 10_000, () -> d.completions != before), "IMMED answered once the start is saved");
            assertEquals(ScsiStatus.GOOD, d.task.status());
            assertTrue(turnFor(d, 60_000, () -> d.lu.status().sanitizeState() == 0 && !Files.exists(operation)),
                "the operation ended and its file was removed");
            assertEquals(0xA5, firstByteOfFile());
            assertTrue(d.backstore.release(d.device), "released once nothing of it is in flight");
        }
    }

    private int firstByteOfFile() throws IOException
    {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ))
        {
            final java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
            ch.read(b, 0);
            return b.get(0) & 0xFF;
        }
    }
}
