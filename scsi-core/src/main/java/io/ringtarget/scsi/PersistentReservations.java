package io.ringtarget.scsi;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * SPC-4 5.12 persistent reservations of one logical unit, shared by every I_T nexus through every target port of
 * it: what the rest of the logical unit uses. The parts, each for one job:
 * <ul>
 *     <li>{@link RegistrationTable}: the registrations (an initiator port, or with a format 00b TransportID a whole
 *     initiator device, through one relative target port, with its key), at most one logical-unit-scope
 *     reservation, the PRgeneration; the immutable view the command path reads;</li>
 *     <li>{@link PersistentReserveIn}: READ KEYS, READ RESERVATION, REPORT CAPABILITIES, READ FULL STATUS;</li>
 *     <li>{@link PersistentReserveOut}: the CDB and parameter list checks and the transaction around one service
 *     action: {@link RegisterActions} (REGISTER with ALL_TG_PT and SPEC_I_PT, REGISTER AND IGNORE EXISTING KEY,
 *     REGISTER AND MOVE), {@link ReservationActions} (RESERVE, RELEASE, CLEAR, PREEMPT, PREEMPT AND ABORT);</li>
 *     <li>{@link ReserveOutEffects}: the unit attentions SPC-4 5.12.11 names for the initiator ports that lose a
 *     registration or a reservation, and the aborts handed to the transport through {@link AbortRequests};</li>
 *     <li>{@link PersistThroughPowerLoss}: APTPL when the logical unit has a state directory;</li>
 *     <li>{@link SharedReservations}: the state kept with the other gateways of a logical unit several targets
 *     export (an RBD image), instead of APTPL's file;</li>
 *     <li>{@link TransportIds}: iSCSI TransportIDs and which registration covers which initiator port.</li>
 * </ul>
 * Here: the reservation type codes and the conflict rule of SPC-4 table 45 for every other command.
 * <p>
 * Threads: PERSISTENT RESERVE IN/OUT (any loop) take the {@link RegistrationTable}'s monitor; an APTPL write happens
 * inside it, on that loop (a few milliseconds, rare). Other commands never lock: they read the immutable
 * {@link RegistrationTable.View} published after each change, and pay one volatile read while no persistent
 * reservation exists.
 */
final class PersistentReservations
{
    static final int TYPE_WRITE_EXCLUSIVE = 0x1;
    static final int TYPE_EXCLUSIVE_ACCESS = 0x3;
    static final int TYPE_WRITE_EXCLUSIVE_REGISTRANTS_ONLY = 0x5;
    static final int TYPE_EXCLUSIVE_ACCESS_REGISTRANTS_ONLY = 0x6;
    static final int TYPE_WRITE_EXCLUSIVE_ALL_REGISTRANTS = 0x7;
    static final int TYPE_EXCLUSIVE_ACCESS_ALL_REGISTRANTS = 0x8;

    private final RegistrationTable table = new RegistrationTable();
    private final LogicalUnit lu;
    private final UnitAttentions unitAttentions;
    private final AbortRequests abortRequests;
    private final PersistThroughPowerLoss persistThroughPowerLoss;
    private final PersistentReserveIn reserveIn;
    private final PersistentReserveOut reserveOut;

    PersistentReservations(final LogicalUnit lu, final UnitAttentions unitAttentions,
        final AbortRequests abortRequests)
    {
        this.lu = lu;
        this.unitAttentions = unitAttentions;
        this.abortRequests = abortRequests;
        this.persistThroughPowerLoss = new PersistThroughPowerLoss(lu, table);
        this.reserveIn = new PersistentReserveIn(table, persistThroughPowerLoss);
        this.reserveOut = new PersistentReserveOut(lu, table, persistThroughPowerLoss,
            new ReserveOutEffects(unitAttentions, abortRequests));
    }

    static boolean allRegistrants(final int type)
    {
        return type == TYPE_WRITE_EXCLUSIVE_ALL_REGISTRANTS || type == TYPE_EXCLUSIVE_ACCESS_ALL_REGISTRANTS;
    }

    static boolean registrantsOnly(final int type)
    {
        return type == TYPE_WRITE_EXCLUSIVE_REGISTRANTS_ONLY || type == TYPE_EXCLUSIVE_ACCESS_REGISTRANTS_ONLY;
    }

    static boolean validType(final int type)
    {
        return type == TYPE_WRITE_EXCLUSIVE || type == TYPE_EXCLUSIVE_ACCESS ||
            (type >= TYPE_WRITE_EXCLUSIVE_REGISTRANTS_ONLY && type <= TYPE_EXCLUSIVE_ACCESS_ALL_REGISTRANTS);
    }

    private static boolean exclusiveAccess(final int t)
    {
        return t == TYPE_EXCLUSIVE_ACCESS || t == TYPE_EXCLUSIVE_ACCESS_REGISTRANTS_ONLY ||
            t == TYPE_EXCLUSIVE_ACCESS_ALL_REGISTRANTS;
    }

    // ---------------------------------------------------------------------------------------------------------
    // The command path (lock-free).

    /** A persistent reservation exists: one volatile read. */
    boolean reserved()
    {
        return table.view().type != 0;
    }

    /** Registrations now, without the lock (RESERVE/RELEASE(6)/(10) conflict while there are any, SPC-4 5.12.3). */
    int registrationCount()
    {
        return table.view().count;
    }

