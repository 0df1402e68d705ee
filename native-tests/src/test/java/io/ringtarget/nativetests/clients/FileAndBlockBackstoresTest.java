package io.ringtarget.nativetests.clients;

import io.ringtarget.nativetests.support.Conformance;
import io.ringtarget.nativetests.support.ExternalProcess;
import io.ringtarget.nativetests.support.LoopDevice;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.nativetests.support.Tools;
import io.ringtarget.server.startup.TargetServer;
import io.ringtarget.server.config.BackstoreConfig;
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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * fio's verified writes through the target to a fileio LUN (a file on disk, O_DIRECT) and to a block LUN on a
 * loop device (the code path of raw disks, LVM logical volumes and ZVOLs: this kernel has no device-mapper or
 * ZFS, so a loop device with direct I/O stands in for them), then read back and compared byte for byte.
 */
@Timeout(600)
class FileAndBlockBackstoresTest
{
    private static final String FILE_IQN = "iqn.2026-11.io.ringtarget:fileio";
    private static final String BLOCK_IQN = "iqn.2026-11.io.ringtarget:block";
    private static final long SIZE = 256L << 20;
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static Path dir;
    private static LoopDevice loop;
    private static TargetServer server;
    private static int port;

    @BeforeAll
    static void start() throws Exception
    {
        Tools.requireRoot();
        Tools.fio();
        dir = Files.createTempDirectory(Path.of("/var/tmp"), "ringtarget-backstores");
        loop = LoopDevice.create(dir.resolve("loop.img"), SIZE);
        port = Ports.free();
        final List<PortalConfig> portal = List.of(new PortalConfig("127.0.0.1", port));
        final RingtargetConfig config = new RingtargetConfig(
            List.of(new BackstoreConfig("file0", "fileio", dir.resolve("file0.img").toString(), SIZE, 512, true,
                    false, "file0serial", null),
                new BackstoreConfig("block0", "block", loop.path().toString(), 0, 0, true, false, "block0serial", null)),
            List.of(new TargetConfig(FILE_IQN, "fileio", List.of(new TpgConfig(1, true, portal,
                    List.of(new LunConfig(0, "file0", false)), List.of(), true, "none"))),
                new TargetConfig(BLOCK_IQN, "block", List.of(new TpgConfig(1, true, portal,
                    List.of(new LunConfig(0, "block0", false)), List.of(), true, "none")))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(2, false, "ring", 5, 15));
        server = TargetServer.start(config, new PrintStream(LOG, true));
    }

    @AfterAll
    static void stop() throws Exception
    {
        if (server != null)
        {
            server.close();
        }
        if (loop != null)
        {
            loop.close();
        }
        if (dir != null)
        {
            try (var files = Files.list(dir))
            {
                for (final Path p : files.toList())
                {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static void verify(final String iqn, final String rw, final String bs, final int iodepth)
    {
        final ExternalProcess.Result r = FioVerify.run(Tools.iscsiUrl(port, iqn, 0), rw, bs, iodepth, "64m");
        assertEquals(0, r.exitCode(), r.output() + LOG);
        assertTrue(r.output().contains("err= 0"), r.output());
    }

    @Test
    void randomWritesVerifyOnFileio()
    {
        verify(FILE_IQN, "randwrite", "4k", 16);
    }

    @Test
    void sequentialLargeWritesVerifyOnFileio()
    {
        verify(FILE_IQN, "write", "128k", 8);
    }

    @Test
    void randomWritesVerifyOnALoopDevice()
    {
        assertTrue(loop.directIo(), "the loop device should use direct I/O");
        verify(BLOCK_IQN, "randwrite", "4k", 16);
    }

    @Test
    void largeTransfersVerifyOnALoopDevice()
    {
        verify(BLOCK_IQN, "randwrite", "1m", 4);
    }

    /**
     * libiscsi's conformance suite on the loop device LUN: the block device's own paths (UNMAP and WRITE SAME with
     * UNMAP as fallocate on the device, GET LBA STATUS, the device's size and block limits, COMPARE AND WRITE and
     * reservations over O_DIRECT I/O) pass as the fileio LUN's do in ConformanceVsTgtTest.
     */
    @Test
    void theConformanceSuitePassesOnALoopDevice(@TempDir final Path out) throws Exception
    {
        final Conformance.Summary summary = Conformance.run(out, "ALL", Tools.iscsiUrl(port, BLOCK_IQN, 0), null);
        System.out.println("iscsi-test-cu -t ALL on a loop device LUN: " + summary.counts());
        assertEquals(0, summary.failed(), summary.report());
        assertTrue(summary.passed() > 150, summary.report());
    }
}
