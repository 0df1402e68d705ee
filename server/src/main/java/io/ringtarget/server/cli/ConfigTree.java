package io.ringtarget.server.cli;

import io.ringtarget.iscsi.session.SessionSnapshot;
import io.ringtarget.server.admin.LiveView;
import io.ringtarget.server.config.AclConfig;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.ChapConfig;
import io.ringtarget.server.config.ConfigDefaults;
import io.ringtarget.server.config.ConfigEditor;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.MetricsConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.Sizes;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * The configuration as a tree in the style of targetcli's {@code ls}: one node per line, {@code o- name} indented
 * under its parent, a summary in brackets at the right. Secrets are never printed. With what a running target serves
 * ({@link LiveView}: {@code ringtarget ls}), the tree also shows the size each backstore serves, each TPG's ALUA state
 * now, and under each ACL its sessions with their connections (sessions of initiators admitted without an ACL under
 * a node of their own, as targetcli shows dynamic ACLs).
 */
final class ConfigTree
{
    private static final int WIDTH = 100;

    private final StringBuilder sb = new StringBuilder();
    private final LiveView live;
    private final long now = System.currentTimeMillis();

    private ConfigTree(final LiveView live)
    {
        this.live = live;
    }

    static String render(final RingtargetConfig config)
    {
        return render(config, null);
    }

    /** The tree with the live state of a running target ({@code live} null: the configuration alone). */
    static String render(final RingtargetConfig config, final LiveView live)
    {
        final ConfigTree tree = new ConfigTree(live);
        tree.root(config);
        return tree.sb.toString();
    }

    /** One line about a backstore: type, file, size, I/O mode. */
    static String describe(final BackstoreConfig backstore)
    {
        final StringBuilder sb = new StringBuilder("[").append(backstore.type());
        if (null != backstore.path())
        {
            sb.append(' ').append(backstore.path());
        }
        if (null != backstore.rbd())
        {
            sb.append(' ').append(backstore.rbd().image()).append(" client.").append(backstore.rbd().cephIdOrDefault())
                .append(" conf ").append(backstore.rbd().cephConf());
            if (backstore.rbd().servesSnapshot())
            {
                sb.append(" snapshot, read-only");
            }
        }
        sb.append(" (").append(backstore.sizeBytes() > 0 ? Sizes.format(backstore.sizeBytes()) :
            (ConfigDefaults.TYPE_RAM.equals(backstore.type()) ? "0B" : "own size")).append(')');
        sb.append(' ').append(backstore.blockSize() == 0 ? "auto" : String.valueOf(backstore.blockSize())).append("B blocks");
        if (!ConfigDefaults.TYPE_RAM.equals(backstore.type()) && !ConfigDefaults.TYPE_RBD.equals(backstore.type()))
        {
            sb.append(backstore.directIo() ? " direct" : " buffered");
        }
        sb.append(backstore.writeCache() ? " write-back" : " write-thru");
        if (backstore.grow())
        {
            sb.append(" grow");
        }
        if (backstore.usesHugePages())
        {
            sb.append(" huge-pages");
        }
        if (null != backstore.softThresholdPercent())
        {
            sb.append(" soft-threshold ").append(backstore.softThresholdPercent()).append('%');
        }
        if (null != backstore.availableThresholdPercent())
        {
            sb.append(" available-threshold ").append(backstore.availableThresholdPercent()).append('%');
        }
        return sb.append(']').toString();
    }

    /** A node of the tree: a name, a summary, children. */
    private record Node(String name, String info, List<Node> children)
    {
        Node(final String name, final String info)
        {
            this(name, info, new ArrayList<>());
        }

        Node add(final Node child)
        {
            children.add(child);
            return child;
        }
    }

    private void root(final RingtargetConfig config)
    {
        final Node root = new Node("/", "");
        final Node backstores = root.add(new Node("backstores", "[Storage Objects: " + config.backstores().size() + "]"));
        for (final String type : List.of(ConfigDefaults.TYPE_BLOCK, ConfigDefaults.TYPE_FILEIO, ConfigDefaults.TYPE_RAM,
            ConfigDefaults.TYPE_RBD))
        {
            final List<BackstoreConfig> ofType = config.backstores().stream().filter(b -> type.equals(b.type())).toList();
            final Node typeNode = backstores.add(new Node(type, "[Storage Objects: " + ofType.size() + "]"));
            for (final BackstoreConfig backstore : ofType)
            {
                final Long served = null == live ? null : live.sizes().get(backstore.name());
                final String info = describe(null == served ? backstore : withSize(backstore, served));
                final String medium = null == live ? null : live.media().get(backstore.name());
                final String set = null == live ? null : live.modes().get(backstore.name());
                final Long memory = null == live ? null : live.memory().get(backstore.name());
                final String activated = ConfigEditor.lunsUsing(config, backstore.name()).isEmpty() ? info :
                    info.substring(0, info.length() - 1) + " activated]";
                final String held = null == memory ? activated :
                    activated.substring(0, activated.length() - 1) + ", " + Sizes.format(memory) + " in memory]";
                final String busy = null == medium ? held : held.substring(0, held.length() - 1) + ", " + medium + "]";
                final Node node = typeNode.add(new Node(backstore.name(), null == set ? busy :
                    busy.substring(0, busy.length() - 1) + ", set by an initiator: " + set + "]"));
                final String registered = null == live ? null : live.reservations().get(backstore.name());
                if (null != registered)
                {
                    node.add(new Node("persistent reservations", "[" + registered + "]"));
                }
            }
        }
        final Node discovery = root.add(new Node("discovery-auth", "[" + discovery(config.discoveryAuth()) + "]"));
        for (final SessionSnapshot session : sessions(s -> s.discovery()))
        {
            discovery.add(session(session));
        }
        root.add(new Node("engine", "[" + engine(config.engine()) + "]"));
        root.add(new Node("metrics", "[" + metrics(config.metrics()) + "]"));
        final Node iscsi = root.add(new Node("iscsi", "[Targets: " + config.targets().size() + "]"));
        for (final TargetConfig target : config.targets())
        {
            iscsi.add(target(target, config));
        }
        print(root, "", true);
    }

