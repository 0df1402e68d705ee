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
    private final boolean checkFiles;
    private final ConfigProblems problems;
    private final BackstoreRules backstoreRules;
    private final ChapRules chapRules;
    private final TpgRules tpgRules;
    /** The engine section, whose NOP-In settings TPGs without their own take (null when missing). */
    private EngineConfig engine;

    private ConfigValidator(final boolean checkFiles, final Set<String> schemaPaths)
    {
        this.checkFiles = checkFiles;
        this.problems = new ConfigProblems(schemaPaths);
        this.backstoreRules = new BackstoreRules(problems, checkFiles);
        this.chapRules = new ChapRules(problems);
        this.tpgRules = new TpgRules(problems, chapRules, checkFiles);
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
                tpgRules.tpg(path + ".tpgs[" + j + "]", target.tpgs().get(j), tags, portals, backstores, engine);
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

    /** The largest LUN number of SAM-5 flat space addressing (the schema's limit for a LUN). */
    static final int MAX_LUN = 16383;

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
