package io.ringtarget.nativetests.initiator;

import io.ringtarget.nativetests.support.GuestRun;
import io.ringtarget.nativetests.support.KernelInitiatorGuest;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;
import io.ringtarget.server.startup.TargetServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two paths of the kernel initiator to one LUN: the guest's two user-network NICs (10.0.2.2 and 10.0.3.2 are both
 * the host's 127.0.0.1) give two sessions to the same portal, dm-multipath maps them as one device with the ALUA
 * handler, and verified I/O goes over both. The groundwork of the multipath and ALUA failover tests.
 */
class KernelInitiatorTwoPathsTest
{
    static final String TARGET = "iqn.2026-11.io.ringtarget:paths";
    static final String GUEST = KernelInitiatorTest.GUEST;

    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static TargetServer server;
    private static GuestRun run;

    @BeforeAll
    static void bootTheGuest() throws Exception
    {
        final int port = Ports.free();
        final RingtargetConfig config = new RingtargetConfig(
            List.of(new BackstoreConfig("ram0", "ram", null, 64L << 20, 512, true, false, "paths0", null)),
            List.of(new TargetConfig(TARGET, "paths", List.of(new TpgConfig(1, true,
                List.of(new PortalConfig(Ports.LOOPBACK, port)), List.of(new LunConfig(0, "ram0", false)),
                List.of(), true, "none")))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(1, false, "ring", 5, 15));
        server = TargetServer.start(config, new PrintStream(LOG, true));
        final String script = GuestScripts.read("two-paths.sh")
            .replace("@TARGET@", TARGET)
            .replace("@PATH0@", KernelInitiatorGuest.hostAddress(0) + ":" + port)
            .replace("@PATH1@", KernelInitiatorGuest.hostAddress(1) + ":" + port);
        run = KernelInitiatorGuest.withScript("two-paths", script).nics(2).boot();
        System.out.println("KernelInitiatorTwoPathsTest: guest ready at " + run.readyAt() + " s, script ended at " +
            run.exitAt() + " s (guest clock), QEMU ran " + run.wall().toMillis() / 1000.0 + " s" + (run.hungAtPowerOff() ? " (did not power off: killed)" : "") +
            "; console " + run.consoleLog());
        run.lines("RT-STEP").forEach(System.out::println);
        run.results().forEach((k, v) -> System.out.println("  " + k + " = " + v));
        log().all().forEach(l -> System.out.println("  target: " + l));
    }

    @AfterAll
    static void stop()
    {
        if (null != server)
        {
            server.close();
        }
    }

    @Test
    void multipathMapsBothSessionsAsOneDeviceAndIoVerifies()
    {
        assertTrue(run.ok(), run.describe() + "\n" + LOG);
        assertEquals("2", run.result("sessions"), run.describe());
        assertEquals("2", run.result("active_paths"), run.describe());
        assertTrue(run.result("map").startsWith("mpatha "), run.describe());
        assertEquals("1 alua", run.result("hwhandler"), run.describe());
        assertEquals("0", run.result("fio_mpath"), run.describe());
        assertEquals("0", run.result("sessions_after_logout"), run.describe());
    }

    @Test
    void theTargetSeesTwoSessionsThatBothCarryIoAndLogOut()
    {
        final TargetLogLines log = log();
        assertEquals(2, log.logins().size(), log.toString());
        final List<TargetLogLines.Closing> closings = log.closings();
        assertEquals(2, closings.size(), log.toString());
        for (final TargetLogLines.Closing c : closings)
        {
            assertEquals("logout", c.reason(), c.line());
            assertEquals(0, c.protocolErrors(), c.line());
            // 16 MiB of 4 KiB writes and their verifying reads (8192 commands) in turns over the two paths.
            assertTrue(c.commands() > 1000, "this path carried little I/O: " + c.line());
        }
    }

    private static TargetLogLines log()
    {
        server.flushLog();
        return new TargetLogLines(LOG.toString(StandardCharsets.UTF_8), GUEST, TARGET);
    }
}
