package io.ringtarget.server.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The edits of the targetcli-like object tree, as pure functions from one immutable configuration to the next.
 * Each refuses an edit that cannot be made (a name that exists already, an object that does not exist) with an
 * {@link IllegalArgumentException} whose message is meant for the administrator. The result is not validated here:
 * the caller runs {@link ConfigValidator} on it before saving.
 */
public final class ConfigEditor
{
    private ConfigEditor()
    {
    }

    /** Adds a backstore; its name must be new. */
    public static RingtargetConfig addBackstore(final RingtargetConfig config, final BackstoreConfig backstore)
    {
        if (null != findBackstore(config, backstore.name()))
        {
            throw new IllegalArgumentException("a backstore named \"" + backstore.name() + "\" exists already");
        }
        return config.withBackstores(append(config.backstores(), backstore));
    }

    /** Deletes a backstore that no LUN uses. */
    public static RingtargetConfig deleteBackstore(final RingtargetConfig config, final String name)
    {
        return deleteBackstore(config, name, false);
    }

    /**
     * Deletes a backstore; with {@code force}, the LUNs that export it are deleted first (their initiators see them
     * go: REPORTED LUNS DATA HAS CHANGED), otherwise a backstore in use is refused, naming its LUNs.
     */
    public static RingtargetConfig deleteBackstore(final RingtargetConfig config, final String name, final boolean force)
    {
        final BackstoreConfig backstore = backstore(config, name);
        final List<String> users = lunsUsing(config, backstore.name());
        if (!users.isEmpty() && !force)
        {
            throw new IllegalArgumentException("backstore \"" + name + "\" is used by " + String.join(", ", users) +
                "; delete " + (users.size() == 1 ? "that LUN" : "those LUNs") + " first (or give --force, which does)");
        }
        final List<TargetConfig> targets = new ArrayList<>();
        for (final TargetConfig target : config.targets())
        {
            final List<TpgConfig> tpgs = new ArrayList<>();
            for (final TpgConfig tpg : target.tpgs())
            {
                tpgs.add(withoutLuns(tpg, l -> l.backstore().equals(backstore.name())));
            }
            targets.add(new TargetConfig(target.iqn(), target.alias(), List.copyOf(tpgs)));
        }
        final List<BackstoreConfig> backstores = new ArrayList<>(config.backstores());
        backstores.remove(backstore);
        return config.withBackstores(List.copyOf(backstores)).withTargets(List.copyOf(targets));
    }

    /**
     * Gives a {@code fileio} or {@code ram} backstore another size: a file grows (sparse: {@code grow} is set so that
     * a target starting on the file extends it), a ram disk gets that size when its target starts. Shrinking is refused:
     * an initiator may have data past the new end. A {@code block} backstore has its device's size, an {@code rbd}
     * backstore its image's.
     *
     * @param currentBytes the size served or on disk now (a file's own size when the configuration says 0).
     */
    public static RingtargetConfig resizeBackstore(
        final RingtargetConfig config, final String name, final long sizeBytes, final long currentBytes)
    {
        final BackstoreConfig b = backstore(config, name);
        if (ConfigDefaults.TYPE_BLOCK.equals(b.type()))
        {
            throw new IllegalArgumentException("backstore \"" + name + "\" is a block device: it has the device's size " +
                "(grow the device, e.g. lvextend, then run \"ringtarget backstores resize " + name + "\" without a size)");
        }
        if (ConfigDefaults.TYPE_RBD.equals(b.type()))
        {
            // The image's size is Ceph's: every gateway of the image notices an `rbd resize` through its update watch.
            throw new IllegalArgumentException("backstore \"" + name + "\" is an RBD image: it has the image's size " +
                "(grow it with \"rbd resize\"; the running target notices and tells its initiators)");
        }
        if (sizeBytes < currentBytes)
        {
            throw new IllegalArgumentException("backstore \"" + name + "\" is " + Sizes.format(currentBytes) +
                ": shrinking it to " + Sizes.format(sizeBytes) + " is refused (an initiator may have data past the new " +
                "end; create a smaller backstore and copy instead)");
        }
        final BackstoreConfig resized = new BackstoreConfig(b.name(), b.type(), b.path(), sizeBytes, b.blockSize(),
            b.directIo(), b.writeCache(), b.serial(), b.wwn(), ConfigDefaults.TYPE_FILEIO.equals(b.type()) || b.grow(),
            b.rbd(), b.softThresholdPercent(), b.availableThresholdPercent(), b.hugePages());
        final List<BackstoreConfig> backstores = new ArrayList<>(config.backstores());
        backstores.set(backstores.indexOf(b), resized);
        return config.withBackstores(List.copyOf(backstores));
    }

