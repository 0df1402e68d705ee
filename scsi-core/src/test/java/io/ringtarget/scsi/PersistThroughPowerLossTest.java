package io.ringtarget.scsi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.ringtarget.scsi.PrCommands.ALL_TG_PT;
import static io.ringtarget.scsi.PrCommands.APTPL;
import static io.ringtarget.scsi.PrCommands.CLEAR;
import static io.ringtarget.scsi.PrCommands.READ_FULL_STATUS;
import static io.ringtarget.scsi.PrCommands.REGISTER;
import static io.ringtarget.scsi.PrCommands.REPORT_CAPABILITIES;
import static io.ringtarget.scsi.PrCommands.RESERVE;
import static io.ringtarget.scsi.PrCommands.WE_RO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * APTPL (SPC-4 5.12.5): the persistent reservation state written durably under a state directory when an initiator
 * asks, restored by the next logical unit with that serial, and a torn or corrupt file refused whole. Real files in
 * a temporary directory; "the restart" is a new {@link LogicalUnit} on the same directory.
 */
class PersistThroughPowerLossTest
{
    @TempDir
    Path dir;

    private LuHarness started() throws PersistentReservationStateException
    {
        final LuHarness h = new LuHarness().twoPorts();
        h.lu.stateFiles().persistentReservationDirectory(dir);
        return h.ready();
    }

    private Path file()
    {
        return dir.resolve("persistent-reservations").resolve("SERIAL0001.pr");
    }

    /** A cluster's state: A through both ports (ALL_TG_PT), B through port 2, A holds WRITE EXCLUSIVE - RO. */
    private static void cluster(final LuHarness h)
    {
        final PrCommands pr = new PrCommands(h);
        pr.out(h.nexus, REGISTER, 0, 0, 0xA, ALL_TG_PT | APTPL);
        h.assertGood();
        pr.out(h.otherB, REGISTER, 0, 0, 0xB, APTPL);
        h.assertGood();
        pr.out(h.nexusB, RESERVE, WE_RO, 0xA, 0);
        h.assertGood();
    }

    private static byte[] fullStatus(final LuHarness h)
    {
        new PrCommands(h).in(h.other, READ_FULL_STATUS);
        h.assertGood();
        final byte[] b = new byte[h.task.dataInLength()];
        for (int i = 0; i < b.length; i++)
        {
            b[i] = (byte)h.in(i);
        }
        return b;
    }

    @Test
    void theStateSurvivesARestartWhole() throws IOException
    {
        final LuHarness before = started();
        cluster(before);
        assertTrue(Files.exists(file()));
        final byte[] status = fullStatus(before);
        final int generation = before.lu.persistentReservationGeneration();

        final LuHarness after = started();
        assertArrayEquals(status, fullStatus(after), "registrations, holder, type, ALL_TG_PT, ports, generation");
        assertEquals(generation, after.lu.persistentReservationGeneration());
        final PrCommands pr = new PrCommands(after);
        assertArrayEquals(new long[] {0xA, WE_RO}, pr.reservation(after.other));
        // The restored reservation is enforced: B (registered through port 2) writes, B through port 1 does not.
        after.run(after.otherB, 512, LuHarness.cdb10(0x2A, 0, 0, 1));
        after.assertGood();
        after.run(after.other, 512, LuHarness.cdb10(0x2A, 0, 0, 1));
        assertEquals(ScsiStatus.RESERVATION_CONFLICT, after.task.status());
        after.run(after.nexus, 512, LuHarness.cdb10(0x2A, 0, 0, 1));
        after.assertGood();
        // REPORT CAPABILITIES: PTPL_C (a state directory) and PTPL_A (the state persists).
        pr.in(after.nexus, REPORT_CAPABILITIES);
        assertEquals(0x0D, after.in(2), "SIP_C ATP_C PTPL_C");
        assertEquals(0x81, after.in(3), "TMV PTPL_A");
        assertEquals(file(), after.lu.stateFiles().persistentReservationFile());
    }

