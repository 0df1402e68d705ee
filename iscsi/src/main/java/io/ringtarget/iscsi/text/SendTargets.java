package io.ringtarget.iscsi.text;

import io.ringtarget.iscsi.node.IpAddresses;
import io.ringtarget.iscsi.node.Portal;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.iscsi.session.Session;

import io.ringtarget.pdu.TextKeyWriter;

/**
 * The SendTargets text key (RFC 7143 section 13.3 and appendix C): which targets an initiator may see, each
 * with its TargetAddress=ip:port,tpgt lines. An initiator sees only targets whose TPG admits it (ACL or
 * generated ACLs), and every portal of every TPG of those that admits it, so that it finds all its paths (a
 * multipath setup) by asking any one portal.
 */
public final class SendTargets
{
    private SendTargets()
    {
    }

    /**
     * @param value "All" (discovery sessions), a target name, or empty (the session's own target).
     */
    public static void answer(
        final TargetRegistry targets, final Session session, final String value, final String localIp,
        final int localPort, final TextKeyWriter answer)
    {
        final boolean all = "All".equals(value);
        if (all && !session.discovery())
        {
            // "All" is for discovery sessions; in a normal session report the session's target (13.3).
            report(targets.find(session.targetName()), session, localIp, localPort, answer);
            return;
        }
        if (all)
        {
            for (final TargetNode node : targets.all())
            {
                report(node, session, localIp, localPort, answer);
            }
            return;
        }
        final String name = value.isEmpty() ? session.targetName() : value;
        report(name == null ? null : targets.find(name), session, localIp, localPort, answer);
    }

    private static void report(
        final TargetNode node, final Session session, final String localIp, final int localPort,
        final TextKeyWriter answer)
    {
        if (node == null)
        {
            return;
        }
        boolean named = false;
        for (final PortalGroup tpg : node.portalGroups())
        {
            // Every TPG that admits the initiator, whichever portal it asked on: it discovers all its paths from any
            // one of them (RFC 7143 appendix C; multipath needs them all).
            if (!tpg.admits(session.initiatorName()))
            {
                continue;
            }
            if (!named)
            {
                answer.append("TargetName", node.name());
                named = true;
            }
            for (final Portal portal : tpg.portals())
            {
                // A wildcard portal is reported as the address the initiator reached us on; a link-local one is left
                // out, as SCST does: without its zone it names no interface of the initiator's (RFC 4007).
                final String ip = portal.wildcard() ? localIp : portal.ip();
                if (!IpAddresses.isLinkLocal(ip))
                {
                    answer.append("TargetAddress", Portal.format(ip, portal.port()) + "," + tpg.tag());
                }
            }
        }
    }
}
