package io.ringtarget.server.cli;

import io.ringtarget.server.config.ConfigEditor;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.RingtargetConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ringtarget discovery-auth set}: targetcli's /iscsi set discovery_auth. */
@Command(
    name = "discovery-auth",
    description = "Authentication of discovery sessions (SendTargets).",
    subcommands = { DiscoveryAuthCommand.Set.class })
final class DiscoveryAuthCommand extends CommandGroup
{
    @Command(name = "set", description = "Sets discovery authentication.",
        footer = { "", "Examples:",
            "  ringtarget discovery-auth set --authentication chap --user discovery --password 'discovery-secret'",
            "  ringtarget discovery-auth set --authentication none" })
    static final class Set extends EditCommand
    {
        @Option(names = "--authentication", paramLabel = "none|chap", required = true,
            description = "chap: initiators must pass CHAP before SendTargets.")
        String authentication;

        @Mixin
        ChapOptions chap;

        @Override
        RingtargetConfig edit(final RingtargetConfig current)
        {
            return ConfigEditor.setDiscoveryAuth(current, new DiscoveryAuthConfig(authentication, chap.toConfig()));
        }

        @Override
        String done(final RingtargetConfig before, final RingtargetConfig after)
        {
            return "Discovery authentication: " + authentication + (chap.given() ? " (user " + chap.user + ")" : "") + ".";
        }
    }
}
