package io.ringtarget.nativetests.clients;

import io.ringtarget.server.startup.TargetServer;
import io.ringtarget.server.config.AclConfig;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.ChapConfig;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.MappedLunConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;
import io.ringtarget.nativetests.support.ExternalProcess;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.nativetests.support.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The target served in-process on loopback, used by libiscsi's real command-line clients and by fio's
 * libiscsi engine: discovery, inquiry, capacity, verified random writes, CHAP and ACLs.
 */
class LibiscsiClientsTest
{
    static final String OPEN = "iqn.2026-11.io.ringtarget:open";
    static final String CHAP = "iqn.2026-11.io.ringtarget:chap";
    static final String ACL = "iqn.2026-11.io.ringtarget:acl";
    static final String THIN = "iqn.2026-11.io.ringtarget:thin";
    static final String CHAP_INITIATOR = "iqn.2026-11.io.ringtarget.test:chap-client";
    static final String ALLOWED = "iqn.2026-11.io.ringtarget.test:allowed";
    static final String STRANGER = "iqn.2026-11.io.ringtarget.test:stranger";
    static final String MASKED = "iqn.2026-11.io.ringtarget:masked";
    static final String LAB = "iqn.2026-11.io.ringtarget:lab";
    static final String LAB_SECRET = "lab-Secret-2026";
    static final String SEES_LUN1 = "iqn.2026-11.io.ringtarget.test:sees-lun1";
    static final String SEES_ALL = "iqn.2026-11.io.ringtarget.test:sees-all";
    static final String SEES_LUN1_AS_0 = "iqn.2026-11.io.ringtarget.test:sees-lun1-as-0";
    static final String CHAP_USER = "chapuser";
    static final String CHAP_SECRET = "chapsecret1234";

    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static TargetServer server;
    private static int port;

    @BeforeAll
    static void start() throws Exception
    {
        Tools.require("iscsi-inq");
        Tools.require("iscsi-ls");
        Tools.require("iscsi-readcapacity16");
        port = Ports.free();
        final List<PortalConfig> portal = List.of(new PortalConfig("127.0.0.1", port));
        final RingtargetConfig config = new RingtargetConfig(
            List.of(
                new BackstoreConfig("ram0", "ram", null, 256L << 20, 512, true, false, "ram0serial", null),
                new BackstoreConfig("ram1", "ram", null, 16L << 20, 512, true, false, "ram1serial", null),
                new BackstoreConfig("ram2", "ram", null, 16L << 20, 4096, true, false, null, null),
                new BackstoreConfig("ram3", "ram", null, 16L << 20, 512, true, false, null, null),
                new BackstoreConfig("ram4", "ram", null, 16L << 20, 512, true, false, "ram4serial", null),
                new BackstoreConfig("ram5", "ram", null, 32L << 20, 512, true, false, "ram5serial", null)),
            List.of(
                new TargetConfig(OPEN, "open", List.of(new TpgConfig(1, true, portal,
                    List.of(new LunConfig(0, "ram0", false)), List.of(), true, "none"))),
                new TargetConfig(CHAP, "chap", List.of(new TpgConfig(1, true, portal,
                    List.of(new LunConfig(0, "ram1", false)),
                    List.of(new AclConfig(CHAP_INITIATOR, new ChapConfig(CHAP_USER, CHAP_SECRET, "", ""))),
                    false, "chap"))),
                new TargetConfig(ACL, "acl", List.of(new TpgConfig(1, true, portal,
                    List.of(new LunConfig(0, "ram2", false)),
                    List.of(new AclConfig(ALLOWED, null)), false, "none"))),
                new TargetConfig(THIN, "thin", List.of(new TpgConfig(1, true, portal,
                    List.of(new LunConfig(0, "ram3", false)), List.of(), true, "none"))),
                new TargetConfig(MASKED, "masked", List.of(new TpgConfig(1, true, portal,
                    List.of(new LunConfig(0, "ram4", false), new LunConfig(1, "ram5", false)),
                    List.of(new AclConfig(SEES_LUN1, null, List.of(MappedLunConfig.of(1))),
                        new AclConfig(SEES_ALL, null),
                        new AclConfig(SEES_LUN1_AS_0, null, List.of(new MappedLunConfig(0, 1, true)))), false,
                    "none")))),
            new DiscoveryAuthConfig("none", null),
            new EngineConfig(2, false, "ring", 5, 15));
        server = TargetServer.start(config, new PrintStream(LOG, true));
    }

