package io.ringtarget.scsi;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A LOGICAL UNIT RESET (or TARGET RESET) reaches every I_T nexus' tasks (SAM-5 7.7: every task set, though each nexus
 * has its own, TST 001b): the logical unit asks the transport to abort every other nexus' tasks, the issuer's being
 * its own transport's to abort. (A CLEAR TASK SET is the issuer's task set only: its transport's alone.)
 */
class TaskSetAbortTest
{
    private final LuHarness h = new LuHarness().twoPorts().ready();

    @Test
    void aResetAsksForEveryOtherNexusTasksOnceAndNotTheIssuers()
    {
        final long requests = LogicalUnit.abortRequestCount();
        h.lu.resetLun(h.nexus);
        assertTrue(LogicalUnit.abortRequestCount() > requests, "the loops learn that something is asked");

        assertFalse(h.lu.abortRequested(h.nexus), "the issuer's own tasks are aborted by its transport");
        assertTrue(h.lu.abortRequested(h.nexusB), "the same initiator port through another target port: a nexus");
        assertTrue(h.lu.abortRequested(h.other));
        assertTrue(h.lu.abortRequested(h.otherB));
        assertFalse(h.lu.abortRequested(h.other), "once");
        // A nexus that never spoke to the logical unit has no task there.
        assertFalse(h.lu.abortRequested(new ItNexus(LuHarness.PORT_B, new TargetPort(7, LuHarness.TARGET, 7,
            new TargetPortGroup(7)))));
        // Every nexus, the issuer too, learns of the reset from a unit attention (29/00).
        for (final ItNexus n : List.of(h.nexus, h.nexusB, h.other, h.otherB))
        {
            assertEquals(List.of(Asc.POWER_ON_RESET), h.unitAttentions(n));
        }
    }

    @Test
    void aResetNoNexusAskedForAbortsNothing()
    {
        h.lu.resetLun(null);
        for (final ItNexus n : List.of(h.nexus, h.nexusB, h.other, h.otherB))
        {
            assertFalse(h.lu.abortRequested(n));
        }
    }
}
