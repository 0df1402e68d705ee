package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;

import static io.ringtarget.scsi.OperationCodes.SA_CLEAR;
import static io.ringtarget.scsi.OperationCodes.SA_PREEMPT;
import static io.ringtarget.scsi.OperationCodes.SA_PREEMPT_AND_ABORT;
import static io.ringtarget.scsi.OperationCodes.SA_READ_FULL_STATUS;
import static io.ringtarget.scsi.OperationCodes.SA_READ_KEYS;
import static io.ringtarget.scsi.OperationCodes.SA_READ_RESERVATION;
import static io.ringtarget.scsi.OperationCodes.SA_REGISTER;
import static io.ringtarget.scsi.OperationCodes.SA_REGISTER_AND_IGNORE_EXISTING_KEY;
import static io.ringtarget.scsi.OperationCodes.SA_RELEASE;
import static io.ringtarget.scsi.OperationCodes.SA_REPORT_CAPABILITIES;
import static io.ringtarget.scsi.OperationCodes.SA_RESERVE;

/**
 * SPC-4 5.12 persistent reservations of one logical unit: registrations per I_T nexus, one LU-scope
 * reservation, the PR generation. Not persisted across restarts (PTPL_C=0: APTPL=1 is refused), one target
 * port (ALL_TG_PT refused), no SPEC_I_PT, no REGISTER AND MOVE. Guarded by this object's monitor; commands
 * pay only a volatile read while no persistent reservation exists.
 */
final class PersistentReservations
{
    static final int TYPE_WRITE_EXCLUSIVE = 0x1;
    static final int TYPE_EXCLUSIVE_ACCESS = 0x3;
    static final int TYPE_WRITE_EXCLUSIVE_REGISTRANTS_ONLY = 0x5;
    static final int TYPE_EXCLUSIVE_ACCESS_REGISTRANTS_ONLY = 0x6;
    static final int TYPE_WRITE_EXCLUSIVE_ALL_REGISTRANTS = 0x7;
    static final int TYPE_EXCLUSIVE_ACCESS_ALL_REGISTRANTS = 0x8;

    static final int MAX_REGISTRATIONS = 128;
    private static final int PARAMETER_LIST_LENGTH = 24;
    /** INVALID RELEASE OF PERSISTENT RESERVATION (SPC-4 5.12.11.2). */
    static final int ASC_INVALID_RELEASE = 0x2604;
    private static final int ASC_INSUFFICIENT_REGISTRATION_RESOURCES = 0x5504;

    private final ItNexus[] nexus = new ItNexus[MAX_REGISTRATIONS];
    private final long[] key = new long[MAX_REGISTRATIONS];
    private int count;
    private int generation;
    private ItNexus holder;
    /** 0 = no persistent reservation; read without the lock on the command path. */
    private volatile int type;

    boolean reserved()
    {
        return type != 0;
    }

    private static boolean allRegistrants(final int type)
    {
        return type == TYPE_WRITE_EXCLUSIVE_ALL_REGISTRANTS || type == TYPE_EXCLUSIVE_ACCESS_ALL_REGISTRANTS;
    }

    private static boolean validType(final int type)
    {
        return type == TYPE_WRITE_EXCLUSIVE || type == TYPE_EXCLUSIVE_ACCESS ||
            (type >= TYPE_WRITE_EXCLUSIVE_REGISTRANTS_ONLY && type <= TYPE_EXCLUSIVE_ACCESS_ALL_REGISTRANTS);
    }

    private int find(final ItNexus n)
    {
        if (n == null)
        {
            return -1;
        }
        for (int i = 0; i < count; i++)
        {
            if (nexus[i].sameAs(n))
            {
                return i;
            }
        }
        return -1;
    }

    private boolean isHolder(final ItNexus n)
    {
        final int t = type;
        if (t == 0 || n == null)
        {
            return false;
        }
        return allRegistrants(t) ? find(n) >= 0 : holder != null && holder.sameAs(n);
    }

    private void remove(final int i)
    {
        final ItNexus removed = nexus[i];
        count--;
        nexus[i] = nexus[count];
        key[i] = key[count];
        nexus[count] = null;
        if (type != 0 && (allRegistrants(type) ? count == 0 : holder != null && holder.sameAs(removed)))
        {
            // SPC-4 5.12.11.2.3: unregistering the holder releases the reservation (all-registrants: the last).
            type = 0;
            holder = null;
        }
    }

