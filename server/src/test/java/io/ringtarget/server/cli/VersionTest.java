package io.ringtarget.server.cli;

import org.junit.jupiter.api.Test;

import static io.ringtarget.server.cli.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VersionTest
{
    @Test
    void versionNamesTheCommitTheBuildRecorded()
    {
        final CliRunner.Result result = run("-V");

        assertEquals(0, result.exitCode(), result::toString);
        // Run from target/classes: no manifest, but the commit the build wrote (a git work tree in CI and here).
        assertTrue(result.out().lines().findFirst().orElse("")
            .matches("ringtarget \\S.* \\(commit [0-9a-f]{7}(-dirty)?\\)"), result::toString);
        assertTrue(result.out().contains("Java 25"), result::toString);
    }

    @Test
    void withoutARecordedCommitItSaysUnknown()
    {
        assertTrue(VersionInfo.line(null).endsWith(" (commit unknown)"));
        assertTrue(VersionInfo.line("8b6dee0-dirty").endsWith(" (commit 8b6dee0-dirty)"));
    }
}