    private static BackstoreConfig withSize(final BackstoreConfig b, final long sizeBytes)
    {
        return new BackstoreConfig(b.name(), b.type(), b.path(), sizeBytes, b.blockSize(), b.directIo(), b.writeCache(),
            b.serial(), b.wwn(), b.grow(), b.rbd(), b.softThresholdPercent(), b.availableThresholdPercent(),
            b.hugePages());
    }

    private List<SessionSnapshot> sessions(final java.util.function.Predicate<SessionSnapshot> which)
    {
        if (null == live)
        {
            return List.of();
        }
        return live.sessions().stream().filter(which).sorted(java.util.Comparator.comparingInt(SessionSnapshot::tsih))
            .toList();
    }

    /** A session and its connection (one: MaxConnections=1). */
    private Node session(final SessionSnapshot s)
    {
        final Node node = new Node("session TSIH " + s.tsih() + " ISID " + s.isidHex(), "[up " +
            Uptime.format(now - s.loginEpochMillis()) + ", " + s.commands() + " commands, read " +
            Sizes.format(s.readBytes()) + ", written " + Sizes.format(s.writtenBytes()) + "]");
        node.add(new Node("connection from " + s.peer(), "[on " + s.portal() + ", " + s.loop() + "]"));
        return node;
    }

    private Node target(final TargetConfig target, final RingtargetConfig config)
    {
        final Node node = new Node(target.iqn(), "[" + (null == target.alias() ? "" : "alias \"" + target.alias() + "\", ") +
            "TPGs: " + target.tpgs().size() + "]");
        for (final TpgConfig tpg : target.tpgs())
        {
            final List<String> flags = new ArrayList<>();
            flags.add(tpg.enabled() ? "enabled" : "disabled");
            final String state = null == live ? null : live.alua().get(LiveView.tpgKey(target.iqn(), tpg.tag()));
            flags.add("alua " + (null == state ? tpg.aluaOrDefault().state() : state) +
                (tpg.aluaOrDefault().preferred() ? " preferred" : ""));
            flags.add(tpg.generateNodeAcls() ? "gen-acls" : "no-gen-acls");
            flags.add("auth " + tpg.authentication());
            if (null != tpg.chap())
            {
                flags.add("TPG " + chap(tpg.chap()));
            }
            if (null != tpg.nopInIntervalSeconds() || null != tpg.nopInTimeoutSeconds())
            {
                final EngineConfig engine = null == config.engine() ? ConfigDefaults.engine() : config.engine();
                flags.add("NOP-In " + (tpg.nopInIntervalSeconds(engine) == 0 ? "off" :
                    tpg.nopInIntervalSeconds(engine) + "s/" + tpg.nopInTimeoutSeconds(engine) + "s"));
            }
            tpg.parametersOrNone().asMap().forEach((key, value) -> flags.add(key + "=" + value));
            final Node tpgNode = node.add(new Node("tpg" + tpg.tag(), "[" + String.join(", ", flags) + "]"));
            final Node acls = tpgNode.add(new Node("acls", "[ACLs: " + tpg.acls().size() + "]"));
            final List<SessionSnapshot> ofTpg = sessions(s -> !s.discovery() && tpg.tag() == s.tpgTag() &&
                target.iqn().equalsIgnoreCase(s.targetName()));
            final java.util.Set<String> listed = new java.util.HashSet<>();
            for (final AclConfig acl : tpg.acls())
            {
                final String initiator = acl.initiatorIqn();
                listed.add(initiator.toLowerCase(java.util.Locale.ROOT));
                final List<SessionSnapshot> its = ofTpg.stream().filter(s -> initiator.equalsIgnoreCase(s.initiatorName()))
                    .toList();
                final String luns = (null == acl.mappedLuns() ? "" : ", " + MappedLuns.describe(acl.mappedLuns())) +
                    (acl.readOnlyOrDefault() ? ", read-only" : "") +
                    (null == acl.nopInIntervalSeconds() && null == acl.nopInTimeoutSeconds() ? "" :
                    ", " + AclsCommand.nopIn(acl, tpg, config.engine()));
                final Node aclNode = acls.add(new Node(initiator, "[" + chap(acl.chap()) + luns + sessionCount(its) +
                    "]"));
                its.forEach(s -> aclNode.add(session(s)));
            }
            for (final SessionSnapshot s : ofTpg)
            {
                if (listed.add(s.initiatorName().toLowerCase(java.util.Locale.ROOT)))
                {
                    final List<SessionSnapshot> its = ofTpg.stream()
                        .filter(o -> o.initiatorName().equalsIgnoreCase(s.initiatorName())).toList();
                    final Node dynamic = acls.add(new Node(s.initiatorName(), "[dynamic (generate-node-acls)" +
                        sessionCount(its) + "]"));
                    its.forEach(o -> dynamic.add(session(o)));
                }
            }
            final Node luns = tpgNode.add(new Node("luns", "[LUNs: " + tpg.luns().size() + "]"));
            for (final LunConfig lun : tpg.luns())
            {
                final BackstoreConfig backstore = ConfigEditor.findBackstore(config, lun.backstore());
                final String where = null == backstore ? "missing backstore " + lun.backstore() :
                    backstore.type() + "/" + backstore.name() + (null == backstore.path() ? "" : " (" + backstore.path() + ")");
                luns.add(new Node("lun" + lun.lun(), "[" + where + (lun.readOnly() ? " read-only" : "") + "]"));
            }
            final Node portals = tpgNode.add(new Node("portals", "[Portals: " + tpg.portals().size() + "]"));
            for (final PortalConfig portal : tpg.portals())
            {
                portals.add(new Node(ConfigEditor.portalName(portal), "[OK]"));
            }
        }
        return node;
    }

