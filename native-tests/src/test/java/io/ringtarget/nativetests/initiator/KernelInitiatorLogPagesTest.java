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
 * LOG SENSE and LOG SELECT from Linux's own initiator (Debian 12's 6.1 in the QEMU guest): sg_logs reads the
 * Logical Block Provisioning page of a RAM LUN and of a sparse fileio LUN as 1 MiB is written and 512 KiB unmapped
 * (the fileio LUN's used count is the file's st_blocks, checked here on the host); smartctl -H and -a read the
 * Informational Exceptions control page and log page (health OK) and the error counter pages; sg_logs -A walks
 * every page and subpage the supported-pages list names; sg_logs --reset is a LOG SELECT with PCR; sg_senddiag --test
 * runs the default self-test and smartctl -t short a background one, which smartctl -l selftest then lists;
 * sg_test_rwbuf writes buffer 0 (WRITE BUFFER) and reads it back (READ BUFFER). LUN 2, a 16 MiB RAM LUN with a soft
 * threshold at 50%, gets 8 MiB written: Linux logs the THIN PROVISIONING SOFT THRESHOLD REACHED it is then told once
 * (not at 7 MiB), and reads the threshold exponent (sg_vpd) and the Logical Block Provisioning mode page (sg_modes).
 */
class KernelInitiatorLogPagesTest
{
    static final String TARGET = "iqn.2026-12.io.ringtarget:log-pages-guest";
    private static final long BLOCKS = (64L << 20) / 512;
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static Path file;
    private static TargetServer server;
    private static GuestRun run;

