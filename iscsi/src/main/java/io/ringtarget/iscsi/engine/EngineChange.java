package io.ringtarget.iscsi.engine;

import io.ringtarget.backstore.Backstore;
import io.ringtarget.iscsi.connection.PortalSockets;
import io.ringtarget.iscsi.node.DiscoveryAuth;
import io.ringtarget.iscsi.node.Portal;
import io.ringtarget.iscsi.node.TargetRegistry;

import java.util.List;
import java.util.Objects;

/**
 * A live configuration change as {@link IscsiEngine#reconfigure} applies it to running loops, everything that could
 * fail done beforehand by the caller: the registry to serve from now on (its logical units and target ports are the
 * running ones wherever they stay), discovery authentication, the engine's NOP-In settings and receive coalescing,
 * the portals bound for it and those no TPG serves any more, and the backstores no LUN maps any more.
 *
 * @param receiveCoalescingNanos how long a receive waits when its initiator keeps a deep queue (0 never), for every
 *                               connection from now on, those already open included.
 * @param newPortals        sockets of portals that were not served before, bound by the caller (one per loop), or
 *                          null; the engine takes them over.
 * @param removedPortals    portals no enabled TPG has any more: their listeners close.
 * @param retiredBackstores backstores no LUN maps any more: each loop releases its handle once its requests in flight
 *                          have completed ({@link Reconfigured#awaitReleased}); the caller closes them after.
 */
public record EngineChange(
    TargetRegistry registry,
    DiscoveryAuth discoveryAuth,
    int nopInIntervalSeconds,
    int nopInTimeoutSeconds,
    long receiveCoalescingNanos,
    PortalSockets newPortals,
    List<Portal> removedPortals,
    List<Backstore> retiredBackstores)
{
    public EngineChange
    {
        Objects.requireNonNull(registry, "registry");
        if (receiveCoalescingNanos < 0 || receiveCoalescingNanos > EngineSettings.MAX_RECEIVE_COALESCING_NANOS)
        {
            throw new IllegalArgumentException("a receive coalescing of " + receiveCoalescingNanos + " ns: 0.." +
                EngineSettings.MAX_RECEIVE_COALESCING_NANOS);
        }
        removedPortals = List.copyOf(removedPortals);
        retiredBackstores = List.copyOf(retiredBackstores);
    }
}
