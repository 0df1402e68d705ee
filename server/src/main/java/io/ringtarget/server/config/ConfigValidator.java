package io.ringtarget.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringtarget.backstore.rbd.RbdImageSpec;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Checks a configuration and reports every problem with the JSON path of the field at fault, for example
 * {@code targets[0].tpgs[0].luns[2].backstore: no backstore named "disk9"}.
 * <p>
 * The structure (types, required fields, enumerations, ranges) is the schema's ({@link ConfigSchema}), checked on the
 * configuration's JSON tree, so that records built in code are held to the same rules as files. This class adds the
 * rules a schema cannot express: references between objects, unique names, numbers and portals, iSCSI name syntax,
 * CHAP secrets, rules between the fields of an object; and, when asked, the machine's ({@link HostChecks}). A field
 * the schema finds wrong is not reported again.
 * <p>
 * Errors make the configuration unusable; warnings flag what is legal but most likely a mistake. The rules and the
 * reasons for them are listed in docs/configuration.md.
 */
public final class ConfigValidator
{
    /**
     * RFC 7143 9.2.1: a CHAP secret of fewer than 96 random bits needs IPsec, which this target does not
     * provide; 12 bytes is the shortest secret that can hold 96 bits.
     */
    public static final int MIN_CHAP_SECRET = 12;
    /** Many initiators (Microsoft's among them) accept at most 16 characters. */
    public static final int MAX_PORTABLE_CHAP_SECRET = 16;
    /** open-iscsi's limit on CHAP names and secrets. */
    public static final int MAX_CHAP_TEXT = 255;

    /** The backstore types whose rules this class knows; the schema refuses any other. */
    private static final Set<String> TYPES = Set.of(ConfigDefaults.TYPE_BLOCK, ConfigDefaults.TYPE_FILEIO, ConfigDefaults.TYPE_RAM,
        ConfigDefaults.TYPE_RBD);
    /** Where devices live: never the place of a fileio file. */
    private static final Path DEV = Path.of("/dev");

    private final boolean checkFiles;
    /** Paths of the fields the schema found wrong: one problem per field is enough. */
    private final Set<String> schemaPaths;
    private final List<ConfigProblem> problems = new ArrayList<>();
    /** The engine section, whose NOP-In settings TPGs without their own take (null when missing). */
    private EngineConfig engine;

    private ConfigValidator(final boolean checkFiles, final Set<String> schemaPaths)
    {
        this.checkFiles = checkFiles;
        this.schemaPaths = schemaPaths;
    }

    /** Validates without looking at this machine's files and devices. */
    public static List<ConfigProblem> validate(final RingtargetConfig config)
    {
        return validate(config, false);
    }

    /**
     * Validates a configuration.
     *
     * @param config     the configuration.
     * @param checkFiles also check this machine ({@link HostChecks}): that block devices exist and are block devices,
     *                   that fileio files can be created (their directory exists), and (warnings) that portal
     *                   addresses are local.
     * @return every problem found, shown at paths with entry names ({@link ConfigProblem#where}): the schema's
     *         first (object by object), then the others in document order; empty when the configuration is fine.
     */
    public static List<ConfigProblem> validate(final RingtargetConfig config, final boolean checkFiles)
    {
        if (null == config)
        {
            return List.of(ConfigProblem.error("", "no configuration"));
        }
        final JsonNode tree = ConfigFiles.toTree(config);
        final List<ConfigProblem> structure = ConfigSchema.problems(tree);
        final Set<String> schemaPaths = new HashSet<>();
        structure.forEach(problem -> schemaPaths.add(problem.path()));
        final ConfigValidator validator = new ConfigValidator(checkFiles, schemaPaths);
        validator.config(config);
        final List<ConfigProblem> all = new ArrayList<>(structure);
        all.addAll(validator.problems);
        return JsonPaths.named(tree, all);
    }

    private void error(final String path, final String message)
    {
        add(ConfigProblem.error(path, message));
    }

    private void warning(final String path, final String message)
    {
        add(ConfigProblem.warning(path, message));
    }

