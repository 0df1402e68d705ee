package io.ringtarget.scsi;

import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The control mode page's SWP bit (SPC-4 7.5.8), changeable by MODE SELECT: the logical unit is write-protected
 * for every I_T nexus while it is set, and MODE SENSE reports WP (what libiscsi's set_swp tests rely on).
 */
class SoftwareWriteProtectTest
{
    private final LuHarness h = new LuHarness().ready();

    /** MODE SELECT(6) of the control mode page with the current values and SWP as given. */
    private void selectControlPage(final ItNexus from, final boolean swp)
    {
        final int[] list = {0, 0, 0, 0, 0x0A, 0x0A, 0x20, 0x10, swp ? 0x08 : 0, 0x40, 0, 0, 0xFF, 0xFF, 0, 0};
        for (int i = 0; i < list.length; i++)
        {
            h.buffer.set(ValueLayout.JAVA_BYTE, i, (byte)list[i]);
        }
        h.run(from, list.length, 0x15, 0x10, 0, 0, list.length, 0);
        h.assertGood();
    }

    private boolean modeSenseWriteProtect(final ItNexus from)
    {
        h.run(from, 255, 0x1A, 0x08, 0x0A, 0, 255, 0);   // DBD: the page follows the header
        h.assertGood();
        return (h.in(2) & 0x80) != 0;
    }

    @Test
    void swpWriteProtectsTheUnitForEveryInitiatorUntilCleared()
    {
        h.run(h.nexus, 255, 0x1A, 0x08, 0x4A, 0, 255, 0);   // changeable values of the control page
        h.assertGood();
        assertEquals(0x08, h.in(4 + 4) & 0x08, "SWP changeable");
        selectControlPage(h.nexus, true);
        assertEquals(java.util.List.of(Asc.MODE_PARAMETERS_CHANGED), h.unitAttentions(h.other));
        assertEquals(true, modeSenseWriteProtect(h.other), "WP in the mode parameter header");
        assertEquals(0x08, h.in(4 + 4) & 0x08, "SWP reads back");
        h.fill(0, 512, 0x7E);
        h.run(h.other, 512, LuHarness.cdb10(0x2A, 0, 0, 1));
        h.assertSense(SenseKey.DATA_PROTECT, Asc.WRITE_PROTECTED);
        h.run(h.nexus, 0, 0x48, 0x02, 0, 0, 0, 0, 0, 0, 0, 0);   // SANITIZE BLOCK ERASE
        h.assertSense(SenseKey.DATA_PROTECT, Asc.WRITE_PROTECTED);
        assertEquals(0, h.device.writes + h.device.unmaps);
        h.run(h.other, 512, LuHarness.cdb10(0x28, 0, 0, 1));   // reads go on
        h.assertGood();
        selectControlPage(h.other, false);
        assertEquals(java.util.List.of(Asc.MODE_PARAMETERS_CHANGED), h.unitAttentions(h.nexus));
        assertEquals(false, modeSenseWriteProtect(h.nexus));
        h.run(h.nexus, 512, LuHarness.cdb10(0x2A, 0, 0, 1));
        h.assertGood();
        assertEquals(1, h.device.writes);
    }
}
