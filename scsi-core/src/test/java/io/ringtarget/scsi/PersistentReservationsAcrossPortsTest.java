package io.ringtarget.scsi;

import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import static io.ringtarget.scsi.PrCommands.ALL_TG_PT;
import static io.ringtarget.scsi.PrCommands.CLEAR;
import static io.ringtarget.scsi.PrCommands.EA;
import static io.ringtarget.scsi.PrCommands.EA_AR;
import static io.ringtarget.scsi.PrCommands.EA_RO;
import static io.ringtarget.scsi.PrCommands.PREEMPT;
import static io.ringtarget.scsi.PrCommands.PREEMPT_AND_ABORT;
import static io.ringtarget.scsi.PrCommands.READ_FULL_STATUS;
import static io.ringtarget.scsi.PrCommands.REGISTER;
import static io.ringtarget.scsi.PrCommands.REGISTER_AND_IGNORE;
import static io.ringtarget.scsi.PrCommands.RELEASE;
import static io.ringtarget.scsi.PrCommands.REPORT_CAPABILITIES;
import static io.ringtarget.scsi.PrCommands.RESERVE;
import static io.ringtarget.scsi.PrCommands.WE;
import static io.ringtarget.scsi.PrCommands.WE_AR;
import static io.ringtarget.scsi.PrCommands.WE_RO;
import static io.ringtarget.scsi.PrCommands.transportId;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Persistent reservations of one logical unit reached through two target ports (SPC-4 5.12, 6.13, 6.14): every
 * service action and type across I_T nexuses on both ports, the unit attentions SPC-4 names, PREEMPT AND ABORT's
 * request to the transport. Nexus names: A and B are two initiator ports; {@code h.nexus}/{@code h.other} come
 * through port 1, {@code h.nexusB}/{@code h.otherB} through port 2.
 */
class PersistentReservationsAcrossPortsTest
{
    private final LuHarness h = new LuHarness().twoPorts().ready();
    private final PrCommands pr = new PrCommands(h);

    private void good()
    {
        h.assertGood();
    }

    private void conflict()
    {
        assertEquals(ScsiStatus.RESERVATION_CONFLICT, h.task.status(), () -> "status " + h.task.status() + " " +
            h.senseString());
    }

    private void write(final ItNexus from)
    {
        h.run(from, 512, LuHarness.cdb10(0x2A, 0, 0, 1));
    }

    private void read(final ItNexus from)
    {
        h.run(from, 512, LuHarness.cdb10(0x28, 0, 0, 1));
    }

    // ----------------------------------------------------------------------------------------------------------
    // ALL_TG_PT

    @Test
    void allTargetPortsRegistersTheInitiatorPortThroughEveryPort()
    {
        pr.out(h.nexus, REGISTER, 0, 0, 0xA, ALL_TG_PT);
        good();
        assertArrayEquals(new long[] {0xA, 0xA}, pr.keys(h.otherB));
        // Through port 2 the same initiator port is registered: it reserves with its key.
        pr.out(h.nexusB, RESERVE, WE_RO, 0xA, 0);
        good();
        write(h.nexus);
        good(); // a registrant of a registrants-only reservation
        write(h.other);
        conflict();
        // READ FULL STATUS: both descriptors say ALL_TG_PT; each names its relative target port; both hold.
        pr.in(h.other, READ_FULL_STATUS);
        good();
        assertEquals(2 * (24 + 40), Bytes.u32(h.buffer, 4), "two descriptors with 40-byte TransportIDs");
        for (int d = 0, o = 8; d < 2; d++, o += 24 + (int)Bytes.u32(h.buffer, o + 20))
        {
            assertEquals(0x03, h.in(o + 12), "ALL_TG_PT and R_HOLDER");
            assertEquals(WE_RO, h.in(o + 13));
            assertEquals(d + 1, Bytes.u16(h.buffer, o + 18), "relative target port");
        }
        // Changing the key through one port changes the registration through both; unregistering ends both.
        pr.out(h.nexusB, REGISTER, 0, 0xA, 0xAA);
        good();
        assertArrayEquals(new long[] {0xAA, 0xAA}, pr.keys(h.other));
        assertArrayEquals(new long[] {0xAA, WE_RO}, pr.reservation(h.other));
        pr.out(h.nexus, REGISTER, 0, 0xAA, 0);
        good();
        assertArrayEquals(new long[0], pr.keys(h.other));
        assertNull(pr.reservation(h.other), "the holder left: released");
    }