    private void add(final ConfigProblem problem)
    {
        if (!schemaPaths.contains(problem.path()))
        {
            problems.add(problem);
        }
    }

    private void addAll(final List<ConfigProblem> found)
    {
        found.forEach(this::add);
    }

    private void config(final RingtargetConfig config)
    {
        engine = config.engine();
        final Map<String, BackstoreConfig> backstoresByName = new HashMap<>();
        if (null == config.backstores())
        {
            error("backstores", "required (an array, [] for none)");
        }
        else
        {
            backstores(config.backstores(), backstoresByName);
        }
        if (null == config.targets())
        {
            error("targets", "required (an array, [] for none)");
        }
        else
        {
            targets(config.targets(), backstoresByName);
        }
        discoveryAuth(config.discoveryAuth());
        engine(config.engine());
        metrics(config.metrics());
        stateDirectory(config.stateDirectory());
        secretsNotShared(config);
    }

    private void backstores(final List<BackstoreConfig> backstores, final Map<String, BackstoreConfig> byName)
    {
        final Map<String, String> namePaths = new HashMap<>();
        final Map<Object, String> filePaths = new HashMap<>();
        for (int i = 0; i < backstores.size(); i++)
        {
            final String path = "backstores[" + i + "]";
            final BackstoreConfig backstore = backstores.get(i);
            if (null == backstore)
            {
                error(path, "null is not a backstore");
                continue;
            }
            final String name = backstore.name();
            if (null != name)
            {
                final String other = namePaths.putIfAbsent(name, path);
                if (null != other)
                {
                    error(path + ".name", "duplicate backstore name \"" + name + "\" (also " + other + ")");
                }
                else
                {
                    byName.put(name, backstore);
                }
            }
            backstore(path, backstore, filePaths);
        }
    }

    private void backstore(final String path, final BackstoreConfig backstore, final Map<Object, String> filePaths)
    {
        final String type = backstore.type();
        if (null == type || !TYPES.contains(type))
        {
            return; // the schema reports it; the rules below depend on the type
        }
        final int blockSize = backstore.blockSize();
        if (!schemaPaths.contains(path + ".blockSize") && blockSize > 0 && backstore.sizeBytes() > 0 &&
            backstore.sizeBytes() % blockSize != 0)
        {
            warning(path + ".sizeBytes", backstore.sizeBytes() + " is not a multiple of the block size " + blockSize +
                "; the last partial block is not exported");
        }
        switch (type)
        {
            case ConfigDefaults.TYPE_RAM ->
            {
                if (backstore.sizeBytes() <= 0)
                {
                    error(path + ".sizeBytes", "a ram backstore needs a size > 0");
                }
                if (null != backstore.path() && !backstore.path().isEmpty())
                {
                    warning(path + ".path", "ignored: a ram backstore has no file");
                }
            }
            case ConfigDefaults.TYPE_FILEIO -> fileio(path, backstore, filePaths);
            case ConfigDefaults.TYPE_RBD -> rbd(path, backstore, filePaths);
            default -> block(path, backstore, filePaths);
        }
        if (null != backstore.rbd() && !ConfigDefaults.TYPE_RBD.equals(type))
        {
            warning(path + ".rbd", "ignored: only an rbd backstore has an image");
        }
        if (backstore.grow() && !ConfigDefaults.TYPE_FILEIO.equals(type))
        {
            warning(path + ".grow", "ignored: only a fileio backstore's file is grown");
        }
    }

    private Path absolutePath(final String path, final BackstoreConfig backstore, final Map<Object, String> filePaths)
    {
        final String file = backstore.path();
        if (null == file || file.isEmpty())
        {
            error(path + ".path", "required for a " + backstore.type() + " backstore");
            return null;
        }
        final Path resolved;
        try
        {
            resolved = Path.of(file);
        }
        catch (final InvalidPathException ex)
        {
            error(path + ".path", "\"" + file + "\" is not a valid path");
            return null;
        }
        if (!resolved.isAbsolute())
        {
            error(path + ".path", "\"" + file + "\" must be an absolute path");
            return null;
        }
        // On this machine, the same storage however it is spelt (links, device nodes); elsewhere, the same spelling.
        final Object key = checkFiles ? FileIdentity.of(resolved) : resolved.normalize().toString();
        final String other = filePaths.putIfAbsent(key, path);
        if (null != other)
        {
            error(path + ".path", "\"" + file + "\" is the same " + (checkFiles ? "file or device" : "path") + " as " +
                other + ": two backstores writing the same data corrupt it (export one backstore from several LUNs " +
                "instead)");
        }
        return resolved;
    }

