package io.ringtarget.server.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The training run of the JVM's ahead-of-time cache (JEP 483/514): the launcher runs this once with
 * {@code -XX:AOTCacheOutput} so that the classes a CLI command loads and links (picocli's model of the command tree,
 * Jackson, the JSON Schema validator, the configuration classes, help rendering) come from the cache afterwards.
 * <p>
 * It plays a short configuration session, in one JVM and on a configuration file in a temporary directory that it
 * deletes: creating backstores, a target, portal, LUN and ACLs, CHAP, a batch, a resize, validating, showing and
 * listing (ls, and sessions, which finds no running target), help and errors. Nothing outside that directory is read or written; output is discarded.
 */
public final class AotTraining
{
    private static final String T = "iqn.2026-04.com.example:aot-training";
    private static final String HOST = "iqn.1994-05.com.client:aot-training";

    private AotTraining()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final Path dir = Files.createTempDirectory("ringtarget-aot-training");
        try
        {
            final String config = dir.resolve("saveconfig.json").toString();
            final String disk = dir.resolve("disk1.img").toString();
            final Path batch = Files.writeString(dir.resolve("batch.rt"),
                "backstores ram create b1 1M\niscsi tpg luns create " + T + " b1\n");
            final List<List<String>> session = List.of(
                List.of("--help"),
                List.of("-V"),
                List.of("iscsi", "tpg", "luns", "create", "--help"),
                List.of("-c", config, "backstores", "fileio", "create", "disk1", disk, "1M"),
                List.of("-c", config, "backstores", "ram", "create", "scratch", "1M"),
                List.of("-c", config, "iscsi", "create", T),
                List.of("-c", config, "iscsi", "tpg", "portals", "create", T, "127.0.0.1", "3260"),
                List.of("-c", config, "iscsi", "tpg", "luns", "create", T, "disk1"),
                List.of("-c", config, "iscsi", "tpg", "luns", "create", T, "/backstores/ram/scratch", "--lun", "1"),
                List.of("-c", config, "iscsi", "tpg", "acls", "create", T, HOST),
                List.of("-c", config, "iscsi", "tpg", "acls", "set-auth", T, HOST, "--chap-user", "u",
                    "--chap-password", "aot-training-1"),
                List.of("-c", config, "iscsi", "tpg", "set", T, "--authentication", "chap"),
                List.of("-c", config, "iscsi", "tpg", "portals", "create", T, "localhost"),
                List.of("-c", config, "config", "validate"),
                List.of("-c", config, "config", "show"),
                List.of("-c", config, "config", "show", "--json"),
                List.of("-c", config, "backstores", "ls"),
                List.of("-c", config, "iscsi", "ls"),
                List.of("-c", config, "iscsi", "tpg", "luns", "list", T),
                List.of("-c", config, "batch", batch.toString()),
                List.of("-c", config, "backstores", "resize", "disk1", "2M"),
                List.of("-c", config, "ls"),
                List.of("-c", config, "sessions"),
                List.of("-c", config, "saveconfig"),
                List.of("demo", "--dry-run"),
                List.of("iscsi", "frobnicate"));
            for (final List<String> command : session)
            {
                final CommandLine commandLine = Main.commandLine();
                commandLine.setOut(new PrintWriter(new StringWriter()));
                commandLine.setErr(new PrintWriter(new StringWriter()));
                commandLine.execute(command.toArray(String[]::new));
            }
        }
        finally
        {
            try (Stream<Path> files = Files.walk(dir))
            {
                for (final Path file : files.sorted(Comparator.reverseOrder()).toList())
                {
                    Files.delete(file);
                }
            }
        }
    }
}
