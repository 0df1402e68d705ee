package io.ringtarget.server.cli.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The commit a source tree was built from, as {@code -V} shows it: the short hash, with {@code -dirty} when
 * tracked files differ from it (what {@code git describe --dirty} calls dirty; untracked files do not count).
 */
final class GitCommit
{
    private GitCommit()
    {
    }

    /**
     * @param tree a directory inside the work tree.
     * @return {@code 8b6dee0} or {@code 8b6dee0-dirty}; null when there is no git or no repository.
     */
    static String of(final Path tree)
    {
        final String hash = git(tree, "rev-parse", "--short=7", "HEAD");
        if (null == hash)
        {
            return null;
        }
        // Exit status 1 means "differs"; refresh the index first, or a touched but unchanged file reads as a change.
        git(tree, "update-index", "-q", "--refresh");
        return hash + (null == git(tree, "diff-index", "--quiet", "HEAD", "--") ? "-dirty" : "");
    }

    /** Runs git in {@code tree}; its trimmed output when it exits 0, else null. */
    private static String git(final Path tree, final String... args)
    {
        final List<String> command = new ArrayList<>(List.of("git", "-C", tree.toString()));
        command.addAll(List.of(args));
        try
        {
            final Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(30, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                return null;
            }
            return process.exitValue() == 0 ? out : null;
        }
        catch (final IOException ex)
        {
            return null; // no git on this machine: a build from a source archive
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
