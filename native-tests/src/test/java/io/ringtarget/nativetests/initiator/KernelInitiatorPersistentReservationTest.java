package io.ringtarget.nativetests.initiator;

import io.ringtarget.nativetests.support.GuestRun;
import io.ringtarget.nativetests.support.KernelInitiatorGuest;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.nativetests.support.RingtargetProcess;
import io.ringtarget.server.config.AluaConfig;
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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Persistent reservations the way a cluster fences a node (Pacemaker's fence_scsi): two initiators (two initiator
 * names in the kernel initiator's guest, each on its own NIC and TPG of one target) register with APTPL, one
 * reserves WRITE EXCLUSIVE - REGISTRANTS ONLY, the other preempts and aborts it; the fenced node's writes get
 * RESERVATION CONFLICT. The target, a process of its own serving a configuration file with a state directory, is then
 * stopped cleanly and killed with SIGKILL (a power loss), and each time the registrations and the reservation are
 * back when it serves again.
 */
class KernelInitiatorPersistentReservationTest
{
    static final String TARGET = "iqn.2026-11.io.ringtarget:cluster";
    static final String NODE_A = "iqn.2026-11.io.ringtarget.guest:node-a";
    static final String NODE_B = "iqn.2026-11.io.ringtarget.guest:node-b";
    private static final String SERIAL = "cluster-disk0";

    @TempDir
    static Path dir;

    private static RingtargetProcess target;
    private static GuestRun run;

    @BeforeAll
    static void bootTheGuest() throws Exception
    {
        final int port1 = Ports.free();
        final int port2 = Ports.free();
        final List<LunConfig> lun = List.of(new LunConfig(0, "disk0", false));
        final Path image = Files.createTempFile(Path.of("/var/tmp"), "ringtarget-pr", ".img");  // O_DIRECT: not tmpfs
        Files.delete(image);
        final RingtargetConfig config = new RingtargetConfig(
            List.of(new BackstoreConfig("disk0", "fileio", image.toString(), 64L << 20, 512, true, false, SERIAL, null)),
            List.of(new TargetConfig(TARGET, "cluster", List.of(
                new TpgConfig(1, true, List.of(new PortalConfig(Ports.LOOPBACK, port1)), lun, List.of(), true, "none")
                    .withAlua(new AluaConfig(AluaConfig.ACTIVE_OPTIMIZED, true)),
                new TpgConfig(2, true, List.of(new PortalConfig(Ports.LOOPBACK, port2)), lun, List.of(), true, "none")
                    .withAlua(new AluaConfig(AluaConfig.ACTIVE_OPTIMIZED, false))))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(1, false, "ring", 5, 15))
            .withStateDirectory(dir.resolve("state").toString());
        final Path file = dir.resolve("saveconfig.json");
        ConfigFiles.save(config, file);
        final Path stateFile = dir.resolve("state/persistent-reservations/" + SERIAL + ".pr");
        try
        {
            target = RingtargetProcess.serve(file, dir.resolve("ringtarget.log"), port1, port2);
            final String script = GuestScripts.read("pr-two-initiators.sh")
                .replace("@TARGET@", TARGET)
                .replace("@PATH0@", KernelInitiatorGuest.hostAddress(0) + ":" + port1)
                .replace("@PATH1@", KernelInitiatorGuest.hostAddress(1) + ":" + port2)
                .replace("@NODE_A@", NODE_A)
                .replace("@NODE_B@", NODE_B);
            run = KernelInitiatorGuest.withScript("pr-two-initiators", script)
                .nics(2)
                .timeout(Duration.ofMinutes(10))
                .hostAction("restart-target", target::restart)
                .hostAction("state-file", args -> Files.exists(stateFile) ?
                    Files.readAllLines(stateFile).stream().filter(l -> l.startsWith("registration ") ||
                        l.startsWith("reservation ")).toList().toString() : "none")
                .boot();
        }
        finally
        {
            Files.deleteIfExists(image);
        }
        run.print("KernelInitiatorPersistentReservationTest");
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
    void theFencedNodesWritesConflictAndItLearnsItWasPreempted()
    {
        assertTrue(run.ok(), run.describe() + "\n" + target.logText());
        assertTrue(run.result("keys_registered").contains("0xa1") && run.result("keys_registered").contains("0xb2"),
            run.result("keys_registered"));
        assertTrue(run.result("reservation_a").contains("Key=0xa1"), run.result("reservation_a"));
        // WE-RO: every registrant may write, not only the holder.
        assertTrue(run.result("write_b_registered").startsWith("0 "), run.result("write_b_registered"));
        assertTrue(run.result("tur_a_fenced").toLowerCase().contains("registrations preempted"), run.result("tur_a_fenced"));
        assertTrue(run.result("write_a_fenced").toLowerCase().contains("reservation conflict"), run.result("write_a_fenced"));
        assertTrue(run.result("write_b_holder").startsWith("0 "), run.result("write_b_holder"));
        assertTrue(run.result("keys_fenced").contains("0xb2") && !run.result("keys_fenced").contains("0xa1"),
            run.result("keys_fenced"));
        assertTrue(run.result("reservation_fenced").contains("Key=0xb2"), run.result("reservation_fenced"));
        assertTrue(run.result("reservation_fenced").contains("Write Exclusive, registrants only"),
            run.result("reservation_fenced"));
        // READ FULL STATUS shows the holder to any initiator, the fenced one too.
        assertTrue(run.result("full_status_seen_by_a").contains("Key=0xb2"), run.result("full_status_seen_by_a"));
        assertTrue(run.result("full_status_seen_by_a").contains("Reservation holder"), run.result("full_status_seen_by_a"));
    }

    @Test
    void theReservationSurvivesACleanRestartAndAKill()
    {
        assertTrue(run.ok(), run.describe() + "\n" + target.logText());
        assertTrue(run.result("state_file_fenced").contains("registration 00000000000000b2"),
            "APTPL state on disk: " + run.result("state_file_fenced"));
        for (final String how : List.of("term", "kill"))
        {
            assertTrue(run.result("keys_after_" + how).contains("0xb2") &&
                !run.result("keys_after_" + how).contains("0xa1"), how + ": " + run.result("keys_after_" + how));
            assertTrue(run.result("reservation_after_" + how).contains("Key=0xb2"),
                how + ": " + run.result("reservation_after_" + how));
            assertTrue(run.result("write_a_after_" + how).toLowerCase().contains("reservation conflict"),
                how + ": " + run.result("write_a_after_" + how));
            assertTrue(run.result("write_b_after_" + how).startsWith("0 "), how + ": " + run.result("write_b_after_" + how));
        }
        assertTrue(target.logText().contains("serving"), target.logText());
    }

    @Test
    void clearingTheReservationsRemovesTheStateFile()
    {
        assertTrue(run.ok(), run.describe() + "\n" + target.logText());
        assertTrue(run.result("keys_cleared").contains("there are NO registered reservation keys"),
            run.result("keys_cleared"));
        assertEquals("none", run.result("state_file_cleared"));
        assertEquals("0", run.result("sessions_after_logout"), run.describe());
    }
}