    private void fileio(final String path, final BackstoreConfig backstore, final Map<Object, String> filePaths)
    {
        final Path file = absolutePath(path, backstore, filePaths);
        if (null != file && file.normalize().startsWith(DEV))
        {
            // A missing /dev/sdX would be created as a regular file in /dev (RAM, gone at the next boot), and an
            // existing device is not a file: either way "block" was meant.
            error(path + ".path", "\"" + file + "\" is under /dev: a fileio backstore is a regular file; for a " +
                "device use type \"block\"" + (checkFiles && !Files.exists(file) ? " (and \"" + file +
                "\" does not exist)" : ""));
            return;
        }
        if (null != file && checkFiles)
        {
            addAll(HostChecks.fileio(path, file, backstore.sizeBytes(), backstore.grow()));
        }
    }

    private void rbd(final String path, final BackstoreConfig backstore, final Map<Object, String> filePaths)
    {
        final RbdConfig rbd = backstore.rbd();
        if (null == rbd)
        {
            error(path + ".rbd", "required for an rbd backstore: {\"image\": \"POOL/IMAGE\", \"cephConf\": " +
                "\"/etc/ceph/ceph.conf\"}");
            return;
        }
        final String imageProblem = RbdImageSpec.problem(rbd.image());
        if (null != imageProblem)
        {
            error(path + ".rbd.image", imageProblem);
        }
        else
        {
            // The same image twice in one target: two handles of one process would take the lock from each other.
            final String other = filePaths.putIfAbsent("rbd " + rbd.cephConf() + " " + rbd.image(), path);
            if (null != other)
            {
                error(path + ".rbd.image", "\"" + rbd.image() + "\" is the image of " + other + " too: export one " +
                    "backstore from several LUNs instead");
            }
        }
        clientFile(path + ".rbd.cephConf", rbd.cephConf(), true);
        clientFile(path + ".rbd.keyring", rbd.keyring(), false);
        if (null != backstore.path() && !backstore.path().isEmpty())
        {
            warning(path + ".path", "ignored: an rbd backstore's image is rbd.image");
        }
        if (backstore.sizeBytes() > 0)
        {
            warning(path + ".sizeBytes", "ignored: an rbd backstore has its image's size (rbd resize changes it)");
        }
    }

    /** A ceph.conf or keyring: an absolute path, readable when this machine is checked. */
    private void clientFile(final String path, final String file, final boolean required)
    {
        if (null == file || file.isEmpty())
        {
            if (required)
            {
                error(path, "required: the ceph.conf that names the cluster's monitors");
            }
            return;
        }
        final Path resolved;
        try
        {
            resolved = Path.of(file);
        }
        catch (final InvalidPathException ex)
        {
            error(path, "\"" + file + "\" is not a valid path");
            return;
        }
        if (!resolved.isAbsolute())
        {
            error(path, "\"" + file + "\" must be an absolute path");
        }
        else if (checkFiles && !Files.isReadable(resolved))
        {
            error(path, "\"" + file + "\" cannot be read");
        }
    }

    private void block(final String path, final BackstoreConfig backstore, final Map<Object, String> filePaths)
    {
        final Path device = absolutePath(path, backstore, filePaths);
        if (!backstore.directIo())
        {
            warning(path + ".directIo", "ignored: block backstores always use O_DIRECT");
        }
        if (null != device && checkFiles)
        {
            addAll(HostChecks.block(path, device));
        }
    }

