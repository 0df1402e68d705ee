package io.ringtarget.scsi;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sanitize or format operation across a restart (SBC-4 4.11.2, 5.3; {@link MediumOperationStore}), with real files
 * in a state directory: a logical unit made again with the same serial and directory, as a restarted server makes
 * it, comes back with the operation in progress, which the first command starts again and which then overwrites
 * every block, or in the failure mode the last run left; a torn or foreign file is refused.
 */
class MediumOperationRestartTest
{
    private static final int SANITIZE = 0x48;
    private static final int OVERWRITE = 0x01;
    private static final int BLOCK_ERASE = 0x02;
    private static final int EXIT_FAILURE_MODE = 0x1F;
    private static final int IMMED = 0x80;
    private static final int AUSE = 0x20;
    private static final int BLOCKS = 16384;   // 8 MiB: eight 1 MiB chunks per pass
    private static final int BLOCK = 512;

    @TempDir
    Path state;

    /** What the logical unit told its server, in order (the server logs it). */
    private final java.util.List<String> events = new java.util.ArrayList<>();
    private final MediumEvents recorder = new MediumEvents()
    {
        @Override
        public void operationStarted(final String operation, final String initiatorPort)
        {
            events.add("started " + operation + " by " + initiatorPort);
        }

        @Override
        public void operationResumed(final String operation, final int percentDone)
        {
            events.add("resumed " + operation + " from " + percentDone + "%");
        }

        @Override
        public void operationEnded(final String operation, final boolean completed, final long elapsedNanos)
        {
            assertTrue(elapsedNanos >= 0, "elapsed " + elapsedNanos);
            events.add((completed ? "completed " : "failed ") + operation);
        }
    };

    /** A logical unit with the state directory, as the server makes it at every start (same serial). */
    private LuHarness start() throws IOException
    {
        final LuHarness h = new LuHarness(BLOCKS, BLOCK, true, false);
        h.lu.stateFiles().mediumOperationDirectory(state);
        h.lu.mediumEvents(recorder);
        h.device.disk().fill((byte)0x11);
        return h;
    }

    private Path file()
    {
        return state.resolve("medium-operations/SERIAL0001.op");
    }

    private String saved() throws IOException
    {
        return Files.readString(file(), StandardCharsets.US_ASCII);
    }

    private static void overwrite(final LuHarness h, final int flags, final int first, final int pattern)
    {
        h.buffer.set(ValueLayout.JAVA_BYTE, 0, (byte)first);
        h.buffer.set(ValueLayout.JAVA_BYTE, 1, (byte)0);
        h.buffer.set(ValueLayout.JAVA_BYTE, 2, (byte)0);
        h.buffer.set(ValueLayout.JAVA_BYTE, 3, (byte)1);
        h.buffer.set(ValueLayout.JAVA_BYTE, 4, (byte)pattern);
        h.run(h.nexus, 5, SANITIZE, flags | OVERWRITE, 0, 0, 0, 0, 0, 0, 5, 0);
    }

    private static void assertEveryBlockHolds(final LuHarness h, final int value)
    {
        for (long offset = 0; offset < (long)BLOCKS * BLOCK; offset += 4093)
        {
            assertEquals(value, h.device.disk().get(ValueLayout.JAVA_BYTE, offset) & 0xFF, "byte " + offset);
        }
    }

    @Test
    void anOverwriteInterruptedByARestartStartsAgainWithTheFirstCommandAndEndsWithTheFile() throws IOException
    {
        final LuHarness before = start().ready();
        before.device.deferred = true;
        before.drainAfterRun = false;
        overwrite(before, IMMED, 0x80 | 3, 0x5A);   // INVERT, three passes
        before.assertGood();
        before.device.drain(5);
        assertEquals(Sanitize.IN_PROGRESS, before.lu.status().sanitizeState());
        assertTrue(saved().contains("operation sanitize\nstate running\nerase 0\nunrestricted 0\ninvert 1\n" +
            "passes 3\npattern 5a\n"), saved());
        assertEquals(file(), before.lu.stateFiles().mediumOperationFile());
        // The server stops here (a kill: the operation's steps never come back).

        final LuHarness after = start();
        assertEquals(Sanitize.IN_PROGRESS, after.lu.status().sanitizeState(), "in progress before any command");
        after.device.deferred = true;
        after.drainAfterRun = false;
        assertEquals(0, after.device.pendingCount(), "nothing runs until a command comes");
        after.run(after.other, 96, 0x12, 0, 0, 0, 96, 0);   // INQUIRY: answered, and the operation starts again
        after.assertGood();
        assertEquals(1, after.device.pendingCount(), "the first chunk of the first pass in flight");
        after.run(after.other, 0, 0, 0, 0, 0, 0, 0);
        after.assertSense(SenseKey.NOT_READY, Asc.SANITIZE_IN_PROGRESS);
        assertEquals(1, after.device.pendingCount(), "started once");
        after.device.drain();
        assertEquals(Sanitize.IDLE, after.lu.status().sanitizeState());
        assertEquals(3 * 8, after.device.writes, "three whole passes, from the first block");
        assertEquals(java.util.List.of("started SANITIZE OVERWRITE (3 passes, INVERT) by " +
                before.nexus.initiatorPortName(), "resumed SANITIZE OVERWRITE (3 passes, INVERT) from 0%",
                "completed SANITIZE OVERWRITE (3 passes, INVERT)"), events,
            "who started it, that it started again after the restart (no progress saved yet), and that it completed");
        assertEveryBlockHolds(after, 0x5A);   // INVERT: the last pass writes the pattern as given
        assertFalse(Files.exists(file()), "completed: nothing to come back to");
        after.drainAfterRun = true;
        after.run(after.other, 0, 0, 0, 0, 0, 0, 0);
        after.assertGood();
        assertEquals(Sanitize.IDLE, start().lu.status().sanitizeState(), "a third start finds nothing");
    }

