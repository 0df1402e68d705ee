package io.ringtarget.server.cli;

import io.ringtarget.server.config.AclConfig;
import io.ringtarget.server.config.ConfigEditor;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TpgConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;

/** LUNs of a TPG: {@code ringtarget iscsi tpg luns ...} (targetcli's .../tpg1/luns). */
@Command(name = "luns", description = "LUNs: backstores exported by the TPG.",
    subcommands = { LunsCommand.Create.class, LunsCommand.Delete.class, LunsCommand.ListLuns.class },
    footer = { "", "Examples:", "  T=iqn.2026-04.com.example:target1",
        "  ringtarget iscsi tpg luns create $T disk1",
        "  ringtarget iscsi tpg luns create $T /backstores/block/lv0 --lun 1" })
final class LunsCommand extends CommandGroup
{
    @Command(name = "create", description = "Exports a backstore as a LUN. Every initiator admitted to the " +
        "TPG sees it, except those whose ACL maps LUNs of its own (iscsi tpg acls set-luns).")
    static final class Create extends EditCommand
    {
        @Parameters(index = "0", paramLabel = "IQN", description = "Target name.")
        String iqn;

        @Parameters(index = "1", paramLabel = "BACKSTORE",
            description = "Backstore name (or targetcli's path /backstores/TYPE/NAME).")
        String backstore;

        @Option(names = "--lun", paramLabel = "N", description = "LUN number (default: the lowest free one).")
        Integer lun;

        @Option(names = "--read-only", description = "Writes fail with DATA PROTECT.")
        boolean readOnly;

        @Mixin
        IscsiCommand.TpgOption tpg;

        private int created;

        @Override
        RingtargetConfig edit(final RingtargetConfig current)
        {
            final RingtargetConfig after = ConfigEditor.addLun(
                current, iqn, tpg.tag, Paths.backstoreName(backstore), lun, readOnly);
            final TpgConfig tpgConfig = ConfigEditor.tpg(ConfigEditor.target(after, iqn), tpg.tag);
            created = tpgConfig.luns().getLast().lun();
            return after;
        }

        @Override
        String done(final RingtargetConfig before, final RingtargetConfig after)
        {
            return "Created LUN " + created + " (" + Paths.backstoreName(backstore) +
                (readOnly ? ", read-only" : "") + ")." +
                masked(ConfigEditor.tpg(ConfigEditor.target(after, iqn), tpg.tag));
        }

        /** ACLs with mapped LUNs of their own do not see a new LUN until it is added to them. */
        private String masked(final TpgConfig tpgConfig)
        {
            final List<String> hidden = tpgConfig.acls().stream().filter(a -> null != a.mappedLuns())
                .map(AclConfig::initiatorIqn).toList();
            return hidden.isEmpty() ? "" : " Not seen by " + String.join(", ", hidden) +
                " (mapped LUNs of their own: iscsi tpg acls set-luns).";
        }
    }

    @Command(name = "delete", description = "Removes a LUN (the backstore stays).")
    static final class Delete extends EditCommand
    {
        @Parameters(index = "0", paramLabel = "IQN", description = "Target name.")
        String iqn;

        @Parameters(index = "1", paramLabel = "LUN", description = "LUN number (or lunN).")
        String lun;

        @Mixin
        IscsiCommand.TpgOption tpg;

        @Override
        RingtargetConfig edit(final RingtargetConfig current)
        {
            return ConfigEditor.deleteLun(current, iqn, tpg.tag, number());
        }

        private int number()
        {
            final String digits = lun.startsWith("lun") ? lun.substring(3) : lun;
            try
            {
                return Integer.parseInt(digits);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("\"" + lun + "\" is not a LUN number");
            }
        }

        @Override
        String done(final RingtargetConfig before, final RingtargetConfig after)
        {
            final List<String> unmapped = ConfigEditor.tpg(ConfigEditor.target(before, iqn), tpg.tag).acls()
                .stream().filter(a -> null != a.mappedLuns() &&
                    a.mappedLuns().stream().anyMatch(m -> m.tpgLunOrLun() == number()))
                .map(AclConfig::initiatorIqn).toList();
            return "Deleted LUN " + number() + "." + (unmapped.isEmpty() ? "" : " Removed from the mapped " +
                "LUNs of " + String.join(", ", unmapped) + ".");
        }
    }

    @Command(name = "list", aliases = "ls", description = "Lists the LUNs of a TPG.")
    static final class ListLuns extends IscsiCommand.TpgListCommand
    {
        @Override
        void list(final TpgConfig tpg, final PrintWriter out)
        {
            for (final LunConfig lun : tpg.luns())
            {
                out.println("lun" + lun.lun() + "  " + lun.backstore() + (lun.readOnly() ? "  read-only" : ""));
            }
        }
    }
}