    @Test
    void withoutAllTargetPortsOnlyTheReceivingPortIsRegistered()
    {
        pr.register(h.nexus, 0xA);
        good();
        pr.out(h.nexus, RESERVE, WE_RO, 0xA, 0);
        good();
        // The same initiator port through port 2 is another I_T nexus, not registered.
        write(h.nexusB);
        conflict();
        pr.out(h.nexusB, RESERVE, WE_RO, 0xA, 0);
        conflict();
        pr.in(h.nexusB, READ_FULL_STATUS);
        assertEquals(0x01, h.in(8 + 12), "R_HOLDER, no ALL_TG_PT");
        assertEquals(1, Bytes.u16(h.buffer, 8 + 18));
        pr.register(h.nexusB, 0xA2);
        good();
        write(h.nexusB);
        good();
    }

    // ----------------------------------------------------------------------------------------------------------
    // SPEC_I_PT

    @Test
    void specifiedInitiatorPortsInBothTransportIdFormats()
    {
        // A registers itself, B's initiator port (format 01b) and every port of initiator C (format 00b).
        pr.registerSpecifying(h.nexus, 0xA, 0, transportId("iqn.2026-11.test:b", "000000000002"),
            transportId("iqn.2026-11.test:c", null));
        good();
        assertArrayEquals(new long[] {0xA, 0xA, 0xA}, pr.keys(h.other));
        pr.in(h.other, READ_FULL_STATUS);
        int o = 8;
        final String[] names = new String[3];
        for (int d = 0; d < 3; d++)
        {
            final int idLength = (int)Bytes.u32(h.buffer, o + 20);
            names[d] = (h.in(o + 24) == 0x45 ? "01b " : h.in(o + 24) == 0x05 ? "00b " : "?? ") +
                new String(bytes(o + 28, idLength - 4)).replace("\0", "");
            assertEquals(1, Bytes.u16(h.buffer, o + 18), "through the receiving port");
            o += 24 + idLength;
        }
        assertArrayEquals(new String[] {"01b " + LuHarness.PORT_A, "01b " + LuHarness.PORT_B,
            "00b iqn.2026-11.test:c"}, names);
        // B is registered through port 1 (not 2); any initiator port of C is, through port 1.
        pr.out(h.other, RESERVE, WE, 0xA, 0);
        good();
        pr.out(h.other, RELEASE, WE, 0xA, 0);
        good();
        final ItNexus c = new ItNexus("iqn.2026-11.test:c,i,0x23d000001", h.port1);
        final ItNexus cThroughPort2 = new ItNexus("iqn.2026-11.test:c,i,0x23d000001", h.port2);
        pr.out(c, RESERVE, EA, 0xA, 0);
        good();
        read(h.nexus);
        conflict();
        read(cThroughPort2);
        conflict();
        read(c);
        good();
    }

    private byte[] bytes(final int from, final int length)
    {
        final byte[] b = new byte[length];
        for (int i = 0; i < length; i++)
        {
            b[i] = (byte)h.in(from + i);
        }
        return b;
    }

    @Test
    void specifiedInitiatorPortsWithAllTargetPortsRegisterThroughEveryPort()
    {
        pr.registerSpecifying(h.nexus, 0xA, ALL_TG_PT, transportId("iqn.2026-11.test:b", "2"));
        good();
        assertEquals(4, pr.keys(h.nexus).length, "A and B through ports 1 and 2");
        pr.out(h.otherB, RESERVE, WE, 0xA, 0);
        good();
    }