    @Test
    void anOverwriteGoesOnAfterARestartFromTheProgressItSavedWithThatPasssPattern() throws IOException
    {
        final LuHarness before = start().ready();
        before.lu.sanitize().checkpointInterval(0);   // a checkpoint after every chunk (5 s in a server)
        before.device.deferred = true;
        before.drainAfterRun = false;
        overwrite(before, IMMED, 0x80 | 2, 0x5A);   // INVERT, two passes: 0xA5 first, then 0x5A
        before.assertGood();
        // Each chunk is a write and then the flush of its checkpoint: 11 chunks, 3 into the second pass.
        before.device.drain(22);
        assertTrue(before.device.flushes >= 11, "flushed before each save: " + before.device.flushes);
        assertTrue(saved().contains("passes 2\npattern 5a\ncapacity " + (long)BLOCKS * BLOCK + "\ndone " +
            (11L << 20) + "\n"), saved());
        // Killed here: the 12th chunk's write never lands. On the medium: 3 MiB of 0x5A, then 5 MiB of 0xA5.

        final LuHarness after = start();
        assertEquals(Sanitize.IN_PROGRESS, after.lu.status().sanitizeState());
        assertEquals(11 * 65535 / 16, after.lu.stateFiles().mediumOperationResumeProgress(), "11 of 16 MiB");
        assertEquals(11 * 65535 / 16, after.lu.status().sanitizeProgress(), "REQUEST SENSE says so before it goes on");
        after.device.disk().asSlice(0, 3 << 20).fill((byte)0x5A);
        after.device.disk().asSlice(3 << 20, 5 << 20).fill((byte)0xA5);
        after.run(after.other, 96, 0x12, 0, 0, 0, 96, 0);   // INQUIRY: the operation goes on
        after.assertGood();
        assertEquals(Sanitize.IDLE, after.lu.status().sanitizeState());
        assertEquals(5, after.device.writes, "the five chunks not saved as done");
        assertEveryBlockHolds(after, 0x5A);   // the second pass's pattern, as given
        assertEquals(java.util.List.of("started SANITIZE OVERWRITE (2 passes, INVERT) by " +
                before.nexus.initiatorPortName(), "resumed SANITIZE OVERWRITE (2 passes, INVERT) from 68%",
                "completed SANITIZE OVERWRITE (2 passes, INVERT)"), events);
        assertFalse(Files.exists(file()));
    }

    @Test
    void aSavedProgressOfAnotherSizeOrAVersion1FileStartsAgainFromTheFirstBlock() throws IOException
    {
        final MediumOperationStore store = new MediumOperationStore(state, "SERIAL0001");
        // Saved when the LU was 4 MiB larger (grown since): its progress does not describe these blocks.
        store.save(new MediumOperationStore.Operation(false, true, false, false, false, 1, new byte[] {0x42},
            (long)BLOCKS * BLOCK + (4 << 20), 6L << 20));
        final LuHarness grown = start();
        assertEquals(0, grown.lu.stateFiles().mediumOperationResumeProgress());
        grown.run(grown.other, 96, 0x12, 0, 0, 0, 96, 0);
        assertEquals(8, grown.device.writes, "all eight chunks");
        assertEveryBlockHolds(grown, 0x42);

        // The first release's file (version 1, no progress): resumed from the first block.
        final String body = "ringtarget medium operation 1\nserial SERIAL0001\noperation sanitize\nstate running\n" +
            "erase 0\nunrestricted 0\ninvert 0\npasses 1\npattern 43\n";
        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        Files.writeString(file(), body + String.format("crc32c %08x%n", crc.getValue()));
        final LuHarness old = start();
        assertEquals(0, old.lu.stateFiles().mediumOperationResumeProgress());
        old.run(old.other, 96, 0x12, 0, 0, 0, 96, 0);
        assertEquals(8, old.device.writes);
        assertEveryBlockHolds(old, 0x43);
        assertFalse(Files.exists(file()));
    }

