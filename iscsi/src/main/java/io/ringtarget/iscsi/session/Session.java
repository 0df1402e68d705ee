package io.ringtarget.iscsi.session;

import io.ringtarget.scsi.ItNexus;
import io.ringtarget.iscsi.node.PortalGroup;

/**
 * An iSCSI session (RFC 7143 section 4.1): identified by the initiator name and ISID on the initiator side and
 * the TSIH on ours. We negotiate MaxConnections=1, so a session has exactly one connection, and its CmdSN
 * state lives with that connection's loop.
 */
public final class Session
{
    private final String initiatorName;
    private final long isid;
    private final String targetName;
    private final int tsih;
    private final boolean discovery;
    private volatile PortalGroup portalGroup;
    private final ItNexus nexus;
    volatile SessionConnection connection;
    /** The session of the same initiator port this one reinstated while its I/O had not ended, or null. */
    volatile Session reinstates;
    private volatile boolean ioEnded;

    Session(
        final String initiatorName, final long isid, final String targetName, final int tsih,
        final boolean discovery, final PortalGroup portalGroup, final ItNexus nexus)
    {
        this.initiatorName = initiatorName;
        this.isid = isid;
        this.targetName = targetName;
        this.tsih = tsih;
        this.discovery = discovery;
        this.portalGroup = portalGroup;
        this.nexus = nexus;
    }

    public String initiatorName()
    {
        return initiatorName;
    }

    public long isid()
    {
        return isid;
    }

    public String targetName()
    {
        return targetName;
    }

    public int tsih()
    {
        return tsih;
    }

    public boolean discovery()
    {
        return discovery;
    }

    public PortalGroup portalGroup()
    {
        return portalGroup;
    }

    /**
     * The loop of the session's connection moved it to the TPG of the same tag in a newly published registry (a live
     * configuration change): the logical units it reaches are that TPG's from now on.
     */
    public void portalGroup(final PortalGroup next)
    {
        portalGroup = next;
    }

    public ItNexus nexus()
    {
        return nexus;
    }

    /**
     * Whether this session may run commands: the session it reinstated has no backstore I/O left (RFC 7143 6.3.5:
     * the old session's tasks end before the new session goes on), so a write of the old session cannot land after
     * the same blocks are written again through the new one.
     */
    public boolean readyToServe()
    {
        final Session old = reinstates;
        return null == old || old.ioEnded;
    }

    /** The session its login waits for ({@link #readyToServe()}), or null. */
    public Session reinstates()
    {
        return reinstates;
    }

    /** Its connection closed and none of its I/O is in flight any more (any thread may then read it). */
    boolean ioEnded()
    {
        return ioEnded;
    }

    void markIoEnded()
    {
        ioEnded = true;
    }

    @Override
    public String toString()
    {
        return nexus.initiatorPortName() + " -> " + (discovery ? "discovery" : targetName) + " TSIH=" + tsih;
    }
}