    private void targets(final List<TargetConfig> targets, final Map<String, BackstoreConfig> backstores)
    {
        final Map<String, String> iqnPaths = new HashMap<>();
        final Map<String, String> exportedBy = new HashMap<>();
        for (int i = 0; i < targets.size(); i++)
        {
            final String path = "targets[" + i + "]";
            final TargetConfig target = targets.get(i);
            if (null == target)
            {
                error(path, "null is not a target");
                continue;
            }
            final String nameProblem = IscsiNames.problem(target.iqn());
            if (null != nameProblem)
            {
                error(path + ".iqn", nameProblem);
            }
            else
            {
                final String other = iqnPaths.putIfAbsent(target.iqn().toLowerCase(Locale.ROOT), path);
                if (null != other)
                {
                    error(path + ".iqn", "duplicate target \"" + target.iqn() + "\" (also " + other + ")");
                }
            }
            if (null == target.tpgs())
            {
                error(path + ".tpgs", "required (an array)");
                continue;
            }
            if (target.tpgs().isEmpty())
            {
                warning(path + ".tpgs", "no TPG: the target cannot be reached");
            }
            final Map<Integer, String> tags = new HashMap<>();
            final Map<String, String> portals = new HashMap<>();
            for (int j = 0; j < target.tpgs().size(); j++)
            {
                tpg(path + ".tpgs[" + j + "]", target.tpgs().get(j), tags, portals, backstores);
            }
            writeProtectionAgrees(path, target);
            oneTargetPerBackstore(path, target, exportedBy);
        }
    }

    /**
     * A backstore is one logical unit, with one set of persistent reservations (saved under its serial), unit
     * attentions and ALUA ports: it is exported by one target, through any number of that target's TPGs.
     */
    private void oneTargetPerBackstore(final String path, final TargetConfig target, final Map<String, String> exportedBy)
    {
        for (int j = 0; j < target.tpgs().size(); j++)
        {
            final TpgConfig tpg = target.tpgs().get(j);
            if (null == tpg || !tpg.enabled() || null == tpg.luns())
            {
                continue;
            }
            for (int k = 0; k < tpg.luns().size(); k++)
            {
                final LunConfig lun = tpg.luns().get(k);
                if (null == lun || null == lun.backstore())
                {
                    continue;
                }
                final String other = exportedBy.putIfAbsent(lun.backstore(), target.iqn());
                if (null != other && !other.equals(target.iqn()))
                {
                    error(path + ".tpgs[" + j + "].luns[" + k + "].backstore", "backstore \"" + lun.backstore() +
                        "\" is exported by target " + other + " already: a backstore is one logical unit (one set " +
                        "of persistent reservations), exported by one target through any number of its TPGs");
                }
            }
        }
    }

    /**
     * A backstore mapped in several enabled TPGs of a target is one logical unit reached through all of them, and
     * write protection belongs to the logical unit (SPC-4 7.5.7, the WP bit): its LUNs must agree on readOnly.
     */
    private void writeProtectionAgrees(final String path, final TargetConfig target)
    {
        final Map<String, String> readOnlyAt = new HashMap<>();
        final Map<String, String> writableAt = new HashMap<>();
        for (int j = 0; j < target.tpgs().size(); j++)
        {
            final TpgConfig tpg = target.tpgs().get(j);
            if (null == tpg || !tpg.enabled() || null == tpg.luns())
            {
                continue;
            }
            for (int k = 0; k < tpg.luns().size(); k++)
            {
                final LunConfig lun = tpg.luns().get(k);
                if (null == lun || null == lun.backstore())
                {
                    continue;
                }
                final String at = path + ".tpgs[" + j + "].luns[" + k + "]";
                (lun.readOnly() ? readOnlyAt : writableAt).putIfAbsent(lun.backstore(), at);
                final String other = (lun.readOnly() ? writableAt : readOnlyAt).get(lun.backstore());
                if (null != other)
                {
                    error(at + ".readOnly", "backstore \"" + lun.backstore() + "\" is " +
                        (lun.readOnly() ? "read-only" : "writable") + " here and " +
                        (lun.readOnly() ? "writable" : "read-only") + " at " + other + ": it is one logical unit " +
                        "through every TPG of the target, so its LUNs must agree");
                }
            }
        }
    }

