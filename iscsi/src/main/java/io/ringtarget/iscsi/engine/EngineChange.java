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
 * running ones wherever they stay), discovery authentication, the engine's NOP-In settings, the portals bound for it
 * and those no TPG serves any more, and the backstores no LUN maps any more.
 *
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
    PortalSockets newPortals,
    List<Portal> removedPortals,
    List<Backstore> retiredBackstores)
{
    public EngineChange
    {
        Objects.requireNonNull(registry, "registry");
        removedPortals = List.copyOf(removedPortals);
        retiredBackstores = List.copyOf(retiredBackstores);
    }
}
