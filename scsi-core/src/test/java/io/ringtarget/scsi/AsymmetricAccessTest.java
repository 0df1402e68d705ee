package io.ringtarget.scsi;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ALUA (SPC-4 5.15) on a logical unit reached through two target ports in two target port groups: INQUIRY, VPD
 * 0x83 per port, REPORT / SET TARGET PORT GROUPS, what each access state lets through, the unit attentions.
 */
class AsymmetricAccessTest
{
    private final LuHarness h = new LuHarness().twoPorts().ready();

    private String ascii(final int from, final int length)
    {
        final byte[] b = new byte[length];
        for (int i = 0; i < length; i++)
        {
            b[i] = (byte)h.in(from + i);
        }
        return new String(b, StandardCharsets.US_ASCII);
    }

    private byte[] dataIn()
    {
        final byte[] b = new byte[h.task.dataInLength()];
        for (int i = 0; i < b.length; i++)
        {
            b[i] = (byte)h.in(i);
        }
        return b;
    }

    private ScsiTask rtpg(final ItNexus from, final boolean extended)
    {
        return h.run(from, 1024, 0xA3, extended ? 0x2A : 0x0A, 0, 0, 0, 0, 0, 0, 0x04, 0, 0, 0);
    }

    /** SET TARGET PORT GROUPS with (state, group) descriptors. */
    private ScsiTask stpg(final ItNexus from, final int... stateGroupPairs)
    {
        final int length = 4 + 2 * stateGroupPairs.length;
        h.fill(0, length, 0);
        for (int i = 0; i < stateGroupPairs.length; i += 2)
        {
            Bytes.put8(h.buffer, 4 + 2 * i, stateGroupPairs[i]);
            Bytes.put16(h.buffer, 4 + 2 * i + 2, stateGroupPairs[i + 1]);
        }
        return h.run(from, length, 0xA4, 0x0A, 0, 0, 0, 0, 0, 0, 0, length, 0, 0);
    }

    @Test
    void standardInquiryReportsImplicitAndExplicitAlua()
    {
        h.run(h.nexusB, 96, 0x12, 0, 0, 0, 96, 0);
        h.assertGood();
        assertEquals(0x30, h.in(5) & 0x30, "TPGS 11b");
    }

    /** Designators of VPD 0x83 as "type/association" -> bytes. */
    private List<String> designators(final ItNexus from)
    {
        h.run(from, 1024, 0x12, 1, 0x83, 0x04, 0x00, 0);
        h.assertGood();
        final int end = 4 + ((h.in(2) << 8) | h.in(3));
        assertEquals(end, h.task.dataInLength());
        final List<String> found = new ArrayList<>();
        for (int o = 4; o < end; o += 4 + h.in(o + 3))
        {
            final int type = h.in(o + 1) & 0x0F;
            final int association = (h.in(o + 1) >>> 4) & 0x03;
            final String value = type == 8 ? ascii(o + 4, h.in(o + 3)).replace("\0", "") :
                HexFormat.of().formatHex(dataIn(), o + 4, o + 4 + h.in(o + 3));
            found.add(type + "/" + association + " " + value);
        }
        return found;
    }

    @Test
    void deviceIdentificationNamesThePortTheCommandCameThrough()
    {
        final String naa = h.lu.identity().naaHex();
        final String t10 = HexFormat.of().formatHex("RINGTGT SERIAL0001".getBytes(StandardCharsets.US_ASCII));
        assertEquals(List.of("3/0 " + naa, "1/0 " + t10, "4/1 00000001", "5/1 00000001",
            "8/1 iqn.2026-11.io.ringtarget:test,t,0x0001", "8/2 iqn.2026-11.io.ringtarget:test"),
            designators(h.nexus));
        // The same logical unit (same NAA) through port 2: relative port 2, group 2, its own port name.
        assertEquals(List.of("3/0 " + naa, "1/0 " + t10, "4/1 00000002", "5/1 00000002",
            "8/1 iqn.2026-11.io.ringtarget:test,t,0x0002", "8/2 iqn.2026-11.io.ringtarget:test"),
            designators(h.otherB));
        // PIV=1 with protocol identifier 5h (iSCSI) on the port designators.
        h.run(h.nexus, 1024, 0x12, 1, 0x83, 0x04, 0x00, 0);
        final int relativePort = 4 + (4 + 8) + (4 + 18);
        assertEquals(0x51, h.in(relativePort));
        assertEquals(0x94, h.in(relativePort + 1));
    }

