package io.ringtarget.nativetests.initiator;

import io.ringtarget.nativetests.support.GuestRun;
import io.ringtarget.nativetests.support.KernelInitiatorGuest;
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
import io.ringtarget.server.startup.TargetServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SANITIZE from Linux's own initiator (Debian 12's 6.1 in the QEMU guest) with sg3-utils' sg_sanitize, as the admin
 * guide tells an administrator to erase a LUN before it is reused: BLOCK ERASE and OVERWRITE of a RAM LUN and of a
 * sparse fileio LUN, read back through the disk; then an OVERWRITE of 31 passes started with IMMED, during which
 * TEST UNIT READY says SANITIZE IN PROGRESS, REQUEST SENSE gives the progress, and a read waits (Linux retries NOT
 * READY, SANITIZE IN PROGRESS) and then returns the pattern. Then FORMAT UNIT with sg_format, waiting, with the default
 * initialization pattern, and started with --early and polled with TEST UNIT READY: the LUN reads zeros after each.
 */
class KernelInitiatorSanitizeTest
{
    static final String TARGET = "iqn.2026-12.io.ringtarget:sanitize-guest";
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static Path file;
    private static TargetServer server;
    private static GuestRun run;

    @BeforeAll
    static void bootTheGuest() throws Exception
    {
        Tools.requireRoot();
        file = Path.of("/var/tmp", "ringtarget-sanitize-guest-" + ProcessHandle.current().pid() + ".img");
        final int port = Ports.free();
        final RingtargetConfig config = new RingtargetConfig(
            List.of(new BackstoreConfig("ram0", "ram", null, 512L << 20, 512, true, false, "sanitizeguest0", null),
                new BackstoreConfig("file0", "fileio", file.toString(), 64L << 20, 512, true, false,
                    "sanitizeguest1", null)),
            List.of(new TargetConfig(TARGET, "sanitize", List.of(new TpgConfig(1, true,
                List.of(new PortalConfig(Ports.LOOPBACK, port)),
                List.of(new LunConfig(0, "ram0", false), new LunConfig(1, "file0", false)), List.of(), true,
                "none")))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(1, false, "ring", 5, 15));
        server = TargetServer.start(config, new PrintStream(LOG, true));
        final String script = GuestScripts.read("sanitize.sh")
            .replace("@TARGET@", TARGET)
            .replace("@PORTAL@", KernelInitiatorGuest.hostAddress(0) + ":" + port);
        run = KernelInitiatorGuest.withScript("sanitize", script).boot();
        run.print("KernelInitiatorSanitizeTest");
    }

    @AfterAll
    static void stop() throws Exception
    {
        if (null != server)
        {
            server.close();
        }
        if (null != file)
        {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void blockEraseAndOverwriteChangeWhatTheDiskReads()
    {
        assertTrue(run.ok(), run.describe() + "\n" + LOG);
        for (final String lun : List.of("ram", "file"))
        {
            assertEquals("5a", run.result(lun + "_before").strip(), run.describe());
            assertEquals("0", run.result(lun + "_block_erase_rc"), run.describe());
            assertEquals("00", run.result(lun + "_after_block_erase").strip(), run.describe());
            assertEquals("0", run.result(lun + "_overwrite_rc"), run.describe());
            assertEquals("52", run.result(lun + "_after_overwrite").strip(), run.describe());
        }
        // Who wiped which LUN, and how it ended, is in the log.
        final String log = LOG.toString();
        assertTrue(log.matches("(?s).*WARN +lun: backstore ram0: SANITIZE BLOCK ERASE started by iqn\\.[^ ]+,i,0x" +
            "[0-9a-f]+: every block changes.*"), log);
        assertTrue(log.contains("backstore file0: SANITIZE OVERWRITE (1 pass) completed in "), log);
    }

    @Test
    void duringAnOperationLinuxSeesItInProgressAndItsReadsWaitForTheEnd()
    {
        assertTrue(run.ok(), run.describe() + "\n" + LOG);
        assertEquals("0", run.result("early_rc"), run.describe());
        assertEquals("sanitize in progress", run.result("during_tur").toLowerCase(), run.describe());
        assertTrue(run.result("during_progress").startsWith("Progress indication: "), run.describe());
        assertEquals("52", run.result("during_read").strip(), "read retried until the last pass: " + run.describe());
        assertEquals("0", run.result("after_tur"), run.describe());
        assertEquals("0", run.result("conn_errors"), run.describe());
    }

    @Test
    void sgFormatFormatsTheLunToZeros()
    {
        assertTrue(run.ok(), run.describe() + "\n" + LOG);
        assertEquals("0", run.result("format_report_rc"), "MODE SENSE's block descriptor and the Read-Write Error " +
            "Recovery page sg_format reads: " + run.describe());
        assertTrue(run.result("format_report").contains("Number of blocks=131072"), run.describe());
        for (final String format : List.of("format_wait", "format_ip", "format_early"))
        {
            assertEquals("0", run.result(format + "_rc"), run.describe());
            assertEquals("00", run.result("after_" + format).strip(), run.describe());
        }
        assertEquals("0", run.result("format_early_ready"), "TEST UNIT READY GOOD once the format ended: " +
            run.describe());
    }
}
