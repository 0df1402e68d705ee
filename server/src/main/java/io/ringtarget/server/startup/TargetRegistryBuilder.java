package io.ringtarget.server.startup;

import io.ringtarget.backstore.Backstore;
import io.ringtarget.iscsi.node.ChapCredentials;
import io.ringtarget.iscsi.node.DiscoveryAuth;
import io.ringtarget.iscsi.node.LunMapping;
import io.ringtarget.iscsi.node.NodeAcl;
import io.ringtarget.iscsi.node.Portal;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.scsi.LogicalUnit;
import io.ringtarget.scsi.AccessState;
import io.ringtarget.scsi.LogicalUnitIdentity;
import io.ringtarget.scsi.TargetPort;
import io.ringtarget.scsi.TargetPortGroup;
import io.ringtarget.server.config.AclConfig;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.ChapConfig;
import io.ringtarget.server.config.ConfigDefaults;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Turns a validated configuration into the run-time model the iSCSI engine serves: a {@link LogicalUnit} per LUN
 * over its opened backstore, the targets with their enabled TPGs, portals and ACLs. Disabled TPGs are left out.
 */
final class TargetRegistryBuilder
{
    private TargetRegistryBuilder()
    {
    }

    static TargetRegistry build(final RingtargetConfig config, final Map<String, Backstore> backstores)
    {
        final TargetRegistry registry = new TargetRegistry();
        for (final TargetConfig t : config.targets())
        {
            final TargetNode node = new TargetNode(t.iqn(), t.alias());
            for (final TpgConfig tpg : t.tpgs())
            {
                if (!tpg.enabled())
                {
                    continue;
                }
                // One SCSI target port per TPG (relative port = ALUA group id = the tag), active/optimized and
                // preferred, and a logical unit per (TPG, LUN) reached through it alone: the multi-port model (one
                // logical unit per backstore through every TPG, ALUA states from the configuration, APTPL state
                // directory) is not wired yet.
                final TargetPort port = new TargetPort(tpg.tag(), t.iqn(), tpg.tag(),
                    new TargetPortGroup(tpg.tag(), AccessState.ACTIVE_OPTIMIZED, true));
                final List<LunMapping> luns = new ArrayList<>();
                for (final LunConfig l : tpg.luns())
                {
                    final Backstore b = backstores.get(l.backstore());
                    final BackstoreConfig bc = find(config, l.backstore());
                    final LogicalUnitIdentity identity = new LogicalUnitIdentity(
                        LogicalUnitIdentity.DEFAULT_VENDOR, "ringtarget", "0001", serial(bc), naa(bc.wwn()), t.iqn());
                    final LogicalUnit lu = new LogicalUnit(identity, b.blockCount(), b.blockSize(),
                        b.supportsUnmap(), l.readOnly() || b.readOnly())
                        .unmapReadsZeros(b.unmapReadsZeros())
                        .physicalBlockSize(b.physicalBlockSize())
                        .writeCacheEnabled(bc.writeCache())
                        .targetPorts(port);
                    luns.add(new LunMapping(l.lun(), lu, b, l.readOnly()));
                }
                final List<Portal> portals = new ArrayList<>();
                for (final PortalConfig p : tpg.portals())
                {
                    portals.add(new Portal(p.ip(), p.port()));
                }
                final List<NodeAcl> acls = new ArrayList<>();
                for (final AclConfig acl : tpg.acls())
                {
                    acls.add(new NodeAcl(acl.initiatorIqn(), credentials(acl.chap())));
                }
                node.add(new PortalGroup(node, tpg.tag(), portals, luns, acls, tpg.generateNodeAcls(),
                    ConfigDefaults.AUTH_CHAP.equalsIgnoreCase(tpg.authentication()), port,
                    null == tpg.nopInIntervalSeconds() ? PortalGroup.ENGINE_NOP_IN : tpg.nopInIntervalSeconds(),
                    null == tpg.nopInTimeoutSeconds() ? PortalGroup.ENGINE_NOP_IN : tpg.nopInTimeoutSeconds()));
            }
            registry.add(node);
        }
        return registry;
    }

    /** The distinct portals of the enabled TPGs, in file order: what the target binds. */
    static List<Portal> portals(final RingtargetConfig config)
    {
        final Set<Portal> portals = new LinkedHashSet<>();
        for (final TargetConfig t : config.targets())
        {
            for (final TpgConfig tpg : t.tpgs())
            {
                if (tpg.enabled())
                {
                    for (final PortalConfig p : tpg.portals())
                    {
                        portals.add(new Portal(p.ip(), p.port()));
                    }
                }
            }
        }
        return List.copyOf(portals);
    }

    static DiscoveryAuth discoveryAuth(final DiscoveryAuthConfig config)
    {
        if (config == null)
        {
            return DiscoveryAuth.NONE;
        }
        return new DiscoveryAuth(ConfigDefaults.AUTH_CHAP.equalsIgnoreCase(config.authentication()),
            credentials(config.chap()));
    }

    private static ChapCredentials credentials(final ChapConfig chap)
    {
        return chap == null ? null :
            new ChapCredentials(chap.userid(), chap.password(), chap.mutualUserid(), chap.mutualPassword());
    }

    /**
     * The unit serial number (VPD 0x80): the configured one, or one derived from the backstore's name and path,
     * so the same backstore keeps its identity across restarts (multipath and udev key on it).
     */
    private static String serial(final BackstoreConfig b)
    {
        if (b.serial() != null && !b.serial().isBlank())
        {
            return b.serial();
        }
        final String key = "ringtarget serial " + b.name() + "|" + b.type() + "|" + (b.path() == null ? "" : b.path());
        return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
    }

    /** The configured 16-hex-digit WWN as the NAA designator; 0 lets the identity derive one. */
    private static long naa(final String wwn)
    {
        return wwn == null || wwn.isBlank() ? 0 : Long.parseUnsignedLong(wwn.replace(":", "").replace("-", ""), 16);
    }

    private static BackstoreConfig find(final RingtargetConfig config, final String name)
    {
        for (final BackstoreConfig b : config.backstores())
        {
            if (b.name().equals(name))
            {
                return b;
            }
        }
        throw new IllegalArgumentException("no backstore named " + name);
    }
}