    @Test
    void theFileIsTheDocumentedFormat() throws IOException
    {
        cluster(started());
        final String text = Files.readString(file(), StandardCharsets.US_ASCII);
        final String body = text.substring(0, text.lastIndexOf("crc32c "));
        assertEquals("ringtarget persistent reservations 1\n" +
            "serial SERIAL0001\n" +
            "generation 2\n" +
            "reservation 5 1\n" +
            "registration 000000000000000a 1 a " + LuHarness.PORT_A + "\n" +
            "registration 000000000000000a 2 a " + LuHarness.PORT_A + "\n" +
            "registration 000000000000000b 2 - " + LuHarness.PORT_B + "\n" +
            "count 3\n", body);
        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        assertEquals(String.format("crc32c %08x\n", crc.getValue()), text.substring(body.length()));
        assertEquals("crc32c b3252ce4\n", text.substring(body.length()), "the example in docs/scsi.md");
        assertFalse(Files.exists(file().resolveSibling("SERIAL0001.pr.tmp")), "the temporary file was renamed");
    }

    @Test
    void aptplZeroRemovesTheFileAndTheStateNoLongerSurvives() throws IOException
    {
        final LuHarness h = started();
        cluster(h);
        assertTrue(Files.exists(file()));
        // B changes its key with APTPL=0: the most recent APTPL wins (SPC-4 5.12.5).
        new PrCommands(h).out(h.otherB, REGISTER, 0, 0xB, 0xB2, 0);
        h.assertGood();
        assertFalse(Files.exists(file()));
        new PrCommands(h).in(h.nexus, REPORT_CAPABILITIES);
        assertEquals(0x80, h.in(3), "PTPL_A off");
        final LuHarness after = started();
        assertArrayEquals(new long[0], new PrCommands(after).keys(after.nexus));
    }

    @Test
    void clearLeavesNothingToPersist() throws IOException
    {
        final LuHarness h = started();
        cluster(h);
        new PrCommands(h).out(h.otherB, CLEAR, 0, 0xB, 0);
        h.assertGood();
        assertFalse(Files.exists(file()));
        final LuHarness after = started();
        assertNull(new PrCommands(after).reservation(after.nexus));
    }

    @Test
    void everyChangeWhileActiveIsWritten() throws IOException
    {
        final LuHarness h = started();
        cluster(h);
        // A PREEMPT (no APTPL bit of its own) changes the persisted state too.
        new PrCommands(h).out(h.otherB, PrCommands.PREEMPT, WE_RO, 0xB, 0xA);
        h.assertGood();
        final LuHarness after = started();
        assertArrayEquals(new long[] {0xB}, new PrCommands(after).keys(after.otherB));
        assertArrayEquals(new long[] {0xB, WE_RO}, new PrCommands(after).reservation(after.otherB));
    }

    @Test
    void aTruncatedFileIsRefusedAndNothingLoads() throws IOException
    {
        cluster(started());
        final byte[] whole = Files.readAllBytes(file());
        for (final int cut : new int[] {0, 10, whole.length / 2, whole.length - 1})
        {
            Files.write(file(), java.util.Arrays.copyOf(whole, cut));
            final LuHarness h = new LuHarness();
            final PersistentReservationStateException ex =
                assertThrows(PersistentReservationStateException.class,
                    () -> h.lu.stateFiles().persistentReservationDirectory(dir));
            assertEquals(file(), ex.file());
            assertTrue(ex.getMessage().startsWith(file().toString()), ex.getMessage());
            assertTrue(ex.getMessage().contains("torn") || ex.getMessage().contains("crc32c"), ex.getMessage());
            // Nothing was loaded, and APTPL stays refused on this logical unit.
            assertArrayEquals(new long[0], new PrCommands(h.ready()).keys(h.nexus));
            assertNull(h.lu.stateFiles().persistentReservationFile());
        }
    }

