package io.ringtarget.nativetests.live;

import io.ringtarget.nativetests.support.ExternalProcess;
import io.ringtarget.nativetests.support.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The unit file in the repository (dist/systemd/ringtarget.service): {@code systemd-analyze verify} passes on it, it is
 * {@code Type=notify} with a reload by SIGHUP, a watchdog, locked memory, the host's devices and the launcher's glibc
 * tunable and heap options (bin/jvm-env.sh), and its hardening keeps systemd's exposure rating below "medium".
 * systemd is not PID 1 here: verify and security --offline need no running manager.
 */
class SystemdUnitTest
{
    private static final Pattern JAVA = Pattern.compile("ExecStart=(\\S+) ");
    private static final Pattern EXEC_START = Pattern.compile("(?m)^ExecStart=(.*?) -jar ");
    private static final Pattern TARGET_JAVA_OPTS = Pattern.compile("(?m)^RINGTARGET_TARGET_JAVA_OPTS=\"([^\"]+)\"$");
    private static final Pattern EXPOSURE = Pattern.compile("Overall exposure level for ringtarget.service: ([0-9.]+)");

    @TempDir
    Path dir;

    @Test
    void theUnitFileVerifiesAndSaysWhatTheServiceNeeds() throws Exception
    {
        Tools.require("systemd-analyze");
        final Path unit = Tools.repoRoot().resolve("dist/systemd/ringtarget.service");
        final String text = Files.readString(unit);
        for (final String line : new String[]{ "Type=notify", "NotifyAccess=main", "ExecReload=/bin/kill -HUP $MAINPID",
            "WatchdogSec=30s", "LimitMEMLOCK=infinity", "PrivateDevices=no", "RuntimeDirectory=ringtarget",
            "ReadWritePaths=/etc/ringtarget", "--admin-socket /run/ringtarget/admin.sock",
            "Environment=GLIBC_TUNABLES=glibc.cpu.x86_non_temporal_threshold=0x8000:" +
                "glibc.cpu.x86_rep_movsb_threshold=0x100000000" })
        {
            assertTrue(text.contains(line), line);
        }
        // The target's heap options, as ./ringtarget gives serve and demo (bin/jvm-env.sh), on the java line itself.
        final Matcher heap = TARGET_JAVA_OPTS.matcher(Files.readString(Tools.repoRoot().resolve("bin/jvm-env.sh")));
        assertTrue(heap.find(), "bin/jvm-env.sh sets RINGTARGET_TARGET_JAVA_OPTS");
        final Matcher execStart = EXEC_START.matcher(text);
        assertTrue(execStart.find(), text);
        assertTrue(execStart.group(1).endsWith(" " + heap.group(1)), execStart.group());

        // As written when this machine has the JDK the unit names; else a copy with this test's JDK, which verify
        // needs to exist (it checks ExecStart's program).
        final Matcher java = JAVA.matcher(text);
        assertTrue(java.find(), text);
        final Path checked;
        if (Files.isExecutable(Path.of(java.group(1))))
        {
            checked = unit;
        }
        else
        {
            checked = dir.resolve("ringtarget.service");
            Files.writeString(checked, text.replace(java.group(1),
                ProcessHandle.current().info().command().orElseThrow()));
        }
        final ExternalProcess.Result verify = ExternalProcess.run(Duration.ofSeconds(60), "systemd-analyze", "verify",
            checked.toString());
        assertEquals(0, verify.exitCode(), verify.output());
        assertEquals("", verify.output().strip(), "no warning either");

        final ExternalProcess.Result security = ExternalProcess.run(Duration.ofSeconds(60), "systemd-analyze",
            "security", "--offline=true", "--no-pager", checked.toString());
        final Matcher exposure = EXPOSURE.matcher(security.output());
        assertTrue(exposure.find(), security.output());
        assertTrue(Double.parseDouble(exposure.group(1)) < 5.0, "exposure " + exposure.group(1) + ":\n" +
            security.output());
    }
}