    @AfterAll
    static void stop()
    {
        if (server != null)
        {
            server.close();
        }
    }

    private static ExternalProcess.Result run(final String... command)
    {
        return ExternalProcess.run(Duration.ofSeconds(30), command);
    }

    private static String url(final String iqn, final int lun)
    {
        return "iscsi://127.0.0.1:" + port + "/" + iqn + "/" + lun;
    }

    @Test
    void discoveryListsWhatTheInitiatorMaySee()
    {
        final ExternalProcess.Result open = run("iscsi-ls", "-s", "-i", STRANGER, "iscsi://127.0.0.1:" + port);
        assertEquals(0, open.exitCode(), open.output());
        assertTrue(open.output().contains(OPEN), open.output());
        assertFalse(open.output().contains(ACL), "a stranger must not see an ACL-only target: " + open.output());
        assertFalse(open.output().contains(CHAP), open.output());
        final ExternalProcess.Result allowed = run("iscsi-ls", "-s", "-i", ALLOWED, "iscsi://127.0.0.1:" + port);
        assertTrue(allowed.output().contains(ACL), allowed.output());
    }

    @Test
    void anInitiatorSeesOnlyTheLunsItsAclMaps()
    {
        final ExternalProcess.Result lun1 = run("iscsi-inq", "-i", SEES_LUN1, "-e", "1", "-c", "128", url(MASKED, 1));
        assertEquals(0, lun1.exitCode(), lun1.output() + LOG);
        assertTrue(lun1.output().contains("ram5serial"), lun1.output());
        final ExternalProcess.Result lun0 = run("iscsi-readcapacity16", "-i", SEES_LUN1, url(MASKED, 0));
        assertNotEquals(0, lun0.exitCode(), "LUN 0 is not mapped for " + SEES_LUN1 + ": " + lun0.output());
        assertTrue(lun0.output().contains("LOGICAL_UNIT_NOT_SUPPORTED"), lun0.output());
        final ExternalProcess.Result all = run("iscsi-readcapacity16", "-i", SEES_ALL, url(MASKED, 0));
        assertEquals(0, all.exitCode(), all.output());
        assertTrue(all.output().contains("Total size:" + (16L << 20)), all.output());

        // REPORT LUNS, through which initiators (Linux, libiscsi) find the LUNs of a target.
        final ExternalProcess.Result listed = run("iscsi-ls", "-s", "-i", SEES_LUN1, "iscsi://127.0.0.1:" + port);
        assertEquals(0, listed.exitCode(), listed.output());
        assertTrue(listed.output().contains("Target:" + MASKED), listed.output());
        final String masked = section(listed.output(), MASKED);
        assertTrue(masked.contains("Lun:1"), masked);
        assertFalse(masked.contains("Lun:0"), masked);
        final ExternalProcess.Result both = run("iscsi-ls", "-s", "-i", SEES_ALL, "iscsi://127.0.0.1:" + port);
        final String whole = section(both.output(), MASKED);
        assertTrue(whole.contains("Lun:0") && whole.contains("Lun:1"), whole);
    }

