package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;

/**
 * The SPC-2 whole-LU reservation of one logical unit: RESERVE(6)/(10), RELEASE(6)/(10) (SPC-2 7.21, 7.17), and
 * what it lets other I_T nexuses do (SPC-2 5.5.1 table 10, the {@link OpcodeTable#RESERVE_ALLOWED} rows). Third
 * party reservations and extents are not supported. Commands pay one volatile read while nobody reserves.
 */
final class Spc2Reservation
{
    private final PersistentReservations persistentReservations;
    private volatile ItNexus holder;

    Spc2Reservation(final PersistentReservations persistentReservations)
    {
        this.persistentReservations = persistentReservations;
    }

    ItNexus holder()
    {
        return holder;
    }

    /**
     * @return true when another nexus holds the reservation and the command of this table row may not run.
     */
    boolean conflicts(final ItNexus nexus, final int row)
    {
        final ItNexus h = holder;
        return h != null && !h.sameAs(nexus) && !OpcodeTable.allowedUnderReserve(row);
    }

    void reserve(final ScsiTask t, final MemorySegment cdb, final boolean ten)
    {
        if (ten && (Bytes.u8(cdb, 1) & 0x12) != 0)
        {
            Responses.invalidCdb(t, 1, (Bytes.u8(cdb, 1) & 0x10) != 0 ? 4 : 1); // 3RDPTY, LONGID
            return;
        }
        if (persistentReservations.registrationCount() > 0)
        {
            // SPC-4 5.12.3: with any persistent reservation registration, RESERVE and RELEASE conflict.
            Responses.reservationConflict(t);
            return;
        }
        final ItNexus nexus = t.nexus();
        synchronized (this)
        {
            final ItNexus h = holder;
            if (h != null && !h.sameAs(nexus))
            {
                Responses.reservationConflict(t);
                return;
            }
            holder = nexus;
        }
        Responses.good(t);
    }

    void release(final ScsiTask t)
    {
        // SPC-2 7.17: releasing someone else's (or no) reservation is not an error and changes nothing.
        if (persistentReservations.registrationCount() > 0)
        {
            Responses.reservationConflict(t);
            return;
        }
        releaseIfHeldBy(t.nexus());
        Responses.good(t);
    }

    /**
     * The nexus ended (SPC-2 5.5.1: reservations are released on I_T nexus loss).
     */
    synchronized void releaseIfHeldBy(final ItNexus nexus)
    {
        final ItNexus h = holder;
        if (h != null && h.sameAs(nexus))
        {
            holder = null;
        }
    }

    /** LOGICAL UNIT RESET, TARGET RESET. */
    synchronized void clear()
    {
        holder = null;
    }
}
