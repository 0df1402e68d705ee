package io.ringtarget.server.startup;

import io.ringtarget.backstore.Backstore;
import io.ringtarget.iscsi.log.EventLog;
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
import io.ringtarget.server.config.AluaConfig;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.ChapConfig;
import io.ringtarget.server.config.ConfigDefaults;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Turns a validated configuration into the run-time model the iSCSI engine serves. Each enabled TPG of a target is
 * one SCSI target port (relative target port identifier = the tag) in one ALUA target port group (id = the tag,
 * state and PREF bit from the file). A backstore mapped in several TPGs of a target is one {@link LogicalUnit}
 * reached through all of their ports, so reservations, unit attentions and ALUA state are shared by every path
 * (SPC-4 5.15, 5.12); the same backstore in two targets is two logical units (two SCSI target devices).
 * Disabled TPGs are left out.
 */
final class TargetRegistryBuilder
{
    private TargetRegistryBuilder()
    {
    }

    /**
     * @param stateDirectory where logical units keep their persistent reservations when an initiator asks for it
     *                       (APTPL); null: APTPL is refused.
     * @throws UncheckedIOException when a logical unit's saved reservation state cannot be read (the message names
     *                              the file and what is wrong).
     */
    static TargetRegistry build(
        final RingtargetConfig config, final Map<String, Backstore> backstores, final Path stateDirectory)
    {
        return build(config, backstores, stateDirectory, null);
    }

    /**
     * @param log where what backstores report about their storage goes (resizes, RBD lock takeovers and fencing:
     *            {@link UnitEvents}); null: only the logical units hear of it.
     */
    static TargetRegistry build(
        final RingtargetConfig config, final Map<String, Backstore> backstores, final Path stateDirectory,
        final EventLog log)
    {
        final TargetRegistry registry = new TargetRegistry();
        for (final TargetConfig t : config.targets())
        {
            final TargetNode node = new TargetNode(t.iqn(), t.alias());
            final Map<Integer, TargetPort> ports = new LinkedHashMap<>();
            final Map<String, List<TargetPort>> portsOfBackstore = new LinkedHashMap<>();
            for (final TpgConfig tpg : t.tpgs())
            {
                if (!tpg.enabled())
                {
                    continue;
                }
                final AluaConfig alua = tpg.aluaOrDefault();
                final TargetPort port = new TargetPort(tpg.tag(), t.iqn(), tpg.tag(),
                    new TargetPortGroup(tpg.tag(), AccessState.ofLabel(alua.state()), alua.preferred()));
                ports.put(tpg.tag(), port);
                for (final LunConfig l : tpg.luns())
                {
                    final List<TargetPort> through = portsOfBackstore.computeIfAbsent(l.backstore(), k -> new ArrayList<>());
                    if (!through.contains(port))
                    {
                        through.add(port);
                    }
                }
            }
            final Map<String, LogicalUnit> units = new LinkedHashMap<>();
            for (final Map.Entry<String, List<TargetPort>> e : portsOfBackstore.entrySet())
            {
                final Backstore backstore = backstores.get(e.getKey());
                final TargetPort[] through = e.getValue().toArray(new TargetPort[0]);
                final LogicalUnit lu = logicalUnit(config, t, e.getKey(), backstore, through, stateDirectory);
                backstore.events(new UnitEvents(e.getKey(), lu, through, log));
                units.put(e.getKey(), lu);
            }
            for (final TpgConfig tpg : t.tpgs())
            {
                if (!tpg.enabled())
                {
                    continue;
                }
                final List<LunMapping> luns = new ArrayList<>();
                for (final LunConfig l : tpg.luns())
                {
                    luns.add(new LunMapping(l.lun(), units.get(l.backstore()), backstores.get(l.backstore()),
                        l.readOnly()));
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
                    ConfigDefaults.AUTH_CHAP.equalsIgnoreCase(tpg.authentication()), ports.get(tpg.tag()),
                    null == tpg.nopInIntervalSeconds() ? PortalGroup.ENGINE_NOP_IN : tpg.nopInIntervalSeconds(),
                    null == tpg.nopInTimeoutSeconds() ? PortalGroup.ENGINE_NOP_IN : tpg.nopInTimeoutSeconds()));
            }
            registry.add(node);
        }
        return registry;
    }

    /** The logical unit of one backstore in one target, reached through {@code ports}. */
    private static LogicalUnit logicalUnit(
        final RingtargetConfig config, final TargetConfig target, final String backstoreName, final Backstore b,
        final TargetPort[] ports, final Path stateDirectory)
    {
        final BackstoreConfig bc = find(config, backstoreName);
        // Storage with an identity of its own (an RBD image) names the device wherever it is exported from.
        final String storage = b.identityKey();
        final LogicalUnitIdentity identity = new LogicalUnitIdentity(
            LogicalUnitIdentity.DEFAULT_VENDOR, "ringtarget", "0001", serial(bc, storage), naa(bc.wwn()),
            null == storage ? target.iqn() : storage);
        final LogicalUnit lu = new LogicalUnit(identity, b.blockCount(), b.blockSize(), b.supportsUnmap(),
            readOnly(target, backstoreName) || b.readOnly())
            .unmapReadsZeros(b.unmapReadsZeros())
            .physicalBlockSize(b.physicalBlockSize())
            .writeCacheEnabled(bc.writeCache())
            .targetPorts(ports);
        if (null != stateDirectory)
        {
            try
            {
                lu.persistentReservationDirectory(stateDirectory);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex.getMessage(), ex);
            }
        }
        return lu;
    }

    /** Write protection is the logical unit's (SPC-4 mode page WP): any enabled TPG mapping it read-only makes it so. */
    private static boolean readOnly(final TargetConfig target, final String backstoreName)
    {
        for (final TpgConfig tpg : target.tpgs())
        {
            if (tpg.enabled())
            {
                for (final LunConfig l : tpg.luns())
                {
                    if (l.backstore().equals(backstoreName) && l.readOnly())
                    {
                        return true;
                    }
                }
            }
        }
        return false;
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
     * The unit serial number (VPD 0x80): the configured one, or one derived from the storage's own identity (an RBD
     * image's, the same in every gateway), else from the backstore's name and path, so the same backstore keeps its
     * identity across restarts (multipath and udev key on it).
     */
    private static String serial(final BackstoreConfig b, final String storageIdentity)
    {
        if (b.serial() != null && !b.serial().isBlank())
        {
            return b.serial();
        }
        final String key = null != storageIdentity ? "ringtarget serial " + storageIdentity :
            "ringtarget serial " + b.name() + "|" + b.type() + "|" + (b.path() == null ? "" : b.path());
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
