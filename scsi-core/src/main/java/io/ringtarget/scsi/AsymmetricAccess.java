package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;

/**
 * Asymmetric logical unit access (ALUA, SPC-4 5.15) for one logical unit: implicit and explicit (TPGS=11b). The
 * logical unit is reached through the target ports {@link LogicalUnit#targetPorts(TargetPort...)} gave it; each
 * port's {@link TargetPortGroup} has an access state that decides what a command arriving through it may do
 * ({@link #allows}), REPORT TARGET PORT GROUPS lists the groups with their ports, SET TARGET PORT GROUPS changes
 * their states. Allocation-free.
 */
final class AsymmetricAccess
{
    private final LogicalUnit lu;

    AsymmetricAccess(final LogicalUnit lu)
    {
        this.lu = lu;
    }

    /**
     * SPC-4 5.15.2.4: may the command of this {@link OpcodeTable} row run through the target port group of the
     * nexus' target port now? If not, the task completes with NOT READY, LOGICAL UNIT NOT ACCESSIBLE and the
     * state's ASCQ. One volatile read.
     */
    static boolean allows(final ScsiTask t, final int row)
    {
        final ItNexus n = t.nexus();
        if (n == null)
        {
            return true;
        }
        final int ascAscq;
        switch (n.targetPort().group().stateCode())
        {
            case 0x0: // active/optimized
            case 0x1: // active/non-optimized
                return true;
            case 0x2:
                if (OpcodeTable.allowedInStandby(row))
                {
                    return true;
                }
                ascAscq = Asc.TARGET_PORT_IN_STANDBY_STATE;
                break;
            case 0x3:
                if (OpcodeTable.allowedWhenUnavailable(row))
                {
                    return true;
                }
                ascAscq = Asc.TARGET_PORT_IN_UNAVAILABLE_STATE;
                break;
            default: // Fh transitioning
                if (OpcodeTable.allowedWhileTransitioning(row))
                {
                    return true;
                }
                ascAscq = Asc.ASYMMETRIC_ACCESS_STATE_TRANSITION;
                break;
        }
        t.checkCondition(SenseKey.NOT_READY, ascAscq);
        t.complete();
        return false;
    }

    /**
     * REPORT TARGET PORT GROUPS (SPC-4 6.37): one descriptor per target port group the logical unit is reached
     * through, with the PREF bit, the access state, the supported states, the status code and the relative
     * identifiers of the logical unit's target ports in it. PARAMETER DATA FORMAT 000b: the 4-byte header; 001b:
     * the extended 8-byte header with the implicit transition time.
     */
    void reportTargetPortGroups(final ScsiTask t, final MemorySegment cdb)
    {
        final int format = Bytes.u8(cdb, 1) >>> 5;
        if (format > 1)
        {
            Responses.invalidCdb(t, 1, 7);
            return;
        }
        final long allocationLength = Bytes.u32(cdb, 6);
        final TargetPortGroup[] groups = lu.targetPortGroupArray();
        final TargetPort[] ports = lu.targetPortArray();
        final MemorySegment out = t.scratch();
        final int header = format == 1 ? 8 : 4;
        Bytes.zero(out, 0, header);
        int o = header;
        for (final TargetPortGroup g : groups)
        {
            final int packed = g.packed(); // state, PREF and status code as one
            Bytes.zero(out, o, 8);
            Bytes.put8(out, o, packed & 0x8F);
            Bytes.put8(out, o + 1, g.supportedStates());
            Bytes.put16(out, o + 2, g.id());
            Bytes.put8(out, o + 5, (packed >>> 8) & 0xFF);
            final int countOffset = o + 7;
            o += 8;
            int n = 0;
            for (final TargetPort p : ports)
            {
                if (p.group() == g && n < 255)
                {
                    Bytes.zero(out, o, 4);
                    Bytes.put16(out, o + 2, p.relativeTargetPortId());
                    o += 4;
                    n++;
                }
            }
            Bytes.put8(out, countOffset, n);
        }
        // RETURN DATA LENGTH: the bytes after it (Linux scsi_dh_alua reads it so for both formats).
        Bytes.put32(out, 0, o - 4);
        if (format == 1)
        {
            Bytes.put8(out, 4, 0x10); // FORMAT TYPE 001b
            Bytes.put8(out, 5, lu.implicitTransitionTime());
        }
        Responses.dataIn(t, o, allocationLength);
    }

    /**
     * SET TARGET PORT GROUPS (SPC-4 6.45, MAINTENANCE OUT A4h/0Ah): a 4-byte header, then 4-byte descriptors of
     * (asymmetric access state, target port group). Every descriptor is checked before any group changes: a
     * group the logical unit is not reached through, or a state it cannot be set to (transitioning, offline, one
     * the group does not support) is INVALID FIELD IN PARAMETER LIST at that field, and a group the target holds
     * ({@link TargetPortGroup#holdUnavailable()}: a fenced gateway's) is HARDWARE ERROR, SET TARGET PORT GROUPS
     * COMMAND FAILED (SPC-4 6.45: unable to make the transition). Each named group takes its state with status code
     * 01h; ASYMMETRIC ACCESS STATE CHANGED goes to every other I_T nexus (SPC-4 5.15.2.3).
     */
    void setTargetPortGroups(final ScsiTask t, final MemorySegment cdb)
    {
        final long length = Bytes.u32(cdb, 6);
        t.residual(length);
        if (length == 0)
        {
            Responses.good(t); // SPC-4 6.45: not an error
            return;
        }
        if (length < 4 || (length - 4) % 4 != 0 || Responses.room(t) < length)
        {
            Responses.illegal(t, Asc.PARAMETER_LIST_LENGTH_ERROR, 0);
            return;
        }
        final MemorySegment p = t.dataBuffer();
        for (int o = 4; o < length; o += 4)
        {
            final TargetPortGroup g = lu.targetPortGroup(Bytes.u16(p, o + 2));
            if (g == null)
            {
                Responses.invalidParameter(t, o + 2, -1);
                return;
            }
            final AccessState state = AccessState.ofCode(Bytes.u8(p, o) & 0x0F);
            if (state == null || state == AccessState.TRANSITIONING || !g.supports(state))
            {
                Responses.invalidParameter(t, o, 3);
                return;
            }
        }
        for (int o = 4; o < length; o += 4)
        {
            if (lu.targetPortGroup(Bytes.u16(p, o + 2)).held())
            {
                t.checkCondition(SenseKey.HARDWARE_ERROR, Asc.SET_TARGET_PORT_GROUPS_COMMAND_FAILED);
                t.complete();
                return;
            }
        }
        for (int o = 4; o < length; o += 4)
        {
            lu.targetPortGroup(Bytes.u16(p, o + 2))
                .setExplicitly(AccessState.ofCode(Bytes.u8(p, o) & 0x0F), lu, t.nexus());
        }
        Responses.good(t);
    }
}