    private void tpg(
        final String path,
        final TpgConfig tpg,
        final Map<Integer, String> tags,
        final Map<String, String> targetPortals,
        final Map<String, BackstoreConfig> backstores)
    {
        if (null == tpg)
        {
            error(path, "null is not a TPG");
            return;
        }
        final String other = tags.putIfAbsent(tpg.tag(), path);
        if (null != other)
        {
            error(path + ".tag", "duplicate TPG tag " + tpg.tag() + " (also " + other + ")");
        }
        final boolean chap = ConfigDefaults.AUTH_CHAP.equals(tpg.authentication());
        if (chap && tpg.generateNodeAcls())
        {
            error(path + ".generateNodeAcls", "cannot be true with authentication \"chap\": CHAP credentials are " +
                "per ACL, and generateNodeAcls admits initiators that have none");
        }
        if (null == tpg.portals())
        {
            error(path + ".portals", "required (an array)");
        }
        else
        {
            portals(path, tpg, targetPortals);
        }
        if (null == tpg.luns())
        {
            error(path + ".luns", "required (an array)");
        }
        else
        {
            luns(path, tpg.luns(), backstores);
        }
        if (null == tpg.acls())
        {
            error(path + ".acls", "required (an array)");
        }
        else
        {
            acls(path, tpg, chap);
        }
        nopIn(path, tpg);
        parameters(path, tpg.parametersOrNone());
    }

    /**
     * RFC 7143 13.14: FirstBurstLength must not exceed MaxBurstLength. Where one of them is the engine's, the login
     * offers the lower of the two (see TargetLimits#with), so only two the TPG sets itself can disagree.
     */
    private void parameters(final String path, final TpgParametersConfig parameters)
    {
        if (null != parameters.firstBurstLength() && null != parameters.maxBurstLength() &&
            parameters.firstBurstLength() > parameters.maxBurstLength())
        {
            error(path + ".parameters.FirstBurstLength", "at most MaxBurstLength (" + parameters.maxBurstLength() +
                "), RFC 7143 13.14");
        }
    }

    /** The rule of engine.nopInTimeoutSeconds, for a TPG that sets its own interval or timeout. */
    private void nopIn(final String path, final TpgConfig tpg)
    {
        if (null == engine || (null == tpg.nopInIntervalSeconds() && null == tpg.nopInTimeoutSeconds()))
        {
            return;   // the engine's settings, checked in engine()
        }
        if (tpg.nopInTimeoutSeconds(engine) < 1 && tpg.nopInIntervalSeconds(engine) > 0)
        {
            error(path + ".nopInTimeoutSeconds", "at least 1 while NOP-In pings are on" +
                (null == tpg.nopInTimeoutSeconds() ? " (the engine's is " + engine.nopInTimeoutSeconds() + ")" : ""));
        }
    }

