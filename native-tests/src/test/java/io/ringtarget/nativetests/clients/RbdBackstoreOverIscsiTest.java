package io.ringtarget.nativetests.clients;

import io.ringtarget.nativetests.support.Conformance;
import io.ringtarget.nativetests.support.ExternalProcess;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.nativetests.support.ThrowawayCeph;
import io.ringtarget.nativetests.support.Tools;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RbdConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;
import io.ringtarget.server.startup.TargetServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rbd backstore through iSCSI on a throwaway Ceph cluster (bin/ceph-throwaway.sh): fio's verified writes
 * (libiscsi engine, crc32c, read back and compared), and the SCSI suites of libiscsi's conformance suite that
 * concern a block device's data (READ*, WRITE*, UNMAP, WRITE SAME*, COMPARE AND WRITE, persistent reservations),
 * each of which must pass but for what fails on every backstore. This libiscsi (1.19) has no SYNCHRONIZE CACHE
 * suite; the WRITE suites' FUA writes go through rbd_aio_flush. A snapshot of an image, exported beside the image,
 * reads what the image held when it was taken and refuses writes.
 */
@Timeout(900)
class RbdBackstoreOverIscsiTest
{
    private static final String IQN = "iqn.2026-11.io.ringtarget:rbd";
    /** The suites that apply to an rbd LUN (iscsi-test-cu's -t, comma separated, fnmatch patterns). */
    private static final int SNAPSHOT_BYTES = 16 << 20;
    static final String SUITES = "SCSI.Read*,SCSI.Write*,SCSI.Unmap,SCSI.CompareAndWrite,SCSI.Prin*,SCSI.Prout*";

    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static ThrowawayCeph ceph;
    private static TargetServer server;
    private static int port;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception
    {
        Tools.fio();
        Tools.require("iscsi-test-cu");
        ceph = ThrowawayCeph.start();
        final BackstoreConfig rbd = BackstoreConfig.rbd("rbd0", ceph.image("lun0", "1G"), 512, false, null, null);
        // rbd/src holds 0xAA in every byte when its snapshot is taken (rbd import, no gateway involved).
        final Path aa = dir.resolve("aa.img");
        final byte[] bytes = new byte[SNAPSHOT_BYTES];
        Arrays.fill(bytes, (byte)0xAA);
        Files.write(aa, bytes);
        ceph.rbd("import", "--no-progress", aa.toString(), "rbd/src");
        ceph.rbd("snap", "create", "rbd/src@before");
        final RbdConfig head = new RbdConfig("rbd/src", ceph.conf(), "admin", ceph.keyring());
        final RbdConfig snapshot = new RbdConfig("rbd/src@before", ceph.conf(), "admin", ceph.keyring());
        port = Ports.free();
        // The snapshot's LUN is not readOnly: the snapshot makes its logical unit write-protected anyway.
        // LUN 3, an image of its own, and LUN 4 in RAM: a PERSISTENT RESERVE OUT waiting for a stopped OSD beside
        // another session's commands, on the target's one loop.
        final RingtargetConfig config = new RingtargetConfig(List.of(rbd,
            BackstoreConfig.rbd("src", head, 512, false, null, null),
            BackstoreConfig.rbd("src-before", snapshot, 512, false, null, null),
            BackstoreConfig.rbd("stalled", ceph.image("stalled", "64M"), 512, false, null, null),
            new BackstoreConfig("ram0", "ram", null, 64L << 20, 512, false, false, null, null, false, null, null)),
            List.of(new TargetConfig(IQN, "rbd", List.of(new TpgConfig(1, true,
                List.of(new PortalConfig("127.0.0.1", port)), List.of(new LunConfig(0, "rbd0", false),
                    new LunConfig(1, "src", false), new LunConfig(2, "src-before", false),
                    new LunConfig(3, "stalled", false), new LunConfig(4, "ram0", false)), List.of(),
                true, "none")))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(1, false, "ring", 5, 15))
            .withStateDirectory(dir.resolve("state").toString());
        server = TargetServer.start(config, new PrintStream(LOG, true));
    }

    @AfterAll
    static void stop()
    {
        try
        {
            if (null != server)
            {
                server.close();
            }
        }
        finally
        {
            if (null != ceph)
            {
                ceph.close();
            }
        }
    }

    /**
     * A PERSISTENT RESERVE OUT on an rbd LUN whose OSD answers nothing (stopped with SIGSTOP) waits on the backstore's
     * own thread: the target's one event loop meanwhile logs another initiator in and answers its INQUIRY on the RAM
     * LUN at once, and the PERSISTENT RESERVE OUT completes GOOD once the OSD goes on. (Run on the loop, it held the
     * loop, and with it every login and command, until the OSD answered.)
     */
    @Test
    void aPersistentReserveOutWaitingForTheClusterHoldsUpNoOtherSession() throws Exception
    {
        final Path program = Tools.libiscsiProgram(dir, "pr-gateways");
        final String osd = Files.readString(ceph.dir().resolve("run/osd.0.pid")).trim();
        final Process register;
        final ExternalProcess.Result inquiry;
        final long inquiryMillis;
        assertTrue(ExternalProcess.run(Duration.ofSeconds(10), "kill", "-STOP", osd).ok());
        try
        {
            // One REGISTER AND IGNORE EXISTING KEY through LUN 3 ("RACED 1" once it is GOOD).
            register = new ProcessBuilder(program.toString(), "race", Tools.iscsiUrl(port, IQN, 3),
                "iqn.2026-12.io.ringtarget.test:stalled", "0x7000", "1").redirectErrorStream(true).start();
            Thread.sleep(1_000); // logged in, its command in the target, waiting for the OSD
            assertTrue(register.isAlive(), "the PERSISTENT RESERVE OUT did not wait for the stopped OSD");
            final long start = System.nanoTime();
            inquiry = ExternalProcess.run(Duration.ofSeconds(20), "iscsi-inq", Tools.iscsiUrl(port, IQN, 4));
            inquiryMillis = (System.nanoTime() - start) / 1_000_000;
        }
        finally
        {
            ExternalProcess.run(Duration.ofSeconds(10), "kill", "-CONT", osd);
        }
        assertTrue(inquiry.ok(), "another session's INQUIRY while the OSD was stopped (" + inquiryMillis + " ms): " +
            inquiry.output() + "\n" + LOG);
        assertTrue(inquiryMillis < 5_000, inquiryMillis + " ms");
        assertTrue(register.waitFor(60, TimeUnit.SECONDS), "the PERSISTENT RESERVE OUT never completed\n" + LOG);
        final String out = new String(register.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, register.exitValue(), out);
        assertTrue(out.contains("RACED 1"), out);
        System.out.println("INQUIRY through another session while the OSD was stopped: " + inquiryMillis + " ms");
    }

    @Test
    void fioVerifiesRandomAndSequentialWritesThroughLibrbd()
    {
        final String url = Tools.iscsiUrl(port, IQN, 0);
        final ExternalProcess.Result random = FioVerify.run(url, "randwrite", "4k", 16, "32m");
        assertTrue(random.ok(), random.output() + "\n" + LOG);
        final ExternalProcess.Result sequential = FioVerify.run(url, "write", "256k", 4, "128m");
        assertTrue(sequential.ok(), sequential.output() + "\n" + LOG);
    }

    @Test
    void aSnapshotReadsWhatItsImageHeldAndRefusesWrites()
    {
        final ExternalProcess.Result overwrite = pattern(1, "0xBB", false);
        assertTrue(overwrite.ok(), overwrite.output() + "\n" + LOG);
        final ExternalProcess.Result before = pattern(2, "0xAA", true);
        assertTrue(before.ok(), "the snapshot reads what the image held when it was taken: " + before.output());
        final ExternalProcess.Result after = pattern(1, "0xBB", true);
        assertTrue(after.ok(), after.output());
        final ExternalProcess.Result refused = pattern(2, "0xCC", false);
        assertFalse(refused.ok(), refused.output());
        assertTrue(refused.output().contains("DATA PROTECTION(7) ASCQ:WRITE_PROTECTED(0x2700)"), refused.output());
        assertTrue(pattern(2, "0xAA", true).ok(), "the refused write changed nothing");
    }

    @Test
    void libiscsisReadOnlySuitePassesOnTheSnapshot() throws Exception
    {
        final Path out = dir.resolve("conformance-snapshot");
        final Conformance.Summary summary = Conformance.run(out, "SCSI.ReadOnly*", Tools.iscsiUrl(port, IQN, 2), null);
        final String log = Files.readString(out.resolve("iscsi-test-cu.log"));
        System.out.println("iscsi-test-cu -t SCSI.ReadOnly* on an rbd snapshot's LUN:\n" + log);
        assertEquals(0, summary.failed(), summary.report());
        // On a LUN whose MODE SENSE does not say WP the test returns before its first assertion. Here WRITE(10),
        // (12), (16) and WRITE SAME(10/16), with and without UNMAP, are each refused with DATA PROTECT, WRITE
        // PROTECTED; the UNMAP steps skip themselves (a write-protected LUN offers no UNMAP: LBPU 0).
        final String[] asserts = log.lines().map(String::strip).filter(l -> l.startsWith("asserts ")).findFirst()
            .orElseThrow(() -> new AssertionError(log)).split("\\s+");
        assertTrue(Integer.parseInt(asserts[3]) >= 7, log);
        assertEquals("0", asserts[4], log);
    }

    /** fio over libiscsi on LUN {@code lun}: writes {@code pattern} over its first bytes, or only reads and checks. */
    private static ExternalProcess.Result pattern(final int lun, final String pattern, final boolean verifyOnly)
    {
        return ExternalProcess.run(Duration.ofSeconds(120), Tools.fio().toString(), "--name=pattern",
            "--ioengine=libiscsi", "--filename=" + Tools.fioFilename(Tools.iscsiUrl(port, IQN, lun)), "--rw=write",
            "--bs=64k", "--iodepth=4", "--size=" + SNAPSHOT_BYTES, "--verify=pattern", "--verify_pattern=" + pattern,
            "--do_verify=1", "--verify_fatal=1", "--verify_only=" + (verifyOnly ? 1 : 0), "--verify_state_save=0");
    }

    @Test
    void theScsiSuitesThatApplyPass() throws Exception
    {
        final Conformance.Summary summary =
            Conformance.run(dir.resolve("conformance"), SUITES, Tools.iscsiUrl(port, IQN, 0), null);
        System.out.println("iscsi-test-cu -t " + SUITES + " on an rbd LUN: " + summary.counts() + "\n" +
            summary.report());
        assertTrue(summary.total() >= 100, "the suites ran: " + summary.report());
        assertEquals(Set.of(), new TreeSet<>(summary.tests("FAILED")), summary.report());
    }
}
