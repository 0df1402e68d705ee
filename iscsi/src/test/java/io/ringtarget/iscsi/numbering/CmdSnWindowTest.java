package io.ringtarget.iscsi.numbering;

import org.junit.jupiter.api.Test;

import static io.ringtarget.iscsi.numbering.CmdSnWindow.ACCEPTED;
import static io.ringtarget.iscsi.numbering.CmdSnWindow.DUPLICATE;
import static io.ringtarget.iscsi.numbering.CmdSnWindow.OUT_OF_WINDOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 7143 section 4.2.2.1: ExpCmdSN, MaxCmdSN, immediate commands, and what is ignored. */
class CmdSnWindowTest
{
    private final CmdSnWindow window = new CmdSnWindow().credit(4).reset(100);

    @Test
    void inOrderCommandsAdvanceExpCmdSnAndMaxCmdSnFollowsTheCredit()
    {
        assertEquals(100, window.expCmdSn());
        assertEquals(103, window.maxCmdSn());
        assertEquals(ACCEPTED, window.accept(100, false));
        assertEquals(ACCEPTED, window.accept(101, false));
        assertEquals(102, window.expCmdSn());
        window.credit(2);   // two commands hold slots now
        assertEquals(103, window.maxCmdSn());
    }

    @Test
    void immediateCommandsDoNotAdvanceExpCmdSn()
    {
        assertEquals(ACCEPTED, window.accept(100, true));
        assertEquals(ACCEPTED, window.accept(100, true));
        assertEquals(100, window.expCmdSn());
        assertEquals(ACCEPTED, window.accept(100, false));
        assertEquals(101, window.expCmdSn());
    }

    @Test
    void commandsOutsideTheWindowAreIgnored()
    {
        window.maxCmdSn();   // advertised: [100, 103]
        assertEquals(OUT_OF_WINDOW, window.accept(99, false), "below ExpCmdSN");
        assertEquals(OUT_OF_WINDOW, window.accept(104, false), "above MaxCmdSN");
        assertEquals(OUT_OF_WINDOW, window.accept(100 + (1 << 30), false), "far away");
        assertEquals(100, window.expCmdSn());
        assertEquals(ACCEPTED, window.accept(103, false), "the last one of the window");
    }

    @Test
    void aDuplicateInsideTheWindowIsIgnored()
    {
        window.maxCmdSn();
        assertEquals(ACCEPTED, window.accept(102, false));
        assertEquals(DUPLICATE, window.accept(102, false));
        assertEquals(100, window.expCmdSn(), "100 and 101 are still missing");
    }

    @Test
    void aGapIsFilledInAnyOrderAndExpCmdSnJumpsPastWhatArrived()
    {
        window.maxCmdSn();
        assertEquals(ACCEPTED, window.accept(101, false));
        assertEquals(ACCEPTED, window.accept(102, false));
        assertTrue(window.hasGap());
        assertEquals(100, window.expCmdSn());
        assertEquals(ACCEPTED, window.accept(100, false));
        assertEquals(103, window.expCmdSn());
        assertFalse(window.hasGap());
        assertEquals(OUT_OF_WINDOW, window.accept(101, false), "now below ExpCmdSN");
    }

    @Test
    void noCreditClosesTheWindow()
    {
        window.credit(0);
        assertEquals(99, window.maxCmdSn(), "MaxCmdSN = ExpCmdSN - 1 closes the window");
        final CmdSnWindow fresh = new CmdSnWindow().credit(0).reset(7);
        assertEquals(6, fresh.maxCmdSn());
        assertEquals(OUT_OF_WINDOW, fresh.accept(7, false));
        assertEquals(ACCEPTED, fresh.accept(7, true), "an immediate command still gets through");
    }

    @Test
    void theWindowTheInitiatorWasToldStaysOpenWhenTheCreditShrinks()
    {
        assertEquals(103, window.maxCmdSn());
        window.credit(1);
        assertEquals(100, window.maxCmdSn());
        // Initiators keep the highest MaxCmdSN they saw (RFC 7143 4.2.2.1), so 103 may still come.
        assertEquals(ACCEPTED, window.accept(103, false));
    }

    @Test
    void serialNumbersWrapAround()
    {
        final CmdSnWindow w = new CmdSnWindow().credit(4).reset(0xFFFF_FFFE);
        assertEquals(1, w.maxCmdSn());
        assertEquals(ACCEPTED, w.accept(0xFFFF_FFFE, false));
        assertEquals(ACCEPTED, w.accept(0xFFFF_FFFF, false));
        assertEquals(ACCEPTED, w.accept(0, false));
        assertEquals(1, w.expCmdSn());
        assertEquals(OUT_OF_WINDOW, w.accept(0xFFFF_FFFF, false));
    }
}