    @Test
    void anAclShowsATpgLunUnderANumberOfItsOwn()
    {
        // targetcli's mapped_lun0 -> lun1: the TPG's LUN 1 (ram5, 32 MiB) is this host's LUN 0 (read-only, which
        // LiveReconfigurationTest writes against; Debian's libiscsi has no writing tool).
        final ExternalProcess.Result serial = run("iscsi-inq", "-i", SEES_LUN1_AS_0, "-e", "1", "-c", "128",
            url(MASKED, 0));
        assertEquals(0, serial.exitCode(), serial.output() + LOG);
        assertTrue(serial.output().contains("ram5serial"), "the same logical unit: " + serial.output());
        final ExternalProcess.Result capacity = run("iscsi-readcapacity16", "-i", SEES_LUN1_AS_0, url(MASKED, 0));
        assertEquals(0, capacity.exitCode(), capacity.output());
        assertTrue(capacity.output().contains("Total size:" + (32L << 20)), capacity.output());
        final ExternalProcess.Result lun1 = run("iscsi-readcapacity16", "-i", SEES_LUN1_AS_0, url(MASKED, 1));
        assertTrue(lun1.output().contains("LOGICAL_UNIT_NOT_SUPPORTED"), "not under its own number: " + lun1.output());
        final String listed = section(run("iscsi-ls", "-s", "-i", SEES_LUN1_AS_0, "iscsi://127.0.0.1:" + port)
            .output(), MASKED);
        assertTrue(listed.contains("Lun:0") && !listed.contains("Lun:1"), listed);
    }

    /** What iscsi-ls prints of one target: its Target line and its Lun lines, up to the next target. */
    private static String section(final String output, final String target)
    {
        final int start = output.indexOf("Target:" + target);
        assertTrue(start >= 0, output);
        final int next = output.indexOf("Target:", start + 1);
        return output.substring(start, next < 0 ? output.length() : next);
    }

    /**
     * A target of its own (SendTargets lists every target an initiator may reach, and iscsi-ls, which the other tests
     * run, fails on one that needs CHAP).
     */
    @Test
    void aTpgsOwnChapSecretAdmitsAnyInitiatorThatKnowsIt() throws Exception
    {
        final int labPort = Ports.free();
        final RingtargetConfig lab = new RingtargetConfig(
            List.of(new BackstoreConfig("ram6", "ram", null, 16L << 20, 512, true, false, "ram6serial", null)),
            List.of(new TargetConfig(LAB, "lab", List.of(new TpgConfig(1, true,
                List.of(new PortalConfig("127.0.0.1", labPort)), List.of(new LunConfig(0, "ram6", false)), List.of(),
                true, "chap").withChap(new ChapConfig("lab", LAB_SECRET, null, null))))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(1, false, "ring", 5, 15));
        try (TargetServer labServer = TargetServer.start(lab, new PrintStream(LOG, true)))
        {
            tpgChapLogins(labPort);
        }
    }

    private static void tpgChapLogins(final int labPort)
    {
        final String good = "iscsi://lab%" + LAB_SECRET + "@127.0.0.1:" + labPort + "/" + LAB + "/0";
        for (final String initiator : List.of(STRANGER, ALLOWED))
        {
            final ExternalProcess.Result r = run("iscsi-inq", "-i", initiator, "-e", "1", "-c", "128", good);
            assertEquals(0, r.exitCode(), initiator + ": " + r.output() + LOG);
            assertTrue(r.output().contains("ram6serial"), r.output());
        }
        final ExternalProcess.Result wrong = run("iscsi-inq", "-i", STRANGER,
            "iscsi://lab%wrong-Secret-99@127.0.0.1:" + labPort + "/" + LAB + "/0");
        assertNotEquals(0, wrong.exitCode(), wrong.output());
        final ExternalProcess.Result none = run("iscsi-inq", "-i", STRANGER,
            "iscsi://127.0.0.1:" + labPort + "/" + LAB + "/0");
        assertNotEquals(0, none.exitCode(), "no CHAP at all: " + none.output());
    }

    @Test
    void inquiryNamesOurVendor()
    {
        final ExternalProcess.Result r = run("iscsi-inq", url(OPEN, 0));
        assertEquals(0, r.exitCode(), r.output() + LOG);
        assertTrue(r.output().contains("RINGTGT"), r.output());
        final ExternalProcess.Result serial = run("iscsi-inq", "-e", "1", "-c", "128", url(OPEN, 0));
        assertEquals(0, serial.exitCode(), serial.output());
        assertTrue(serial.output().contains("ram0serial"), serial.output());
    }

    @Test
    void readCapacity16ReportsSizeAndBlockLength()
    {
        final ExternalProcess.Result r = run("iscsi-readcapacity16", url(OPEN, 0));
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("LOGICAL BLOCK LENGTH IN BYTES:512"), r.output());
        assertTrue(r.output().contains("Total size:" + (256L << 20)), r.output());
        final ExternalProcess.Result big = run("iscsi-readcapacity16", "-i", ALLOWED, url(ACL, 0));
        assertTrue(big.output().contains("LOGICAL BLOCK LENGTH IN BYTES:4096"), big.output());
    }

