package io.ringtarget.server.cli;

import io.ringtarget.server.config.AclConfig;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.ChapConfig;
import io.ringtarget.server.config.ConfigDefaults;
import io.ringtarget.server.config.ConfigEditor;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.Sizes;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * The configuration as a tree in the style of targetcli's {@code ls}: one node per line, {@code o- name} indented
 * under its parent, a summary in brackets at the right. Secrets are never printed.
 */
final class ConfigTree
{
    private static final int WIDTH = 100;

    private final StringBuilder sb = new StringBuilder();

    private ConfigTree()
    {
    }

    static String render(final RingtargetConfig config)
    {
        final ConfigTree tree = new ConfigTree();
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
        for (final String type : List.of(ConfigDefaults.TYPE_BLOCK, ConfigDefaults.TYPE_FILEIO, ConfigDefaults.TYPE_RAM))
        {
            final List<BackstoreConfig> ofType = config.backstores().stream().filter(b -> type.equals(b.type())).toList();
            final Node typeNode = backstores.add(new Node(type, "[Storage Objects: " + ofType.size() + "]"));
            for (final BackstoreConfig backstore : ofType)
            {
                final String info = describe(backstore);
                typeNode.add(new Node(backstore.name(), ConfigEditor.lunsUsing(config, backstore.name()).isEmpty() ?
                    info : info.substring(0, info.length() - 1) + " activated]"));
            }
        }
        root.add(new Node("discovery-auth", "[" + discovery(config.discoveryAuth()) + "]"));
        root.add(new Node("engine", "[" + engine(config.engine()) + "]"));
        final Node iscsi = root.add(new Node("iscsi", "[Targets: " + config.targets().size() + "]"));
        for (final TargetConfig target : config.targets())
        {
            iscsi.add(target(target, config));
        }
        print(root, "", true);
    }

    private static Node target(final TargetConfig target, final RingtargetConfig config)
    {
        final Node node = new Node(target.iqn(), "[" + (null == target.alias() ? "" : "alias \"" + target.alias() + "\", ") +
            "TPGs: " + target.tpgs().size() + "]");
        for (final TpgConfig tpg : target.tpgs())
        {
            final List<String> flags = new ArrayList<>();
            flags.add(tpg.enabled() ? "enabled" : "disabled");
            flags.add(tpg.generateNodeAcls() ? "gen-acls" : "no-gen-acls");
            flags.add("auth " + tpg.authentication());
            if (null != tpg.nopInIntervalSeconds() || null != tpg.nopInTimeoutSeconds())
            {
                final EngineConfig engine = null == config.engine() ? ConfigDefaults.engine() : config.engine();
                flags.add("NOP-In " + (tpg.nopInIntervalSeconds(engine) == 0 ? "off" :
                    tpg.nopInIntervalSeconds(engine) + "s/" + tpg.nopInTimeoutSeconds(engine) + "s"));
            }
            final Node tpgNode = node.add(new Node("tpg" + tpg.tag(), "[" + String.join(", ", flags) + "]"));
            final Node acls = tpgNode.add(new Node("acls", "[ACLs: " + tpg.acls().size() + "]"));
            for (final AclConfig acl : tpg.acls())
            {
                acls.add(new Node(acl.initiatorIqn(), "[" + chap(acl.chap()) + "]"));
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

    private static String engine(final EngineConfig engine)
    {
        return "loops " + (engine.loops() == 0 ? "one per core" : String.valueOf(engine.loops())) +
            (engine.pinCpus() ? " pinned" : "") + ", idle " + engine.idleStrategy() +
            ("ring".equals(engine.idleStrategy()) ? " (polls " + engine.idleSpinMicros() + " us)" : "") + ", NOP-In " +
            (engine.nopInIntervalSeconds() == 0 ? "off" : engine.nopInIntervalSeconds() + "s/" + engine.nopInTimeoutSeconds() + "s");
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