    /** Where a backstore is used, as {@code IQN tpg N LUN M} strings; empty when it is not used. */
    public static List<String> lunsUsing(final RingtargetConfig config, final String backstoreName)
    {
        final List<String> users = new ArrayList<>();
        for (final TargetConfig target : config.targets())
        {
            for (final TpgConfig tpg : target.tpgs())
            {
                for (final LunConfig lun : tpg.luns())
                {
                    if (backstoreName.equals(lun.backstore()))
                    {
                        users.add(target.iqn() + " tpg " + tpg.tag() + " LUN " + lun.lun());
                    }
                }
            }
        }
        return users;
    }

    /** Adds a target with TPG 1, enabled, without portals, LUNs or ACLs (targetcli's "iscsi create"). */
    public static RingtargetConfig addTarget(final RingtargetConfig config, final String iqn)
    {
        if (null != findTarget(config, iqn))
        {
            throw new IllegalArgumentException("target " + iqn + " exists already");
        }
        final TpgConfig tpg = new TpgConfig(ConfigDefaults.DEFAULT_TPG_TAG, true, List.of(), List.of(), List.of(), false,
            ConfigDefaults.AUTH_NONE);
        return config.withTargets(append(config.targets(), new TargetConfig(iqn, null, List.of(tpg))));
    }

    /** Deletes a target with all its TPGs (the backstores stay). */
    public static RingtargetConfig deleteTarget(final RingtargetConfig config, final String iqn)
    {
        final TargetConfig target = target(config, iqn);
        final List<TargetConfig> targets = new ArrayList<>(config.targets());
        targets.remove(target);
        return config.withTargets(List.copyOf(targets));
    }

    /** Adds a TPG to a target, enabled, empty. */
    public static RingtargetConfig addTpg(final RingtargetConfig config, final String iqn, final int tag)
    {
        final TargetConfig target = target(config, iqn);
        for (final TpgConfig tpg : target.tpgs())
        {
            if (tpg.tag() == tag)
            {
                throw new IllegalArgumentException("target " + target.iqn() + " has a TPG " + tag + " already");
            }
        }
        final TpgConfig tpg = new TpgConfig(tag, true, List.of(), List.of(), List.of(), false, ConfigDefaults.AUTH_NONE);
        return replaceTarget(config, target, new TargetConfig(target.iqn(), target.alias(), append(target.tpgs(), tpg)));
    }

    /** Deletes a TPG of a target. */
    public static RingtargetConfig deleteTpg(final RingtargetConfig config, final String iqn, final int tag)
    {
        final TargetConfig target = target(config, iqn);
        final TpgConfig tpg = tpg(target, tag);
        final List<TpgConfig> tpgs = new ArrayList<>(target.tpgs());
        tpgs.remove(tpg);
        return replaceTarget(config, target, new TargetConfig(target.iqn(), target.alias(), List.copyOf(tpgs)));
    }

    /** Adds a network portal to a TPG. */
    public static RingtargetConfig addPortal(
        final RingtargetConfig config, final String iqn, final int tag, final PortalConfig portal)
    {
        return editTpg(config, iqn, tag, tpg ->
        {
            if (indexOfPortal(tpg, portal) >= 0)
            {
                throw new IllegalArgumentException("portal " + portalName(portal) + " exists already in TPG " + tag);
            }
            return tpg.withPortals(append(tpg.portals(), portal));
        });
    }

    /** Deletes a network portal of a TPG. */
    public static RingtargetConfig deletePortal(
        final RingtargetConfig config, final String iqn, final int tag, final PortalConfig portal)
    {
        return editTpg(config, iqn, tag, tpg ->
        {
            final int index = indexOfPortal(tpg, portal);
            if (index < 0)
            {
                throw new IllegalArgumentException("TPG " + tag + " has no portal " + portalName(portal) +
                    " (portals: " + tpg.portals().stream().map(ConfigEditor::portalName).collect(Collectors.joining(", ")) + ")");
            }
            final List<PortalConfig> portals = new ArrayList<>(tpg.portals());
            portals.remove(index);
            return tpg.withPortals(portals);
        });
    }

