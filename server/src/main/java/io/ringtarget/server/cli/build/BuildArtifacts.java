package io.ringtarget.server.cli.build;

import io.ringtarget.server.cli.Main;
import io.ringtarget.server.cli.VersionInfo;
import picocli.AutoComplete;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run by the build (exec-maven-plugin, phase process-classes), not by the CLI: writes what the build ships next to
 * the jar and into it, from the compiled command tree and the source tree.
 * <ul>
 *   <li>{@code CLASSES/}{@value VersionInfo#COMMIT_RESOURCE}: the git commit ({@link GitCommit}), which {@code -V}
 *       prints; "unknown" outside a git work tree. In the jar, so that no git is needed at run time.</li>
 *   <li>{@code OUT/ringtarget.1}: the manual page ({@link ManPage}).</li>
 *   <li>{@code OUT/ringtarget.bash-completion}: bash completion of every command and option (picocli's
 *       AutoComplete).</li>
 * </ul>
 * Arguments: CLASSES OUT SOURCE_TREE.
 */
public final class BuildArtifacts
{
    private BuildArtifacts()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        if (args.length != 3)
        {
            throw new IllegalArgumentException("arguments: CLASSES_DIR OUTPUT_DIR SOURCE_TREE");
        }
        final Path classes = Path.of(args[0]);
        final Path out = Files.createDirectories(Path.of(args[1]));
        final String commit = GitCommit.of(Path.of(args[2]));
        write(classes.resolve(VersionInfo.COMMIT_RESOURCE), (null == commit ? VersionInfo.UNKNOWN : commit) + "\n");

        final CommandLine commandLine = Main.commandLine();
        // Fixed widths: the build's terminal, or none, must not change the files.
        commandLine.setUsageHelpAutoWidth(false);
        write(out.resolve("ringtarget.1"), ManPage.render(commandLine, VersionInfo.line(commit)));
        write(out.resolve("ringtarget.bash-completion"), AutoComplete.bash("ringtarget", commandLine));
    }

    private static void write(final Path file, final String text) throws IOException
    {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
