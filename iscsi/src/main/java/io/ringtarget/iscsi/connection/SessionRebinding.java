package io.ringtarget.iscsi.connection;

import io.ringtarget.iscsi.node.Portal;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.iscsi.session.Session;

/**
 * What a live configuration change means for a session in Full Feature Phase: it stays bound to its TPG, is bound
 * to the TPG's new version (same tag, same SCSI target port: its LUNs, ACLs or settings changed), or ends, with the
 * reason, because its target or TPG is gone or replaced, no ACL admits its initiator any more, or the TPG no longer
 * serves the portal the connection came in through. A discovery session ends only when no target serves its portal.
 * The connection carries out the decision. Loop thread only; allocates nothing but the reason of an end.
 */
final class SessionRebinding
{
    /** Nothing to do: the session's TPG is the same object. */
    static final int KEEP = 0;
    /** Bind the session to {@link #next()}, the new version of its TPG. */
    static final int REBIND = 1;
    /** End the session: {@link #reason()}. */
    static final int END = 2;

    private PortalGroup next;
    private String reason;

    /**
     * @param current the TPG the session is bound to (null for a discovery session).
     * @return {@link #KEEP}, {@link #REBIND} or {@link #END}.
     */
    int decide(
        final Session session, final PortalGroup current, final TargetRegistry registry, final String localIp,
        final int localPort)
    {
        next = null;
        reason = null;
        if (session.discovery())
        {
            return servesAnyTarget(registry, localIp, localPort) ? KEEP :
                end("portal " + Portal.format(localIp, localPort) + " removed");
        }
        final TargetNode node = registry.find(session.targetName());
        final PortalGroup group = node == null ? null : node.portalGroup(current.tag());
        if (group == current)
        {
            return KEEP;
        }
        if (node == null)
        {
            return end("target " + session.targetName() + " deleted");
        }
        if (group == null)
        {
            return end("TPG " + current.tag() + " deleted or disabled");
        }
        if (group.targetPort() != current.targetPort())
        {
            // Another SCSI target port: the I_T nexus of the session does not exist there (SAM-5 4.6.4).
            return end("TPG " + current.tag() + " replaced");
        }
        if (!group.admits(session.initiatorName()))
        {
            return end("no ACL admits " + session.initiatorName() + " any more");
        }
        if (!group.servesPortal(localIp, localPort))
        {
            return end("portal " + Portal.format(localIp, localPort) + " removed");
        }
        next = group;
        return REBIND;
    }

    /** The TPG to bind to after {@link #REBIND}. */
    PortalGroup next()
    {
        return next;
    }

    /** Why the session ends after {@link #END}. */
    String reason()
    {
        return reason;
    }

    private int end(final String why)
    {
        reason = why;
        return END;
    }

    private static boolean servesAnyTarget(final TargetRegistry registry, final String localIp, final int localPort)
    {
        for (final TargetNode node : registry.all())
        {
            if (node.portalGroupFor(localIp, localPort) != null)
            {
                return true;
            }
        }
        return false;
    }
}