    /**
     * Adds a LUN mapping a backstore.
     *
     * @param lun the LUN number, or null for the lowest free one.
     */
    public static RingtargetConfig addLun(
        final RingtargetConfig config, final String iqn, final int tag, final String backstoreName, final Integer lun,
        final boolean readOnly)
    {
        final BackstoreConfig backstore = backstore(config, backstoreName);
        return editTpg(config, iqn, tag, tpg ->
        {
            final int number = null == lun ? nextFreeLun(tpg) : lun;
            for (final LunConfig existing : tpg.luns())
            {
                if (existing.lun() == number)
                {
                    throw new IllegalArgumentException("LUN " + number + " exists already in TPG " + tag +
                        " (backstore \"" + existing.backstore() + "\")");
                }
            }
            return tpg.withLuns(append(tpg.luns(), new LunConfig(number, backstore.name(), readOnly)));
        });
    }

    /** The lowest LUN number not used in a TPG. */
    public static int nextFreeLun(final TpgConfig tpg)
    {
        int candidate = 0;
        boolean used = true;
        while (used)
        {
            used = false;
            for (final LunConfig lun : tpg.luns())
            {
                if (lun.lun() == candidate)
                {
                    used = true;
                    candidate++;
                    break;
                }
            }
        }
        return candidate;
    }

    /**
     * Deletes a LUN (the backstore stays), and its number from the mapped LUNs of the TPG's ACLs (as targetcli deletes
     * the mapped LUNs of a deleted LUN): a LUN created later under the same number is not shown to them.
     */
    public static RingtargetConfig deleteLun(final RingtargetConfig config, final String iqn, final int tag, final int lun)
    {
        return editTpg(config, iqn, tag, tpg ->
        {
            if (tpg.luns().stream().noneMatch(l -> l.lun() == lun))
            {
                throw new IllegalArgumentException("TPG " + tag + " has no LUN " + lun + lunList(tpg));
            }
            return withoutLuns(tpg, l -> l.lun() == lun);
        });
    }

    /** The TPG without the LUNs {@code gone} selects, their mappings taken out of its ACLs' mapped LUNs too. */
    private static TpgConfig withoutLuns(final TpgConfig tpg, final Predicate<LunConfig> gone)
    {
        final Set<Integer> numbers = tpg.luns().stream().filter(gone).map(LunConfig::lun).collect(Collectors.toSet());
        if (numbers.isEmpty())
        {
            return tpg;
        }
        final List<AclConfig> acls = new ArrayList<>();
        for (final AclConfig acl : tpg.acls())
        {
            acls.add(null == acl.mappedLuns() ? acl :
                acl.withMappedLuns(acl.mappedLuns().stream().filter(m -> !numbers.contains(m.tpgLunOrLun())).toList()));
        }
        return tpg.withLuns(tpg.luns().stream().filter(gone.negate()).toList()).withAcls(acls);
    }

    private static String lunList(final TpgConfig tpg)
    {
        return " (LUNs: " + (tpg.luns().isEmpty() ? "none" :
            tpg.luns().stream().map(l -> String.valueOf(l.lun())).collect(Collectors.joining(", "))) + ")";
    }

    /** Adds a node ACL. */
    public static RingtargetConfig addAcl(final RingtargetConfig config, final String iqn, final int tag, final AclConfig acl)
    {
        return editTpg(config, iqn, tag, tpg ->
        {
            if (null != findAcl(tpg, acl.initiatorIqn()))
            {
                throw new IllegalArgumentException("TPG " + tag + " has an ACL for " + acl.initiatorIqn() + " already");
            }
            checkMappedLuns(tpg, acl.mappedLuns());
            return tpg.withAcls(append(tpg.acls(), acl));
        });
    }