    private void portals(final String path, final TpgConfig tpg, final Map<String, String> targetPortals)
    {
        if (tpg.portals().isEmpty() && tpg.enabled())
        {
            warning(path + ".portals", "no portal: this TPG cannot be reached");
        }
        // Per port: the first wildcard portal of each family, and the first specific one of each family.
        final Map<Integer, String> ipv4WildcardPorts = new HashMap<>();
        final Map<Integer, String> ipv6WildcardPorts = new HashMap<>();
        final Map<Integer, String> ipv4SpecificPorts = new HashMap<>();
        final Map<Integer, String> ipv6SpecificPorts = new HashMap<>();
        for (int k = 0; k < tpg.portals().size(); k++)
        {
            final String portalPath = path + ".portals[" + k + "]";
            final PortalConfig portal = tpg.portals().get(k);
            if (null == portal)
            {
                error(portalPath, "null is not a portal");
                continue;
            }
            boolean valid = true;
            final String ipProblem = IpLiterals.problem(portal.ip());
            if (null != ipProblem)
            {
                error(portalPath + ".ip", ipProblem);
                valid = false;
            }
            else if (IpLiterals.isLinkLocal(portal.ip()))
            {
                // A link-local address names an interface only with a zone (fe80::1%eth0), which a TargetAddress
                // cannot carry to the initiator (RFC 7143 13.8); SCST leaves such addresses out too.
                error(portalPath + ".ip", "link-local IPv6 portals are not supported: \"" + portal.ip() + "\" (use " +
                    "a global or unique-local address, or :: for every address)");
                valid = false;
            }
            if (!valid || schemaPaths.contains(portalPath + ".port"))
            {
                continue;
            }
            final String ip = IpLiterals.canonical(portal.ip());
            final String key = ip + "|" + portal.port();
            // RFC 7143 4.4.1 (portal groups): a network portal belongs to exactly one portal group of a node.
            final String other = targetPortals.putIfAbsent(key, portalPath);
            if (null != other)
            {
                error(portalPath, "duplicate portal " + PortalAddresses.hostPort(ip, portal.port()) + " (also " + other + ")");
                continue;
            }
            final boolean wildcard = IpLiterals.isWildcard(ip);
            final boolean ipv6 = IpLiterals.isIpv6(ip);
            (wildcard ? (ipv6 ? ipv6WildcardPorts : ipv4WildcardPorts) : (ipv6 ? ipv6SpecificPorts : ipv4SpecificPorts))
                .putIfAbsent(portal.port(), portalPath);
            if (checkFiles && !wildcard)
            {
                addAll(HostChecks.portalAddress(portalPath, ip));
            }
        }
        // A wildcard overlaps the specific portals of its family at its port. (:: also takes IPv4 connections, but
        // with SO_REUSEPORT Linux binds it beside 0.0.0.0 and IPv4 addresses; every such socket is ours and serves.)
        overlaps(ipv4WildcardPorts, ipv4SpecificPorts);
        overlaps(ipv6WildcardPorts, ipv6SpecificPorts);
    }

    private void overlaps(final Map<Integer, String> wildcards, final Map<Integer, String> others)
    {
        for (final Map.Entry<Integer, String> wildcard : wildcards.entrySet())
        {
            final String other = others.get(wildcard.getKey());
            if (null != other)
            {
                warning(other, "the wildcard portal " + wildcard.getValue() + " already listens on every " +
                    "address at port " + wildcard.getKey() + "; listing both cannot bind");
            }
        }
    }

    private void luns(final String path, final List<LunConfig> luns, final Map<String, BackstoreConfig> backstores)
    {
        final Map<Integer, String> numbers = new HashMap<>();
        boolean lunZero = false;
        for (int k = 0; k < luns.size(); k++)
        {
            final String lunPath = path + ".luns[" + k + "]";
            final LunConfig lun = luns.get(k);
            if (null == lun)
            {
                error(lunPath, "null is not a LUN");
                continue;
            }
            lunZero |= lun.lun() == 0;
            final String other = numbers.putIfAbsent(lun.lun(), lunPath);
            if (null != other)
            {
                error(lunPath + ".lun", "duplicate LUN " + lun.lun() + " (also " + other + ")");
            }
            if (null == lun.backstore() || lun.backstore().isEmpty())
            {
                error(lunPath + ".backstore", "required: the name of a backstore");
            }
            else if (!backstores.containsKey(lun.backstore()))
            {
                error(lunPath + ".backstore", "no backstore named \"" + lun.backstore() + "\"");
            }
        }
        if (!luns.isEmpty() && !lunZero)
        {
            // SPC-4 / SAM-5: initiators send REPORT LUNS to LUN 0; Linux scans from LUN 0.
            warning(path + ".luns", "no LUN 0: some initiators look for LUN 0 first and see nothing else");
        }
    }

