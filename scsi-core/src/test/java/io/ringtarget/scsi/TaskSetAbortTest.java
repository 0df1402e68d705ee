package io.ringtarget.scsi;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A LOGICAL UNIT RESET (or TARGET RESET) and CLEAR TASK SET reach every I_T nexus' tasks (SAM-5 7.3, 7.7; one task
 * set for all nexuses, TST 0): the logical unit asks the transport to abort every other nexus' tasks, the issuer's
 * being its own transport's to abort.
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
    void clearTaskSetAsksForEveryOtherNexusTasksWithoutAUnitAttention()
    {
        h.lu.clearTaskSet(h.other);
        assertTrue(h.lu.abortRequested(h.nexus));
        assertTrue(h.lu.abortRequested(h.nexusB));
        assertTrue(h.lu.abortRequested(h.otherB));
        assertFalse(h.lu.abortRequested(h.other));
        // TAS 1: the aborted commands end with TASK ABORTED, which tells their initiators.
        for (final ItNexus n : List.of(h.nexus, h.nexusB, h.other, h.otherB))
        {
            assertEquals(List.of(), h.unitAttentions(n));
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
