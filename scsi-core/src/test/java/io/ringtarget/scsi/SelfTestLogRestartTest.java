package io.ringtarget.scsi;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The self-test log survives a restart ({@link SelfTestLogStore}) in a state directory: a logical unit made again
 * with the same serial and directory, as a restarted server makes it, shows the same Self-Test Results log page
 * (failures with their first failed LBA and sense), the same EXTENDED SELF-TEST COMPLETION TIME, a test the restart cut
 * short as aborted, and adds new tests in front with power-on hours that go on; a torn or foreign file is refused.
 */
class SelfTestLogRestartTest
{
    private static final int BLOCKS = 32768;   // 16 MiB

    @TempDir
    Path state;

    private LuHarness start() throws IOException
    {
        final LuHarness h = new LuHarness(BLOCKS, 512, true, false);
        h.lu.stateFiles().selfTestLogDirectory(state);
        return h.ready();
    }

    private Path file()
    {
        return state.resolve("self-tests/SERIAL0001.log");
    }

    private static void sendDiagnostic(final LuHarness h, final int code)
    {
        h.run(h.nexus, 0, 0x1D, code << 5, 0, 0, 0, 0);
    }

    /** The whole Self-Test Results log page's parameters (20 x 20 bytes). */
    private static byte[] logPage(final LuHarness h)
    {
        h.run(h.nexus, 512, 0x4D, 0, 0x40 | 0x10, 0, 0, 0, 0, 2, 0, 0);
        h.assertGood();
        return h.buffer.asSlice(4, 400).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Parameter {@code n} (1 = newest): {code, result, hours, lba, sense key, asc}. */
    private static long[] entry(final byte[] page, final int n)
    {
        final int o = (n - 1) * 20;
        return new long[] {(page[o + 4] & 0xFF) >>> 5, page[o + 4] & 0x0F, ((page[o + 6] & 0xFF) << 8) |
            (page[o + 7] & 0xFF), java.lang.foreign.MemorySegment.ofArray(page)
            .get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), o + 8), page[o + 16] & 0x0F,
            page[o + 17] & 0xFF};
    }

    /** MODE SENSE(6) control page's EXTENDED SELF-TEST COMPLETION TIME, seconds. */
    private static int completionSeconds(final LuHarness h)
    {
        h.run(h.nexus, 64, 0x1A, 0x08, 0x0A, 0, 64, 0);
        h.assertGood();
        return (h.in(14) << 8) | h.in(15);
    }

    @Test
    void theLogAndTheMeasuredRateComeBackAfterARestartAndNewTestsGoInFront() throws IOException
    {
        final LuHarness before = start();
        before.device.badByte = 3L * (1 << 20) + 10 * 512;   // chunk 3, block 10 of it
        sendDiagnostic(before, SelfTest.BACKGROUND_SHORT);
        before.device.badByte = -1;
        sendDiagnostic(before, SelfTest.BACKGROUND_EXTENDED);
        final long rate = before.lu.selfTest().results().measuredBytesPerSecond();
        assertTrue(rate > 0);
        final byte[] page = logPage(before);
        assertEquals(SelfTest.FIRST_SEGMENT_FAILED, entry(page, 2)[1]);
        assertEquals(3L * 2048 + 10, entry(page, 2)[3]);
        assertTrue(Files.readString(file(), StandardCharsets.US_ASCII).contains("\nentry 2 0 0 -1 000000\n" +
            "entry 1 5 0 6154 031100\n"), "newest first: " + Files.readString(file()));

        final LuHarness after = start();
        assertArrayEquals(page, logPage(after), "the same log page");
        assertEquals(rate, after.lu.selfTest().results().measuredBytesPerSecond(), "the same rate");
        assertEquals(completionSeconds(before), completionSeconds(after));
        sendDiagnostic(after, SelfTest.BACKGROUND_SHORT);
        final byte[] now = logPage(after);
        assertEquals(SelfTest.BACKGROUND_SHORT, entry(now, 1)[0]);
        assertEquals(SelfTest.COMPLETED, entry(now, 1)[1]);
        assertArrayEquals(java.util.Arrays.copyOfRange(page, 0, 40),
            renumbered(java.util.Arrays.copyOfRange(now, 20, 60)), "the two older ones behind it");
    }

    /** Parameters moved one place down the page carry parameter codes one higher: put the old codes back. */
    private static byte[] renumbered(final byte[] parameters)
    {
        for (int o = 0; o < parameters.length; o += 20)
        {
            parameters[o + 1]--;
        }
        return parameters;
    }

    @Test
    void aTestARestartCutShortComesBackAbortedByAnotherMethod() throws IOException
    {
        final LuHarness before = start();
        before.device.deferred = true;
        before.drainAfterRun = false;
        sendDiagnostic(before, SelfTest.BACKGROUND_EXTENDED);
        before.assertGood();
        before.device.drain(3);
        assertTrue(Files.readString(file()).contains("\nentry 2 15 0 -1 000000\n"), "saved in progress");
        // The server stops here: the test's reads never come back.

        final LuHarness after = start();
        final long[] cut = entry(logPage(after), 1);
        assertEquals(SelfTest.BACKGROUND_EXTENDED, cut[0]);
        assertEquals(SelfTest.ABORTED_OTHER, cut[1], "aborted by another method: the restart");
        assertEquals(false, after.lu.status().selfTestRunning());
        assertEquals(0, after.lu.selfTest().results().measuredBytesPerSecond(), "it measured nothing");
    }

    @Test
    void theFileRoundTripsAndATornCorruptOrForeignOneIsRefused() throws IOException
    {
        final SelfTestLogStore store = new SelfTestLogStore(state, "SERIAL0001");
        assertEquals(null, store.load(), "none yet");
        final SelfTestLogStore.Log log = new SelfTestLogStore.Log(123_456_789L, List.of(
            new SelfTestLogStore.Entry(6, 0, 65535, -1, 0),
            new SelfTestLogStore.Entry(1, 5, 7, Long.MAX_VALUE, 0x031100)));
        store.save(log);
        assertEquals(log, store.load());
        final byte[] bytes = Files.readAllBytes(store.file());

        bytes[30] ^= 0x01;
        Files.write(store.file(), bytes);
        assertTrue(assertThrows(SelfTestLogStateException.class, store::load).getMessage()
            .contains("checksum mismatch"));
        Files.write(store.file(), java.util.Arrays.copyOf(bytes, bytes.length - 5));
        assertTrue(assertThrows(SelfTestLogStateException.class, store::load).getMessage().contains("torn"));
        final LuHarness h = new LuHarness(BLOCKS, 512, true, false);
        assertThrows(SelfTestLogStateException.class, () -> h.lu.stateFiles().selfTestLogDirectory(state),
            "a logical unit is not served with a log it cannot trust");

        Files.write(store.file(), SelfTestLogStore.encode(log, "SERIAL0002"));
        assertTrue(assertThrows(SelfTestLogStateException.class, store::load).getMessage()
            .contains("the log of serial 'SERIAL0002'"));
        store.save(new SelfTestLogStore.Log(0, List.of(new SelfTestLogStore.Entry(3, 0, 0, -1, 0))));
        assertTrue(assertThrows(SelfTestLogStateException.class, store::load).getMessage()
            .contains("line 4: self-test code 3, expected 1, 2, 5 or 6"));
        store.save(new SelfTestLogStore.Log(0, java.util.Collections.nCopies(21,
            new SelfTestLogStore.Entry(1, 0, 0, -1, 0))));
        assertTrue(assertThrows(SelfTestLogStateException.class, store::load).getMessage()
            .contains("21 entries, at most 20"));
    }
}