    private void acls(final String path, final TpgConfig tpg, final boolean chap)
    {
        if (tpg.acls().isEmpty() && !tpg.generateNodeAcls() && tpg.enabled())
        {
            warning(path + ".acls", "no ACL and generateNodeAcls is false: no initiator can log in");
        }
        final Map<String, String> initiators = new HashMap<>();
        for (int k = 0; k < tpg.acls().size(); k++)
        {
            final String aclPath = path + ".acls[" + k + "]";
            final AclConfig acl = tpg.acls().get(k);
            if (null == acl)
            {
                error(aclPath, "null is not an ACL");
                continue;
            }
            final String nameProblem = IscsiNames.problem(acl.initiatorIqn());
            if (null != nameProblem)
            {
                error(aclPath + ".initiatorIqn", nameProblem);
            }
            else
            {
                final String other = initiators.putIfAbsent(acl.initiatorIqn().toLowerCase(Locale.ROOT), aclPath);
                if (null != other)
                {
                    error(aclPath + ".initiatorIqn", "duplicate ACL for \"" + acl.initiatorIqn() + "\" (also " + other + ")");
                }
            }
            if (null == acl.chap())
            {
                if (chap)
                {
                    error(aclPath + ".chap", "required: the TPG's authentication is \"chap\"");
                }
            }
            else
            {
                chap(aclPath + ".chap", acl.chap());
                if (!chap)
                {
                    warning(aclPath + ".chap", "not required while the TPG's authentication is \"none\" " +
                        "(set it to \"chap\" to require it)");
                }
            }
        }
    }

    private void discoveryAuth(final DiscoveryAuthConfig discoveryAuth)
    {
        if (null == discoveryAuth)
        {
            error("discoveryAuth", "required ({} for none)");
            return;
        }
        final String authentication = discoveryAuth.authentication();
        if (null == discoveryAuth.chap())
        {
            if (ConfigDefaults.AUTH_CHAP.equals(authentication))
            {
                error("discoveryAuth.chap", "required: discovery authentication is \"chap\"");
            }
        }
        else
        {
            chap("discoveryAuth.chap", discoveryAuth.chap());
            if (ConfigDefaults.AUTH_NONE.equals(authentication))
            {
                warning("discoveryAuth.chap", "not required while discovery authentication is \"none\"");
            }
        }
    }

    private void chap(final String path, final ChapConfig chap)
    {
        chapName(path + ".userid", chap.userid());
        chapSecret(path + ".password", chap.password());
        final boolean mutualUser = null != chap.mutualUserid() && !chap.mutualUserid().isEmpty();
        final boolean mutualPassword = null != chap.mutualPassword() && !chap.mutualPassword().isEmpty();
        if (mutualUser != mutualPassword)
        {
            error(path + (mutualUser ? ".mutualPassword" : ".mutualUserid"),
                "mutual CHAP needs both mutualUserid and mutualPassword");
        }
        if (mutualUser)
        {
            chapName(path + ".mutualUserid", chap.mutualUserid());
        }
        if (mutualPassword)
        {
            chapSecret(path + ".mutualPassword", chap.mutualPassword());
            if (chap.mutualPassword().equals(chap.password()))
            {
                error(path + ".mutualPassword", "must differ from password (RFC 7143 9.2.1: a secret that " +
                    "authenticates initiators must not authenticate targets)");
            }
        }
    }

    private void chapName(final String path, final String name)
    {
        if (null == name || name.isEmpty())
        {
            error(path, "required");
        }
        else if (name.length() > MAX_CHAP_TEXT || hasControlCharacters(name))
        {
            error(path, "at most " + MAX_CHAP_TEXT + " characters, without control characters");
        }
    }

    private void chapSecret(final String path, final String secret)
    {
        if (null == secret || secret.isEmpty())
        {
            error(path, "required");
        }
        else if (secret.length() < MIN_CHAP_SECRET)
        {
            error(path, "at least " + MIN_CHAP_SECRET + " characters (RFC 7143 9.2.1: a CHAP secret of less " +
                "than 96 bits needs IPsec, which ringtarget does not provide)");
        }
        else if (secret.length() > MAX_CHAP_TEXT || hasControlCharacters(secret))
        {
            error(path, "at most " + MAX_CHAP_TEXT + " characters, without control characters");
        }
        else if (secret.length() > MAX_PORTABLE_CHAP_SECRET)
        {
            warning(path, "longer than " + MAX_PORTABLE_CHAP_SECRET + " characters: some initiators (e.g. " +
                "Microsoft's) refuse such secrets");
        }
    }

