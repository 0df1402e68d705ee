package io.ringtarget.server.cli.build;

import io.ringtarget.server.cli.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the build wrote into target/ (phase process-classes, before the tests): the manual page and the bash
 * completion, each covering every command of the real command tree.
 */
class BuildArtifactsTest
{
    private static final Path TARGET = Path.of("target");

    @Test
    void theManualPageDescribesEveryCommand() throws IOException
    {
        final String page = Files.readString(TARGET.resolve("ringtarget.1"));

        assertTrue(page.startsWith(".TH RINGTARGET 1 "), page.lines().findFirst().orElse(""));
        final List<String> commands = commands(Main.commandLine());
        assertTrue(commands.size() > 30, commands::toString);
        for (final String command : commands)
        {
            assertTrue(page.contains(".SS \"" + ManPage.escape(command) + " "), "no section for " + command);
        }
        assertTrue(page.contains("\\fB\\-\\-chap\\-password, \\-\\-password\\fR=\\fISECRET\\fR"), "options of the leaves");
        assertTrue(page.contains("RINGTARGET_CONFIG"));
    }

    @Test
    void theBashCompletionKnowsEveryCommand() throws IOException
    {
        final String completion = Files.readString(TARGET.resolve("ringtarget.bash-completion"));

        assertTrue(completion.contains("complete -F _complete_ringtarget"), "registers itself for ringtarget");
        for (final String command : commands(Main.commandLine()))
        {
            // picocli's script has one function per command, named after its path (hyphens dropped).
            final String function = "_picocli_" + command.replace(' ', '_').replace("-", "");
            assertTrue(completion.contains(function + "()"), "no completion function " + function);
        }
        assertTrue(completion.contains("--grow"));
    }

    @Test
    void escapingKeepsTroffFromReadingTextAsRequests()
    {
        assertEquals("\\&.hidden \\e \\-c", ManPage.escape(".hidden \\ -c"));
    }

    /** "ringtarget demo", "ringtarget iscsi tpg luns create", ... (the help command left out). */
    private static List<String> commands(final CommandLine root)
    {
        final List<String> names = new ArrayList<>();
        for (final CommandLine sub : root.getSubcommands().values())
        {
            if (!(sub.getCommandSpec().userObject() instanceof CommandLine.HelpCommand) &&
                !names.contains(sub.getCommandSpec().qualifiedName()))
            {
                names.add(sub.getCommandSpec().qualifiedName());
                names.addAll(commands(sub));
            }
        }
        return names;
    }
}
