package io.ringtarget.nativetests.initiator;

import io.ringtarget.nativetests.support.GuestRun;
import io.ringtarget.nativetests.support.KernelInitiatorGuest;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.nativetests.support.RingtargetProcess;
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
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The target restarted under a host's verified I/O, as a crash (SIGKILL) and as an upgrade (SIGTERM), then frozen
 * (SIGSTOP for 12 s: a hung host, a stalled VM) until the kernel's NOP-Out ping times out and it logs in again. The
 * kernel initiator in the QEMU guest runs fio rounds (16 MiB of 4 KiB random writes at QD16 with checksums, all read
 * back) on a fileio LUN with direct I/O, and each disruption lands in the middle of one. The session must come back
 * by itself (open-iscsi's session recovery, replacement_timeout 120 s), the writes in flight be retried, no I/O
 * error reach the disk, and the round that spanned each disruption read back every write, those the target
 * acknowledged just before it died included: the target acknowledges a write only once its backstore write has
 * completed, and a login that reinstates a session waits for the old session's I/O.
 */
class KernelInitiatorTargetRestartTest
{
    static final String TARGET = "iqn.2026-12.io.ringtarget:restart";

    @TempDir
    static Path dir;

    private static RingtargetProcess target;
    private static GuestRun run;

    @BeforeAll
    static void bootTheGuest() throws Exception
    {
        final int port = Ports.free();
        // O_DIRECT: not on tmpfs.
        final Path image = Files.createTempFile(Path.of("/var/tmp"), "ringtarget-restart", ".img");
        Files.delete(image);
        final RingtargetConfig config = new RingtargetConfig(
            List.of(new BackstoreConfig("disk0", "fileio", image.toString(), 64L << 20, 512, true, false,
                "restart-disk0", null)),
            List.of(new TargetConfig(TARGET, "restart", List.of(
                new TpgConfig(1, true, List.of(new PortalConfig(Ports.LOOPBACK, port)),
                    List.of(new LunConfig(0, "disk0", false)), List.of(), true, "none")))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(1, false, "ring", 5, 15));
        final Path file = dir.resolve("saveconfig.json");
        ConfigFiles.save(config, file);
        try
        {
            target = RingtargetProcess.serve(file, dir.resolve("ringtarget.log"), port);
            final String script = GuestScripts.read("target-restart.sh")
                .replace("@TARGET@", TARGET)
                .replace("@PORTAL@", KernelInitiatorGuest.hostAddress(0) + ":" + port);
            run = KernelInitiatorGuest.withScript("target-restart", script)
                .timeout(Duration.ofMinutes(10))
                .hostAction("restart-target", target::restart)
                .hostAction("freeze-target", KernelInitiatorTargetRestartTest::freeze)
                .boot();
        }
        finally
        {
            Files.deleteIfExists(image);
        }
        run.print("KernelInitiatorTargetRestartTest");
    }

    /** SIGSTOP for {@code seconds}, then SIGCONT. */
    private static String freeze(final String seconds) throws InterruptedException
    {
        target.freeze();
        Thread.sleep(Long.parseLong(seconds) * 1000);
        target.signal("CONT");
        return "frozen " + seconds + " s";
    }

    @AfterAll
    static void stop()
    {
        if (null != target)
        {
            target.close();
        }
    }

    @Test
    void verifiedIoGoesOnThroughACrashACleanRestartAndAFreezeWithNoErrorAndNoLostWrite()
    {
        assertTrue(run.ok(), run.describe() + "\n" + target.logText());
        assertEquals("none", run.result("io_failed"), run.describe());
        assertEquals("0", run.result("disk_io_errors"), run.describe());
        assertTrue(run.result("restart_kill").startsWith("killed"), run.result("restart_kill"));
        assertTrue(run.result("restart_term").startsWith("stopped"), run.result("restart_term"));
        assertEquals("frozen 12 s", run.result("freeze"), run.describe());
        for (final String how : List.of("kill", "term", "freeze"))
        {
            // The round that was running when the target went away was verified afterwards (the script waits for it).
            assertTrue(Integer.parseInt(run.result("spanning_round_" + how)) >= 2, run.describe());
        }
        assertTrue(Integer.parseInt(run.result("ping_timeouts")) >= 1, "the kernel noticed the frozen target by its " +
            "NOP-Out ping: " + run.result("kernel_messages"));
        // The crash was seen as a connection error and the session recovered (the same session, not a new one).
        assertTrue(Integer.parseInt(run.result("conn_errors")) >= 1, run.result("kernel_messages"));
        assertEquals("1", run.result("sessions"), run.describe());
        assertTrue(Integer.parseInt(run.result("io_rounds")) >= 3, run.describe());
    }

    @Test
    void theKilledTargetHadNoChanceToCloseTheStoppedOneHadTheInitiatorLogOutAndTheFrozenOneALoginAgain()
    {
        assertTrue(run.ok(), run.describe() + "\n" + target.logText());
        // The log holds each start's command line ("$ ...") and what that process logged: killed, stopped, serving.
        final String[] processes = target.logText().split("(?m)^\\$ ");
        assertEquals(4, processes.length, target.logText());
        // (The harness's probe of the portal before the login is a connection of its own, closed by the harness.)
        final int login = processes[1].indexOf("login: ");
        assertTrue(login >= 0 && !processes[1].substring(login).contains("closing: ") &&
            !processes[1].contains("engine: stopped"), "SIGKILL: nothing after the login\n" + processes[1]);
        // SIGTERM: the Async Message asked the initiator to log out, and it did before the engine stopped.
        final int logout = processes[2].indexOf("closing: logout");
        assertTrue(logout >= 0 && processes[2].indexOf("engine: stopped") > logout, processes[2]);
        // The third process served the session, was frozen, and served its second login (after the ping timeout),
        // which ended the first connection (reinstating its session, if it was still there: RFC 7143 6.3.5; a line of
        // its own says so, before the login's).
        final String guestLogin = "login: " + KernelInitiatorTest.GUEST;
        assertEquals(2, processes[3].lines().filter(l -> l.contains(guestLogin) && !l.contains(" reinstates "))
            .count(), processes[3]);
    }
}
