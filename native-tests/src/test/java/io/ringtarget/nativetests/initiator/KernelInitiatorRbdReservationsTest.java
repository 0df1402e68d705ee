package io.ringtarget.nativetests.initiator;

import io.ringtarget.nativetests.support.GuestRun;
import io.ringtarget.nativetests.support.KernelInitiatorGuest;
import io.ringtarget.nativetests.support.RbdGateways;
import io.ringtarget.nativetests.support.RingtargetProcess;
import io.ringtarget.nativetests.support.ThrowawayCeph;
import io.ringtarget.server.config.AluaConfig;
import io.ringtarget.server.config.RbdConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cluster fencing a node the way Pacemaker's fence_scsi does, with each node on its own gateway of one rbd image
 * (docs/ceph.md, "Persistent reservations"): KernelInitiatorPersistentReservationTest's guest script, whose two
 * initiators (node A, node B) reach here two {@code ringtarget serve} processes of a throwaway Ceph cluster, node A
 * through gateway A only and node B through gateway B only. Both register, node A reserves WRITE EXCLUSIVE -
 * REGISTRANTS ONLY through gateway A, node B preempts and aborts node A through gateway B: node A learns it through
 * gateway A (REGISTRATIONS PREEMPTED) and its writes there conflict. Then both gateways are stopped and started again
 * (SIGTERM, then SIGKILL): the state comes back from the cluster through either; node B's CLEAR ends it everywhere.
 */
class KernelInitiatorRbdReservationsTest
{
    static final String TARGET = "iqn.2026-12.io.ringtarget:rbd-cluster";

    private static Path dir;
    private static ThrowawayCeph ceph;
    private static RingtargetProcess a;
    private static RingtargetProcess b;
    private static RbdGateways.Pair gateways;
    private static GuestRun run;

    @BeforeAll
    static void bootTheGuest() throws Exception
    {
        dir = Files.createTempDirectory("ringtarget-rbd-reservations");
        ceph = RbdGateways.cluster();
        final RbdConfig image = ceph.image("cluster", "64M");
        gateways = RbdGateways.Pair.serve(dir, TARGET, image, AluaConfig.ACTIVE_OPTIMIZED, AluaConfig.ACTIVE_OPTIMIZED);
        a = gateways.a();
        b = gateways.b();
        final int portA = gateways.portA();
        final int portB = gateways.portB();
        final String script = GuestScripts.read("pr-two-initiators.sh")
            .replace("@TARGET@", TARGET)
            .replace("@PATH0@", KernelInitiatorGuest.hostAddress(0) + ":" + portA)
            .replace("@PATH1@", KernelInitiatorGuest.hostAddress(1) + ":" + portB)
            .replace("@NODE_A@", KernelInitiatorPersistentReservationTest.NODE_A)
            .replace("@NODE_B@", KernelInitiatorPersistentReservationTest.NODE_B);
        run = KernelInitiatorGuest.withScript("rbd-reservations", script)
            .nics(2)
            .timeout(Duration.ofMinutes(10))
            .hostAction("restart-target", how -> a.restart(how) + "; " + b.restart(how))
            .hostAction("state-file", args -> storedState())
            .boot();
        run.print("KernelInitiatorRbdReservationsTest");
    }

    /** The registrations and the reservation in the image's RADOS object, as the APTPL test shows its file. */
    private static String storedState()
    {
        final String object = ceph.rados("-p", "rbd", "ls").lines().filter(o -> o.startsWith("ringtarget_pr."))
            .findFirst().orElse(null);
        if (null == object)
        {
            return "none";
        }
        final List<String> lines = ceph.rados("-p", "rbd", "get", object, "-").lines()
            .filter(l -> l.startsWith("registration ") || l.startsWith("reservation ") || l.startsWith("aptpl "))
            .toList();
        return lines.toString();
    }

    @AfterAll
    static void stop() throws Exception
    {
        RbdGateways.stop(gateways, ceph, dir);
    }

    private static String logs()
    {
        return gateways.logs();
    }

    @Test
    void theNodeFencedThroughTheOtherGatewayConflictsOnItsOwn()
    {
        assertTrue(run.ok(), run.describe() + logs());
        assertTrue(run.result("keys_registered").contains("0xa1") && run.result("keys_registered").contains("0xb2"),
            "node A reads node B's key through gateway A: " + run.result("keys_registered"));
        assertTrue(run.result("reservation_a").contains("Key=0xa1"), "node B reads node A's reservation through " +
            "gateway B: " + run.result("reservation_a"));
        assertTrue(run.result("write_b_registered").startsWith("0 "), run.result("write_b_registered"));
        assertTrue(run.result("tur_a_fenced").toLowerCase().contains("registrations preempted"),
            "preempted through B, told through A: " + run.result("tur_a_fenced"));
        assertTrue(run.result("write_a_fenced").toLowerCase().contains("reservation conflict"),
            run.result("write_a_fenced"));
        assertTrue(run.result("write_b_holder").startsWith("0 "), run.result("write_b_holder"));
        assertTrue(run.result("keys_fenced").contains("0xb2") && !run.result("keys_fenced").contains("0xa1"),
            run.result("keys_fenced"));
        assertTrue(run.result("full_status_seen_by_a").contains("Key=0xb2"), run.result("full_status_seen_by_a"));
        assertTrue(run.result("state_file_fenced").contains("registration 00000000000000b2") &&
            !run.result("state_file_fenced").contains("00000000000000a1"),
            "stored in the cluster: " + run.result("state_file_fenced"));
    }

    @Test
    void theStateComesBackFromTheClusterWhenBothGatewaysRestartAndClearEndsIt()
    {
        assertTrue(run.ok(), run.describe() + logs());
        for (final String how : List.of("term", "kill"))
        {
            assertTrue(run.result("keys_after_" + how).contains("0xb2") &&
                !run.result("keys_after_" + how).contains("0xa1"), how + ": " + run.result("keys_after_" + how));
            assertTrue(run.result("reservation_after_" + how).contains("Key=0xb2"),
                how + ": " + run.result("reservation_after_" + how));
            assertTrue(run.result("write_a_after_" + how).toLowerCase().contains("reservation conflict"),
                how + ": " + run.result("write_a_after_" + how));
            assertTrue(run.result("write_b_after_" + how).startsWith("0 "),
                how + ": " + run.result("write_b_after_" + how));
        }
        assertTrue(run.result("keys_cleared").contains("there are NO registered reservation keys"),
            run.result("keys_cleared"));
        assertEquals("[aptpl 0, reservation 0 -1]", run.result("state_file_cleared"));
        assertEquals("0", run.result("sessions_after_logout"), run.describe());
        assertTrue(a.logText().contains("persistent reservations shared by every gateway of the image"), logs());
    }
}