    /**
     * SPC-4 5.12.1: may a command of this {@link OpcodeTable} persistent reservation class from this nexus run
     * under the current persistent reservation?
     */
    synchronized boolean conflicts(final ItNexus n, final int reservationClass)
    {
        final int t = type;
        if (t == 0 || isHolder(n))
        {
            return false;
        }
        if (find(n) >= 0 && (t == TYPE_WRITE_EXCLUSIVE_REGISTRANTS_ONLY || t == TYPE_EXCLUSIVE_ACCESS_REGISTRANTS_ONLY))
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

    private static boolean exclusiveAccess(final int t)
    {
        return t == TYPE_EXCLUSIVE_ACCESS || t == TYPE_EXCLUSIVE_ACCESS_REGISTRANTS_ONLY ||
            t == TYPE_EXCLUSIVE_ACCESS_ALL_REGISTRANTS;
    }

    /**
     * PERSISTENT RESERVE IN (SPC-4 6.13): builds the parameter data in the task's scratch.
     */
    void in(final ScsiTask t, final MemorySegment cdb)
    {
        final int serviceAction = Bytes.u8(cdb, 1) & 0x1F;
        final int allocationLength = Bytes.u16(cdb, 7);
        final MemorySegment out = t.scratch();
        final int length;
        synchronized (this)
        {
            switch (serviceAction)
            {
                case SA_READ_KEYS:
                    Bytes.put32(out, 0, generation & 0xFFFF_FFFFL);
                    Bytes.put32(out, 4, 8L * count);
                    for (int i = 0; i < count; i++)
                    {
                        Bytes.put64(out, 8 + 8 * i, key[i]);
                    }
                    length = 8 + 8 * count;
                    break;
                case SA_READ_RESERVATION:
                    Bytes.put32(out, 0, generation & 0xFFFF_FFFFL);
                    if (type == 0)
                    {
                        Bytes.put32(out, 4, 0);
                        length = 8;
                    }
                    else
                    {
                        Bytes.zero(out, 4, 20);
                        Bytes.put32(out, 4, 16);
                        // All-registrants reservations report key 0 (SPC-4 6.13.3.3).
                        final int h = allRegistrants(type) ? -1 : find(holder);
                        Bytes.put64(out, 8, h < 0 ? 0 : key[h]);
                        Bytes.put8(out, 21, type & 0x0F); // scope 0 = logical unit
                        length = 24;
                    }
                    break;
                case SA_REPORT_CAPABILITIES:
                    Bytes.zero(out, 0, 8);
                    Bytes.put16(out, 0, 8);
                    Bytes.put8(out, 3, 0x80); // TMV: the type mask below is valid
                    Bytes.put8(out, 4, 0x80 | 0x40 | 0x20 | 0x08 | 0x02); // WR_EX_AR EX_AC_RO WR_EX_RO EX_AC WR_EX
                    Bytes.put8(out, 5, 0x01); // EX_AC_AR
                    length = 8;
                    break;
                case SA_READ_FULL_STATUS:
                    length = fullStatus(out);
                    break;
                default:
                    Responses.invalidCdb(t, 1, 4);
                    return;
            }
        }
        Responses.dataIn(t, length, allocationLength);
    }

    private int fullStatus(final MemorySegment out)
    {
        // SPC-4 6.13.5: one descriptor per registration with its iSCSI TransportID (7.6.4.6, format 01b).
        Bytes.put32(out, 0, generation & 0xFFFF_FFFFL);
        int o = 8;
        for (int i = 0; i < count; i++)
        {
            final String name = nexus[i].initiatorPortName();
            final int idLength = (name.length() + 1 + 3) & ~3; // null terminated, padded to 4
            if (o + 24 + 4 + idLength > ScsiTask.SCRATCH_SIZE)
            {
                break;
            }
            Bytes.zero(out, o, 24 + 4 + idLength);
            Bytes.put64(out, o, key[i]);
            if (isHolder(nexus[i]))
            {
                Bytes.put8(out, o + 12, 0x01); // R_HOLDER
                Bytes.put8(out, o + 13, type & 0x0F);
            }
            Bytes.put16(out, o + 18, nexus[i].relativeTargetPortId());
            Bytes.put32(out, o + 20, 4 + idLength);
            Bytes.put8(out, o + 24, 0x40 | 0x05); // FORMAT CODE 01b (with ISID), PROTOCOL IDENTIFIER iSCSI
            Bytes.put16(out, o + 26, idLength);
            for (int c = 0; c < name.length(); c++)
            {
                Bytes.put8(out, o + 28 + c, name.charAt(c));
            }
            o += 28 + idLength;
        }
        Bytes.put32(out, 4, o - 8);
        return o;
    }

    /**
     * PERSISTENT RESERVE OUT (SPC-4 6.14, 5.12.x).
     */
    void out(final ScsiTask t, final MemorySegment cdb)
    {
        final int serviceAction = Bytes.u8(cdb, 1) & 0x1F;
        final int scope = Bytes.u8(cdb, 2) >>> 4;
        final int requestedType = Bytes.u8(cdb, 2) & 0x0F;
        final long parameterListLength = Bytes.u32(cdb, 5);
        t.residual(parameterListLength);
        if (serviceAction > SA_REGISTER_AND_IGNORE_EXISTING_KEY)
        {
            Responses.invalidCdb(t, 1, 4); // REGISTER AND MOVE, REPLACE LOST RESERVATION: not offered
            return;
        }
        if (parameterListLength != PARAMETER_LIST_LENGTH || Responses.room(t) < PARAMETER_LIST_LENGTH)
        {
            Responses.illegal(t, Asc.PARAMETER_LIST_LENGTH_ERROR, 0);
            return;
        }
        final MemorySegment p = t.dataBuffer();
        final long reservationKey = Bytes.u64(p, 0);
        final long serviceActionKey = Bytes.u64(p, 8);
        final int flags = Bytes.u8(p, 20);
        if ((flags & 0x08) != 0)
        {
            Responses.invalidParameter(t, 20, 3); // SPEC_I_PT
            return;
        }
        if ((flags & 0x04) != 0)
        {
            Responses.invalidParameter(t, 20, 2); // ALL_TG_PT: ATP_C=0
            return;
        }
        if ((flags & 0x01) != 0)
        {
            Responses.invalidParameter(t, 20, 0); // APTPL: PTPL_C=0, nothing survives a restart
            return;
        }
        final boolean typed = serviceAction == SA_RESERVE || serviceAction == SA_RELEASE ||
            serviceAction == SA_PREEMPT || serviceAction == SA_PREEMPT_AND_ABORT;
        if (typed && scope != 0)
        {
            Responses.invalidCdb(t, 2, 7);
            return;
        }
        if (typed && !validType(requestedType))
        {
            Responses.invalidCdb(t, 2, 3);
            return;
        }
        final ItNexus n = t.nexus();
        final int outcome;
        synchronized (this)
        {
            final int me = find(n);
            switch (serviceAction)
            {
                case SA_REGISTER:
                case SA_REGISTER_AND_IGNORE_EXISTING_KEY:
                    outcome = register(n, me, reservationKey, serviceActionKey,
                        serviceAction == SA_REGISTER_AND_IGNORE_EXISTING_KEY);
                    break;
                default:
                    if (me < 0 || key[me] != reservationKey)
                    {
                        outcome = ScsiStatus.RESERVATION_CONFLICT; // SPC-4 5.12.1: only registrants, own key
                    }
                    else
                    {
                        outcome = reservationAction(serviceAction, n, requestedType, serviceActionKey);
                    }
                    break;
            }
        }
        if (outcome == ScsiStatus.GOOD)
        {
            Responses.good(t);
        }
        else if (outcome == ScsiStatus.RESERVATION_CONFLICT)
        {
            Responses.reservationConflict(t);
        }
        else if (outcome == -ASC_INVALID_RELEASE)
        {
            Responses.illegal(t, ASC_INVALID_RELEASE, 0);
        }
        else if (outcome == -ASC_INSUFFICIENT_REGISTRATION_RESOURCES)
        {
            Responses.illegal(t, ASC_INSUFFICIENT_REGISTRATION_RESOURCES, 0);
        }
        else
        {
            Responses.invalidParameter(t, 8, -1); // PREEMPT with a zero service action key
        }
    }

    private int register(
        final ItNexus n, final int me, final long reservationKey, final long serviceActionKey, final boolean ignore)
    {
        // SPC-4 5.12.7.
        if (me < 0)
        {
            if (!ignore && reservationKey != 0)
            {
                return ScsiStatus.RESERVATION_CONFLICT;
            }
            if (serviceActionKey == 0)
            {
                return ScsiStatus.GOOD;
            }
            if (count == MAX_REGISTRATIONS)
            {
                return -ASC_INSUFFICIENT_REGISTRATION_RESOURCES;
            }
            nexus[count] = n;
            key[count] = serviceActionKey;
            count++;
            generation++;
            return ScsiStatus.GOOD;
        }
        if (!ignore && key[me] != reservationKey)
        {
            return ScsiStatus.RESERVATION_CONFLICT;
        }
        if (serviceActionKey == 0)
        {
            remove(me);
        }
        else
        {
            key[me] = serviceActionKey;
        }
        generation++;
        return ScsiStatus.GOOD;
    }

    private int reservationAction(final int serviceAction, final ItNexus n, final int requestedType, final long saKey)
    {
        switch (serviceAction)
        {
            case SA_RESERVE:
                // SPC-4 5.12.9.
                if (type != 0)
                {
                    return isHolder(n) && type == requestedType ? ScsiStatus.GOOD : ScsiStatus.RESERVATION_CONFLICT;
                }
                type = requestedType;
                holder = n;
                return ScsiStatus.GOOD;
            case SA_RELEASE:
                // SPC-4 5.12.11.2.
                if (type == 0 || !isHolder(n))
                {
                    return ScsiStatus.GOOD;
                }
                if (type != requestedType)
                {
                    return -ASC_INVALID_RELEASE;
                }
                type = 0;
                holder = null;
                return ScsiStatus.GOOD;
            case SA_CLEAR:
                // SPC-4 5.12.11.2.6.
                for (int i = 0; i < count; i++)
                {
                    nexus[i] = null;
                }
                count = 0;
                type = 0;
                holder = null;
                generation++;
                return ScsiStatus.GOOD;
            default:
                return preempt(n, requestedType, saKey);
        }
    }

    private int preempt(final ItNexus n, final int requestedType, final long saKey)
    {
        // SPC-4 5.12.11.4 (PREEMPT AND ABORT: the task-set abort is the transport's).
        final int t = type;
        if (t != 0 && allRegistrants(t))
        {
            if (saKey == 0)
            {
                // Every other registration goes; the reservation becomes ours with the new type.
                for (int i = count - 1; i >= 0; i--)
                {
                    if (!nexus[i].sameAs(n))
                    {
                        removeQuietly(i);
                    }
                }
                type = requestedType;
                holder = n;
                generation++;
                return ScsiStatus.GOOD;
            }
            return removeKey(n, saKey) ? ScsiStatus.GOOD : ScsiStatus.RESERVATION_CONFLICT;
        }
        final int h = t == 0 ? -1 : find(holder);
        if (h >= 0 && key[h] == saKey)
        {
            for (int i = count - 1; i >= 0; i--)
            {
                if (key[i] == saKey && !nexus[i].sameAs(n))
                {
                    removeQuietly(i);
                }
            }
            type = requestedType;
            holder = n;
            generation++;
            return ScsiStatus.GOOD;
        }
        if (saKey == 0)
        {
            return -1; // SPC-4 5.12.11.4.3: INVALID FIELD IN PARAMETER LIST
        }
        return removeKey(n, saKey) ? ScsiStatus.GOOD : ScsiStatus.RESERVATION_CONFLICT;
    }

    private boolean removeKey(final ItNexus n, final long saKey)
    {
        boolean removed = false;
        for (int i = count - 1; i >= 0; i--)
        {
            if (key[i] == saKey)
            {
                remove(i);
                removed = true;
            }
        }
        if (removed)
        {
            generation++;
        }
        return removed;
    }

    private void removeQuietly(final int i)
    {
        count--;
        nexus[i] = nexus[count];
        key[i] = key[count];
        nexus[count] = null;
    }

    synchronized int registrationCount()
    {
        return count;
    }

    synchronized int generation()
    {
        return generation;
    }
}