    /**
     * SPC-4 5.12.1 table 45 (as {@link OpcodeTable}'s reservation classes sum it up): may a command of this class
     * from this nexus run under the current persistent reservation? Lock- and allocation-free.
     */
    boolean conflicts(final ItNexus n, final int reservationClass)
    {
        final RegistrationTable.View v = table.view();
        final int t = v.type;
        if (t == 0 || n == null)
        {
            return false;
        }
        boolean registered = false;
        for (int i = 0; i < v.count; i++)
        {
            if (v.rtpi[i] == n.relativeTargetPortId() &&
                TransportIds.covers(v.port[i], v.device[i], n.initiatorPortName()))
            {
                if (v.holds[i])
                {
                    return false;
                }
                registered = true;
            }
        }
        if (registered && registrantsOnly(t))
        {
            return false; // registrants have full access under the "registrants only" types
        }
        switch (reservationClass)
        {
            case OpcodeTable.PR_ALLOWED:
                return false;
            case OpcodeTable.PR_WRITE_EXCLUSIVE_ALLOWED:
                return exclusiveAccess(t);
            default:
                return true;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // PERSISTENT RESERVE IN/OUT and APTPL (under the table's monitor).

    /** {@link LogicalUnit#persistentReservationDirectory}: offers APTPL and loads a previous run's state. */
    void persistIn(final Path stateDirectory, final String serial) throws PersistentReservationStateException
    {
        persistThroughPowerLoss.offer(stateDirectory, serial);
    }

    /**
     * {@link LogicalUnit#shareReservations}: reads the shared state into the table, keeps it from now on with the
     * other gateways' through {@code store}, and takes their announcements.
     */
    void share(final SharedReservationStore store, final String serial) throws IOException
    {
        final SharedReservations shared =
            new SharedReservations(lu, table, unitAttentions, abortRequests, store, serial);
        synchronized (table)
        {
            persistThroughPowerLoss.shared();
            shared.refresh();
            reserveOut.share(shared);
        }
        store.listen(shared);
    }

    /** SPC-4 table 215's names of the reservation types. */
    static String typeName(final int type)
    {
        return switch (type)
        {
            case TYPE_WRITE_EXCLUSIVE -> "Write Exclusive";
            case TYPE_EXCLUSIVE_ACCESS -> "Exclusive Access";
            case TYPE_WRITE_EXCLUSIVE_REGISTRANTS_ONLY -> "Write Exclusive - Registrants Only";
            case TYPE_EXCLUSIVE_ACCESS_REGISTRANTS_ONLY -> "Exclusive Access - Registrants Only";
            case TYPE_WRITE_EXCLUSIVE_ALL_REGISTRANTS -> "Write Exclusive - All Registrants";
            case TYPE_EXCLUSIVE_ACCESS_ALL_REGISTRANTS -> "Exclusive Access - All Registrants";
            default -> "type 0x" + Integer.toHexString(type);
        };
    }

    /**
     * {@link LogicalUnit#persistentReservationSummary()}: the registrations and the reservation in words, or null when
     * there are none.
     */
    String summary()
    {
        final SharedReservations shared = reserveOut.shared();
        final StringBuilder sb = new StringBuilder();
        synchronized (table)
        {
            if (table.count() == 0)
            {
                return null;
            }
            sb.append(table.count()).append(table.count() == 1 ? " registration" : " registrations");
            if (table.type() == 0)
            {
                sb.append(", no reservation");
            }
            else
            {
                sb.append(", ").append(typeName(table.type())).append(" reservation held by ");
                final int h = table.holder();
                if (h < 0)
                {
                    sb.append("every registrant");
                }
                else
                {
                    sb.append(table.port(h)).append(" (key 0x").append(Long.toHexString(table.key(h)))
                        .append(", relative target port ").append(table.rtpi(h)).append(')');
                }
            }
            if (table.aptpl())
            {
                sb.append(", APTPL");
            }
        }
        if (null != shared)
        {
            sb.append("; shared by the image's gateways");
        }
        return sb.toString();
    }

    /** The logical unit is no longer served: it stops taking the other gateways' announcements. */
    void retired()
    {
        final SharedReservations shared = reserveOut.shared();
        if (null != shared)
        {
            shared.store().stopListening(shared);
        }
    }

    /** The logical unit's target ports changed: an ALL_TG_PT registration of the shared state covers the new ones. */
    void targetPortsChanged()
    {
        final SharedReservations shared = reserveOut.shared();
        if (null != shared)
        {
            synchronized (table)
            {
                shared.addOwnTargetPorts();
                table.publish();
            }
        }
    }

    Path stateFile()
    {
        return persistThroughPowerLoss.file();
    }

    /** PRgeneration (SPC-4 6.13.2), as published: no lock. */
    int generation()
    {
        return table.view().generation;
    }

    /** PERSISTENT RESERVE IN (SPC-4 6.13). */
    void in(final ScsiTask t, final MemorySegment cdb)
    {
        reserveIn.execute(t, cdb);
    }

    /** PERSISTENT RESERVE OUT (SPC-4 6.14, 5.12). */
    void out(final ScsiTask t, final MemorySegment cdb)
    {
        reserveOut.execute(t, cdb);
    }
}
