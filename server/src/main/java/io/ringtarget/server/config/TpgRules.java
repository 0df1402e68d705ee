package io.ringtarget.server.config;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The rules for one TPG that the schema cannot express ({@link ConfigValidator}): a unique tag; CHAP settings that can
 * admit someone; portals (valid, not link-local, each in one TPG of the target, wildcards overlapping specific ones);
 * LUNs (unique numbers, existing backstores, a LUN 0); ACLs (initiator names, CHAP, mapped LUNs that exist, none shown
 * twice); NOP-In settings and operational parameters that agree.
 */
final class TpgRules
{
    private static final int MAX_LUN = ConfigValidator.MAX_LUN;

    private final ConfigProblems problems;
    private final ChapRules chapRules;
    private final boolean checkFiles;

    TpgRules(final ConfigProblems problems, final ChapRules chapRules, final boolean checkFiles)
    {
        this.problems = problems;
        this.chapRules = chapRules;
        this.checkFiles = checkFiles;
    }

    private void error(final String path, final String message)
    {
        problems.error(path, message);
    }

    private void warning(final String path, final String message)
    {
        problems.warning(path, message);
    }

    /**
     * @param tags          the tags of the target's TPGs seen so far, each with its path.
     * @param targetPortals the portals of the target's TPGs seen so far ("ip|port"), each with its path.
     * @param backstores    the configuration's backstores by name.
     * @param engine        the engine section, whose NOP-In settings a TPG without its own takes (null: missing).
     */
    void tpg(
        final String path,
        final TpgConfig tpg,
        final Map<Integer, String> tags,
        final Map<String, String> targetPortals,
        final Map<String, BackstoreConfig> backstores,
        final EngineConfig engine)
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
            aclNopIn(path, tpg, engine);
        }
        nopIn(path, tpg, engine);
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

    /** The same rule for an ACL that sets its own interval or timeout, with the TPG's (or engine's) for the other. */
    private void aclNopIn(final String path, final TpgConfig tpg, final EngineConfig engine)
    {
        for (int k = 0; null != engine && k < tpg.acls().size(); k++)
        {
            final AclConfig acl = tpg.acls().get(k);
            if (null == acl || (null == acl.nopInIntervalSeconds() && null == acl.nopInTimeoutSeconds()))
            {
                continue;
            }
            if (acl.nopInTimeoutSeconds(tpg, engine) < 1 && acl.nopInIntervalSeconds(tpg, engine) > 0)
            {
                error(path + ".acls[" + k + "].nopInTimeoutSeconds", "at least 1 while NOP-In pings are on" +
                    (null == acl.nopInTimeoutSeconds() ? " (the TPG's is " + tpg.nopInTimeoutSeconds(engine) + ")" :
                    ""));
            }
        }
    }

    /** The rule of engine.nopInTimeoutSeconds, for a TPG that sets its own interval or timeout. */
    private void nopIn(final String path, final TpgConfig tpg, final EngineConfig engine)
    {
        if (null == engine || (null == tpg.nopInIntervalSeconds() && null == tpg.nopInTimeoutSeconds()))
        {
            return;   // the engine's settings, checked by ConfigValidator
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
                error(portalPath, "duplicate portal " + PortalAddresses.hostPort(ip, portal.port()) + " (also " +
                    other + ")");
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
                    error(aclPath + ".initiatorIqn", "duplicate ACL for \"" + acl.initiatorIqn() + "\" (also " +
                        other + ")");
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
}
