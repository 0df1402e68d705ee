package io.ringtarget.server.cli;

import io.ringtarget.server.edit.BatchLines;
import io.ringtarget.server.edit.EditLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ringtarget batch FILE|-}: many editing commands in one go, a line each, applied in order and stopping at the
 * first that fails (with its line number). A running target serving the configuration gets them all on one admin
 * connection and applies the result as one change; without one, the file is edited once.
 */
@Command(name = "batch", description = "Runs editing commands from FILE (- for stdin), one a line as after " +
    "\"ringtarget\" (# comments, shell quoting), in order, stopping at the first that fails (its line is named; the " +
    "lines before it stay applied). A running target applies them as one change without restarting; with none " +
    "running the file is saved once.",
    footer = { "", "Example (a file setup.rt):",
        "  backstores fileio create vm1 /var/iscsi_disks/vm1.img 20G",
        "  iscsi tpg luns create iqn.2026-04.com.example:target1 vm1",
        "  iscsi tpg acls create iqn.2026-04.com.example:target1 iqn.1994-05.com.client:vm1host",
        "then:  ringtarget batch setup.rt        or:  generate-lines | ringtarget batch -" })
final class BatchCommand implements Callable<Integer>
{
    @Mixin
    ConfigFileOption config;

    @Parameters(index = "0", paramLabel = "FILE|-", description = "The commands; - reads them from stdin.")
    String source;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException
    {
        final String text;
        try
        {
            text = "-".equals(source) ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) :
                Files.readString(Path.of(source), StandardCharsets.UTF_8);
        }
        catch (final NoSuchFileException ex)
        {
            throw new CliException(ExitCodes.FAILURE, source + ": no such file");
        }
        final List<EditLine> lines = BatchLines.parse(text);
        if (lines.isEmpty())
        {
            spec.commandLine().getOut().println("No commands in " + ("-".equals(source) ? "stdin" : source) + ".");
            return ExitCodes.OK;
        }
        return ConfigEdits.run(config, lines, null, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
