package io.ringtarget.nativetests.initiator;

import io.ringtarget.nativetests.support.ExternalProcess;
import io.ringtarget.nativetests.support.GuestRun;
import io.ringtarget.nativetests.support.KernelInitiatorGuest;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.nativetests.support.RingtargetCli;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.ConfigFiles;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ringtarget sessions logout} against the kernel initiator in the QEMU guest, while it writes with fio: the
 * session asked to log out logs out and in again at once and takes the TPG's MaxBurstLength changed live meanwhile
 * (which otherwise waits for the next login); {@code --now} closes the connection and open-iscsi's session recovery
 * logs in again. No I/O error reaches the disk. An initiator with no session is told so (exit 1).
 */
class KernelInitiatorSessionLogoutTest
{
    static final String TARGET = "iqn.2026-12.io.ringtarget:logout";

    private static Path dir;
    private static Path file;
    private static ExternalProcess serve;
    private static GuestRun run;
    private static final List<String> host = new ArrayList<>();
    private static ExternalProcess.Result nobody;

    @BeforeAll
    static void bootTheGuest() throws Exception
    {
        final int port = Ports.free();
        dir = Files.createTempDirectory(Path.of("/var/tmp"), "ringtarget-session-logout");
        file = dir.resolve("saveconfig.json");
        final Path socket = dir.resolve("admin.sock");
        ConfigFiles.save(new RingtargetConfig(
            List.of(new BackstoreConfig("disk0", "fileio", dir.resolve("disk0.img").toString(), 64L << 20, 512, true,
                false, "logout-disk0", null)),
            List.of(new TargetConfig(TARGET, "logout", List.of(
                new TpgConfig(1, true, List.of(new PortalConfig(Ports.LOOPBACK, port)),
                    List.of(new LunConfig(0, "disk0", false)), List.of(), true, "none")))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(1, false, "ring", 5, 15)), file);
        serve = RingtargetCli.start(dir.resolve("serve.log"), Map.of(), "serve", "-c", file.toString(),
            "--admin-socket", socket.toString(), "--metrics", "off");
        assertTrue(serve.awaitLogLine(".*admin: listening on " + Pattern.quote(socket.toString()) + ".*",
            Duration.ofSeconds(90)), serve::logText);
        final String script = GuestScripts.read("session-logout.sh")
            .replace("@TARGET@", TARGET)
            .replace("@PORTAL@", KernelInitiatorGuest.hostAddress(0) + ":" + port);
        run = KernelInitiatorGuest.withScript("session-logout", script)
            .timeout(Duration.ofMinutes(5))
            .hostAction("set-burst", args -> cli(0, "iscsi", "tpg", "set", TARGET, "--parameter",
                "MaxBurstLength=524288"))
            .hostAction("logout", args -> cli(0, "sessions", "logout", KernelInitiatorTest.GUEST))
            .hostAction("close-now", args -> cli(0, "sessions", "logout", KernelInitiatorTest.GUEST, "--target",
                TARGET, "--now"))
            .boot();
        nobody = RingtargetCli.run(Duration.ofMinutes(1), "sessions", "logout", "iqn.2026-12.com.example:nobody", "-c",
            file.toString());
        run.print("KernelInitiatorSessionLogoutTest");
        System.out.println(String.join("\n", host));
    }

    /** Runs the CLI against the served file; its first line of output, or an exception when its exit code differs. */
    private static String cli(final int exitCode, final String... args) throws IOException
    {
        final List<String> all = new ArrayList<>(List.of(args));
        all.add("-c");
        all.add(file.toString());
        final ExternalProcess.Result result = RingtargetCli.run(Duration.ofMinutes(1), all.toArray(String[]::new));
        host.add(String.join(" ", args) + ": exit " + result.exitCode() + ": " + result.output().strip());
        if (result.exitCode() != exitCode)
        {
            throw new IOException(String.join(" ", args) + " exited " + result.exitCode() + ": " + result.output());
        }
        return result.output().lines().filter(l -> !l.isBlank() && !l.startsWith("ringtarget: preparing"))
            .findFirst().orElse("");
    }

    @AfterAll
    static void stop() throws IOException
    {
        if (null != serve)
        {
            serve.close();
        }
        if (null != dir)
        {
            try (Stream<Path> all = Files.walk(dir))
            {
                for (final Path p : all.sorted(Comparator.reverseOrder()).toList())
                {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void anAskedLogoutLogsInAgainWithTheTpgsNewParametersAndACloseRecoversWithoutAnIoError()
    {
        assertTrue(run.ok(), run.describe() + "\n" + String.join("\n", host) + "\n" + serve.logText());
        // A TPG parameter changed live waits for the next login: the session kept what it negotiated until the logout.
        assertEquals("16776192", run.result("burst_before"), run.describe());
        assertEquals("16776192", run.result("burst_unchanged"), run.describe());
        assertTrue(run.result("logout").startsWith("Asked to log out: " + KernelInitiatorTest.GUEST + " ISID "),
            run.result("logout"));
        assertTrue(run.result("close_now").startsWith("Closed " + KernelInitiatorTest.GUEST + " ISID "),
            run.result("close_now"));
        // The asked logout was a logout, not a connection error; the close was one, which the session recovered.
        assertEquals("0", run.result("conn_errors_after_logout"), run.describe());
        assertEquals("0", run.result("fio"), run.describe());
        assertEquals("0", run.result("disk_io_errors"), run.describe());
        assertEquals("1", run.result("sessions"), run.describe());
        final String log = serve.logText();
        assertTrue(log.contains("asking the session of " + KernelInitiatorTest.GUEST), log);
        assertTrue(log.contains("closing the session of " + KernelInitiatorTest.GUEST), log);
        assertTrue(log.contains("closing: logout"), "the initiator logged out when asked: " + log);
        assertTrue(log.contains("closed by an administrator"), log);
    }

    @Test
    void anInitiatorWithoutASessionIsToldSo()
    {
        assertEquals(1, nobody.exitCode(), nobody.output());
        assertTrue(nobody.output().contains("No session of iqn.2026-12.com.example:nobody is logged in"),
            nobody.output());
    }
}