    private String sessionCount(final List<SessionSnapshot> sessions)
    {
        if (null == live)
        {
            return "";
        }
        return ", " + sessions.size() + (sessions.size() == 1 ? " session" : " sessions");
    }

    private void print(final Node node, final String prefix, final boolean last)
    {
        line(prefix, node.name(), node.info());
        // A node's children hang one column right of its own marker, with a bar while it has later siblings.
        final String childPrefix = prefix + (last ? "  " : "| ");
        for (int i = 0; i < node.children().size(); i++)
        {
            print(node.children().get(i), childPrefix, i == node.children().size() - 1);
        }
    }

    private static String chap(final ChapConfig chap)
    {
        if (null == chap)
        {
            return "no CHAP";
        }
        return "CHAP user " + chap.userid() + (null == chap.mutualUserid() || chap.mutualUserid().isEmpty() ? "" :
            ", mutual user " + chap.mutualUserid());
    }

    private static String discovery(final DiscoveryAuthConfig discoveryAuth)
    {
        if (null == discoveryAuth.chap())
        {
            return discoveryAuth.authentication();
        }
        return discoveryAuth.authentication() + ", " + chap(discoveryAuth.chap());
    }

    /** The engine's settings in a line: what ls shows and engine set answers. */
    static String engine(final EngineConfig engine)
    {
        return "loops " + (engine.loops() == 0 ? "one per core" : String.valueOf(engine.loops())) +
            (engine.pinCpus() ? " pinned" : "") + ", idle " + engine.idleStrategy() +
            ("ring".equals(engine.idleStrategy()) ? " (polls " + engine.idleSpinMicros() + " us)" : "") +
            (engine.receiveCoalescingMicrosOrDefault() == 0 ? ", no receive coalescing" :
                ", receives coalesced " + engine.receiveCoalescingMicrosOrDefault() + " us") + ", NOP-In " +
            (engine.nopInIntervalSeconds() == 0 ? "off" :
                engine.nopInIntervalSeconds() + "s/" + engine.nopInTimeoutSeconds() + "s") +
            (null == engine.tcpCongestionControl() ? "" : ", TCP " + engine.tcpCongestionControl()) +
            ", buffers " + (engine.pinnedBytesPerLoop() >> 20) + " MiB pinned " + (engine.spillBytesPerLoop() == 0 ?
                "per loop, no spill region" : "+ " + (engine.spillBytesPerLoop() >> 20) + " MiB spill per loop");
    }

    /** The Prometheus endpoint's address and protection, or off (no section, or {@code listen} off). */
    private static String metrics(final MetricsConfig metrics)
    {
        return null == metrics || !metrics.enabled() ? "off" : "listen " + metrics.listen() +
            (null == metrics.tls() ? "" : ", TLS") +
            (null == metrics.basicAuth() ? "" : ", basic auth user " + metrics.basicAuth().username());
    }

    private void line(final String indent, final String name, final String info)
    {
        final String head = indent + "o- " + name + " ";
        sb.append(head);
        if (!info.isEmpty())
        {
            final int dots = WIDTH - head.length() - info.length() - 1;
            sb.append(".".repeat(Math.max(3, dots))).append(' ').append(info);
        }
        sb.append(System.lineSeparator());
    }
}
