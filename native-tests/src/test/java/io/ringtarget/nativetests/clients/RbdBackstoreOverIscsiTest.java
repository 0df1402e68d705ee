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
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rbd backstore through iSCSI on a throwaway Ceph cluster (bin/ceph-throwaway.sh): fio's verified writes
 * (libiscsi engine, crc32c, read back and compared), and the SCSI suites of libiscsi's conformance suite that
 * concern a block device's data (READ*, WRITE*, UNMAP, WRITE SAME*, COMPARE AND WRITE, persistent reservations),
 * each of which must pass but for what fails on every backstore. This libiscsi (1.19) has no SYNCHRONIZE CACHE
 * suite; the WRITE suites' FUA writes go through rbd_aio_flush.
 */
@Timeout(900)
class RbdBackstoreOverIscsiTest
{
    private static final String IQN = "iqn.2026-11.io.ringtarget:rbd";
    /** The suites that apply to an rbd LUN (iscsi-test-cu's -t, comma separated, fnmatch patterns). */
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
        port = Ports.free();
        final RingtargetConfig config = new RingtargetConfig(List.of(rbd),
            List.of(new TargetConfig(IQN, "rbd", List.of(new TpgConfig(1, true,
                List.of(new PortalConfig("127.0.0.1", port)), List.of(new LunConfig(0, "rbd0", false)), List.of(),
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
