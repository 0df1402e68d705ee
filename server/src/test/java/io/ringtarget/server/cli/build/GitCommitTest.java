package io.ringtarget.server.cli.build;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GitCommit against a real repository made for the test. */
class GitCommitTest
{
    @TempDir
    Path dir;

    @Test
    void shortHashAndDirtyWhenATrackedFileChanged() throws Exception
    {
        git("init", "-q");
        Files.writeString(dir.resolve("a.txt"), "one\n");
        git("add", "a.txt");
        git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "first");
        final String head = git("rev-parse", "--short=7", "HEAD");

        assertEquals(head, GitCommit.of(dir));
        assertTrue(head.matches("[0-9a-f]{7}"), head);

        Files.writeString(dir.resolve("untracked.txt"), "x\n");
        assertEquals(head, GitCommit.of(dir), "untracked files do not make it dirty");

        Files.writeString(dir.resolve("a.txt"), "two\n");
        assertEquals(head + "-dirty", GitCommit.of(dir));
    }

    @Test
    void noRepositoryIsNoCommit()
    {
        assertNull(GitCommit.of(dir));
    }

    private String git(final String... args) throws IOException, InterruptedException
    {
        final String[] command = new String[args.length + 3];
        command[0] = "git";
        command[1] = "-C";
        command[2] = dir.toString();
        System.arraycopy(args, 0, command, 3, args.length);
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String out = new String(process.getInputStream().readAllBytes()).strip();
        assertEquals(0, process.waitFor(), out);
        return out;
    }
}