    @Test
    void specifiedInitiatorPortsAreChecked()
    {
        // A TransportID of another protocol (Fibre Channel 0h): INVALID FIELD IN PARAMETER LIST at its byte 0.
        final byte[] fc = new byte[24];
        final byte[] b = transportId("iqn.2026-11.test:b", "2");
        pr.registerSpecifying(h.nexus, 0xA, 0, b, fc);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        h.assertFieldPointer(false, 28 + b.length, 3);
        assertArrayEquals(new long[0], pr.keys(h.nexus), "nothing registered, not even the valid ones");
        // Format 01b without an ISID.
        final byte[] noIsid = transportId("iqn.2026-11.test:b", null);
        noIsid[0] = 0x45;
        pr.registerSpecifying(h.nexus, 0xA, 0, noIsid);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        // TRANSPORTID PARAMETER DATA LENGTH beyond the list.
        final int length = pr.prepareSpecifying(0xA, 0, b);
        Bytes.put32(h.buffer, 24, 400);
        pr.send(h.nexus, REGISTER, 0, length);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.PARAMETER_LIST_LENGTH_ERROR);
        assertArrayEquals(new long[0], pr.keys(h.nexus));
        // SPEC_I_PT is for REGISTER only; REGISTER AND IGNORE EXISTING KEY with it is refused (SPC-4 6.14.3).
        pr.out(h.nexus, REGISTER_AND_IGNORE, 0, 0, 0xA, PrCommands.SPEC_I_PT);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        h.assertFieldPointer(false, 20, 3);
        // From a registered I_T nexus, too.
        pr.register(h.nexus, 0xA);
        good();
        final int withKey = pr.prepareSpecifying(0xA1, 0, b);
        Bytes.put64(h.buffer, 0, 0xA);
        pr.send(h.nexus, REGISTER, 0, withKey);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        h.assertFieldPointer(false, 20, 3);
        // A TransportID naming an I_T nexus already registered leaves that registration as it is.
        pr.registerSpecifying(h.other, 0xB, 0, transportId("iqn.2026-11.test:a", "1"));
        good();
        assertArrayEquals(new long[] {0xA, 0xB}, pr.keys(h.nexus));
    }

    // ----------------------------------------------------------------------------------------------------------
    // REGISTER AND MOVE

    @Test
    void registerAndMoveHandsTheReservationToAnotherInitiatorPortThroughAnotherPort()
    {
        pr.register(h.nexus, 0xA);
        pr.out(h.nexus, RESERVE, WE, 0xA, 0);
        good();
        final int generation = h.lu.persistentReservationGeneration();
        pr.registerAndMove(h.nexus, 0xA, 0xB2, 2, false, false, transportId("iqn.2026-11.test:b", "000000000002"));
        good();
        assertEquals(generation + 1, h.lu.persistentReservationGeneration());
        assertArrayEquals(new long[] {0xB2, WE}, pr.reservation(h.nexus), "B through port 2 holds, same type");
        write(h.otherB);
        good();
        write(h.nexus);
        conflict(); // A stays registered (UNREG=0) but no longer holds a write exclusive reservation
        write(h.other);
        conflict(); // B through port 1 is another I_T nexus
        assertArrayEquals(new long[] {0xA, 0xB2}, pr.keys(h.nexus));
        // Back to A through port 1, the mover unregistering (UNREG=1).
        pr.registerAndMove(h.otherB, 0xB2, 0xA1, 1, true, false, transportId("iqn.2026-11.test:a", "1"));
        good();
        assertArrayEquals(new long[] {0xA1}, pr.keys(h.nexus), "A's key replaced, B gone");
        assertArrayEquals(new long[] {0xA1, WE}, pr.reservation(h.nexus));
        write(h.nexus);
        good();
    }

    @Test
    void registerAndMoveIsChecked()
    {
        final byte[] toB = transportId("iqn.2026-11.test:b", "2");
        pr.register(h.nexus, 0xA);
        pr.register(h.other, 0xB);
        // No reservation to move.
        pr.registerAndMove(h.nexus, 0xA, 0xB2, 2, false, false, toB);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        pr.out(h.nexus, RESERVE, WE, 0xA, 0);
        // Not the holder; wrong key; unregistered.
        pr.registerAndMove(h.other, 0xB, 0xB2, 2, false, false, transportId("iqn.2026-11.test:a", "1"));
        conflict();
        pr.registerAndMove(h.nexus, 0xBAD, 0xB2, 2, false, false, toB);
        conflict();
        pr.registerAndMove(h.otherB, 0, 0xB2, 2, false, false, toB);
        conflict();
        // Service action key 0; an unknown relative port; the initiator port the command came from.
        pr.registerAndMove(h.nexus, 0xA, 0, 2, false, false, toB);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        h.assertFieldPointer(false, 8, -1);
        pr.registerAndMove(h.nexus, 0xA, 0xB2, 9, false, false, toB);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        h.assertFieldPointer(false, 18, -1);
        pr.registerAndMove(h.nexus, 0xA, 0xB2, 2, false, false, transportId("iqn.2026-11.test:a", "1"));
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        // The TransportID's length must be what the list holds.
        final int length = pr.prepareMove(0xA, 0xB2, 2, false, false, toB);
        Bytes.put32(h.buffer, 20, 8);
        pr.send(h.nexus, PrCommands.REGISTER_AND_MOVE, 0, length);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.PARAMETER_LIST_LENGTH_ERROR);
        assertArrayEquals(new long[] {0xA, WE}, pr.reservation(h.nexus), "nothing moved");
        // An all-registrants reservation does not move.
        pr.out(h.nexus, RELEASE, WE, 0xA, 0);
        pr.out(h.nexus, RESERVE, WE_AR, 0xA, 0);
        good();
        pr.registerAndMove(h.nexus, 0xA, 0xB2, 2, false, false, toB);
        conflict();
        assertArrayEquals(new long[] {0, WE_AR}, pr.reservation(h.nexus));
        assertArrayEquals(new long[] {0xA, 0xB}, pr.keys(h.nexus), "nothing moved");
    }

    // ----------------------------------------------------------------------------------------------------------
    // PREEMPT AND ABORT, PREEMPT, CLEAR, RELEASE: who learns what

    /** fence_scsi: one registration per path, WRITE EXCLUSIVE - REGISTRANTS ONLY, then a node fences the other. */
    @Test
    void preemptAndAbortFencesANodeOnEveryPath()
    {
        // Node A's paths: nexus (port 1), nexusB (port 2); node B's: other, otherB. Keys per node.
        pr.register(h.nexus, 0xA);
        pr.register(h.nexusB, 0xA);
        pr.register(h.other, 0xB);
        pr.register(h.otherB, 0xB);
        pr.out(h.nexus, RESERVE, WE_RO, 0xA, 0);
        good();
        write(h.otherB);
        good();
        final int generation = h.lu.persistentReservationGeneration();

        pr.out(h.nexusB, PREEMPT_AND_ABORT, WE_RO, 0xA, 0xB);
        good();
        assertEquals(generation + 1, h.lu.persistentReservationGeneration());
        assertArrayEquals(new long[] {0xA, 0xA}, pr.keys(h.nexus));
        assertArrayEquals(new long[] {0xA, WE_RO}, pr.reservation(h.nexus), "A's reservation, untouched");

        // The transport learns, once per nexus, which tasks to abort; A's nexuses are not asked.
        assertTrue(h.lu.abortRequested(h.other));
        assertFalse(h.lu.abortRequested(h.other), "once");
        assertTrue(h.lu.abortRequested(h.otherB));
        assertFalse(h.lu.abortRequested(h.nexus));
        assertFalse(h.lu.abortRequested(h.nexusB));
        // A nexus that never spoke to the logical unit has nothing to abort, whoever it is.
        assertFalse(h.lu.abortRequested(new ItNexus(LuHarness.PORT_B, new TargetPort(7, LuHarness.TARGET, 7,
            new TargetPortGroup(7)))));
        // TAS=1: the aborted tasks end with TASK ABORTED status, so B learns of them there, not from a unit
        // attention (SAM-5 5.6); REGISTRATIONS PREEMPTED is all it is told.
        assertEquals(List.of(Asc.REGISTRATIONS_PREEMPTED), h.unitAttentions(h.other));
        assertEquals(List.of(Asc.REGISTRATIONS_PREEMPTED), h.unitAttentions(h.otherB));
        assertEquals(List.of(), h.unitAttentions(h.nexus));
        assertEquals(List.of(), h.unitAttentions(h.nexusB));
        // Node B can read (write exclusive) but not write, on either path.
        write(h.other);
        conflict();
        write(h.otherB);
        conflict();
        read(h.otherB);
        good();
        write(h.nexus);
        good();
        // A later PREEMPT AND ABORT that preempts nobody of B's asks nothing more.
        pr.register(h.other, 0xB);
        pr.out(h.nexus, PREEMPT, WE_RO, 0xA, 0xB);
        good();
        assertFalse(h.lu.abortRequested(h.other), "PREEMPT without ABORT aborts nothing");
    }

    @Test
    void preemptingTheHolderMovesTheReservationAndTellsWhoLostWhat()
    {
        pr.register(h.nexus, 0xA);
        pr.register(h.other, 0xB);
        pr.register(h.nexusB, 0xC);
        pr.out(h.nexus, RESERVE, WE, 0xA, 0);
        pr.out(h.other, PREEMPT, EA, 0xB, 0xA);
        good();
        assertArrayEquals(new long[] {0xB, EA}, pr.reservation(h.other));
        assertArrayEquals(new long[] {0xB, 0xC}, pr.keys(h.other));
        // A lost its registration; C kept its own but the type changed: RESERVATIONS RELEASED (SPC-4 5.12.11.2.4).
        assertEquals(List.of(Asc.REGISTRATIONS_PREEMPTED), h.unitAttentions(h.nexus));
        assertEquals(List.of(Asc.RESERVATIONS_RELEASED), h.unitAttentions(h.nexusB));
        assertEquals(List.of(), h.unitAttentions(h.other));
        // The holder preempting itself with the same type: nothing for anyone.
        pr.out(h.other, PREEMPT, EA, 0xB, 0xB);
        good();
        assertEquals(List.of(), h.unitAttentions(h.nexusB));
        // A key nobody has: RESERVATION CONFLICT; key 0 without an all-registrants reservation: INVALID FIELD.
        pr.out(h.other, PREEMPT, EA, 0xB, 0xDEAD);
        conflict();
        pr.out(h.other, PREEMPT, EA, 0xB, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        // A key that is not the holder's removes those registrations only; the reservation stays.
        pr.out(h.other, PREEMPT, WE, 0xB, 0xC);
        good();
        assertArrayEquals(new long[] {0xB, EA}, pr.reservation(h.other), "type and holder unchanged");
        assertEquals(List.of(Asc.REGISTRATIONS_PREEMPTED), h.unitAttentions(h.nexusB));
    }

    @Test
    void preemptingAnAllRegistrantsReservation()
    {
        pr.register(h.nexus, 0xA);
        pr.register(h.other, 0xB);
        pr.register(h.otherB, 0xC);
        pr.out(h.other, RESERVE, WE_AR, 0xB, 0);
        good();
        // A non-zero key: only that registration goes, the reservation stays all-registrants.
        pr.out(h.nexus, PREEMPT, WE_AR, 0xA, 0xC);
        good();
        assertArrayEquals(new long[] {0xA, 0xB}, pr.keys(h.nexus));
        assertArrayEquals(new long[] {0, WE_AR}, pr.reservation(h.nexus));
        assertEquals(List.of(Asc.REGISTRATIONS_PREEMPTED), h.unitAttentions(h.otherB));
        // Key 0: every other registration goes, the preempting nexus holds the type it asked for.
        pr.out(h.nexus, PREEMPT_AND_ABORT, EA_RO, 0xA, 0);
        good();
        assertArrayEquals(new long[] {0xA}, pr.keys(h.nexus));
        assertArrayEquals(new long[] {0xA, EA_RO}, pr.reservation(h.nexus));
        assertEquals(List.of(Asc.REGISTRATIONS_PREEMPTED), h.unitAttentions(h.other));
        assertTrue(h.lu.abortRequested(h.other));
        assertFalse(h.lu.abortRequested(h.nexus));
    }

    @Test
    void clearTellsEveryOtherRegistrantReservationsPreempted()
    {
        pr.register(h.nexus, 0xA);
        pr.register(h.otherB, 0xB);
        pr.register(h.other, 0xC);
        pr.out(h.otherB, RESERVE, EA_AR, 0xB, 0);
        final int generation = h.lu.persistentReservationGeneration();
        pr.out(h.nexus, CLEAR, 0, 0xA, 0);
        good();
        assertEquals(generation + 1, h.lu.persistentReservationGeneration());
        assertArrayEquals(new long[0], pr.keys(h.nexus));
        assertNull(pr.reservation(h.nexus));
        assertEquals(List.of(), h.unitAttentions(h.nexus), "not the nexus that cleared");
        assertEquals(List.of(Asc.RESERVATIONS_PREEMPTED), h.unitAttentions(h.otherB));
        assertEquals(List.of(Asc.RESERVATIONS_PREEMPTED), h.unitAttentions(h.other));
        assertEquals(List.of(), h.unitAttentions(h.nexusB), "never registered");
        // Only a registrant with its key clears.
        pr.out(h.nexus, CLEAR, 0, 0xA, 0);
        conflict();
    }

    @Test
    void releaseTellsTheOtherRegistrantsOfRegistrantsOnlyAndAllRegistrantsTypes()
    {
        final int[][] cases = {{WE, 0}, {EA, 0}, {WE_RO, 1}, {EA_RO, 1}, {WE_AR, 1}, {EA_AR, 1}};
        for (final int[] c : cases)
        {
            pr.register(h.nexus, 0xA);
            pr.register(h.otherB, 0xB);
            pr.out(h.nexus, RESERVE, c[0], 0xA, 0);
            good();
            // The wrong type: INVALID RELEASE OF PERSISTENT RESERVATION, nothing released.
            pr.out(h.nexus, RELEASE, c[0] == WE ? EA : WE, 0xA, 0);
            h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_RELEASE_OF_PERSISTENT_RESERVATION);
            // A registrant that does not hold it (only possible outside all-registrants): GOOD, nothing happens.
            pr.out(h.otherB, RELEASE, c[0], 0xB, 0);
            good();
            final boolean allRegistrants = c[0] == WE_AR || c[0] == EA_AR;
            assertEquals(allRegistrants, pr.reservation(h.otherB) == null, "type " + c[0]);
            if (!allRegistrants)
            {
                pr.out(h.nexus, RELEASE, c[0], 0xA, 0);
                good();
            }
            final ItNexus told = allRegistrants ? h.nexus : h.otherB;
            final ItNexus releaser = allRegistrants ? h.otherB : h.nexus;
            assertNull(pr.reservation(releaser));
            assertEquals(c[1] == 1 ? List.of(Asc.RESERVATIONS_RELEASED) : List.of(), h.unitAttentions(told),
                "type " + c[0]);
            assertEquals(List.of(), h.unitAttentions(releaser));
            pr.out(h.nexus, REGISTER, 0, 0xA, 0);
            pr.out(h.otherB, REGISTER, 0, 0xB, 0);
            good();
        }
    }

    @Test
    void aPreemptedInitiatorThatReturnsLaterIsStillTold()
    {
        pr.register(h.nexus, 0xA);
        pr.register(h.otherB, 0xB);
        pr.out(h.nexus, RESERVE, WE, 0xA, 0);
        pr.out(h.nexus, PREEMPT, WE, 0xA, 0xB);
        good();
        assertEquals(1, h.lu.pendingTargetedUnitAttentions());
        // Other nexuses go on (B through port 1 is another I_T nexus: not told).
        for (int i = 0; i < 3; i++)
        {
            read(h.other);
            good();
        }
        // The session comes back (a new nexus object, same initiator port and target port).
        final ItNexus again = new ItNexus(LuHarness.PORT_B, h.port2);
        write(again);
        h.assertSense(SenseKey.UNIT_ATTENTION, Asc.REGISTRATIONS_PREEMPTED);
        write(again);
        conflict();
        assertEquals(0, h.lu.pendingTargetedUnitAttentions());
    }

    // ----------------------------------------------------------------------------------------------------------
    // Reservation types against nexuses on both ports (libiscsi's ProutReserve.Access* / Ownership*)

    @Test
    void accessByTypeForHolderRegistrantAndStranger()
    {
        // Per type: may {holder, registrant through port 2, unregistered through port 2} {read, write}?
        final Object[][] cases = {
            {WE, "rw r- r-"}, {EA, "rw -- --"}, {WE_RO, "rw rw r-"}, {EA_RO, "rw rw --"},
            {WE_AR, "rw rw r-"}, {EA_AR, "rw rw --"},
        };
        for (final Object[] c : cases)
        {
            final int type = (Integer)c[0];
            pr.register(h.nexus, 0xA);
            pr.register(h.otherB, 0xB);
            pr.out(h.nexus, RESERVE, type, 0xA, 0);
            good();
            final StringBuilder sb = new StringBuilder();
            for (final ItNexus n : new ItNexus[] {h.nexus, h.otherB, h.nexusB})
            {
                read(n);
                sb.append(h.task.status() == ScsiStatus.GOOD ? 'r' : '-');
                write(n);
                sb.append(h.task.status() == ScsiStatus.GOOD ? 'w' : '-');
                sb.append(' ');
            }
            assertEquals(c[1], sb.toString().trim(), "type " + type);
            // Unregistering the holder releases all but the all-registrants types (libiscsi Ownership*); the other
            // registrant of a registrants-only type is told.
            pr.out(h.nexus, REGISTER, 0, 0xA, 0);
            good();
            assertEquals(type == WE_RO || type == EA_RO ? List.of(Asc.RESERVATIONS_RELEASED) : List.of(),
                h.unitAttentions(h.otherB), "type " + type);
            assertEquals(type == WE_AR || type == EA_AR, pr.reservation(h.otherB) != null, "type " + type);
            pr.out(h.otherB, REGISTER, 0, 0xB, 0);
            good();
        }
    }

    @Test
    void reportCapabilitiesAndSpc2Reserve()
    {
        pr.in(h.nexus, REPORT_CAPABILITIES);
        good();
        assertEquals("0008" + "0c" + "80" + "ea01" + "0000", HexFormat.of().formatHex(bytes(0, 8)),
            "SIP_C ATP_C (no PTPL_C without a state directory), TMV, all six types");
        // APTPL without a state directory: refused at the APTPL bit.
        pr.out(h.nexus, REGISTER, 0, 0, 0xA, PrCommands.APTPL);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        h.assertFieldPointer(false, 20, 0);
        // RESERVE(6) conflicts while a registration exists through any port (SPC-4 5.12.3).
        pr.register(h.otherB, 0xB);
        h.run(h.nexus, 0, 0x16, 0, 0, 0, 0, 0);
        conflict();
        pr.out(h.otherB, REGISTER, 0, 0xB, 0);
        h.run(h.nexus, 0, 0x16, 0, 0, 0, 0, 0);
        good();
        // ... and an SPC-2 reservation makes PERSISTENT RESERVE OUT conflict for the others.
        pr.register(h.nexusB, 0xC);
        conflict();
    }
}
