package io.ringtarget.server.startup;

import io.ringtarget.backstore.Backstore;
import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.iscsi.node.ChapCredentials;
import io.ringtarget.iscsi.node.DiscoveryAuth;
import io.ringtarget.iscsi.node.LunMapping;
import io.ringtarget.iscsi.node.MappedLun;
import io.ringtarget.iscsi.node.NodeAcl;
import io.ringtarget.iscsi.node.Portal;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.iscsi.node.TpgParameters;
import io.ringtarget.scsi.AccessState;
import io.ringtarget.scsi.LogicalUnit;
import io.ringtarget.scsi.LogicalUnitIdentity;
import io.ringtarget.scsi.LogicalUnitStateFiles;
import io.ringtarget.scsi.SharedReservationStore;
import io.ringtarget.scsi.StateFileException;
import io.ringtarget.scsi.TargetPort;
import io.ringtarget.scsi.TargetPortGroup;
import io.ringtarget.server.config.AclConfig;
import io.ringtarget.server.config.AluaConfig;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.ChapConfig;
import io.ringtarget.server.config.ConfigDefaults;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.SecurityConfig;
import io.ringtarget.iscsi.node.ChapAlgorithm;
import io.ringtarget.iscsi.login.LoginLimits;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;
import io.ringtarget.server.config.TpgParametersConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Turns a validated configuration into the run-time model the iSCSI engine serves. Each enabled TPG of a target is
 * one SCSI target port (relative target port identifier = the tag) in one ALUA target port group (id = the tag,
 * state and PREF bit from the file). A backstore mapped in several TPGs of a target is one {@link LogicalUnit}
 * reached through all of their ports, so reservations, unit attentions and ALUA state are shared by every path
 * (SPC-4 5.15, 5.12); the same backstore in two targets is two logical units (two SCSI target devices).
 * Disabled TPGs are left out.
 * <p>
 * It remembers what the served registry is made of, so that the registry of a live change reuses every logical unit
 * and target port that stays: an initiator keeps its reservations, pending unit attentions and ALUA state, and its
 * session its I_T nexus. A logical unit stays when its target, backstore (the same open one), identity and write
 * protection stay; a target port when its target and tag stay. {@link #build} computes the next model without
 * changing what is remembered; {@link #commit} makes it the served one.
 */
final class TargetRegistryBuilder
{
    /** What a logical unit was made of: a unit built from the same is the same unit. */
    private record UnitSpec(Backstore backstore, String serial, long naa, boolean readOnly, boolean writeCache,
        int softThresholdPercent, int availableThresholdPercent)
    {
    }

    /** The run-time model of one configuration, and what changed from the one served before. */
    record Built(
        TargetRegistry registry,
        Map<String, LogicalUnit> units,
        Map<String, UnitSpec> specs,
        Map<String, TargetPort> ports,
        Map<String, AluaConfig> alua,
        List<LogicalUnit> retiredUnits,
        List<Runnable> changes)
    {
        /** The logical units that serve {@code backstore} (one per target mapping it). */
        List<LogicalUnit> unitsOf(final Backstore backstore)
        {
            return TargetRegistryBuilder.unitsOf(specs, units, backstore);
        }
    }

    private final Path stateDirectory;
    private final EventLog log;
    private Map<String, LogicalUnit> units = Map.of();
    private Map<String, UnitSpec> specs = Map.of();
    private Map<String, TargetPort> ports = Map.of();
    private Map<String, AluaConfig> alua = Map.of();

    /**
     * @param stateDirectory where logical units keep their persistent reservations when an initiator asks for it
     *                       (APTPL); null: APTPL is refused.
     * @param log            where what backstores report about their storage goes ({@link UnitEvents}); null: only
     *                       the logical units hear of it.
     */
    TargetRegistryBuilder(final Path stateDirectory, final EventLog log)
    {
        this.stateDirectory = stateDirectory;
        this.log = log;
    }

    /** The run-time model of a configuration, built once (start-up, tests). */
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
        final TargetRegistryBuilder builder = new TargetRegistryBuilder(stateDirectory, log);
        final Built built = builder.build(config, backstores);
        builder.commit(built);
        return built.registry();
    }

    /**
     * The model of {@code config} on the open {@code backstores} (by name), reusing what is served where it stays.
     *
     * @throws UncheckedIOException when a new logical unit's saved reservation state cannot be read (the message
     *                              names the file and what is wrong).
     */
    Built build(final RingtargetConfig config, final Map<String, Backstore> backstores)
    {
        final TargetRegistry registry = new TargetRegistry();
        final Map<String, LogicalUnit> nextUnits = new LinkedHashMap<>();
        final Map<String, UnitSpec> nextSpecs = new LinkedHashMap<>();
        final Map<String, TargetPort> nextPorts = new LinkedHashMap<>();
        final Map<String, AluaConfig> nextAlua = new HashMap<>();
        final List<Runnable> changes = new ArrayList<>();
        for (final TargetConfig t : config.targets())
        {
            final TargetNode node = new TargetNode(t.iqn(), t.alias());
            final Map<Integer, TargetPort> targetPorts = new LinkedHashMap<>();
            final Map<String, List<TargetPort>> portsOfBackstore = new LinkedHashMap<>();
            for (final TpgConfig tpg : t.tpgs())
            {
                if (!tpg.enabled())
                {
                    continue;
                }
                final String key = key(t.iqn(), String.valueOf(tpg.tag()));
                final TargetPort port = port(key, t.iqn(), tpg, changes);
                nextPorts.put(key, port);
                nextAlua.put(key, tpg.aluaOrDefault());
                targetPorts.put(tpg.tag(), port);
                for (final LunConfig l : tpg.luns())
                {
                    final List<TargetPort> through = portsOfBackstore.computeIfAbsent(l.backstore(), k -> new ArrayList<>());
                    if (!through.contains(port))
                    {
                        through.add(port);
                    }
                }
            }
            final Map<String, LogicalUnit> unitsOfTarget = new LinkedHashMap<>();
            for (final Map.Entry<String, List<TargetPort>> e : portsOfBackstore.entrySet())
            {
                final String key = key(t.iqn(), e.getKey());
                final BackstoreConfig bc = find(config, e.getKey());
                final Backstore b = Objects.requireNonNull(backstores.get(e.getKey()), e.getKey());
                final UnitSpec spec = new UnitSpec(b, serial(bc, b.identityKey()), naa(bc.wwn()),
                    readOnly(t, e.getKey()) || b.readOnly(), bc.writeCache(),
                    null == bc.softThresholdPercent() ? 0 : bc.softThresholdPercent(),
                    null == bc.availableThresholdPercent() ? 0 : bc.availableThresholdPercent());
                final TargetPort[] through = e.getValue().toArray(new TargetPort[0]);
                final LogicalUnit served = spec.equals(specs.get(key)) ? units.get(key) : null;
                final LogicalUnit lu = null == served ? logicalUnit(t, spec).targetPorts(through) : served;
                if (null == served)
                {
                    final UnitEvents events = new UnitEvents(e.getKey(), lu, log);
                    lu.mediumEvents(events);                  // before it serves: a resumed operation is logged too
                    changes.add(() -> b.events(events));      // at commit: it is served then
                }
                else if (!served.targetPorts().equals(List.of(through)))
                {
                    changes.add(() -> served.targetPorts(through));   // a TPG that maps it came or went: at commit
                }
                unitsOfTarget.put(e.getKey(), lu);
                nextUnits.put(key, lu);
                nextSpecs.put(key, spec);
            }
            for (final TpgConfig tpg : t.tpgs())
            {
                if (tpg.enabled())
                {
                    node.add(portalGroup(node, tpg, targetPorts.get(tpg.tag()), unitsOfTarget, backstores,
                        config.securityOrDefault()));
                }
            }
            registry.add(node);
        }
        final List<LogicalUnit> retired = new ArrayList<>();
        for (final LogicalUnit lu : units.values())
        {
            if (!nextUnits.containsValue(lu))
            {
                retired.add(lu);
            }
        }
        return new Built(registry, nextUnits, nextSpecs, nextPorts, nextAlua, retired, changes);
    }

    /** The logical units that serve {@code backstore} now (one per target mapping it; none when unmapped). */
    List<LogicalUnit> servedUnitsOf(final Backstore backstore)
    {
        return unitsOf(specs, units, backstore);
    }

    private static List<LogicalUnit> unitsOf(
        final Map<String, UnitSpec> specs, final Map<String, LogicalUnit> units, final Backstore backstore)
    {
        final List<LogicalUnit> of = new ArrayList<>();
        for (final Map.Entry<String, UnitSpec> e : specs.entrySet())
        {
            if (e.getValue().backstore() == backstore)
            {
                of.add(units.get(e.getKey()));
            }
        }
        return of;
    }

    /**
     * {@code built} is served now: its units and ports are what the next build reuses. Retired logical units leave
     * their target port groups (an ALUA change no longer concerns them); served units get the target ports of the TPGs
     * that map them now; ALUA settings changed in the file are applied to the running groups as implicit transitions
     * (SPC-4 5.15.2.3: every I_T nexus gets ASYMMETRIC ACCESS STATE CHANGED).
     */
    void commit(final Built built)
    {
        units = built.units();
        specs = built.specs();
        ports = built.ports();
        alua = built.alua();
        for (final LogicalUnit lu : built.retiredUnits())
        {
            lu.targetPorts();
        }
        for (final Runnable change : built.changes())
        {
            change.run();
        }
    }

    /**
     * The target port of a TPG: the served one when the target and tag stay. Its ALUA group keeps its running state
     * (an initiator may have changed it with SET TARGET PORT GROUPS) unless the file's settings for it changed.
     */
    private TargetPort port(final String key, final String iqn, final TpgConfig tpg, final List<Runnable> changes)
    {
        final AluaConfig wanted = tpg.aluaOrDefault();
        final TargetPort served = ports.get(key);
        if (null == served)
        {
            return new TargetPort(tpg.tag(), iqn, tpg.tag(),
                new TargetPortGroup(tpg.tag(), AccessState.ofLabel(wanted.state()), wanted.preferred()));
        }
        final AluaConfig before = alua.get(key);
        if (!wanted.equals(before))
        {
            final TargetPortGroup group = served.group();
            changes.add(() ->
            {
                group.preferred(wanted.preferred());
                group.accessState(AccessState.ofLabel(wanted.state()));
            });
        }
        return served;
    }

    private LogicalUnit logicalUnit(final TargetConfig target, final UnitSpec spec)
    {
        final Backstore b = spec.backstore();
        // Storage with an identity of its own (an RBD image) names the device wherever it is exported from.
        final String storage = b.identityKey();
        final LogicalUnitIdentity identity = new LogicalUnitIdentity(
            LogicalUnitIdentity.DEFAULT_VENDOR, "ringtarget", "0001", spec.serial(), spec.naa(),
            null == storage ? target.iqn() : storage);
        final LogicalUnit lu = new LogicalUnit(identity, b.blockCount(), b.blockSize(), b.supportsUnmap(),
            spec.readOnly())
            .unmapReadsZeros(b.unmapReadsZeros())
            .physicalBlockSize(b.physicalBlockSize())
            .atomicWrites(b.atomicWriteUnitBytes(), b.atomicWriteMaxBytes(), b.atomicWritesNaturallyAligned())
            .writeCacheEnabled(spec.writeCache());
        threshold(target, b, lu, "softThresholdPercent", spec.softThresholdPercent(), false);
        threshold(target, b, lu, "availableThresholdPercent", spec.availableThresholdPercent(), true);
        shareReservations(target, b, lu);
        if (null != stateDirectory)
        {
            try
            {
                final LogicalUnitStateFiles files = lu.stateFiles();
                files.persistentReservationDirectory(stateDirectory).mediumOperationDirectory(stateDirectory)
                    .selfTestLogDirectory(stateDirectory);
                final long[] errors = files.errorCounterDirectory(stateDirectory);
                if (null != errors && errors[0] + errors[1] > 0 && null != log)
                {
                    log.warn("lun", "backstore " + b.name() + " of " + target.iqn() + " (serial " + spec.serial() +
                        "): " + errors[0] + " read and " + errors[1] + " write errors (MEDIUM ERROR) counted before " +
                        "the restart: initiators read a predicted failure (smartctl -H) until the counters are reset " +
                        "(sg_logs --reset) (" + files.errorCounterFile() + ")");
                }
                final String modes = files.modeParameterDirectory(stateDirectory);
                if (null != modes && null != log)
                {
                    final String line = "backstore " + b.name() + " of " + target.iqn() + " (serial " +
                        spec.serial() + "): saved mode parameters: " + modes + " (" + files.modeParameterFile() + ")";
                    if (lu.softwareWriteProtect())
                    {
                        log.warn("lun", line);
                    }
                    else
                    {
                        log.info("lun", line);
                    }
                }
                final String restored = restoredMediumOperation(lu);
                if (null != restored && null != log)
                {
                    log.warn("lun", "backstore " + b.name() + " of " + target.iqn() + " (serial " + spec.serial() +
                        "): " + restored + " (" + files.mediumOperationFile() + ")");
                }
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex.getMessage(), ex);
            }
        }
        return lu;
    }

    /**
     * Storage other gateways export too (an RBD image) keeps the persistent reservations for all of them: a writable
     * one that cannot is not served (a cluster fencing through one gateway would not be fenced through another); a
     * read-only one is served with reservations of its own, and the log says so.
     */
    private void shareReservations(final TargetConfig target, final Backstore b, final LogicalUnit lu)
    {
        final SharedReservationStore store;
        try
        {
            store = b.sharedReservations();
            if (null != store)
            {
                lu.shareReservations(store);
            }
        }
        catch (final IOException ex)
        {
            if (!b.readOnly() || ex instanceof StateFileException)
            {
                throw new UncheckedIOException("backstore " + b.name() + " of " + target.iqn() + ": persistent " +
                    "reservations cannot be shared with the other gateways: " + ex.getMessage(), ex);
            }
            if (null != log)
            {
                log.warn("lun", "backstore " + b.name() + " of " + target.iqn() + " (read-only): persistent " +
                    "reservations are this gateway's own: " + ex.getMessage());
            }
            return;
        }
        if (null != store && null != log)
        {
            log.info("lun", "backstore " + b.name() + " of " + target.iqn() + ": persistent reservations shared " +
                "by every gateway of the image, in " + store.where());
        }
    }

    /**
     * A soft threshold of the configuration ({@code field}, {@code percent} > 0) on the used blocks or, with {@code
     * available}, on the blocks the storage beneath can still take: set on a thin logical unit, ignored with a warning
     * on one that is not (a file system that cannot punch holes).
     */
    private void threshold(
        final TargetConfig target, final Backstore b, final LogicalUnit lu, final String field, final int percent,
        final boolean available)
    {
        if (percent <= 0)
        {
            return;
        }
        if (!b.supportsUnmap())
        {
            if (null != log)
            {
                log.warn("lun", "backstore " + b.name() + " of " + target.iqn() + ": " + field + " ignored: the " +
                    "backstore cannot deallocate blocks (not thin: its file system cannot punch holes)");
            }
            return;
        }
        if (available)
        {
            lu.availableThreshold(percent);
        }
        else
        {
            lu.softThreshold(percent);
        }
    }

    /** What the state directory gave back of a sanitize or format operation, in words; null: nothing. */
    private static String restoredMediumOperation(final LogicalUnit lu)
    {
        final int resumeAt = lu.stateFiles().mediumOperationResumeProgress() * 100 / 65536;
        final String from = resumeAt <= 0 ? "runs again from its first block" : "goes on from " + resumeAt +
            "% (its progress last saved)";
        return switch (lu.status().sanitizeState() * 10 + lu.status().formatState())
        {
            case 10 -> "a sanitize operation stopped by the last shutdown " + from + " when an initiator next sends " +
                "a command; until it ends the LUN is NOT READY";
            case 20 -> "in the sanitize failure mode (MEDIUM ERROR) until a SANITIZE completes";
            case 1 -> "a format operation stopped by the last shutdown " + from + " when an initiator next sends " +
                "a command; until it ends the LUN is NOT READY";
            case 2 -> "its medium format is corrupted (MEDIUM ERROR) until a FORMAT UNIT or SANITIZE completes";
            default -> null;
        };
    }

    private static PortalGroup portalGroup(
        final TargetNode node, final TpgConfig tpg, final TargetPort port, final Map<String, LogicalUnit> units,
        final Map<String, Backstore> backstores, final SecurityConfig security)
    {
        final List<LunMapping> luns = new ArrayList<>();
        for (final LunConfig l : tpg.luns())
        {
            luns.add(new LunMapping(l.lun(), units.get(l.backstore()), backstores.get(l.backstore()), l.readOnly()));
        }
        final List<Portal> portals = new ArrayList<>();
        for (final PortalConfig p : tpg.portals())
        {
            portals.add(new Portal(p.ip(), p.port()));
        }
        final List<NodeAcl> acls = new ArrayList<>();
        for (final AclConfig acl : tpg.acls())
        {
            acls.add(new NodeAcl(acl.initiatorIqn(), credentials(acl.chap()), null == acl.mappedLuns() ? null :
                acl.mappedLuns().stream().map(m -> new MappedLun(m.lun(), m.tpgLunOrLun(), m.readOnlyOrDefault()))
                    .toList(), acl.readOnlyOrDefault(),
                null == acl.nopInIntervalSeconds() ? NodeAcl.TPG_NOP_IN : acl.nopInIntervalSeconds(),
                null == acl.nopInTimeoutSeconds() ? NodeAcl.TPG_NOP_IN : acl.nopInTimeoutSeconds()));
        }
        return new PortalGroup(node, tpg.tag(), portals, luns, acls, tpg.generateNodeAcls(),
            ConfigDefaults.AUTH_CHAP.equalsIgnoreCase(tpg.authentication()), port,
            null == tpg.nopInIntervalSeconds() ? PortalGroup.ENGINE_NOP_IN : tpg.nopInIntervalSeconds(),
            null == tpg.nopInTimeoutSeconds() ? PortalGroup.ENGINE_NOP_IN : tpg.nopInTimeoutSeconds(),
            chapAlgorithms(tpg.chapAlgorithms(), security), parameters(tpg.parametersOrNone()),
            credentials(tpg.chap()));
    }

    /** The operational keys a TPG offers its logins; the validator has checked the values. */
    private static TpgParameters parameters(final TpgParametersConfig p)
    {
        if (p.isEmpty())
        {
            return TpgParameters.ENGINE;
        }
        return new TpgParameters(p.maxRecvDataSegmentLength(), p.maxBurstLength(), p.firstBurstLength(),
            p.maxOutstandingR2T(), yes(p.initialR2T()), yes(p.immediateData()), p.headerDigest(), p.dataDigest(),
            p.defaultTime2Wait(), p.defaultTime2Retain());
    }

    private static Boolean yes(final String value)
    {
        return null == value ? null : "Yes".equals(value);
    }

    /** Target names compare without case (RFC 3722); backstore names as written. */
    private static String key(final String iqn, final String part)
    {
        return iqn.toLowerCase(Locale.ROOT) + '\0' + part;
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
        return discoveryAuth(config, ConfigDefaults.security());
    }

    static DiscoveryAuth discoveryAuth(final DiscoveryAuthConfig config, final SecurityConfig security)
    {
        if (config == null)
        {
            return new DiscoveryAuth(false, null, chapAlgorithms(null, security));
        }
        return new DiscoveryAuth(ConfigDefaults.AUTH_CHAP.equalsIgnoreCase(config.authentication()),
            credentials(config.chap()), chapAlgorithms(config.chapAlgorithms(), security));
    }

    /** A TPG's or discovery's own CHAP algorithms, else the security section's (names checked by the schema). */
    private static List<ChapAlgorithm> chapAlgorithms(final List<String> own, final SecurityConfig security)
    {
        return ChapAlgorithm.ofNames(null != own && !own.isEmpty() ? own : security.chapAlgorithms());
    }

    /** The login defences and limits of the security section, in the engine's units. */
    static LoginLimits loginLimits(final SecurityConfig s)
    {
        return new LoginLimits(s.loginTimeoutSeconds() * 1000L, s.maxFailedLoginsPerInitiator(),
            s.maxFailedLoginsPerSource(), s.failedLoginWindowSeconds() * 1000L, s.lockoutSeconds() * 1000L,
            s.lockedLoginDelayMillis(), s.maxSessionsPerTarget(), s.maxSessionsPerInitiator(),
            s.maxConnectionsPerSource(), s.maxConnections());
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