    /** Replaces the CHAP credentials of an existing node ACL (null removes them). */
    public static RingtargetConfig setAclChap(
        final RingtargetConfig config, final String iqn, final int tag, final String initiatorIqn, final ChapConfig chap)
    {
        return editTpg(config, iqn, tag, tpg ->
        {
            final AclConfig acl = acl(tpg, initiatorIqn);
            final List<AclConfig> acls = new ArrayList<>(tpg.acls());
            acls.set(acls.indexOf(acl), acl.withChap(chap));
            return tpg.withAcls(acls);
        });
    }

    /**
     * Sets the mapped LUNs of an existing node ACL: the LUNs of the TPG its initiator sees and under which numbers, or
     * null for every LUN of the TPG under its own number (also those added later).
     */
    public static RingtargetConfig setAclLuns(
        final RingtargetConfig config, final String iqn, final int tag, final String initiatorIqn,
        final List<MappedLunConfig> mappedLuns)
    {
        return editTpg(config, iqn, tag, tpg ->
        {
            final AclConfig acl = acl(tpg, initiatorIqn);
            checkMappedLuns(tpg, mappedLuns);
            final List<AclConfig> acls = new ArrayList<>(tpg.acls());
            acls.set(acls.indexOf(acl), acl.withMappedLuns(null == mappedLuns ? null : mappedLuns.stream()
                .sorted(Comparator.comparingInt(MappedLunConfig::lun)).toList()));
            return tpg.withAcls(acls);
        });
    }

    /** Sets (null: removes) a TPG's CHAP credentials for the initiators it admits without an ACL. */
    public static RingtargetConfig setTpgChap(
        final RingtargetConfig config, final String iqn, final int tag, final ChapConfig chap)
    {
        return editTpg(config, iqn, tag, tpg -> tpg.withChap(chap));
    }

    /** Makes an existing node ACL read-only (its initiator's writes fail with DATA PROTECT), or lets it write again. */
    public static RingtargetConfig setAclReadOnly(
        final RingtargetConfig config, final String iqn, final int tag, final String initiatorIqn,
        final boolean readOnly)
    {
        return editTpg(config, iqn, tag, tpg ->
        {
            final AclConfig acl = acl(tpg, initiatorIqn);
            final List<AclConfig> acls = new ArrayList<>(tpg.acls());
            acls.set(acls.indexOf(acl), acl.withReadOnly(readOnly));
            return tpg.withAcls(acls);
        });
    }

    /**
     * Sets the NOP-In interval and answer timeout of one initiator's sessions, in seconds: null leaves one as it is,
     * {@link #ENGINE_NOP_IN} makes it the TPG's again (left out of the file).
     */
    public static RingtargetConfig setAclNopIn(
        final RingtargetConfig config, final String iqn, final int tag, final String initiatorIqn,
        final Integer intervalSeconds, final Integer timeoutSeconds)
    {
        return editTpg(config, iqn, tag, tpg ->
        {
            final AclConfig acl = acl(tpg, initiatorIqn);
            final List<AclConfig> acls = new ArrayList<>(tpg.acls());
            acls.set(acls.indexOf(acl), acl.withNopIn(nopIn(intervalSeconds, acl.nopInIntervalSeconds()),
                nopIn(timeoutSeconds, acl.nopInTimeoutSeconds())));
            return tpg.withAcls(acls);
        });
    }

    private static void checkMappedLuns(final TpgConfig tpg, final List<MappedLunConfig> mappedLuns)
    {
        if (null == mappedLuns)
        {
            return;
        }
        for (final MappedLunConfig m : mappedLuns)
        {
            if (tpg.luns().stream().noneMatch(l -> l.lun() == m.tpgLunOrLun()))
            {
                throw new IllegalArgumentException(
                    "TPG " + tpg.tag() + " has no LUN " + m.tpgLunOrLun() + lunList(tpg));
            }
            if (m.lun() < 0 || m.lun() > ConfigValidator.MAX_LUN)
            {
                throw new IllegalArgumentException(
                    "LUN " + m.lun() + " is out of range (0.." + ConfigValidator.MAX_LUN + ")");
            }
        }
        if (mappedLuns.stream().map(MappedLunConfig::lun).distinct().count() != mappedLuns.size())
        {
            throw new IllegalArgumentException("LUN numbers repeat in " + mappedLuns);
        }
    }

