package io.ringtarget.scsi;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An I_T nexus (SAM-5 4.7.1): the initiator port and the target port a command came through. Reservations and
 * unit attentions are kept per nexus.
 * <p>
 * The initiator port name is the iSCSI initiator name, ",i,0x" and the ISID in hex (RFC 7143 13.1.4 / SPC-4
 * 7.6.4.6). Two nexus objects with the same initiator port name and relative target port id are the same nexus
 * (a reinstated session keeps its reservation).
 * <p>
 * The per logical unit unit-attention bookkeeping in here is touched only by the thread that executes this
 * nexus' commands (its session's event loop).
 */
public final class ItNexus
{
    private static final AtomicInteger NEXT_ID = new AtomicInteger();

    private final int id;
    private final String initiatorPortName;
    private final int relativeTargetPortId;
    /** Per logical unit index, {@link UnitAttentions#TYPES} generations of unit attentions already reported. */
    private long[] uaSeen = new long[0];

    public ItNexus(final String initiatorPortName, final int relativeTargetPortId)
    {
        this.id = NEXT_ID.incrementAndGet();
        this.initiatorPortName = initiatorPortName;
        this.relativeTargetPortId = relativeTargetPortId;
    }

    /**
     * @param initiatorName iSCSI initiator name (iqn./eui./naa.).
     * @param isid          the 48-bit ISID.
     * @return "name,i,0x" + 12 hex digits of the ISID (RFC 7143 13.1.4, SPC-4 7.6.4.6).
     */
    public static String initiatorPortName(final String initiatorName, final long isid)
    {
        final String hex = Long.toHexString(isid & 0xFFFF_FFFF_FFFFL);
        return initiatorName + ",i,0x" + "000000000000".substring(hex.length()) + hex;
    }

    public int id()
    {
        return id;
    }

    public String initiatorPortName()
    {
        return initiatorPortName;
    }

    public int relativeTargetPortId()
    {
        return relativeTargetPortId;
    }

    /**
     * Same I_T nexus: equal initiator port names and the same target port.
     */
    public boolean sameAs(final ItNexus other)
    {
        return other == this ||
            (other != null && relativeTargetPortId == other.relativeTargetPortId &&
            initiatorPortName.equals(other.initiatorPortName));
    }

    long[] uaSeen(final int luIndex)
    {
        final int needed = (luIndex + 1) * UnitAttentions.TYPES;
        if (uaSeen.length < needed)
        {
            // Grows once per new logical unit this nexus talks to; -1 = nothing reported yet, so the first
            // command reports POWER ON / RESET (SAM-5 6.3.1).
            final int old = uaSeen.length;
            uaSeen = Arrays.copyOf(uaSeen, Math.max(needed, old * 2));
            Arrays.fill(uaSeen, old, uaSeen.length, -1L);
        }
        return uaSeen;
    }

    public String toString()
    {
        return "ItNexus{" + initiatorPortName + ", rtpi=" + relativeTargetPortId + '}';
    }
}
