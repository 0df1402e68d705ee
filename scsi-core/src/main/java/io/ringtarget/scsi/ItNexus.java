package io.ringtarget.scsi;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An I_T nexus (SAM-5 4.7.1): the initiator port and the {@link TargetPort} a command came through. Reservations
 * and unit attentions are kept per nexus; the target port says which ALUA target port group (and so which access
 * state) the command meets, and which port designators INQUIRY VPD 0x83 reports.
 * <p>
 * The initiator port name is the iSCSI initiator name, ",i,0x" and the ISID in hex (RFC 7143 13.1.4 / SPC-4
 * 7.6.4.6). Two nexus objects with the same initiator port name and relative target port id are the same nexus
 * (a reinstated session keeps its reservation).
 * <p>
 * The per logical unit bookkeeping in here (unit attentions reported, preempt-and-abort requests seen) is touched
 * only by the thread that executes this nexus' commands (its session's event loop).
 */
public final class ItNexus
{
    private static final AtomicInteger NEXT_ID = new AtomicInteger();

    private final int id;
    private final String initiatorPortName;
    private final TargetPort targetPort;
    private final int relativeTargetPortId;
    /** Per logical unit index, {@link UnitAttentions#SLOTS} generations of what was already reported or seen. */
    private long[] uaSeen = new long[0];

    /**
     * @param initiatorPortName "name,i,0x" + ISID (see {@link #initiatorPortName(String, long)}).
     * @param targetPort        the target port the session logged in through.
     */
    public ItNexus(final String initiatorPortName, final TargetPort targetPort)
    {
        if (initiatorPortName == null || initiatorPortName.isEmpty())
        {
            throw new IllegalArgumentException("an initiator port name is required");
        }
        this.id = NEXT_ID.incrementAndGet();
        this.initiatorPortName = initiatorPortName;
        this.targetPort = java.util.Objects.requireNonNull(targetPort, "targetPort");
        this.relativeTargetPortId = targetPort.relativeTargetPortId();
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

    public TargetPort targetPort()
    {
        return targetPort;
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
        final int needed = (luIndex + 1) * UnitAttentions.SLOTS;
        if (uaSeen.length < needed)
        {
            // Grows once per new logical unit this nexus talks to; -1 = nothing reported or seen yet (the first
            // command of the nexus to the logical unit starts its bookkeeping, see UnitAttentions.take).
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
