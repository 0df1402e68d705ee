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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Saved mode parameters (SPC-4 6.9 SP, 6.11 PC 11b) in a state directory ({@link ModeParameterStore}): a MODE SELECT
 * with SP saves WCE, D_SENSE and SWP, MODE SENSE reports them as the saved values and every page as saveable, and a
 * logical unit made again with the same serial and directory, as a restarted server makes it, starts from them; a
 * MODE SELECT without SP changes the current values only; the configuration's write cache setting wins when it changed
 * since the save; a save that fails changes nothing; a torn or foreign file is refused; without a state directory SP
 * is refused as before.
 */
class ModeParameterRestartTest
{
    private static final int CACHING = 0x08;
    private static final int CONTROL = 0x0A;

    @TempDir
    Path state;

    private final List<Throwable> errors = new ArrayList<>();

    private LuHarness start(final boolean configuredWriteCache) throws IOException
    {
        final LuHarness h = new LuHarness();
        h.lu.errorHandler(errors::add);
        h.lu.writeCacheEnabled(configuredWriteCache);
        h.lu.stateFiles().modeParameterDirectory(state);
        return h.ready();
    }

    private Path file()
    {
        return state.resolve("mode-parameters/SERIAL0001.mode");
    }

    /** MODE SENSE(6), DBD, of one page with page control {@code pc}: its bytes from the page code on. */
    private static byte[] sense(final LuHarness h, final int page, final int pc)
    {
        h.run(h.nexus, 255, 0x1A, 0x08, (pc << 6) | page, 0, 255, 0);
        h.assertGood();
        final int length = h.in(4 + 1) + 2;
        return h.buffer.asSlice(4, length).toArray(ValueLayout.JAVA_BYTE);
    }

    private static boolean wce(final LuHarness h, final int pc)
    {
        return (sense(h, CACHING, pc)[2] & 0x04) != 0;
    }

    private static boolean swp(final LuHarness h, final int pc)
    {
        return (sense(h, CONTROL, pc)[4] & 0x08) != 0;
    }

    private static boolean dSense(final LuHarness h, final int pc)
    {
        return (sense(h, CONTROL, pc)[2] & 0x04) != 0;
    }

    /**
     * MODE SELECT(10) of the caching and control pages as MODE SENSE reads them now, with WCE, D_SENSE and SWP as
     * given, and SP as given.
     */
    private static void select(final LuHarness h, final boolean sp, final boolean wce, final boolean dSense,
        final boolean swp)
    {
        final byte[] caching = sense(h, CACHING, 0);
        final byte[] control = sense(h, CONTROL, 0);
        caching[0] &= 0x3F;   // PS is reserved in MODE SELECT
        control[0] &= 0x3F;
        caching[2] = (byte)(wce ? caching[2] | 0x04 : caching[2] & ~0x04);
        control[2] = (byte)(dSense ? control[2] | 0x04 : control[2] & ~0x04);
        control[4] = (byte)(swp ? control[4] | 0x08 : control[4] & ~0x08);
        final int length = 8 + caching.length + control.length;
        h.buffer.asSlice(0, 8).fill((byte)0);
        h.buffer.asSlice(8, caching.length).copyFrom(java.lang.foreign.MemorySegment.ofArray(caching));
        h.buffer.asSlice(8 + caching.length, control.length)
            .copyFrom(java.lang.foreign.MemorySegment.ofArray(control));
        h.run(h.nexus, length, 0x55, 0x10 | (sp ? 0x01 : 0), 0, 0, 0, 0, 0, 0, length, 0);
    }

    @Test
    void savedValuesAreReportedAndComeBackAfterARestart() throws IOException
    {
        final LuHarness before = start(false);
        assertEquals(0x80, sense(before, CACHING, 0)[0] & 0x80, "PS: the caching page is saveable");
        assertEquals(0x80, sense(before, CONTROL, 2)[0] & 0x80, "PS in the default values too");
        assertEquals(0x80, sense(before, 0x1C, 1)[0] & 0x80, "PS in the changeable values too");
        assertFalse(wce(before, 3), "saved values before any save: the defaults (writeCache false)");
        assertFalse(Files.exists(file()));

        select(before, true, true, false, false);
        before.assertGood();
        assertTrue(wce(before, 0), "current");
        assertTrue(wce(before, 3), "saved");
        assertFalse(wce(before, 2), "default stays the configuration's");
        assertEquals(List.of(Asc.MODE_PARAMETERS_CHANGED), before.unitAttentions(before.other));
        assertTrue(Files.readString(file(), StandardCharsets.US_ASCII).contains("wce 1\nconfigured-wce 0\n"));

        // Without SP only the current values change; the saved ones stay.
        select(before, false, true, true, false);
        before.assertGood();
        assertTrue(dSense(before, 0));
        assertFalse(dSense(before, 3));
        assertEquals("write cache enabled (saved), descriptor sense", before.lu.modeParametersChanged(),
            "what ringtarget ls shows");

        final LuHarness after = new LuHarness();
        after.lu.writeCacheEnabled(false);
        assertEquals("the write cache enabled", after.lu.stateFiles().modeParameterDirectory(state));
        after.ready();
        assertTrue(wce(after, 0), "the saved WCE is the current one after the restart");
        assertTrue(after.lu.writeCacheEnabled());
        assertFalse(dSense(after, 0), "D_SENSE was not saved");
        assertTrue(wce(after, 3));
        assertEquals(file(), after.lu.stateFiles().modeParameterFile());
        assertTrue(errors.isEmpty(), () -> errors.toString());
    }

