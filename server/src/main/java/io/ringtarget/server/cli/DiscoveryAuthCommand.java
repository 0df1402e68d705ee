package io.ringtarget.server.cli;

import io.ringtarget.server.config.ConfigEditor;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.RingtargetConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;

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
            "  ringtarget discovery-auth set --authentication none",
            "  ringtarget discovery-auth set --authentication chap --user d --password 'discovery-secret' --chap-algorithms SHA256" })
    static final class Set extends EditCommand
    {
        @Option(names = "--authentication", paramLabel = "none|chap", required = true,
            description = "chap: initiators must pass CHAP before SendTargets.")
        String authentication;

        @Mixin
        ChapOptions chap;

        @Option(names = "--chap-algorithms", paramLabel = "LIST|default",
            description = "CHAP algorithms discovery sessions may use (the initiator's order chooses), from " +
                "SHA3-256, SHA256, SHA1, MD5; default = the security section's. Left out: unchanged.")
        String chapAlgorithms;

        @Override
        RingtargetConfig edit(final RingtargetConfig current)
        {
            final List<String> keep = null == current.discoveryAuth() ? null : current.discoveryAuth().chapAlgorithms();
            final List<String> algorithms = null == chapAlgorithms ? keep : ChapOptions.algorithms(chapAlgorithms);
            return ConfigEditor.setDiscoveryAuth(current, new DiscoveryAuthConfig(authentication, chap.toConfig(),
                null == algorithms || algorithms.isEmpty() ? null : algorithms));
        }

        @Override
        String done(final RingtargetConfig before, final RingtargetConfig after)
        {
            return "Discovery authentication: " + authentication + (chap.given() ? " (user " + chap.user + ")" : "") + ".";
        }
    }
}
