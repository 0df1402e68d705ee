package io.ringtarget.nativetests.clients;

import io.ringtarget.nativetests.support.Conformance;
import io.ringtarget.nativetests.support.ExternalProcess;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.nativetests.support.Tools;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;
import io.ringtarget.server.config.TpgParametersConfig;
import io.ringtarget.server.startup.TargetServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * libiscsi's clients against a TPG whose parameters make every write wait for R2Ts: no immediate data, InitialR2T,
 * 8 KiB first bursts, 64 KiB bursts one R2T at a time, 16 KiB Data-Out segments. libiscsi negotiates what the TPG
 * offers (the login line says so), fio's writes with verify=crc32c read back intact on a fileio and a RAM LUN, and
 * the conformance suite (iscsi-test-cu -t ALL) has no failure.
 */
@Timeout(600)
class TpgParametersOverLibiscsiTest
{
    private static final String IQN = "iqn.2026-12.io.ringtarget:tpg-parameters";
    private static final long SIZE = 64L << 20;
    private static final TpgParametersConfig R2T_FOR_EVERYTHING =
        new TpgParametersConfig(16384, 65536, 8192, 1, "Yes", "No");
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static Path dir;
    private static TargetServer server;
    private static int port;

    @BeforeAll
    static void start() throws Exception
    {
        Tools.require("iscsi-test-cu");
        Tools.fio();
        dir = Files.createTempDirectory(Path.of("/var/tmp"), "ringtarget-tpg-parameters");
        port = Ports.free();
        final RingtargetConfig config = new RingtargetConfig(
            List.of(new BackstoreConfig("file0", "fileio", dir.resolve("file0.img").toString(), SIZE, 512, true,
                    false, "tpgparams0", null),
                new BackstoreConfig("ram0", "ram", null, SIZE, 512, true, false, "tpgparams1", null),
                new BackstoreConfig("ram1", "ram", null, SIZE, 512, true, false, "tpgparams2", null)),
            List.of(new TargetConfig(IQN, null, List.of(new TpgConfig(1, true, List.of(new PortalConfig("127.0.0.1",
                port)), List.of(new LunConfig(0, "file0", false), new LunConfig(1, "ram0", false),
                new LunConfig(2, "ram1", false)), List.of(), true, "none").withParameters(R2T_FOR_EVERYTHING)))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(1, false, "ring", 5, 15))
            .withStateDirectory(dir.resolve("state").toString());
        server = TargetServer.start(config, new PrintStream(LOG, true));
    }

    @AfterAll
    static void stop() throws Exception
    {
        if (server != null)
        {
            server.close();
        }
        Tools.deleteTree(dir);
    }

    @Test
    void fioWritesVerifyThroughSolicitedDataOnly()
    {
        for (final int lun : new int[]{0, 1})
        {
            final ExternalProcess.Result r =
                FioVerify.run(Tools.iscsiUrl(port, IQN, lun), "randwrite", "256k", 8, "32m");
            assertEquals(0, r.exitCode(), r.output() + LOG);
            assertTrue(r.output().contains("err= 0"), r.output());
        }
        final ExternalProcess.Result large = FioVerify.run(Tools.iscsiUrl(port, IQN, 1), "write", "1m", 4, "32m");
        assertEquals(0, large.exitCode(), large.output() + LOG);
        assertTrue(LOG.toString().contains("InitialR2T=Yes ImmediateData=No MaxRecvDataSegmentLength=16384 " +
            "MaxXmitDataSegmentLength=262144 MaxBurstLength=65536 FirstBurstLength=8192 MaxOutstandingR2T=1"),
            "libiscsi negotiated the TPG's keys:\n" + LOG);
    }

    @Test
    void theConformanceSuitePassesWithEveryWriteSolicited() throws Exception
    {
        final Conformance.Summary summary = Conformance.run(dir.resolve("conformance"), "ALL",
            Tools.iscsiUrl(port, IQN, 2), null);
        System.out.println("iscsi-test-cu -t ALL, TPG parameters " + R2T_FOR_EVERYTHING.asMap() + ": " +
            summary.counts());
        assertEquals(0, summary.failed(), summary.report());
        assertTrue(summary.passed() > 150, summary.report());
    }
}
