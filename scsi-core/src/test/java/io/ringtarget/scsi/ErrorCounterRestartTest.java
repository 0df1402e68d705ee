package io.ringtarget.scsi;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The error counters survive a restart ({@link ErrorCounterStore}) in a state directory: a logical unit made again
 * with the same serial and directory, as a restarted server makes it, reports the same TOTAL UNCORRECTED ERRORS and
 * still predicts a failure; the first error is saved at once, the later ones with the next LOG SENSE of the counters
 * or a clean stop; a LOG SELECT reset is saved too; a torn or foreign file is refused; without a state directory
 * nothing is written.
 */
class ErrorCounterRestartTest
{
    private static final int EIO = 5;

    @TempDir
    Path state;

    private final List<Throwable> errors = new ArrayList<>();

    private LuHarness start() throws IOException
    {
        final LuHarness h = new LuHarness();
        h.lu.errorHandler(errors::add);
        h.lu.stateFiles().errorCounterDirectory(state);
        // An hour: the errors after the first one stay unsaved however slowly this test runs.
        h.lu.stateFiles().errorCounterSaveInterval(3_600_000_000_000L);
        return h.ready();
    }

    private Path file()
    {
        return state.resolve("error-counters/SERIAL0001.counters");
    }

    private String saved() throws IOException
    {
        final String text = Files.readString(file(), StandardCharsets.US_ASCII);
        return text.substring(text.indexOf("read "), text.indexOf("crc32c")).replace('\n', ' ').strip();
    }

    /** TOTAL UNCORRECTED ERRORS of page 02h or 03h (PC 01b). */
    private static long uncorrectedErrors(final LuHarness h, final int page)
    {
        h.run(h.nexus, 512, 0x4D, 0, 0x40 | page, 0, 0, 0, 0, 2, 0, 0);
        h.assertGood();
        return h.buffer.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 8);
    }

    /** The Informational Exceptions page's ADDITIONAL SENSE CODE and QUALIFIER. */
    private static int informationalException(final LuHarness h)
    {
        h.run(h.nexus, 512, 0x4D, 0, 0x40 | 0x2F, 0, 0, 0, 0, 2, 0, 0);
        h.assertGood();
        return (h.in(8) << 8) | h.in(9);
    }

    private static void failRead(final LuHarness h, final int lba)
    {
        h.device.failWithErrno = EIO;
        h.run(h.nexus, 512, LuHarness.cdb10(0x28, 0, lba, 1));
        h.device.failWithErrno = 0;
        h.assertSense(SenseKey.MEDIUM_ERROR, Asc.UNRECOVERED_READ_ERROR);
    }

    @Test
    void theCountersAndThePredictedFailureComeBackAfterARestart() throws IOException
    {
        final LuHarness before = start();
        assertFalse(Files.exists(file()), "nothing to save before an error");
        failRead(before, 0);
        assertEquals("read 1 write 0", saved(), "the first error is saved at once");
        failRead(before, 8);
        before.device.failWithErrno = EIO;
        before.run(before.nexus, 512, LuHarness.cdb10(0x2A, 0, 0, 1));
        before.device.failWithErrno = 0;
        before.assertSense(SenseKey.MEDIUM_ERROR, Asc.WRITE_ERROR);
        assertEquals("read 1 write 0", saved(), "the errors within the interval wait");
        assertEquals(2, uncorrectedErrors(before, 0x03));
        assertEquals("read 2 write 1", saved(), "what an initiator read is saved");
        failRead(before, 24);
        assertEquals("read 2 write 1", saved());
        before.lu.stateFiles().saveUnsavedState();   // a clean stop
        assertEquals("read 3 write 1", saved());
        before.lu.stateFiles().saveUnsavedState();   // nothing more to save: the file stays
        assertEquals("read 3 write 1", saved());

        final LuHarness after = new LuHarness();
        assertArrayEquals(new long[] {3, 1}, after.lu.stateFiles().errorCounterDirectory(state));
        after.ready();
        assertEquals(3, uncorrectedErrors(after, 0x03));
        assertEquals(0x00, after.in(6), "TSD 0: saved implicitly");
        assertEquals(1, uncorrectedErrors(after, 0x02));
        assertEquals(Asc.FAILURE_PREDICTION_THRESHOLD_EXCEEDED, informationalException(after), "still failing");
        assertEquals(file(), after.lu.stateFiles().errorCounterFile());
        failRead(after, 16);
        assertEquals(4, uncorrectedErrors(after, 0x03), "counted on from the saved count");

        // LOG SELECT PCR, page 00h: every counter, saved.
        after.run(after.other, 0, 0x4C, 0x02, 0x40, 0, 0, 0, 0, 0, 0, 0);
        after.assertGood();
        assertEquals(List.of(Asc.LOG_PARAMETERS_CHANGED), after.unitAttentions(after.nexus));
        assertEquals("read 0 write 0", saved());
        assertEquals(0, uncorrectedErrors(after, 0x03));
        assertEquals(Asc.NO_ADDITIONAL_SENSE, informationalException(after));
        final LuHarness third = new LuHarness();
        assertArrayEquals(new long[] {0, 0}, third.lu.stateFiles().errorCounterDirectory(state));
        third.ready();
        assertEquals(Asc.NO_ADDITIONAL_SENSE, informationalException(third), "the reset survives a restart too");
        assertTrue(errors.isEmpty(), () -> errors.toString());
    }

    @Test
    void aSaveThatFailsIsReportedAndTheCountGoesOn() throws IOException
    {
        final LuHarness h = start();
        Files.writeString(state.resolve("error-counters"), "not a directory");
        failRead(h, 0);
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).getMessage().contains("a restart would report fewer"), errors.toString());
        assertEquals(1, uncorrectedErrors(h, 0x03));
    }

    @Test
    void aTornOrForeignFileIsRefused() throws IOException
    {
        final LuHarness h = start();
        failRead(h, 0);
        final byte[] good = Files.readAllBytes(file());
        final ErrorCounterStore store = new ErrorCounterStore(state, "SERIAL0001");
        assertEquals(new ErrorCounterStore.Counts(1, 0), store.load());

        Files.write(file(), java.util.Arrays.copyOf(good, good.length - 3));
        assertTrue(assertThrows(ErrorCounterStateException.class, store::load).getMessage().contains("torn"));
        final LuHarness refused = new LuHarness();
        assertThrows(ErrorCounterStateException.class, () -> refused.lu.stateFiles().errorCounterDirectory(state),
            "a failing LU is not served as a healthy one");

        Files.write(file(), ErrorCounterStore.encode(new ErrorCounterStore.Counts(1, 0), "OTHER"));
        assertTrue(assertThrows(ErrorCounterStateException.class, store::load).getMessage()
            .contains("line 2: the error counters of serial 'OTHER', not of 'SERIAL0001'"));
        Files.write(file(), DurableFile.seal("ringtarget error counters 1\nserial SERIAL0001\nread -1\nwrite 0\n"));
        assertTrue(assertThrows(ErrorCounterStateException.class, store::load).getMessage()
            .contains("line 3: -1 is outside 0 to"));
    }

    @Test
    void withoutAStateDirectoryNothingIsWritten()
    {
        final LuHarness h = new LuHarness().ready();
        failRead(h, 0);
        assertEquals(1, uncorrectedErrors(h, 0x03));
        assertNull(h.lu.stateFiles().errorCounterFile());
        assertFalse(Files.exists(file()));
    }
}
