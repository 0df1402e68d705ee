package io.ringtarget.nativetests.initiator;

import io.ringtarget.nativetests.support.GuestRun;
import io.ringtarget.nativetests.support.KernelInitiatorGuest;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.nativetests.support.Tools;
import io.ringtarget.server.config.AluaConfig;
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
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seed's production check, "publish multiple portals across NICs and confirm DM-Multipath failover", with ALUA:
 * Linux's initiator in a QEMU guest logs in to the two TPGs of one target through its two NICs (TPG 1
 * active/optimized and preferred, TPG 2 active/non-optimized), dm-multipath uses the admin guide's devices stanza
 * (read from docs/admin-guide.md) and the initiator timeouts it recommends. Verified I/O runs while NIC 0's cable is
 * pulled (QEMU's set_link) and put back; then SET TARGET PORT GROUPS from the guest puts the preferred TPG 1 in
 * standby and TPG 2 active/optimized: multipath-tools ranks a preferred group first in any state but
 * active/optimized, so Linux goes on with TPG 1 and its ALUA handler makes it active/optimized again with an STPG of
 * its own (the PREF bit decides; STPG cannot move it).
 */
class KernelInitiatorAluaFailoverTest
{
    static final String TARGET = "iqn.2026-11.io.ringtarget:alua";
    /** The stanza in docs/admin-guide.md: an indented block starting with "devices {". */
    private static final Pattern STANZA = Pattern.compile("\\n((?: {4}devices \\{\\n)(?: {4}.*\\n)+)");

    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static TargetServer server;
    private static GuestRun run;

    @BeforeAll
    static void bootTheGuest() throws Exception
    {
        final int port1 = Ports.free();
        final int port2 = Ports.free();
        final List<LunConfig> lun = List.of(new LunConfig(0, "ram0", false));
        final RingtargetConfig config = new RingtargetConfig(
            List.of(new BackstoreConfig("ram0", "ram", null, 64L << 20, 512, true, false, "alua0", null)),
            List.of(new TargetConfig(TARGET, "alua", List.of(
                new TpgConfig(1, true, List.of(new PortalConfig(Ports.LOOPBACK, port1)), lun, List.of(), true, "none")
                    .withAlua(new AluaConfig(AluaConfig.ACTIVE_OPTIMIZED, true)),
                new TpgConfig(2, true, List.of(new PortalConfig(Ports.LOOPBACK, port2)), lun, List.of(), true, "none")
                    .withAlua(new AluaConfig(AluaConfig.ACTIVE_NON_OPTIMIZED, false))))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(1, false, "ring", 5, 15));
        server = TargetServer.start(config, new PrintStream(LOG, true));
        final String script = GuestScripts.read("alua-failover.sh")
            .replace("@TARGET@", TARGET)
            .replace("@PATH0@", KernelInitiatorGuest.hostAddress(0) + ":" + port1)
            .replace("@PATH1@", KernelInitiatorGuest.hostAddress(1) + ":" + port2);
        run = KernelInitiatorGuest.withScript("alua-failover", script)
            .file("multipath.conf", adminGuideStanza())
            .file("multipath-alua.sh", GuestScripts.read("multipath-alua.sh"))
            .nics(2)
            .timeout(Duration.ofMinutes(12))
            .boot();
        run.print("KernelInitiatorAluaFailoverTest");
    }

    @AfterAll
    static void stop()
    {
        if (null != server)
        {
            server.close();
        }
    }

    /** The /etc/multipath.conf stanza of docs/admin-guide.md, unindented. */
    static String adminGuideStanza() throws IOException
    {
        final String guide = Files.readString(Tools.repoRoot().resolve("docs/admin-guide.md"));
        final Matcher m = STANZA.matcher(guide);
        assertTrue(m.find(), "docs/admin-guide.md has no indented 'devices {' block");
        return m.group(1).replaceAll("(?m)^ {4}", "");
    }

    @Test
    void multipathGroupsThePathsByTheirAluaStatesAndUsesThePreferredOne()
    {
        assertTrue(run.ok(), run.describe() + "\n" + LOG);
        final String[] disks = run.result("disks").split(" ");
        assertEquals("1 alua", run.result("hwhandler"), run.describe());
        assertEquals("2", run.result("groups"), "one path group per target port group\n" + run.describe());
        assertTrue(Integer.parseInt(run.result("prio0")) > Integer.parseInt(run.result("prio1")), run.describe());
        assertEquals(disks[0], run.result("active_before"), run.describe());
        assertEquals("active/optimized", run.result("access0_before"), run.describe());
        assertEquals("active/non-optimized", run.result("access1_before"), run.describe());
        assertTrue(run.result("rtpg_before").contains("target port group id : 0x1 , Pref=1"), run.result("rtpg_before"));
        assertTrue(run.result("rtpg_before").contains("target port group id : 0x2 , Pref=0"), run.result("rtpg_before"));
    }

    @Test
    void verifiedIoGoesOnWhileThePreferredPathIsDownAndReturnsToItAfter()
    {
        assertTrue(run.ok(), run.describe() + "\n" + LOG);
        final String[] disks = run.result("disks").split(" ");
        assertEquals(disks[1], run.result("active_during"), run.describe());
        // Linux's ALUA handler activates a non-optimized group with SET TARGET PORT GROUPS (explicit ALUA): the
        // target took it, with status code 01h, and every nexus saw it.
        assertTrue(run.result("rtpg_during").contains("target port group id : 0x2 , Pref=0, Rtpg_fmt=0 target port " +
            "group asymmetric access state : 0x00 (active/optimized)"), run.result("rtpg_during"));
        assertTrue(run.result("rtpg_during").contains("status code : 0x01"), run.result("rtpg_during"));
        assertEquals("active/optimized", run.result("access1_during"), run.describe());
        assertEquals(disks[0], run.result("active_after"), "failback to the preferred group\n" + run.describe());
        assertEquals("none", run.result("io_failed"), run.describe());
        assertTrue(Integer.parseInt(run.result("io_rounds")) >= 3, run.describe());
        assertEquals("0", run.result("dm_io_errors"), "no I/O error reached the multipath device\n" + run.describe());
    }

    @Test
    void standbyOfThePreferredGroupBySetTargetPortGroupsIsUndoneByLinuxsAluaHandler()
    {
        assertTrue(run.ok(), run.describe() + "\n" + LOG);
        final String[] disks = run.result("disks").split(" ");
        assertNotEquals(run.result("rtpg_before"), run.result("rtpg_after"));
        assertTrue(run.result("rtpg_after").contains("target port group id : 0x1 , Pref=1, Rtpg_fmt=0 target port " +
            "group asymmetric access state : 0x02 (standby)"), "the target took the STPG\n" + run.result("rtpg_after"));
        // Linux's own STPG (status code 01h) made the preferred group active/optimized again; TPG 2 kept its state.
        assertTrue(run.result("rtpg_final").contains("target port group id : 0x1 , Pref=1, Rtpg_fmt=0 target port " +
            "group asymmetric access state : 0x00 (active/optimized)"), run.result("rtpg_final"));
        assertTrue(run.result("rtpg_final").contains("target port group id : 0x2 , Pref=0, Rtpg_fmt=0 target port " +
            "group asymmetric access state : 0x00 (active/optimized)"), run.result("rtpg_final"));
        assertEquals("active/optimized", run.result("access0_after"), run.describe());
        assertEquals("active/optimized", run.result("access1_after"), run.describe());
        assertTrue((" " + run.result("active_group_after_stpg") + " ").contains(" " + disks[0] + " "), run.describe());
        assertEquals("0", run.result("fio_after_stpg"), run.describe());
        assertEquals("0", run.result("sessions_after_logout"), run.describe());
    }
}
