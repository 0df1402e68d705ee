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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/ceph.md's two gateways with ALUA, with the Linux initiator and dm-multipath in a QEMU guest (the admin guide's
 * stanza and timeouts): two {@code ringtarget serve} processes on one rbd image of a throwaway Ceph cluster (librbd's
 * cache off, as the guide says), A's TPG 1 active/optimized and preferred, B's TPG 2 active/non-optimized, each
 * reached through its own guest NIC. Verified I/O runs throughout while the cable to A is pulled (multipath moves to
 * B, whose first write takes the image over and blocklists A, which is alive and unaware), A serves again by itself
 * as a new Ceph client, the cable comes back (multipath returns to the preferred A, whose write takes the image back,
 * fencing B), and B serves again: no restart, no I/O error reaching the multipath device.
 */
class KernelInitiatorRbdGatewaysTest
{
    static final String TARGET = "iqn.2026-12.io.ringtarget:rbd-gateways";
    private static final Pattern FENCED = Pattern.compile("rbd0: another gateway took the image over");
    private static final Pattern TOOK_OVER = Pattern.compile("rbd0: took the image's exclusive lock over from");

    private static Path dir;
    private static ThrowawayCeph ceph;
    private static RingtargetProcess a;
    private static RingtargetProcess b;
    private static RbdGateways.Pair gateways;
    private static GuestRun run;

    @BeforeAll
    static void bootTheGuest() throws Exception
    {
        dir = Files.createTempDirectory("ringtarget-rbd-gateways");
        ceph = RbdGateways.cluster();
        final RbdConfig image = ceph.image("gw", "256M");
        gateways = RbdGateways.Pair.serve(dir, TARGET, image, AluaConfig.ACTIVE_OPTIMIZED,
            AluaConfig.ACTIVE_NON_OPTIMIZED);
        a = gateways.a();
        b = gateways.b();
        final int portA = gateways.portA();
        final int portB = gateways.portB();
        final String script = GuestScripts.read("rbd-gateways.sh")
            .replace("@TARGET@", TARGET)
            .replace("@PATH0@", KernelInitiatorGuest.hostAddress(0) + ":" + portA)
            .replace("@PATH1@", KernelInitiatorGuest.hostAddress(1) + ":" + portB);
        run = KernelInitiatorGuest.withScript("rbd-gateways", script)
            .file("multipath.conf", KernelInitiatorAluaFailoverTest.adminGuideStanza())
            .file("multipath-alua.sh", GuestScripts.read("multipath-alua.sh"))
            .nics(2)
            .timeout(Duration.ofMinutes(12))
            .hostAction("reopened", KernelInitiatorRbdGatewaysTest::awaitReopened)
            .boot();
        run.print("KernelInitiatorRbdGatewaysTest");
    }

    /** "reopened a|b": waits until that gateway, fenced, serves the image again; answers its log line. */
    private static String awaitReopened(final String gateway) throws Exception
    {
        final RingtargetProcess p = "a".equals(gateway.strip()) ? a : b;
        if (!p.awaitLogLine(RbdGateways.REOPENED, Duration.ofSeconds(90)))
        {
            throw new IllegalStateException("gateway " + gateway + " did not serve the image again");
        }
        return p.logText().lines().filter(l -> l.matches(RbdGateways.REOPENED)).findFirst().orElseThrow();
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

    private static int count(final Pattern p, final String text)
    {
        final Matcher m = p.matcher(text);
        int n = 0;
        while (m.find())
        {
            n++;
        }
        return n;
    }

    @Test
    void verifiedIoGoesOnThroughAFailoverAndAFailbackWhileEachGatewayIsFencedAndServesAgainByItself()
    {
        assertTrue(run.ok(), run.describe() + logs());
        final String[] disks = run.result("disks").split(" ");
        assertEquals("2", run.result("groups"), "one path group per gateway\n" + run.describe());
        assertEquals(disks[0], run.result("active_before"), run.describe());
        assertEquals(disks[1], run.result("active_during"), "failover to B\n" + run.describe());
        assertEquals(disks[0], run.result("active_after"), "failback to the preferred A\n" + run.describe());
        assertEquals("active/optimized", run.result("access0_after"), run.describe());
        assertEquals("2", run.result("groups_end"), "B active/optimized too, but below the preferred A\n" +
            run.describe());
        assertEquals(disks[0], run.result("active_end"), run.describe());
        assertEquals("none", run.result("io_failed"), run.describe() + logs());
        assertTrue(Integer.parseInt(run.result("io_rounds")) >= 5, run.describe());
        assertEquals("0", run.result("dm_io_errors"), "no I/O error reached the multipath device\n" + run.describe());
        assertEquals("0", run.result("sessions_after_logout"), run.describe());
        // A: the first write, fenced by B's takeover, served again, took the image back. B: took it, fenced, again.
        final String logA = a.logText();
        final String logB = b.logText();
        assertEquals(1, count(FENCED, logA), logs());
        assertEquals(1, count(TOOK_OVER, logA), "A's takeover after serving again\n" + logs());
        assertTrue(run.result("a_reopened").contains("target port group(s) back to their states: 1 active/optimized"),
            run.result("a_reopened"));
        assertEquals(1, count(FENCED, logB), logs());
        assertEquals(1, count(TOOK_OVER, logB), "B's takeover from A\n" + logs());
        assertTrue(run.result("b_reopened").contains("opened the image again"), run.result("b_reopened"));
    }
}
