package io.ringtarget.iscsi.connection;

import io.ringtarget.iscsi.node.NodeAcl;
import io.ringtarget.iscsi.node.Portal;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.iscsi.session.Session;
import io.ringtarget.iscsi.session.SessionRegistry;
import io.ringtarget.scsi.TargetPort;
import io.ringtarget.scsi.TargetPortGroup;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Each way a live configuration change can leave a logged-in session: kept, rebound, or ended with its reason. */
class SessionRebindingTest
{
    private static final String IQN = "iqn.2026-12.io.ringtarget:rebind";
    private static final String HOST = "iqn.2026-12.io.ringtarget:host";
    private static final String IP = "127.0.0.1";
    private static final int PORT = 3260;

    private final SessionRebinding rebinding = new SessionRebinding();
    private final TargetPort port = new TargetPort(1, IQN, 1, new TargetPortGroup(1));

    private PortalGroup tpg(final TargetNode node, final TargetPort targetPort, final int portalPort, final String acl)
    {
        return new PortalGroup(node, 1, List.of(new Portal(IP, portalPort)), List.of(), List.of(new NodeAcl(acl, null)),
            false, false, targetPort, PortalGroup.ENGINE_NOP_IN, PortalGroup.ENGINE_NOP_IN);
    }

    /** A registry with one target whose TPG 1 is what {@code make} builds for the new node (null: no TPG). */
    private static TargetRegistry registry(final String iqn, final Function<TargetNode, PortalGroup> make)
    {
        final TargetRegistry registry = new TargetRegistry();
        final TargetNode node = new TargetNode(iqn, null);
        final PortalGroup group = make.apply(node);
        if (group != null)
        {
            node.add(group);
        }
        registry.add(node);
        return registry;
    }

    @Test
    void aSessionIsKeptReboundOrEndedAsItsTpgChanged()
    {
        final TargetNode node = new TargetNode(IQN, null);
        final PortalGroup current = tpg(node, port, PORT, HOST);
        node.add(current);
        final TargetRegistry same = new TargetRegistry();
        same.add(node);
        final Session session = new SessionRegistry().create(HOST, 1, IQN, false, current, null);

        assertEquals(SessionRebinding.KEEP, rebinding.decide(session, current, same, IP, PORT));

        // A new version of the TPG on the same target port (a LUN added, say): bound to it.
        final TargetRegistry changed = registry(IQN, n -> tpg(n, port, PORT, HOST));
        assertEquals(SessionRebinding.REBIND, rebinding.decide(session, current, changed, IP, PORT));
        assertSame(changed.find(IQN).portalGroup(1), rebinding.next());

        assertEnds("target " + IQN + " deleted", session, current, registry("iqn.2026-12.io.ringtarget:other",
            n -> tpg(n, port, PORT, HOST)));
        assertEnds("TPG 1 deleted or disabled", session, current, registry(IQN, n -> null));
        assertEnds("TPG 1 replaced", session, current,
            registry(IQN, n -> tpg(n, new TargetPort(1, IQN, 1, new TargetPortGroup(1)), PORT, HOST)));
        assertEnds("no ACL admits " + HOST + " any more", session, current,
            registry(IQN, n -> tpg(n, port, PORT, "iqn.2026-12.io.ringtarget:someone-else")));
        assertEnds("portal 127.0.0.1:3260 removed", session, current, registry(IQN, n -> tpg(n, port, 3261, HOST)));
    }

    @Test
    void aDiscoverySessionEndsOnlyWhenNoTargetServesItsPortal()
    {
        final Session discovery = new SessionRegistry().create(HOST, 2, null, true, null, null);
        final TargetRegistry serving = registry(IQN, n -> tpg(n, port, PORT, HOST));
        assertEquals(SessionRebinding.KEEP, rebinding.decide(discovery, null, serving, IP, PORT));
        assertNull(rebinding.reason());
        assertEnds("portal 127.0.0.1:3260 removed", discovery, null, registry(IQN, n -> tpg(n, port, 3261, HOST)));
    }

    private void assertEnds(
        final String reason, final Session session, final PortalGroup current, final TargetRegistry registry)
    {
        assertEquals(SessionRebinding.END, rebinding.decide(session, current, registry, IP, PORT), reason);
        assertEquals(reason, rebinding.reason());
        assertNull(rebinding.next());
    }
}