    @Test
    void aFlippedByteIsRefusedAsCorrupt() throws IOException
    {
        cluster(started());
        final byte[] whole = Files.readAllBytes(file());
        for (final int at : new int[] {5, whole.length / 2, whole.length - 3})
        {
            final byte[] flipped = whole.clone();
            flipped[at] ^= 0x01;
            Files.write(file(), flipped);
            final PersistentReservationStateException ex = assertThrows(PersistentReservationStateException.class,
                () -> new LuHarness().lu.stateFiles().persistentReservationDirectory(dir));
            assertTrue(ex.getMessage().contains("checksum mismatch") || ex.getMessage().contains("crc32c"),
                ex.getMessage());
        }
        Files.write(file(), whole);
        new LuHarness().lu.stateFiles().persistentReservationDirectory(dir); // the original loads
    }

    /** A file whose checksum is right but whose content is not: each field is checked. */
    @Test
    void wellFormedButWrongContentIsRefused() throws IOException
    {
        cluster(started());
        final String good = new String(Files.readAllBytes(file()), StandardCharsets.US_ASCII);
        final String body = good.substring(0, good.lastIndexOf("crc32c "));
        final String[][] edits = {
            {"ringtarget persistent reservations 1", "ringtarget persistent reservations 2", "unknown format"},
            {"serial SERIAL0001", "serial SERIAL0002", "not of 'SERIAL0001'"},
            {"reservation 5 1", "reservation 5 9", "does not fit"},
            {"reservation 5 1", "reservation 4 1", "does not exist"},
            {"count 3", "count 4", "count 4 but 3"},
            {"registration 000000000000000b 2 -", "registration 0000000000000000 2 -", "never 0"},
            {"registration 000000000000000b 2 -", "registration 000000000000000b 0 -", "out of range"},
        };
        for (final String[] e : edits)
        {
            final String edited = body.replace(e[0], e[1]);
            final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            crc.update(edited.getBytes(StandardCharsets.US_ASCII));
            Files.writeString(file(), edited + String.format("crc32c %08x\n", crc.getValue()));
            final PersistentReservationStateException ex = assertThrows(PersistentReservationStateException.class,
                () -> new LuHarness().lu.stateFiles().persistentReservationDirectory(dir), e[1]);
            assertTrue(ex.getMessage().contains(e[2]), ex.getMessage());
        }
    }

    @Test
    void aFailedWriteChangesNothing() throws IOException
    {
        final LuHarness h = started();
        // The state directory's subdirectory is a file: the write cannot happen.
        Files.writeString(dir.resolve("persistent-reservations"), "in the way");
        final List<Throwable> reported = new java.util.ArrayList<>();
        h.lu.errorHandler(reported::add);
        final PrCommands pr = new PrCommands(h);
        pr.out(h.nexus, REGISTER, 0, 0, 0xA, APTPL);
        h.assertSense(SenseKey.HARDWARE_ERROR, Asc.INTERNAL_TARGET_FAILURE);
        assertEquals(1, reported.size());
        assertTrue(reported.get(0).getMessage().contains("SERIAL0001"), reported.get(0).getMessage());
        assertArrayEquals(new long[0], pr.keys(h.nexus), "the registration was not kept");
        // Without APTPL the same registration works (nothing to write).
        pr.out(h.nexus, REGISTER, 0, 0, 0xA, 0);
        h.assertGood();
        assertArrayEquals(new long[] {0xA}, pr.keys(h.nexus));
    }

    @Test
    void serialsBecomeSafeFileNames()
    {
        assertEquals("SERIAL0001", PersistentReservationStore.fileName("SERIAL0001"));
        assertEquals("a_2fb_20c_5f.d", PersistentReservationStore.fileName("a/b c_.d"));
        assertEquals("_2e._2fetc", PersistentReservationStore.fileName("../etc"));
        assertEquals("_2e.", PersistentReservationStore.fileName(".."));
        assertEquals("_c3_a9", PersistentReservationStore.fileName("\u00e9"));
    }
}
