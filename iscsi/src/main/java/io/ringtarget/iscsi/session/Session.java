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

    @Override
    public String toString()
    {
        return nexus.initiatorPortName() + " -> " + (discovery ? "discovery" : targetName) + " TSIH=" + tsih;
    }
}