    @Test
    void reportTargetPortGroupsBothFormatsExactBytes()
    {
        h.group2.accessState(AccessState.STANDBY);
        h.lu.implicitTransitionTime(10);
        assertEquals(List.of(Asc.ASYMMETRIC_ACCESS_STATE_CHANGED), h.unitAttentions(h.nexus));
        rtpg(h.nexus, false);
        h.assertGood();
        assertEquals(
            "00000018" +
                "80" + "8f" + "0001" + "00" + "00" + "00" + "01" + "00000001" + // PREF, active/optimized, no status
                "02" + "8f" + "0002" + "00" + "02" + "00" + "01" + "00000002", // standby, altered implicitly
            HexFormat.of().formatHex(dataIn()));
        rtpg(h.nexus, true);
        h.assertGood();
        assertEquals(
            "0000001c" + "10" + "0a" + "0000" +
                "808f000100000001" + "00000001" +
                "028f000200020001" + "00000002",
            HexFormat.of().formatHex(dataIn()));
        // Cut to the allocation length, the header still says how much there is.
        h.run(h.nexus, 1024, 0xA3, 0x0A, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0);
        h.assertGood();
        assertEquals(8, h.task.dataInLength());
        assertEquals(0x18, Bytes.u32(h.buffer, 0));
        // PARAMETER DATA FORMAT 010b is not defined.
        h.run(h.nexus, 1024, 0xA3, 0x4A, 0, 0, 0, 0, 0, 0, 0x04, 0, 0, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.assertFieldPointer(true, 1, 7);
    }

    @Test
    void setTargetPortGroupsChangesStatesAndTellsTheOtherNexuses()
    {
        stpg(h.nexus, AccessState.STANDBY.code(), 1, AccessState.ACTIVE_OPTIMIZED.code(), 2);
        h.assertGood();
        assertEquals(AccessState.STANDBY, h.group1.accessState());
        assertEquals(AccessState.ACTIVE_OPTIMIZED, h.group2.accessState());
        assertEquals(TargetPortGroup.STATUS_SET_TARGET_PORT_GROUPS, h.group1.statusCode());
        assertEquals(TargetPortGroup.STATUS_SET_TARGET_PORT_GROUPS, h.group2.statusCode());
        assertEquals(1, h.group1.transitionCount());
        assertEquals(0, h.group2.transitionCount(), "no change, no transition");
        // SPC-4 5.15.2.3: the issuer is not told (its next command meets the new state at once); every other I_T
        // nexus is, through either port.
        h.run(h.nexus, 0, 0, 0, 0, 0, 0, 0);
        h.assertSense(SenseKey.NOT_READY, Asc.TARGET_PORT_IN_STANDBY_STATE);
        assertEquals(List.of(Asc.ASYMMETRIC_ACCESS_STATE_CHANGED), h.unitAttentions(h.nexusB));
        assertEquals(List.of(Asc.ASYMMETRIC_ACCESS_STATE_CHANGED), h.unitAttentions(h.otherB));
        h.run(h.other, 0, 0, 0, 0, 0, 0, 0);
        h.assertSense(SenseKey.UNIT_ATTENTION, Asc.ASYMMETRIC_ACCESS_STATE_CHANGED);
        h.run(h.other, 0, 0, 0, 0, 0, 0, 0);
        h.assertSense(SenseKey.NOT_READY, Asc.TARGET_PORT_IN_STANDBY_STATE);
        // The standby path still answers REPORT TARGET PORT GROUPS with the new states.
        rtpg(h.other, false);
        h.assertGood();
        assertEquals(0x82, h.in(4), "PREF, standby");
        assertEquals(0x01, h.in(9), "altered by SET TARGET PORT GROUPS");
        assertEquals(0x00, h.in(12), "active/optimized");
    }

    @Test
    void anImplicitChangeTellsEveryNexusOfEveryLogicalUnitInTheGroup()
    {
        final LogicalUnit second = new LogicalUnit(LogicalUnitIdentity.of(LuHarness.TARGET, "SERIAL0002"), 64, 512,
            false, false).targetPorts(h.port1, h.port2);
        final ScsiTask task = new ScsiTask().listener(t -> { });
        h.group2.accessState(AccessState.ACTIVE_NON_OPTIMIZED);
        assertEquals(TargetPortGroup.STATUS_IMPLICIT, h.group2.statusCode());
        for (final ItNexus n : List.of(h.nexus, h.other, h.nexusB, h.otherB))
        {
            assertEquals(List.of(Asc.ASYMMETRIC_ACCESS_STATE_CHANGED), h.unitAttentions(n), n.toString());
        }
        // The other logical unit shares the group: its nexuses are told too (this is their first command, so only a
        // change after it counts).
        task.reset().nexus(h.nexus).cdb(new byte[6]);
        second.execute(task);
        assertEquals(ScsiStatus.GOOD, task.status());
        h.group2.accessState(AccessState.ACTIVE_OPTIMIZED);
        task.reset().nexus(h.nexus).cdb(new byte[6]);
        second.execute(task);
        assertEquals(ScsiStatus.CHECK_CONDITION, task.status());
        assertEquals(0x2A, task.senseData().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 12));
        assertEquals(0x06, task.senseData().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 13));
        // Setting the same state again changes nothing and tells nobody.
        h.unitAttentions(h.nexus);
        h.group2.accessState(AccessState.ACTIVE_OPTIMIZED);
        assertEquals(List.of(), h.unitAttentions(h.nexus));
        assertEquals(2, h.group2.transitionCount());
        assertThrows(IllegalArgumentException.class,
            () -> new TargetPortGroup(3, AccessState.STANDBY, false, AccessState.ACTIVE_OPTIMIZED.supportedBit()));
    }

    @Test
    void setTargetPortGroupsRefusesWhatItCannotDoAndChangesNothing()
    {
        // A group the logical unit is not reached through: INVALID FIELD IN PARAMETER LIST at its TARGET PORT GROUP.
        stpg(h.nexus, AccessState.STANDBY.code(), 2, AccessState.STANDBY.code(), 7);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        h.assertFieldPointer(false, 10, -1);
        assertEquals(AccessState.ACTIVE_OPTIMIZED, h.group2.accessState(), "the valid first descriptor did nothing");
        // Transitioning and offline cannot be asked for (SPC-4 6.45); nor can an unused code.
        for (final int state : new int[] {0xF, 0xE, 0x4, 0x9})
        {
            stpg(h.nexus, state, 2);
            h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
            h.assertFieldPointer(false, 4, 3);
        }
        // A state the group does not support.
        final TargetPortGroup narrow = new TargetPortGroup(3, AccessState.ACTIVE_OPTIMIZED, false,
            AccessState.ACTIVE_OPTIMIZED.supportedBit() | AccessState.STANDBY.supportedBit());
        h.lu.targetPorts(h.port1, h.port2, new TargetPort(3, LuHarness.TARGET, 3, narrow));
        stpg(h.nexus, AccessState.UNAVAILABLE.code(), 3);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        stpg(h.nexus, AccessState.STANDBY.code(), 3);
        h.assertGood();
        assertEquals(AccessState.STANDBY, narrow.accessState());
        assertThrows(IllegalArgumentException.class, () -> narrow.accessState(AccessState.UNAVAILABLE));
        // Parameter list lengths: 0 is nothing to do; not 4 + a multiple of 4 is an error.
        h.run(h.nexus, 0, 0xA4, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        h.assertGood();
        h.run(h.nexus, 6, 0xA4, 0x0A, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.PARAMETER_LIST_LENGTH_ERROR);
        assertEquals(AccessState.ACTIVE_OPTIMIZED, h.group1.accessState());
        assertEquals(AccessState.ACTIVE_OPTIMIZED, h.group2.accessState());
    }

    @Test
    void aGroupTheTargetHoldsCannotBeChangedBySetTargetPortGroups()
    {
        // A fenced gateway holds its group unavailable; Linux's ALUA handler would make it active/optimized again.
        h.group1.holdUnavailable();
        h.run(h.nexus, 0, 0, 0, 0, 0, 0, 0); // the unit attention of the change first
        h.assertSense(SenseKey.UNIT_ATTENTION, Asc.ASYMMETRIC_ACCESS_STATE_CHANGED);
        stpg(h.nexus, AccessState.STANDBY.code(), 2, AccessState.ACTIVE_OPTIMIZED.code(), 1);
        h.assertSense(SenseKey.HARDWARE_ERROR, Asc.SET_TARGET_PORT_GROUPS_COMMAND_FAILED);
        assertEquals(AccessState.UNAVAILABLE, h.group1.accessState());
        assertEquals(AccessState.ACTIVE_OPTIMIZED, h.group2.accessState(), "nothing changed, not even the other group");
        stpg(h.nexus, AccessState.STANDBY.code(), 2);
        h.assertGood();
        // Two holds (two logical units fenced together): the group comes back with the last release only, to the
        // state before the first hold, and takes explicit changes again.
        h.group1.holdUnavailable();
        assertEquals(null, h.group1.releaseUnavailable());
        assertEquals(AccessState.UNAVAILABLE, h.group1.accessState());
        assertEquals(AccessState.ACTIVE_OPTIMIZED, h.group1.releaseUnavailable());
        assertEquals(AccessState.ACTIVE_OPTIMIZED, h.group1.accessState());
        h.run(h.nexus, 0, 0, 0, 0, 0, 0, 0);
        h.assertSense(SenseKey.UNIT_ATTENTION, Asc.ASYMMETRIC_ACCESS_STATE_CHANGED);
        stpg(h.nexus, AccessState.STANDBY.code(), 1);
        h.assertGood();
        assertEquals(AccessState.STANDBY, h.group1.accessState());
    }

    @Test
    void eachStateAnswersNotReadyWithItsOwnCode()
    {
        final int[][] cases = {
            {AccessState.STANDBY.code(), Asc.TARGET_PORT_IN_STANDBY_STATE},
            {AccessState.UNAVAILABLE.code(), Asc.TARGET_PORT_IN_UNAVAILABLE_STATE},
            {AccessState.TRANSITIONING.code(), Asc.ASYMMETRIC_ACCESS_STATE_TRANSITION},
        };
        for (final int[] c : cases)
        {
            h.group2.accessState(AccessState.ofCode(c[0]));
            h.unitAttentions(h.nexus);
            h.run(h.nexusB, 0, 0, 0, 0, 0, 0, 0);
            h.assertSense(SenseKey.UNIT_ATTENTION, Asc.ASYMMETRIC_ACCESS_STATE_CHANGED);
            h.run(h.nexusB, 0, 0, 0, 0, 0, 0, 0);
            h.assertSense(SenseKey.NOT_READY, c[1]);
            h.run(h.nexusB, 512, LuHarness.cdb10(0x2A, 0, 0, 1));
            h.assertSense(SenseKey.NOT_READY, c[1]);
            // The same logical unit through the active port does the work.
            h.run(h.nexus, 512, LuHarness.cdb10(0x2A, 0, 0, 1));
            h.assertGood();
            h.run(h.nexusB, 96, 0x12, 0, 0, 0, 96, 0);
            h.assertGood();
        }
        h.group2.accessState(AccessState.ACTIVE_NON_OPTIMIZED);
        h.unitAttentions(h.nexusB);
        h.run(h.nexusB, 512, LuHarness.cdb10(0x28, 0, 0, 1));
        h.assertGood();
    }

    /** A CDB of the row's length with its opcode and service action; lengths that make the command do nothing. */
    private static int[] cdbOf(final int row)
    {
        final int opcode = OpcodeTable.opcode(row);
        final int[] cdb = new int[OpcodeTable.cdbLength(row, opcode)];
        cdb[0] = opcode;
        if (OpcodeTable.serviceAction(row) >= 0)
        {
            cdb[1] = OpcodeTable.serviceAction(row);
        }
        return cdb;
    }

    private static String name(final int row)
    {
        final int serviceAction = OpcodeTable.serviceAction(row);
        return String.format("%02x", OpcodeTable.opcode(row)) +
            (serviceAction == OpcodeTable.NO_SERVICE_ACTION ? "" : "/" + serviceAction);
    }

    @Test
    void eachStateLetsThroughWhatTheTableSaysAndSpc4Lists()
    {
        final AccessState[] states = {AccessState.STANDBY, AccessState.UNAVAILABLE, AccessState.TRANSITIONING};
        final int[] ascq = {Asc.TARGET_PORT_IN_STANDBY_STATE, Asc.TARGET_PORT_IN_UNAVAILABLE_STATE,
            Asc.ASYMMETRIC_ACCESS_STATE_TRANSITION};
        final List<Set<String>> allowed = new ArrayList<>();
        for (int s = 0; s < states.length; s++)
        {
            final Set<String> passed = new TreeSet<>();
            // Zeroed CDBs change nothing (zero lengths), so one logical unit serves every row.
            final LuHarness fresh = new LuHarness().twoPorts().ready();
            fresh.group2.accessState(states[s]);
            for (int row = 0; row < OpcodeTable.REPORTED_COUNT; row++)
            {
                fresh.unitAttentions(fresh.nexusB);
                fresh.run(fresh.nexusB, 4096, cdbOf(row));
                final boolean notReady = fresh.task.status() == ScsiStatus.CHECK_CONDITION &&
                    (fresh.sense(2) & 0x0F) == SenseKey.NOT_READY;
                if (notReady)
                {
                    assertEquals(ascq[s], (fresh.sense(12) << 8) | fresh.sense(13), name(row));
                }
                else
                {
                    passed.add(name(row));
                }
                final boolean table = switch (states[s])
                {
                    case STANDBY -> OpcodeTable.allowedInStandby(row);
                    case UNAVAILABLE -> OpcodeTable.allowedWhenUnavailable(row);
                    default -> OpcodeTable.allowedWhileTransitioning(row);
                };
                assertEquals(table, !notReady, states[s] + " " + name(row));
            }
            allowed.add(passed);
        }
        // SPC-4 5.15.2.4.5: unavailable answers INQUIRY, REPORT LUNS, REPORT/SET TARGET PORT GROUPS, REQUEST SENSE.
        assertEquals(new TreeSet<>(Set.of("03", "12", "a0", "a3/10", "a4/10")), allowed.get(1));
        // SPC-4 5.15.2.4.6: transitioning answers INQUIRY, REPORT LUNS, REPORT TARGET PORT GROUPS, REQUEST SENSE.
        assertEquals(new TreeSet<>(Set.of("03", "12", "a0", "a3/10")), allowed.get(2));
        assertTrue(allowed.get(0).containsAll(allowed.get(1)));
        assertFalse(allowed.get(0).contains("00"), "TEST UNIT READY is what path checkers send: NOT READY");
    }

    @Test
    void unitAttentionFirstThenAccessStateThenReservation()
    {
        final PrCommands pr = new PrCommands(h);
        // Another initiator holds a write exclusive reservation; this initiator's standby path.
        pr.register(h.other, 0xB);
        h.assertGood();
        pr.out(h.other, PrCommands.RESERVE, PrCommands.WE, 0xB, 0);
        h.assertGood();
        h.group2.accessState(AccessState.STANDBY);
        h.run(h.nexusB, 512, LuHarness.cdb10(0x2A, 0, 0, 1));
        h.assertSense(SenseKey.UNIT_ATTENTION, Asc.ASYMMETRIC_ACCESS_STATE_CHANGED);
        h.run(h.nexusB, 512, LuHarness.cdb10(0x2A, 0, 0, 1));
        h.assertSense(SenseKey.NOT_READY, Asc.TARGET_PORT_IN_STANDBY_STATE);
        // Persistent reservations work through a standby port (SPC-4 5.15.2.4.4).
        assertArrayEquals(new long[] {0xB}, pr.keys(h.nexusB));
        // Through the active port the reservation decides.
        assertEquals(List.of(Asc.ASYMMETRIC_ACCESS_STATE_CHANGED), h.unitAttentions(h.nexus));
        h.run(h.nexus, 512, LuHarness.cdb10(0x2A, 0, 0, 1));
        assertEquals(ScsiStatus.RESERVATION_CONFLICT, h.task.status());
        assertNotEquals(null, h.lu.targetPorts());
    }

    @Test
    void targetPortsAreCheckedAndListed()
    {
        assertEquals(List.of(h.port1, h.port2), h.lu.targetPorts());
        assertThrows(IllegalArgumentException.class,
            () -> h.lu.targetPorts(h.port1, new TargetPort(1, LuHarness.TARGET, 9, h.group2)));
        assertThrows(IllegalArgumentException.class,
            () -> h.lu.targetPorts(h.port1, new TargetPort(5, LuHarness.TARGET, 5, new TargetPortGroup(1))));
        assertThrows(IllegalArgumentException.class, () -> new TargetPort(0, LuHarness.TARGET, 1, h.group1));
        assertEquals("iqn.2026-11.io.ringtarget:test,t,0x0002", h.port2.name());
        assertEquals(AccessState.ACTIVE_NON_OPTIMIZED, AccessState.ofLabel("Active-Non-Optimized"));
        assertEquals(AccessState.STANDBY, AccessState.ofLabel("standby"));
        assertEquals(null, AccessState.ofLabel("offline"));
        // A logical unit no longer reached through a group is no longer told about it.
        h.lu.targetPorts(h.port1);
        h.group2.accessState(AccessState.STANDBY);
        assertEquals(List.of(), h.unitAttentions(h.nexus));
        rtpg(h.nexus, false);
        assertEquals(16, h.task.dataInLength(), "one group, one port");
    }
}
