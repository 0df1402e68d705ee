package io.ringtarget.nativetests.launcher;

import io.ringtarget.nativetests.support.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * bin/quiet-services.sh, which install-test-deps.sh runs on the peer targets it installs, on an image of a system
 * with tgt.service enabled the way Debian's package enables it (a link in multi-user.target.wants): the real
 * systemctl, on files in a temporary directory, so the machine's own services are left alone.
 */
class QuietServicesTest
{
    @TempDir
    Path image;

    @Test
    void anEnabledServiceIsLeftInstalledButNotEnabled() throws Exception
    {
        assumeTrue(Files.isExecutable(Path.of("/bin/systemctl")) || Files.isExecutable(Path.of("/usr/bin/systemctl")),
            "no systemctl here");
        final Path unit = Files.createDirectories(image.resolve("lib/systemd/system")).resolve("tgt.service");
        Files.writeString(unit, """
            [Unit]
            Description=stand-in for tgt
            [Service]
            ExecStart=/bin/true
            [Install]
            WantedBy=multi-user.target
            """);
        final Path wants = Files.createDirectories(image.resolve("etc/systemd/system/multi-user.target.wants"));
        Files.createSymbolicLink(wants.resolve("tgt.service"), Path.of("/lib/systemd/system/tgt.service"));

        final Process process = new ProcessBuilder(Tools.repoRoot().resolve("bin/quiet-services.sh").toString(),
            "--root", image.toString(), "tgt.service").redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));

        assertEquals(0, process.exitValue(), output);
        assertFalse(Files.exists(wants.resolve("tgt.service"), java.nio.file.LinkOption.NOFOLLOW_LINKS), "not enabled");
        assertTrue(Files.exists(unit), "still installed");
    }
}
