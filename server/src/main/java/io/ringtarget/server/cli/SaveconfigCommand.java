package io.ringtarget.server.cli;

import io.ringtarget.server.config.ConfigFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ringtarget saveconfig}: kept for targetcli habits; every command saves already. */
@Command(name = "saveconfig", description = "Nothing to do: every ringtarget command saves the file at once. " +
    "With --to, copies the configuration to another file (a backup).",
    footer = { "", "Example:", "  ringtarget saveconfig --to /root/ringtarget-backup.json" })
final class SaveconfigCommand implements Callable<Integer>
{
    @Mixin
    ConfigFileOption config;

    @Option(names = "--to", paramLabel = "FILE", description = "Write a copy of the configuration there.")
    Path to;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception
    {
        if (null == to)
        {
            spec.commandLine().getOut().println("Configuration is saved by every command; " + config.file() +
                (Files.exists(config.file()) ? " is up to date." : " does not exist yet (nothing configured)."));
            return ExitCodes.OK;
        }
        ConfigFiles.save(config.loadOrEmpty(), to);
        spec.commandLine().getOut().println("Configuration saved to " + to + ".");
        return ExitCodes.OK;
    }
}
