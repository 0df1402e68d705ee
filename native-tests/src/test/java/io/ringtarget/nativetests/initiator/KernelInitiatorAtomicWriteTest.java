package io.ringtarget.nativetests.initiator;

import io.ringtarget.nativetests.support.GuestRun;
import io.ringtarget.nativetests.support.KernelInitiatorGuest;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.nativetests.support.Tools;
import io.ringtarget.nativetests.support.XfsFileSystem;
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
import java.io.PrintStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Linux's own atomic writes through the target: a guest with bookworm-backports' kernel (6.12; Linux sends WRITE
 * ATOMIC(16) from 6.11 on, Debian 12's 6.1 does not) reads the Block Limits page's atomic fields of a fileio LUN on
 * XFS (made on a loop device here; the target writes it with RWF_ATOMIC) and of a RAM LUN, and writes pages with
 * RWF_ATOMIC, as a database would: the kernel sends them only as WRITE ATOMIC(16), so an atomic write that succeeds
 * went through the target's WRITE ATOMIC(16), and one Linux's rules refuse never reaches it.
 */
class KernelInitiatorAtomicWriteTest
{
    static final String TARGET = "iqn.2026-12.io.ringtarget:atomic";
    static final String KERNEL_FROM = "bookworm-backports";
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static XfsFileSystem xfs;
    private static TargetServer server;
    private static GuestRun run;

    @BeforeAll
    static void bootTheGuest() throws Exception
    {
        Tools.requireRoot();
        xfs = XfsFileSystem.create("ringtarget-atomic-guest");
        final int port = Ports.free();
        final RingtargetConfig config = new RingtargetConfig(
            List.of(new BackstoreConfig("xfs0", "fileio", xfs.mountPoint().resolve("lun.img").toString(), 64L << 20,
                    512, true, false, "atomicguest0", null),
                new BackstoreConfig("ram0", "ram", null, 64L << 20, 512, true, false, "atomicguest1", null),
                new BackstoreConfig("buffered0", "fileio", xfs.mountPoint().resolve("buffered.img").toString(),
                    64L << 20, 512, false, false, "atomicguest2", null)),
            List.of(new TargetConfig(TARGET, "atomic", List.of(new TpgConfig(1, true,
                List.of(new PortalConfig(Ports.LOOPBACK, port)),
                List.of(new LunConfig(0, "xfs0", false), new LunConfig(1, "ram0", false),
                    new LunConfig(2, "buffered0", false)), List.of(), true, "none")))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(1, false, "ring", 5, 15));
        server = TargetServer.start(config, new PrintStream(LOG, true));
        final String script = GuestScripts.read("atomic-writes.sh")
            .replace("@TARGET@", TARGET)
            .replace("@PORTAL@", KernelInitiatorGuest.hostAddress(0) + ":" + port);
        run = KernelInitiatorGuest.withScript("atomic-writes", script).kernelFrom(KERNEL_FROM).boot();
        run.print("KernelInitiatorAtomicWriteTest");
    }

    @AfterAll
    static void stop() throws Exception
    {
        if (null != server)
        {
            server.close();
        }
        if (null != xfs)
        {
            xfs.close();
        }
    }

    @Test
    void linuxTakesTheLimitsOfAnXfsLunAndItsAtomicWritesReachTheFile()
    {
        assertTrue(run.ok(), run.describe() + "\n" + LOG);
        assertTrue(run.result("kernel").matches("6\\.(1[1-9]|[2-9][0-9])\\..*|([7-9]|[1-9][0-9])\\..*"),
            "a kernel with SCSI atomic writes (6.11+): " + run.result("kernel"));
        // 4 KiB (XFS's block, the unit) to 1 MiB (XFS's limit here): Linux rounds the VPD fields to powers of two.
        assertEquals("4096", run.result("xfs_atomic_write_unit_min_bytes"), run.describe());
        assertTrue(Long.parseLong(run.result("xfs_atomic_write_unit_max_bytes")) >= 65536, run.describe());
        assertEquals("ok", run.result("xfs_write_4k"), run.describe());
        assertEquals("ok", run.result("xfs_write_64k"), run.describe());
        assertEquals("5a", run.result("xfs_read_4k").strip(), run.describe());
        assertEquals("a5", run.result("xfs_read_64k").strip(), run.describe());
        assertEquals("pwritev2 RWF_ATOMIC: Invalid argument", run.result("xfs_write_misaligned"), run.describe());
    }

    @Test
    void aLunWithoutAtomicWritesGetsNoneFromLinux()
    {
        assertTrue(run.ok(), run.describe() + "\n" + LOG);
        // Buffered fileio (the page cache cannot write atomically): no atomic fields, and Linux then refuses
        // RWF_ATOMIC itself, so the writes above went through the fields the target reported.
        assertEquals("0", run.result("buffered_atomic_write_unit_max_bytes"), run.describe());
        assertTrue(run.result("buffered_write_4k").startsWith("pwritev2 RWF_ATOMIC: "), run.describe());
    }

    @Test
    void aRamLunTakesAtomicWritesOfAnyBlockMultiple()
    {
        assertTrue(run.ok(), run.describe() + "\n" + LOG);
        assertEquals("512", run.result("ram_atomic_write_unit_min_bytes"), run.describe());
        assertTrue(Long.parseLong(run.result("ram_atomic_write_unit_max_bytes")) >= 65536, run.describe());
        assertEquals("ok", run.result("ram_write_4k"), run.describe());
        assertEquals("ok", run.result("ram_write_64k"), run.describe());
        assertEquals("5a", run.result("ram_read_4k").strip(), run.describe());
        assertEquals("a5", run.result("ram_read_64k").strip(), run.describe());
        assertEquals("0", run.result("conn_errors"), run.describe());
    }
}
