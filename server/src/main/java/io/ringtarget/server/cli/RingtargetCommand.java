package io.ringtarget.server.cli;

import io.ringtarget.server.admin.AdminServer;
import io.ringtarget.server.config.ConfigFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.nio.file.Path;

/** The top of the {@code ringtarget} command tree; its subcommands are added by {@link CommandTree}. */
@Command(
    name = "ringtarget",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
        "A userspace iSCSI target (RFC 7143) on io_uring.",
        "backstores, iscsi, discovery-auth edit the configuration as targetcli edits its tree: the running target " +
            "that serves the file (ringtarget serve) applies and saves each change at once, without restarting; with " +
            "none running they edit the file (default /etc/ringtarget/saveconfig.json). Each command says which it did." },
    footer = {
        "",
        "Quick start:",
        "  ringtarget demo                  serve a 1 GiB RAM LUN on 127.0.0.1:3260",
        "",
        "The targetcli session of the admin guide, one to one:",
        "  T=iqn.2026-04.com.example:target1",
        "  ringtarget backstores fileio create disk1 /var/iscsi_disks/disk1.img 10G",
        "  ringtarget iscsi create $T",
        "  ringtarget iscsi tpg portals create $T 0.0.0.0 3260",
        "  ringtarget iscsi tpg luns create $T /backstores/fileio/disk1",
        "  ringtarget iscsi tpg acls create $T iqn.1994-05.com.client:host1",
        "  ringtarget saveconfig",
        "  ringtarget serve --config /etc/ringtarget/saveconfig.json",
        "",
        "Exit codes: 0 done, 1 failed (I/O, engine), 2 refused (bad command line or configuration; nothing changed).",
        "Help on any command: ringtarget help COMMAND, or ringtarget COMMAND --help. Guide: docs/admin-guide.md, file format: docs/configuration.md." })
final class RingtargetCommand implements Runnable
{
    /**
     * Global (inherited) so that {@code ringtarget -c FILE iscsi ls} and {@code ringtarget iscsi ls -c FILE} both
     * work; picocli sets this field wherever on the command line the option stands. Read through
     * {@link ConfigFileOption}. No picocli default: "not given" must stay visible for the created-file notice.
     */
    @Option(names = { "-c", "--config" }, paramLabel = "FILE", scope = ScopeType.INHERIT,
        description = "Configuration file, before or after the command (default: $" + ConfigFileOption.ENVIRONMENT +
            " when set, else " + ConfigFiles.DEFAULT_PATH + ").")
    Path configFile;

    /**
     * Global too: {@code serve} listens there; any other command talks to the target listening there instead of the
     * one the configuration file's lock names ({@link RunningTargets}). No picocli default: "not given" means "find
     * it".
     */
    @Option(names = "--admin-socket", paramLabel = "PATH", scope = ScopeType.INHERIT,
        description = "Admin socket of a running target: serve listens there (default " + AdminServer.DEFAULT_PATH +
            "); other commands talk to the target there (default: the target serving the configuration file, if one " +
            "does).")
    Path adminSocket;

    @Spec
    CommandSpec spec;

    @Override
    public void run()
    {
        throw new ParameterException(spec.commandLine(), "a command is needed");
    }
}
