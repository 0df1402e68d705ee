package io.ringtarget.server.startup;

import io.ringtarget.scsi.AccessState;
import io.ringtarget.scsi.LogicalUnit;
import io.ringtarget.scsi.LogicalUnitIdentity;
import io.ringtarget.scsi.TargetPort;
import io.ringtarget.scsi.TargetPortGroup;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fenced rbd gateway's target port groups: unavailable while fenced, back to what they were once the image is
 * opened again, unless an administrator changed one meanwhile.
 */
class UnitEventsTest
{
    private static final String IQN = "iqn.2026-12.io.ringtarget:events";

    @Test
    void fencingMakesTheGroupsUnavailableAndTheReopenPutsBackWhatItChanged()
    {
        final TargetPortGroup optimized = new TargetPortGroup(1, AccessState.ACTIVE_OPTIMIZED, true);
        final TargetPortGroup nonOptimized = new TargetPortGroup(2, AccessState.ACTIVE_NON_OPTIMIZED, false);
        final TargetPortGroup standby = new TargetPortGroup(3, AccessState.STANDBY, false);
        final LogicalUnit lu = new LogicalUnit(LogicalUnitIdentity.of(IQN, "disk"), 2048, 512, false, false)
            .targetPorts(new TargetPort(1, IQN, 1, optimized), new TargetPort(2, IQN, 2, nonOptimized),
                new TargetPort(3, IQN, 3, standby));
        final UnitEvents events = new UnitEvents("disk", lu, null);

        events.fencedOff();
        assertEquals(AccessState.UNAVAILABLE, optimized.accessState());
        assertEquals(AccessState.UNAVAILABLE, nonOptimized.accessState());
        assertEquals(AccessState.UNAVAILABLE, standby.accessState());
        assertEquals(TargetPortGroup.STATUS_IMPLICIT, optimized.statusCode());
        assertTrue(optimized.held() && nonOptimized.held() && standby.held(),
            "SET TARGET PORT GROUPS cannot move them");
        // The administrator moves one group while the gateway is fenced: the reopen leaves that one alone.
        standby.accessState(AccessState.ACTIVE_OPTIMIZED);

        events.reopened();
        assertEquals(AccessState.ACTIVE_OPTIMIZED, optimized.accessState());
        assertEquals(AccessState.ACTIVE_NON_OPTIMIZED, nonOptimized.accessState());
        assertEquals(AccessState.ACTIVE_OPTIMIZED, standby.accessState());
        assertEquals(2, nonOptimized.transitionCount(), "there and back");
        assertFalse(optimized.held() || nonOptimized.held() || standby.held());

        // A second fencing starts from the states then, not from the first one's.
        events.fencedOff();
        events.reopened();
        assertEquals(AccessState.ACTIVE_OPTIMIZED, standby.accessState());
        assertEquals(4, nonOptimized.transitionCount());
    }

    @Test
    void aGroupOfTwoFencedLogicalUnitsComesBackWhenBothServeAgain()
    {
        final TargetPortGroup group = new TargetPortGroup(1, AccessState.ACTIVE_OPTIMIZED, true);
        final UnitEvents first = new UnitEvents("disk1", new LogicalUnit(LogicalUnitIdentity.of(IQN, "disk1"), 2048,
            512, false, false).targetPorts(new TargetPort(1, IQN, 1, group)), null);
        final UnitEvents second = new UnitEvents("disk2", new LogicalUnit(LogicalUnitIdentity.of(IQN, "disk2"), 2048,
            512, false, false).targetPorts(new TargetPort(1, IQN, 1, group)), null);
        // One client's images are fenced together and reopen one after the other.
        first.fencedOff();
        second.fencedOff();
        assertEquals(AccessState.UNAVAILABLE, group.accessState());
        first.reopened();
        assertEquals(AccessState.UNAVAILABLE, group.accessState(), "the second is still fenced");
        assertTrue(group.held());
        second.reopened();
        assertEquals(AccessState.ACTIVE_OPTIMIZED, group.accessState());
        assertFalse(group.held());
        assertEquals(2, group.transitionCount());
    }

    @Test
    void aGroupThatDoesNotSupportUnavailableIsLeftAsItIs()
    {
        final int noUnavailable = AccessState.ALL_SUPPORTED & ~AccessState.UNAVAILABLE.supportedBit();
        final TargetPortGroup group = new TargetPortGroup(1, AccessState.ACTIVE_OPTIMIZED, false, noUnavailable);
        final LogicalUnit lu = new LogicalUnit(LogicalUnitIdentity.of(IQN, "disk"), 2048, 512, false, false)
            .targetPorts(new TargetPort(1, IQN, 1, group));
        final UnitEvents events = new UnitEvents("disk", lu, null);
        events.fencedOff();
        events.reopened();
        assertEquals(AccessState.ACTIVE_OPTIMIZED, group.accessState());
        assertEquals(0, group.transitionCount());
    }
}