    /** Deletes a node ACL. */
    public static RingtargetConfig deleteAcl(
        final RingtargetConfig config, final String iqn, final int tag, final String initiatorIqn)
    {
        return editTpg(config, iqn, tag, tpg ->
        {
            final List<AclConfig> acls = new ArrayList<>(tpg.acls());
            acls.remove(acl(tpg, initiatorIqn));
            return tpg.withAcls(acls);
        });
    }

    /**
     * Sets TPG attributes; a null argument leaves that attribute as it is.
     */
    public static RingtargetConfig setTpg(
        final RingtargetConfig config, final String iqn, final int tag, final String authentication,
        final Boolean generateNodeAcls, final Boolean enabled)
    {
        return editTpg(config, iqn, tag, tpg -> tpg.withAccess(
            null == enabled ? tpg.enabled() : enabled,
            null == generateNodeAcls ? tpg.generateNodeAcls() : generateNodeAcls,
            null == authentication ? tpg.authentication() : authentication));
    }

    /** For {@link #setTpgNopIn}: the TPG takes the engine's setting again (the field is left out of the file). */
    public static final int ENGINE_NOP_IN = -1;

    /**
     * Sets the NOP-In interval and answer timeout of a TPG's sessions, in seconds: null leaves one as it is,
     * {@link #ENGINE_NOP_IN} makes it the engine's again.
     */
    public static RingtargetConfig setTpgNopIn(
        final RingtargetConfig config, final String iqn, final int tag, final Integer intervalSeconds,
        final Integer timeoutSeconds)
    {
        return editTpg(config, iqn, tag, tpg -> tpg.withNopIn(
            nopIn(intervalSeconds, tpg.nopInIntervalSeconds()), nopIn(timeoutSeconds, tpg.nopInTimeoutSeconds())));
    }

    /**
     * Sets the ALUA state a TPG starts in and its PREF bit (a null argument leaves that one as it is). The states
     * are those of {@link AluaConfig}; validation refuses others.
     */
    public static RingtargetConfig setTpgAlua(
        final RingtargetConfig config, final String iqn, final int tag, final String state, final Boolean preferred)
    {
        return editTpg(config, iqn, tag, tpg ->
        {
            final AluaConfig now = tpg.aluaOrDefault();
            return tpg.withAlua(new AluaConfig(null == state ? now.state() : state,
                null == preferred ? now.preferred() : preferred));
        });
    }

    private static Integer nopIn(final Integer change, final Integer current)
    {
        if (null == change)
        {
            return current;
        }
        return change == ENGINE_NOP_IN ? null : change;
    }

    /** Sets the authentication of discovery sessions. */
    public static RingtargetConfig setDiscoveryAuth(final RingtargetConfig config, final DiscoveryAuthConfig discoveryAuth)
    {
        return config.withDiscoveryAuth(discoveryAuth);
    }

    /**
     * Sets the CHAP algorithms a TPG allows ({@link ConfigDefaults#DEFAULT_CHAP_ALGORITHMS}
     * names); an empty list takes the security section's again.
     */
    public static RingtargetConfig setTpgChapAlgorithms(
        final RingtargetConfig config, final String iqn, final int tag, final List<String> algorithms)
    {
        return editTpg(config, iqn, tag, tpg -> tpg.withChapAlgorithms(algorithms.isEmpty() ? null : algorithms));
    }

    /**
     * Sets operational keys a TPG offers its logins, by RFC name ("FirstBurstLength" to "16384", "ImmediateData" to
     * "No"); {@link TpgParametersConfig#DEFAULT} makes a key the engine's again. Validation checks the values.
     */
    public static RingtargetConfig setTpgParameters(
        final RingtargetConfig config, final String iqn, final int tag, final Map<String, String> changes)
    {
        return editTpg(config, iqn, tag, tpg -> tpg.withParameters(tpg.parametersOrNone().with(changes)));
    }

    /** The backstore of that name, or null. */
    public static BackstoreConfig findBackstore(final RingtargetConfig config, final String name)
    {
        for (final BackstoreConfig backstore : config.backstores())
        {
            if (backstore.name().equals(name))
            {
                return backstore;
            }
        }
        return null;
    }

