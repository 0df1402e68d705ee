package io.ringtarget.server.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class CommandTreeTest
{
    @Test
    void theCommandIsTheFirstArgumentThatIsNotTheConfigOption()
    {
        assertEquals("iscsi", CommandTree.topLevelCommand(new String[] { "iscsi", "ls" }));
        assertEquals("iscsi", CommandTree.topLevelCommand(new String[] { "-c", "/x.json", "iscsi", "ls" }));
        assertEquals("iscsi", CommandTree.topLevelCommand(new String[] { "--config", "/x.json", "iscsi", "ls" }));
        assertEquals("iscsi", CommandTree.topLevelCommand(new String[] { "--config=/x.json", "iscsi" }));
        assertEquals("iscsi", CommandTree.topLevelCommand(new String[] { "-c/x.json", "iscsi" }));
        assertNull(CommandTree.topLevelCommand(new String[] { "--help", "iscsi" }));
        assertNull(CommandTree.topLevelCommand(new String[] { "iscsy" }));
        assertNull(CommandTree.topLevelCommand(new String[0]));
    }

    @Test
    void everyCommandBehavesTheSameInItsBranchAsInTheWholeTree()
    {
        final List<List<String>> paths = new ArrayList<>();
        collect(Main.commandLine(), new ArrayList<>(), paths);
        for (final List<String> path : paths)
        {
            final List<String> help = new ArrayList<>(path);
            help.add("--help");
            final String[] args = help.toArray(String[]::new);
            assertEquals(CliRunner.runWhole(args).toString(), CliRunner.run(args).toString(), help::toString);
        }
        assertEquals(CliRunner.runWhole("iscsi", "frobnicate").toString(), CliRunner.run("iscsi", "frobnicate").toString());
        assertEquals(CliRunner.runWhole("iscsi").toString(), CliRunner.run("iscsi").toString());
    }

    private static void collect(final CommandLine command, final List<String> path, final List<List<String>> paths)
    {
        for (final var sub : command.getSubcommands().entrySet())
        {
            if (sub.getValue().getCommandSpec().userObject() instanceof CommandLine.HelpCommand)
            {
                continue;
            }
            final List<String> subPath = new ArrayList<>(path);
            subPath.add(sub.getKey());
            paths.add(subPath);
            collect(sub.getValue(), subPath, paths);
        }
    }
}