    @Test
    void aSavedSoftwareWriteProtectRefusesWritesAfterARestartUntilCleared() throws IOException
    {
        final LuHarness before = start(false);
        select(before, true, false, true, true);
        before.assertGood();

        final LuHarness after = new LuHarness();
        after.lu.writeCacheEnabled(false);
        final String said = after.lu.stateFiles().modeParameterDirectory(state);
        assertEquals("software write protect (SWP) on: writes are refused until an initiator clears it, " +
            "descriptor format sense data", said);
        after.ready();
        assertTrue(after.lu.softwareWriteProtect());
        after.fill(0, 512, 0x5A);
        after.run(after.nexus, 512, LuHarness.cdb10(0x2A, 0, 0, 1));
        assertEquals(ScsiStatus.CHECK_CONDITION, after.task.status());
        assertEquals(0x72, after.sense(0), "descriptor format, as saved");
        assertEquals(SenseKey.DATA_PROTECT, after.sense(1) & 0x0F);
        assertEquals(Asc.WRITE_PROTECTED, (after.sense(2) << 8) | after.sense(3));
        assertEquals(0, after.device.writes);

        select(after, true, false, false, false);
        after.assertGood();
        after.run(after.nexus, 512, LuHarness.cdb10(0x2A, 0, 0, 1));
        after.assertGood();
        final LuHarness again = new LuHarness();
        again.lu.writeCacheEnabled(false);
        assertNull(again.lu.stateFiles().modeParameterDirectory(state), "all defaults again: nothing to say");
        assertNull(again.lu.modeParametersChanged());
        assertFalse(again.lu.softwareWriteProtect());
    }

    @Test
    void aChangedConfigurationWinsOverASavedWriteCache() throws IOException
    {
        final LuHarness before = start(false);
        select(before, true, false, false, true);   // WCE 0 saved with SWP, under writeCache false
        before.assertGood();

        final LuHarness after = new LuHarness();
        after.lu.writeCacheEnabled(true);   // the administrator turned writeCache on since
        final String said = after.lu.stateFiles().modeParameterDirectory(state);
        assertTrue(said.startsWith("the write cache enabled as configured (an initiator had saved it disabled " +
            "before the configuration changed)"), said);
        after.ready();
        assertTrue(after.lu.writeCacheEnabled());
        assertTrue(wce(after, 3), "the saved value follows the configuration");
        assertTrue(after.lu.softwareWriteProtect(), "the other saved values stay");
        assertTrue(Files.readString(file(), StandardCharsets.US_ASCII).contains("wce 1\nconfigured-wce 1\n"),
            "rewritten, so the next start says nothing of it");

        final LuHarness third = new LuHarness();
        third.lu.writeCacheEnabled(true);
        assertEquals("software write protect (SWP) on: writes are refused until an initiator clears it",
            third.lu.stateFiles().modeParameterDirectory(state));
    }

    @Test
    void aSaveThatFailsChangesNothing() throws IOException
    {
        final LuHarness h = start(false);
        Files.writeString(state.resolve("mode-parameters"), "not a directory");
        select(h, true, true, false, true);
        h.assertSense(SenseKey.HARDWARE_ERROR, Asc.INTERNAL_TARGET_FAILURE);
        assertFalse(wce(h, 0));
        assertFalse(swp(h, 0));
        assertFalse(wce(h, 3));
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).getMessage().contains("the MODE SELECT changed nothing"), errors.toString());
        assertTrue(h.unitAttentions(h.other).isEmpty());
    }

    @Test
    void aTornOrForeignFileIsRefused() throws IOException
    {
        final LuHarness h = start(false);
        select(h, true, true, false, false);
        h.assertGood();
        final byte[] good = Files.readAllBytes(file());
        final ModeParameterStore store = new ModeParameterStore(state, "SERIAL0001");

        Files.write(file(), java.util.Arrays.copyOf(good, good.length - 5));
        assertTrue(assertThrows(ModeParameterStateException.class, store::load).getMessage().contains("torn"));
        final LuHarness refused = new LuHarness();
        assertThrows(ModeParameterStateException.class, () -> refused.lu.stateFiles().modeParameterDirectory(state));

        Files.write(file(), ModeParameterStore.encode(new ModeParameterStore.Saved(true, false, false, false),
            "OTHER"));
        assertTrue(assertThrows(ModeParameterStateException.class, store::load).getMessage()
            .contains("line 2: the mode parameters of serial 'OTHER', not of 'SERIAL0001'"));

        Files.write(file(), DurableFile.seal(new String(good, StandardCharsets.US_ASCII)
            .substring(0, new String(good, StandardCharsets.US_ASCII).lastIndexOf("crc32c"))
            .replace("swp 0", "swp yes")));
        assertTrue(assertThrows(ModeParameterStateException.class, store::load).getMessage()
            .contains("line 6: swp 'yes', expected 1 or 0"));
    }

    @Test
    void withoutAStateDirectorySavingIsRefused()
    {
        final LuHarness h = new LuHarness().ready();
        assertEquals(0, sense(h, CACHING, 0)[0] & 0x80, "no PS without a place to save");
        select(h, true, false, false, false);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.assertFieldPointer(true, 1, 0);
        h.run(h.nexus, 255, 0x1A, 0x08, 0xC0 | CACHING, 0, 255, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.SAVING_PARAMETERS_NOT_SUPPORTED);
        assertNull(h.lu.stateFiles().modeParameterFile());
    }
}