    /** RFC 7143 9.2.1: no secret that authenticates an initiator may also authenticate a target. */
    private void secretsNotShared(final RingtargetConfig config)
    {
        final Map<String, String> initiatorSecrets = new HashMap<>();
        final Map<String, String> targetSecrets = new HashMap<>();
        collectSecrets("discoveryAuth.chap", null == config.discoveryAuth() ? null : config.discoveryAuth().chap(),
            initiatorSecrets, targetSecrets);
        final List<TargetConfig> targets = Objects.requireNonNullElse(config.targets(), List.of());
        for (int i = 0; i < targets.size(); i++)
        {
            final TargetConfig target = targets.get(i);
            if (null == target || null == target.tpgs())
            {
                continue;
            }
            for (int j = 0; j < target.tpgs().size(); j++)
            {
                final TpgConfig tpg = target.tpgs().get(j);
                if (null == tpg || null == tpg.acls())
                {
                    continue;
                }
                for (int k = 0; k < tpg.acls().size(); k++)
                {
                    final AclConfig acl = tpg.acls().get(k);
                    collectSecrets("targets[" + i + "].tpgs[" + j + "].acls[" + k + "].chap",
                        null == acl ? null : acl.chap(), initiatorSecrets, targetSecrets);
                }
            }
        }
        for (final Map.Entry<String, String> target : targetSecrets.entrySet())
        {
            final String initiator = initiatorSecrets.get(target.getKey());
            if (null != initiator && !initiator.startsWith(target.getValue().replace(".mutualPassword", ".")))
            {
                error(target.getValue(), "the same secret is " + initiator + " (RFC 7143 9.2.1: a secret that " +
                    "authenticates initiators must not authenticate targets)");
            }
        }
    }

    private static void collectSecrets(
        final String path, final ChapConfig chap, final Map<String, String> initiator, final Map<String, String> target)
    {
        if (null == chap)
        {
            return;
        }
        if (null != chap.password() && !chap.password().isEmpty())
        {
            initiator.putIfAbsent(chap.password(), path + ".password");
        }
        if (null != chap.mutualPassword() && !chap.mutualPassword().isEmpty())
        {
            target.putIfAbsent(chap.mutualPassword(), path + ".mutualPassword");
        }
    }

    private void engine(final EngineConfig engine)
    {
        if (null == engine)
        {
            error("engine", "required ({} for the defaults)");
            return;
        }
        if (engine.nopInTimeoutSeconds() < 1 && engine.nopInIntervalSeconds() > 0)
        {
            error("engine.nopInTimeoutSeconds", "at least 1 while NOP-In pings are on");
        }
        if (checkFiles && null != engine.tcpCongestionControl())
        {
            addAll(HostChecks.congestionControl("engine.tcpCongestionControl", engine.tcpCongestionControl()));
        }
    }

    /** Null: none (APTPL refused), which only a configuration built in code has; a file always names one. */
    private void stateDirectory(final String stateDirectory)
    {
        if (null == stateDirectory)
        {
            return;
        }
        if (stateDirectory.isBlank() || hasControlCharacters(stateDirectory) || !stateDirectory.startsWith("/"))
        {
            error("stateDirectory", "\"" + stateDirectory + "\" is not an absolute path (default " +
                ConfigDefaults.DEFAULT_STATE_DIRECTORY + ")");
            return;
        }
        final Path dir = Path.of(stateDirectory);
        if (checkFiles && Files.exists(dir) && !Files.isDirectory(dir))
        {
            error("stateDirectory", stateDirectory + " exists and is not a directory");
        }
    }

    private void metrics(final MetricsConfig metrics)
    {
        if (null != metrics && metrics.enabled())
        {
            try
            {
                MetricsConfig.address(metrics.listen());
            }
            catch (final IllegalArgumentException ex)
            {
                error("metrics.listen", ex.getMessage());
            }
        }
    }

    private static boolean hasControlCharacters(final String text)
    {
        for (int i = 0; i < text.length(); i++)
        {
            if (Character.isISOControl(text.charAt(i)))
            {
                return true;
            }
        }
        return false;
    }
}
