package io.ringtarget.server.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

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
    private final boolean checkFiles;
    private final ConfigProblems problems;
    private final BackstoreRules backstoreRules;
    private final ChapRules chapRules;
    /** The engine section, whose NOP-In settings TPGs without their own take (null when missing). */
    private EngineConfig engine;

    private ConfigValidator(final boolean checkFiles, final Set<String> schemaPaths)
    {
        this.checkFiles = checkFiles;
        this.problems = new ConfigProblems(schemaPaths);
        this.backstoreRules = new BackstoreRules(problems, checkFiles);
        this.chapRules = new ChapRules(problems);
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
        all.addAll(validator.problems.found());
        return JsonPaths.named(tree, all);
    }

    private void error(final String path, final String message)
    {
        problems.error(path, message);
    }

    private void warning(final String path, final String message)
    {
        problems.warning(path, message);
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
            backstoreRules.backstores(config.backstores(), backstoresByName);
        }
        if (null == config.targets())
        {
            error("targets", "required (an array, [] for none)");
        }
        else
        {
            targets(config.targets(), backstoresByName);
        }
        chapRules.discoveryAuth(config.discoveryAuth());
        engine(config.engine());
        metrics(config.metrics());
        stateDirectory(config.stateDirectory());
        chapRules.secretsNotShared(config);
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
        if (chap && tpg.generateNodeAcls() && null == tpg.chap())
        {
            error(path + ".generateNodeAcls", "cannot be true with authentication \"chap\" without the TPG's own " +
                "chap credentials: generateNodeAcls admits initiators without an ACL, and so without credentials " +
                "(ringtarget iscsi tpg set-auth gives the TPG some)");
        }
        if (null != tpg.chap())
        {
            chapRules.chap(path + ".chap", tpg.chap());
            if (!tpg.generateNodeAcls())
            {
                warning(path + ".chap", "used only for initiators admitted without an ACL, and generateNodeAcls is " +
                    "false (an ACL's initiator uses its ACL's credentials)");
            }
            else if (!chap)
            {
                warning(path + ".chap", "not required while the TPG's authentication is \"none\" (set it to \"chap\" " +
                    "to require it)");
            }
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
            if (!valid || problems.schemaFound(portalPath + ".port"))
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
                problems.addAll(HostChecks.portalAddress(portalPath, ip));
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
                chapRules.chap(aclPath + ".chap", acl.chap());
                if (!chap)
                {
                    warning(aclPath + ".chap", "not required while the TPG's authentication is \"none\" " +
                        "(set it to \"chap\" to require it)");
                }
            }
            mappedLuns(aclPath + ".mappedLuns", tpg, acl.mappedLuns());
        }
    }

    /** The largest LUN number of SAM-5 flat space addressing (the schema's limit for a LUN). */
    static final int MAX_LUN = 16383;

    /**
     * An ACL's mapped LUNs show LUNs of its TPG (null: all of them), each under a number of its own. The schema refuses
     * a number outside 0..16383.
     */
    private void mappedLuns(final String path, final TpgConfig tpg, final List<MappedLunConfig> mappedLuns)
    {
        if (null == mappedLuns || null == tpg.luns())
        {
            return;
        }
        final Map<Integer, Integer> shownAs = new HashMap<>();
        final Map<Integer, Integer> tpgLunAt = new HashMap<>();
        for (int i = 0; i < mappedLuns.size(); i++)
        {
            final MappedLunConfig m = mappedLuns.get(i);
            if (null == m || m.lun() < 0 || m.lun() > MAX_LUN || m.tpgLunOrLun() < 0 || m.tpgLunOrLun() > MAX_LUN)
            {
                continue;   // the schema's error
            }
            final String at = path + "[" + i + "]";
            if (tpg.luns().stream().noneMatch(l -> null != l && l.lun() == m.tpgLunOrLun()))
            {
                error(null == m.tpgLun() ? at : at + ".tpgLun", m.tpgLunOrLun() + " is not a LUN of TPG " + tpg.tag() +
                    " (LUNs: " + (tpg.luns().isEmpty() ? "none" : tpg.luns().stream().filter(Objects::nonNull)
                    .map(l -> String.valueOf(l.lun())).collect(Collectors.joining(", "))) + ")");
            }
            final Integer before = shownAs.putIfAbsent(m.lun(), i);
            if (null != before)
            {
                error(at + ".lun", "LUN " + m.lun() + " is mapped twice (also by mappedLuns[" + before + "])");
            }
            final Integer sameTpgLun = tpgLunAt.putIfAbsent(m.tpgLunOrLun(), i);
            if (null != sameTpgLun)
            {
                warning(at, "the TPG's LUN " + m.tpgLunOrLun() + " is shown a second time (also by mappedLuns[" +
                    sameTpgLun + "]): the initiator sees one logical unit as two disks");
            }
        }
        if (!mappedLuns.isEmpty() && !shownAs.containsKey(0))
        {
            // Some initiators probe LUN 0 first; a mapping can show any LUN of the TPG as 0.
            warning(path, "no LUN 0 among them: some initiators look for LUN 0 first and see nothing else (map one " +
                "as 0: {\"lun\": 0, \"tpgLun\": N})");
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
            problems.addAll(HostChecks.congestionControl("engine.tcpCongestionControl", engine.tcpCongestionControl()));
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
        if (null == metrics)
        {
            return;
        }
        PortalConfig address = null;
        if (metrics.enabled())
        {
            try
            {
                address = MetricsConfig.address(metrics.listen());
            }
            catch (final IllegalArgumentException ex)
            {
                error("metrics.listen", ex.getMessage());
            }
        }
        final MetricsTlsConfig tls = metrics.tls();
        if (null != tls)
        {
            final boolean certificate = absolutePath("metrics.tls.certificate", tls.certificate());
            final boolean key = absolutePath("metrics.tls.key", tls.key());
            if (certificate && key && checkFiles && metrics.enabled())
            {
                try
                {
                    MetricsTls.context(tls);
                }
                catch (final IllegalArgumentException ex)
                {
                    error("metrics.tls", ex.getMessage());
                }
            }
        }
        final MetricsBasicAuthConfig auth = metrics.basicAuth();
        if (null != auth)
        {
            if (null == auth.username() || auth.username().isEmpty() || auth.username().contains(":") ||
                hasControlCharacters(auth.username()))
            {
                error("metrics.basicAuth.username", "required: a user name without ':' or control characters " +
                    "(RFC 7617)");
            }
            // The schema checks a hash's form (its pattern is BcryptHash's).
            if ((null == auth.password()) == (null == auth.passwordHash()))
            {
                error("metrics.basicAuth", "one of \"password\" or \"passwordHash\" (a bcrypt hash of the " +
                    "password: ringtarget metrics hash-password makes one), not both");
            }
            else if (null != auth.password() && (auth.password().length() < ChapRules.MIN_CHAP_SECRET ||
                hasControlCharacters(auth.password())))
            {
                error("metrics.basicAuth.password", "at least " + ChapRules.MIN_CHAP_SECRET +
                    " characters, without control characters");
            }
            else if (null == tls && null != address && !IpLiterals.isLoopback(address.ip()))
            {
                warning("metrics.basicAuth", "the password crosses the network in the clear without \"tls\": " +
                    "anyone on the path can read it and scrape with it");
            }
        }
    }

    /** A path the field must hold: present and absolute. */
    private boolean absolutePath(final String path, final String value)
    {
        if (null == value || value.isBlank() || !Path.of(value).isAbsolute() || hasControlCharacters(value))
        {
            error(path, "required: an absolute path");
            return false;
        }
        return true;
    }

    /** Whether the text has a control character (a name, secret or path that cannot be what was meant). */
    static boolean hasControlCharacters(final String text)
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