    @Test
    void fioRandomWritesVerifyOnTheRamLun()
    {
        final ExternalProcess.Result r = FioVerify.run(url(OPEN, 0), "randwrite", "4k", 16, "64m");
        assertEquals(0, r.exitCode(), r.output() + LOG);
        assertFalse(r.output().contains("verify: bad"), r.output());
        assertTrue(r.output().contains("err= 0"), r.output());
    }

    @Test
    void chapWithTheRightSecretLogsIn()
    {
        final String good = "iscsi://" + CHAP_USER + "%" + CHAP_SECRET + "@127.0.0.1:" + port + "/" + CHAP + "/0";
        final ExternalProcess.Result r = run("iscsi-inq", "-i", CHAP_INITIATOR, good);
        assertEquals(0, r.exitCode(), r.output() + LOG);
        assertTrue(r.output().contains("RINGTGT"), r.output());
    }

    @Test
    void credentialsInTheUrlLogIntoATargetThatDoesNotAskForChap()
    {
        // libiscsi (and QEMU's iscsi driver, which is libiscsi) offers CHAP when the URL has credentials, and then
        // repeats InitiatorName, TargetName and SessionType in the operational stage.
        final String withCredentials = "iscsi://" + CHAP_USER + "%" + CHAP_SECRET + "@127.0.0.1:" + port + "/" + OPEN + "/0";
        final ExternalProcess.Result inq = run("iscsi-inq", withCredentials);
        assertEquals(0, inq.exitCode(), inq.output() + LOG);
        assertTrue(inq.output().contains("RINGTGT"), inq.output());
        final ExternalProcess.Result discovery = run("iscsi-ls", "-s",
            "iscsi://" + CHAP_USER + "%" + CHAP_SECRET + "@127.0.0.1:" + port);
        assertEquals(0, discovery.exitCode(), discovery.output() + LOG);
        assertTrue(discovery.output().contains(OPEN), discovery.output());
    }

    @Test
    void libiscsiGetLbaStatusSuitePassesOnAThinRamLun()
    {
        Tools.require("iscsi-test-cu");
        // -d: the suite writes and unmaps (the LUN is this test's own).
        final ExternalProcess.Result r = run("iscsi-test-cu", "-d", "-t", "ALL.GetLBAStatus", url(THIN, 0));
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("Test: UnmapSingle ...passed"), r.output());
        assertFalse(r.output().contains("FAILED"), r.output());
        assertFalse(r.output().contains("SKIPPED"), "the LUN is thin (LBPME, LBPU): nothing skipped: " + r.output());
    }

    @Test
    void chapWithAWrongSecretIsRefused()
    {
        final String bad = "iscsi://" + CHAP_USER + "%wrongsecret99@127.0.0.1:" + port + "/" + CHAP + "/0";
        final ExternalProcess.Result r = run("iscsi-inq", "-i", CHAP_INITIATOR, bad);
        assertNotEquals(0, r.exitCode(), r.output());
        server.flushLog();
        assertTrue(LOG.toString().contains("authentication failure"), LOG.toString());
        final ExternalProcess.Result none = run("iscsi-inq", "-i", CHAP_INITIATOR, url(CHAP, 0));
        assertNotEquals(0, none.exitCode(), "no CHAP secret at all must not log in: " + none.output());
    }

    @Test
    void initiatorOutsideTheAclCannotLogIn()
    {
        final ExternalProcess.Result stranger = run("iscsi-inq", "-i", STRANGER, url(ACL, 0));
        assertNotEquals(0, stranger.exitCode(), stranger.output());
        server.flushLog();
        assertTrue(LOG.toString().contains("authorization failure"), LOG.toString());
        final ExternalProcess.Result allowed = run("iscsi-inq", "-i", ALLOWED, url(ACL, 0));
        assertEquals(0, allowed.exitCode(), allowed.output());
    }
}