    @BeforeAll
    static void bootTheGuest() throws Exception
    {
        Tools.requireRoot();
        file = Path.of("/var/tmp", "ringtarget-log-pages-guest-" + ProcessHandle.current().pid() + ".img");
        final int port = Ports.free();
        final RingtargetConfig config = new RingtargetConfig(
            List.of(new BackstoreConfig("ram0", "ram", null, 64L << 20, 512, true, false, "logpagesguest0", null),
                new BackstoreConfig("file0", "fileio", file.toString(), 64L << 20, 512, true, false,
                    "logpagesguest1", null),
                new BackstoreConfig("ram1", "ram", null, 16L << 20, 512, true, false, "logpagesguest2", null, false,
                    null, 50)),
            List.of(new TargetConfig(TARGET, "log pages", List.of(new TpgConfig(1, true,
                List.of(new PortalConfig(Ports.LOOPBACK, port)),
                List.of(new LunConfig(0, "ram0", false), new LunConfig(1, "file0", false),
                    new LunConfig(2, "ram1", false)), List.of(), true,
                "none")))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(1, false, "ring", 5, 15));
        server = TargetServer.start(config, new PrintStream(LOG, true));
        final String script = GuestScripts.read("log-pages.sh")
            .replace("@TARGET@", TARGET)
            .replace("@PORTAL@", KernelInitiatorGuest.hostAddress(0) + ":" + port);
        run = KernelInitiatorGuest.withScript("log-pages", script)
            .hostAction("ram-memory", args -> String.valueOf(server.memoryBytes("ram0")))
            .boot();
        run.print("KernelInitiatorLogPagesTest");
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

    /** The bytes of a page sg_logs printed in hex. */
    private static int[] page(final String result)
    {
        final String hex = run.result(result).strip();
        assertTrue(!hex.isEmpty(), result + " empty: " + run.describe());
        final String[] parts = hex.split("\\s+");
        final int[] bytes = new int[parts.length];
        for (int i = 0; i < parts.length; i++)
        {
            bytes[i] = Integer.parseInt(parts[i], 16);
        }
        return bytes;
    }

    /** st_blocks of the file (stat(1)): 512-byte units, the LUN's block size here. */
    private static long allocatedBlocks(final Path path) throws Exception
    {
        final Process p = new ProcessBuilder("stat", "-c", "%b", path.toString()).start();
        final String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.waitFor());
        return Long.parseLong(out);
    }

    private static long u32(final int[] b, final int o)
    {
        return ((long)b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
    }

    /** {available, used, scope} of a Logical Block Provisioning page. */
    private static long[] resources(final String result)
    {
        final int[] b = page(result);
        assertEquals(0x0C, b[0] & 0x3F, result + ": " + run.describe());
        assertEquals(0x0001, (b[4] << 8) | b[5], result);
        assertEquals(0x0002, (b[16] << 8) | b[17], result);
        return new long[] {u32(b, 8), u32(b, 20), b[12] & 0x03};
    }

    @Test
    void theRamLunTakesMemoryAsTheGuestWritesAndGivesItBackWhenTheGuestDiscards()
    {
        assertTrue(run.ok(), run.describe() + "\n" + LOG);
        final long before = Long.parseLong(run.result("memory_before"));
        final long written = Long.parseLong(run.result("memory_written"));
        assertEquals(8L << 20, written - before, "8 MiB written, 8 MiB more held: " + run.describe());
        assertEquals("0", run.result("discard_rc"), "blkdiscard: " + run.describe());
        assertTrue(Long.parseLong(run.result("discard_max")) > 0, "Linux discards on the LUN: " + run.describe());
        assertEquals(before, Long.parseLong(run.result("memory_discarded")), "all 8 MiB given back: " + run.describe());
        assertEquals("00", run.result("discarded_bytes").strip(), "discarded blocks read zeros: " + run.describe());
    }

    @Test
    void supportedPagesNameTheProvisioningPageOfBothThinLuns()
    {
        assertTrue(run.ok(), run.describe() + "\n" + LOG);
        for (final String lun : List.of("ram", "file"))
        {
            final int[] b = page(lun + "_pages");
            final int[] pages = java.util.Arrays.copyOfRange(b, 4, b.length);
            assertEquals("[0, 2, 3, 12, 16, 47]", java.util.Arrays.toString(pages), lun + ": " + run.describe());
        }
    }

    @Test
    void provisioningPageFollowsWritesAndUnmaps() throws Exception
    {
        assertTrue(run.ok(), run.describe() + "\n" + LOG);
        // RAM: the machine's memory is the resource, shared (SCOPE 10b); far more of it is available than 64 MiB.
        assertEquals("[129024, 2048, 2]", java.util.Arrays.toString(resources("ram_lbp_written")), run.describe());
        assertEquals("[130048, 1024, 2]", java.util.Arrays.toString(resources("ram_lbp_unmapped")), run.describe());
        final long[] written = resources("file_lbp_written");
        final long[] unmapped = resources("file_lbp_unmapped");
        assertTrue(written[1] >= 2048, "1 MiB allocated to the file: " + written[1]);
        assertTrue(unmapped[1] <= written[1] - 1024, "512 KiB punched: " + written[1] + " -> " + unmapped[1]);
        assertEquals(allocatedBlocks(file), unmapped[1], "the file's st_blocks, 512-byte units");
        assertEquals(2, unmapped[2], "scope: the file system's space, shared");
        assertTrue(unmapped[0] > 0 && unmapped[0] <= BLOCKS - unmapped[1], "available: " + unmapped[0]);
        for (final String lun : List.of("ram", "file"))
        {
            // sg3-utils 1.46 names them "... LBA mapping threshold resource count".
            assertTrue(run.result(lun + "_lbp_text").toLowerCase().matches(".*used lba mapping.* count: \\d+;.*"),
                "sg_logs decodes the page: " + run.describe());
        }
    }

    @Test
    void smartctlReadsHealthOkAndTheErrorCounters()
    {
        assertTrue(run.ok(), run.describe() + "\n" + LOG);
        assertEquals("0", run.result("health_rc"), run.describe());
        assertTrue(run.result("health").contains("OK"), run.describe());
        assertTrue(run.result("smart_support").contains("Enabled"), run.describe());
        assertTrue(run.result("error_log").toLowerCase().startsWith("read:"), run.describe());
        assertTrue(run.result("error_log").toLowerCase().contains("write:"), run.describe());
        assertEquals("0", run.result("all_rc"), "nothing smartctl -a asks is missing: " + run.describe());
        assertTrue(run.result("all_out").contains("No Self-tests have been logged"), "none yet: " + run.describe());
    }

    @Test
    void selfTestsRunAndAreLoggedAsSmartctlReadsThem()
    {
        assertTrue(run.ok(), run.describe() + "\n" + LOG);
        assertEquals("0", run.result("default_test_rc"), "sg_senddiag --test: " + run.describe());
        assertEquals("0", run.result("short_test_rc"), "smartctl -t short: " + run.describe());
        assertEquals("0", run.result("fg_short_rc"), "smartctl -C -t short: " + run.describe());
        assertTrue(run.result("fg_short_out").contains("Short Foreground Self Test Successful"), run.describe());
        assertEquals("0", run.result("fg_long_rc"), "smartctl -C -t long: " + run.describe());
        assertTrue(run.result("fg_long_out").contains("Extended Foreground Self Test Successful"), run.describe());
        assertEquals("0", run.result("read_after_fg"), "the LUN is ready again: " + run.describe());
        final String log = run.result("selftest_log");
        // Newest first: the foreground extended and short tests, the background short test, all completed; the
        // default one answered by its status only (not logged).
        assertTrue(log.matches("# ?1 Foreground long Completed [^;]*;# ?2 Foreground short Completed [^;]*;"
            + "# ?3 Background short Completed [^;]*;"), run.describe());
        // The control mode page's EXTENDED SELF-TEST COMPLETION TIME: 64 MiB at the rate the last test measured.
        assertTrue(run.result("selftest_duration").matches("Long \\(extended\\) Self-test duration: \\d+ seconds.*"),
            run.describe());
        assertEquals("0", run.result("all_rc_after"), run.describe());
    }

    @Test
    void sgTestRwbufWritesAndReadsBackTheDataBuffer()
    {
        assertTrue(run.ok(), run.describe() + "\n" + LOG);
        assertEquals("0", run.result("rwbuf_rc"), "sg_test_rwbuf: " + run.describe());
        assertEquals("ringtarget-rb16!", run.result("rb16"), "READ BUFFER(16) by sg_raw: " + run.describe());
    }

    @Test
    void sgLogsWalksEveryPageAndResetsTheCounters()
    {
        assertTrue(run.ok(), run.describe() + "\n" + LOG);
        assertEquals("0", run.result("all_pages_rc"), run.describe());
        assertTrue(Integer.parseInt(run.result("all_pages_headers")) >= 5, run.describe());
        assertEquals("0", run.result("reset_rc"), run.describe());
        assertEquals("0", run.result("conn_errors"), run.describe());
    }

    /** What the target logged so far. */
    private static String logText()
    {
        server.flushLog();
        return LOG.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void linuxIsToldWhenHalfOfTheThinRamLunHoldsStorage()
    {
        assertTrue(run.ok(), run.describe());
        assertTrue(run.result("threshold_vpd").contains("Threshold exponent: 1"), "16 MiB in sets of 2 blocks: " +
            run.describe());
        assertEquals("0", run.result("threshold_before"), "7 MiB of 16: not yet: " + run.describe());
        assertEquals("1", run.result("threshold_after"), "8 MiB of 16: Linux logged it once: " + run.describe());
        assertTrue(logText().contains("backstore ram1: soft threshold reached: 16384 of its 32768 blocks hold " +
            "storage (50%, threshold 16384)"), logText());
        // SPF, page 1Ch, subpage 02h, 20 bytes; the descriptor: enabled, soft, armed increasing, used resources, 8192
        // sets of 2 blocks.
        assertTrue(run.result("threshold_mode_page").contains(" 5c 02 00 14 00 00 00 00 00 00 00 00 00 00 00 00 " +
            "81 02 00 00 00 00 20 00"), "MODE SENSE 1Ch/02h: " + run.describe());
    }
}