    @Test
    void aFailedSanitizeStaysInItsFailureModeAcrossARestartUntilOneCompletes() throws IOException
    {
        final LuHarness before = start().ready();
        before.device.failWithErrno = 5;
        before.device.holdSaves = true;
        overwrite(before, 0, 1, 0x33);
        before.assertSense(SenseKey.MEDIUM_ERROR, Asc.SANITIZE_COMMAND_FAILED);
        // The failure mode is saved aside, not on the loop: answered while the save waits, made once it runs.
        assertTrue(saved().contains("operation sanitize\nstate running\n"), saved());
        assertEquals(1, before.device.runHeldSaves());
        assertTrue(saved().contains("operation sanitize\nstate failed\n"), saved());

        final LuHarness after = start().ready();
        assertEquals(Sanitize.FAILED, after.lu.status().sanitizeState());
        after.run(after.nexus, 512, 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0);
        after.assertSense(SenseKey.MEDIUM_ERROR, Asc.SANITIZE_COMMAND_FAILED);
        after.run(0, SANITIZE, EXIT_FAILURE_MODE, 0, 0, 0, 0, 0, 0, 0, 0);   // AUSE was 0: restricted
        after.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        after.run(0, SANITIZE, BLOCK_ERASE, 0, 0, 0, 0, 0, 0, 0, 0);
        after.assertGood();
        assertFalse(Files.exists(file()));
        assertEquals(Sanitize.IDLE, start().lu.status().sanitizeState());

        // With AUSE the failure mode may be left by EXIT FAILURE MODE, after a restart too; that removes the file.
        after.device.failWithErrno = 5;
        overwrite(after, AUSE, 1, 0x33);
        after.device.failWithErrno = 0;
        assertTrue(saved().contains("state failed\nerase 0\nunrestricted 1\n"), saved());
        final LuHarness third = start().ready();
        third.device.holdSaves = true;
        third.run(0, SANITIZE, EXIT_FAILURE_MODE, 0, 0, 0, 0, 0, 0, 0, 0);
        third.assertGood();
        assertEquals(Sanitize.IDLE, third.lu.status().sanitizeState());
        assertTrue(Files.exists(file()), "removed aside");
        assertEquals(1, third.device.runHeldSaves());
        assertFalse(Files.exists(file()));
    }

    @Test
    void aFailedFormatLeavesTheMediumFormatCorruptedAfterARestart() throws IOException
    {
        final LuHarness before = start().ready();
        before.device.failWithErrno = 5;
        before.run(0, 0x04, 0, 0, 0, 0, 0);   // FORMAT UNIT: a thin unit is deallocated
        before.assertSense(SenseKey.MEDIUM_ERROR, Asc.FORMAT_COMMAND_FAILED);
        assertTrue(saved().contains("operation format\nstate failed\nerase 1\n"), saved());
        assertEquals("failed FORMAT UNIT (deallocate)", events.getLast());

        final LuHarness after = start().ready();
        assertEquals(2, after.lu.status().formatState());
        after.run(after.nexus, 512, 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0);
        after.assertSense(SenseKey.MEDIUM_ERROR, Asc.MEDIUM_FORMAT_CORRUPTED);
        after.run(0, 0x04, 0, 0, 0, 0, 0);
        after.assertGood();
        assertEquals(0, after.lu.status().formatState());
        assertFalse(Files.exists(file()));
    }

    @Test
    void theFileRoundTripsAndATornCorruptOrForeignOneIsRefused() throws IOException
    {
        final MediumOperationStore store = new MediumOperationStore(state, "SERIAL0001");
        assertEquals(null, store.load(), "none yet");
        final MediumOperationStore.Operation op = new MediumOperationStore.Operation(true, true, false, false, false,
            1, new byte[] {0x00, (byte)0xFF}, 8 << 20, 3 << 20);
        store.save(op);
        final MediumOperationStore.Operation back = store.load();
        assertEquals(true, back.format());
        assertEquals(true, back.running());
        assertArrayEquals(new byte[] {0x00, (byte)0xFF}, back.pattern());
        assertEquals(8 << 20, back.capacity());
        assertEquals(3 << 20, back.done());
        final byte[] bytes = Files.readAllBytes(store.file());

        store.save(new MediumOperationStore.Operation(false, true, false, false, false, 2, new byte[0], 1 << 20,
            (2 << 20) + 1));
        assertTrue(assertThrows(MediumOperationStateException.class, store::load).getMessage()
            .contains("line 11: 2097153 bytes done of an operation of 2097152"));

        bytes[40] ^= 0x01;
        Files.write(store.file(), bytes);
        assertTrue(assertThrows(MediumOperationStateException.class, store::load).getMessage()
            .contains("checksum mismatch"));
        Files.write(store.file(), java.util.Arrays.copyOf(bytes, bytes.length - 5));
        assertTrue(assertThrows(MediumOperationStateException.class, store::load).getMessage().contains("torn"));
        final LuHarness h = new LuHarness(BLOCKS, BLOCK, true, false);
        assertThrows(MediumOperationStateException.class, () -> h.lu.stateFiles().mediumOperationDirectory(state),
            "a logical unit is not served from a file it cannot trust");

        Files.write(store.file(), MediumOperationStore.encode(op, "SERIAL0002"));
        assertTrue(assertThrows(MediumOperationStateException.class, store::load).getMessage()
            .contains("of serial 'SERIAL0002'"));
    }
}
