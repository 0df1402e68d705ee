package io.ringtarget.server.cli;

import io.ringtarget.server.config.ConfigEditor;
import io.ringtarget.server.config.PortalAddresses;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TpgConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;

/** Network portals of a TPG: {@code ringtarget iscsi tpg portals ...} (targetcli's .../tpg1/portals). */
@Command(name = "portals", description = "Network portals (IP:port) the TPG listens on.",
    subcommands = { PortalsCommand.Create.class, PortalsCommand.Delete.class, PortalsCommand.ListPortals.class },
    footer = { "", "Examples (two portals on two networks, for multipath):", "  T=iqn.2026-04.com.example:target1",
        "  ringtarget iscsi tpg portals create $T 10.0.1.10 3260",
        "  ringtarget iscsi tpg portals create $T 10.0.2.10 3260" })
final class PortalsCommand extends CommandGroup
{
    /** IQN IP [PORT]. */
    static final class PortalArgs
    {
        @Parameters(index = "0", paramLabel = "IQN", description = "Target name.")
        String iqn;

        @Parameters(index = "1", paramLabel = "IP",
            description = "IPv4 or IPv6 address (::1, or [::1]); 0.0.0.0 for every IPv4 address, :: for both families.")
        String ip;

        @Parameters(index = "2", paramLabel = "PORT", arity = "0..1", defaultValue = "3260",
            description = "TCP port (default: ${DEFAULT-VALUE}).")
        int port;

        PortalConfig portal()
        {
            final String host = ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
            final PortalConfig portal = PortalAddresses.parse(
                (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port);
            return portal;
        }
    }

    @Command(name = "create", description = "Adds a network portal.")
    static final class Create extends EditCommand
    {
        @Mixin
        PortalArgs args;

        @Mixin
        IscsiCommand.TpgOption tpg;

        @Override
        RingtargetConfig edit(final RingtargetConfig current)
        {
            return ConfigEditor.addPortal(current, args.iqn, tpg.tag, args.portal());
        }

        @Override
        String done(final RingtargetConfig before, final RingtargetConfig after)
        {
            return "Created network portal " + ConfigEditor.portalName(args.portal()) + ".";
        }
    }

    @Command(name = "delete", description = "Removes a network portal.")
    static final class Delete extends EditCommand
    {
        @Mixin
        PortalArgs args;

        @Mixin
        IscsiCommand.TpgOption tpg;

        @Override
        RingtargetConfig edit(final RingtargetConfig current)
        {
            return ConfigEditor.deletePortal(current, args.iqn, tpg.tag, args.portal());
        }

        @Override
        String done(final RingtargetConfig before, final RingtargetConfig after)
        {
            return "Deleted network portal " + ConfigEditor.portalName(args.portal()) + ".";
        }
    }

    @Command(name = "list", aliases = "ls", description = "Lists the portals of a TPG.")
    static final class ListPortals extends IscsiCommand.TpgListCommand
    {
        @Override
        void list(final TpgConfig tpg, final PrintWriter out)
        {
            tpg.portals().forEach(p -> out.println(ConfigEditor.portalName(p)));
        }
    }
}