    /** The target of that IQN (compared without case, as iSCSI names are), or null. */
    public static TargetConfig findTarget(final RingtargetConfig config, final String iqn)
    {
        for (final TargetConfig target : config.targets())
        {
            if (target.iqn().equalsIgnoreCase(iqn))
            {
                return target;
            }
        }
        return null;
    }

    /** The backstore of that name; refuses, naming the existing ones, when there is none. */
    public static BackstoreConfig backstore(final RingtargetConfig config, final String name)
    {
        final BackstoreConfig backstore = findBackstore(config, name);
        if (null == backstore)
        {
            throw new IllegalArgumentException("no backstore named \"" + name + "\"" + existing(
                config.backstores().stream().map(BackstoreConfig::name).toList(), "backstores"));
        }
        return backstore;
    }

    /** The target of that IQN; refuses, naming the existing ones, when there is none. */
    public static TargetConfig target(final RingtargetConfig config, final String iqn)
    {
        final TargetConfig target = findTarget(config, iqn);
        if (null == target)
        {
            throw new IllegalArgumentException("no target " + iqn + existing(
                config.targets().stream().map(TargetConfig::iqn).toList(), "targets"));
        }
        return target;
    }

    /** The TPG of that tag; refuses when there is none. */
    public static TpgConfig tpg(final TargetConfig target, final int tag)
    {
        for (final TpgConfig tpg : target.tpgs())
        {
            if (tpg.tag() == tag)
            {
                return tpg;
            }
        }
        throw new IllegalArgumentException("target " + target.iqn() + " has no TPG " + tag + existing(
            target.tpgs().stream().map(t -> String.valueOf(t.tag())).toList(), "TPGs"));
    }

    private static AclConfig findAcl(final TpgConfig tpg, final String initiatorIqn)
    {
        for (final AclConfig acl : tpg.acls())
        {
            if (acl.initiatorIqn().equalsIgnoreCase(initiatorIqn))
            {
                return acl;
            }
        }
        return null;
    }

    /** The node ACL of an initiator (names compare without case); refuses one the TPG does not have. */
    public static AclConfig acl(final TpgConfig tpg, final String initiatorIqn)
    {
        final AclConfig acl = findAcl(tpg, initiatorIqn);
        if (null == acl)
        {
            throw new IllegalArgumentException("TPG " + tpg.tag() + " has no ACL for " + initiatorIqn + existing(
                tpg.acls().stream().map(AclConfig::initiatorIqn).toList(), "ACLs"));
        }
        return acl;
    }

    private static int indexOfPortal(final TpgConfig tpg, final PortalConfig portal)
    {
        final String ip = IpLiterals.canonical(portal.ip());
        for (int i = 0; i < tpg.portals().size(); i++)
        {
            final PortalConfig existing = tpg.portals().get(i);
            if (existing.port() == portal.port() && IpLiterals.canonical(existing.ip()).equals(ip))
            {
                return i;
            }
        }
        return -1;
    }

    /** {@code ip:port}, with brackets around IPv6 addresses. */
    public static String portalName(final PortalConfig portal)
    {
        return PortalAddresses.hostPort(portal.ip(), portal.port());
    }

    private static RingtargetConfig editTpg(
        final RingtargetConfig config, final String iqn, final int tag, final UnaryOperator<TpgConfig> edit)
    {
        final TargetConfig target = target(config, iqn);
        final TpgConfig tpg = tpg(target, tag);
        final List<TpgConfig> tpgs = new ArrayList<>(target.tpgs());
        tpgs.set(tpgs.indexOf(tpg), edit.apply(tpg));
        return replaceTarget(config, target, new TargetConfig(target.iqn(), target.alias(), List.copyOf(tpgs)));
    }

    private static RingtargetConfig replaceTarget(
        final RingtargetConfig config, final TargetConfig old, final TargetConfig replacement)
    {
        final List<TargetConfig> targets = new ArrayList<>(config.targets());
        targets.set(targets.indexOf(old), replacement);
        return config.withTargets(List.copyOf(targets));
    }

    private static <T> List<T> append(final List<T> list, final T element)
    {
        final List<T> result = new ArrayList<>(list);
        result.add(element);
        return List.copyOf(result);
    }

    private static String existing(final List<String> names, final String what)
    {
        return names.isEmpty() ? " (there are no " + what + ")" :
            " (" + what + ": " + String.join(", ", names) + ")";
    }
}
