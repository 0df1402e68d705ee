package io.ringtarget.nativetests.initiator;

import io.ringtarget.nativetests.support.GuestRun;
import io.ringtarget.nativetests.support.KernelInitiatorGuest;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.nativetests.support.RingtargetProcess;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.ConfigFiles;
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
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sanitize operation survives its target (SBC-4 4.11.2): Linux's own initiator in the QEMU guest starts an
 * OVERWRITE of 31 passes of a 1 GiB fileio LUN with sg_sanitize --early, the target ({@code ringtarget serve}, with
 * a state directory) is killed with SIGKILL once it has saved its progress (every 5 s) and started again; the session
 * comes back, the LUN says SANITIZE IN PROGRESS (gone on from the saved progress with the first command, not from
 * its first block), the read Linux retries returns the pattern once it ends, and the saved operation
 * ({@code state/medium-operations/SERIAL.op}) is gone. Without the saved state the LUN would come back ready, half
 * overwritten, and the read would return the old data. 31 GiB are written (about 12 s at this VM's 2.5 GB/s). A
 * background short self-test (smartctl -t short) before it is still in smartctl's self-test log after the restart, and
 * the write cache Linux turned on through its {@code cache_type} (a MODE SELECT with SP, sent because the caching
 * page says it is saveable) is still on after it ({@code state/mode-parameters/SERIAL.mode}).
 */
class KernelInitiatorSanitizeRestartTest
{
    static final String TARGET = "iqn.2026-12.io.ringtarget:sanitize-restart";
    private static final String SERIAL = "sanitize-restart0";

    @TempDir
    static Path dir;

    private static RingtargetProcess target;
    private static GuestRun run;

    @BeforeAll
    static void bootTheGuest() throws Exception
    {
        final int port = Ports.free();
        final Path image = Files.createTempFile(Path.of("/var/tmp"), "ringtarget-sanitize", ".img");  // not tmpfs
        Files.delete(image);
        final RingtargetConfig config = new RingtargetConfig(
            List.of(new BackstoreConfig("disk0", "fileio", image.toString(), 1L << 30, 512, true, false, SERIAL,
                null)),
            List.of(new TargetConfig(TARGET, "sanitize-restart", List.of(new TpgConfig(1, true,
                List.of(new PortalConfig(Ports.LOOPBACK, port)), List.of(new LunConfig(0, "disk0", false)),
                List.of(), true, "none")))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(1, false, "ring", 5, 15))
            .withStateDirectory(dir.resolve("state").toString());
        final Path file = dir.resolve("saveconfig.json");
        ConfigFiles.save(config, file);
        final Path stateFile = dir.resolve("state/medium-operations/" + SERIAL + ".op");
        try
        {
            target = RingtargetProcess.serve(file, dir.resolve("ringtarget.log"), port);
            final String script = GuestScripts.read("sanitize-restart.sh")
                .replace("@TARGET@", TARGET)
                .replace("@PORTAL@", KernelInitiatorGuest.hostAddress(0) + ":" + port);
            run = KernelInitiatorGuest.withScript("sanitize-restart", script)
                .timeout(Duration.ofMinutes(5))
                .hostAction("restart-target", target::restart)
                .hostAction("state-file", args -> stateFile(stateFile))
                .hostAction("saved-progress", args -> savedProgress(stateFile))
                .boot();
        }
        finally
        {
            Files.deleteIfExists(image);
        }
        run.print("KernelInitiatorSanitizeRestartTest");
    }

    /** The operation's fields of the state file, or "none". */
    private static String stateFile(final Path stateFile) throws java.io.IOException
    {
        if (!Files.exists(stateFile))
        {
            return "none";
        }
        return Files.readAllLines(stateFile).stream().filter(l -> l.startsWith("operation ") ||
            l.startsWith("state ") || l.startsWith("passes ") || l.startsWith("pattern ")).toList().toString();
    }

    /**
     * Waits (at most 60 s) until the state file holds progress (its "done" line above 0, saved every 5 s), or is gone
     * (the operation ended first): its operation's fields and whether progress was saved.
     */
    private static String savedProgress(final Path stateFile) throws Exception
    {
        final long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline && Files.exists(stateFile))
        {
            final boolean saved = Files.readAllLines(stateFile).stream()
                .anyMatch(l -> l.startsWith("done ") && !"done 0".equals(l));
            if (saved)
            {
                return stateFile(stateFile) + " progress saved";
            }
            Thread.sleep(50);
        }
        return stateFile(stateFile) + " no progress saved";
    }

    @AfterAll
    static void stop()
    {
        if (null != target)
        {
            target.close();
        }
    }

    @Test
    void theOverwriteStartsAgainAfterAKillAndTheLunReadsThePattern()
    {
        assertTrue(run.ok(), run.describe() + "\n" + target.logText());
        assertEquals("5a", run.result("before").strip(), run.describe());
        assertEquals("0", run.result("early_rc"), run.describe());
        assertEquals("[operation sanitize, state running, passes 31, pattern 52] progress saved",
            run.result("state_before_kill"), "saved when it began, its progress saved, running at the kill: " +
            run.describe());
        assertTrue(run.result("after_restart_tur").toLowerCase().contains("sanitize in progress"),
            "the restarted target resumed it: " + run.describe() + "\n" + target.logText());
        assertTrue(run.result("after_restart_progress").startsWith("Progress indication: "), run.describe());
        assertEquals("52", run.result("after_restart_read").strip(), "read retried until the end: " + run.describe());
        assertEquals("0", run.result("after_tur"), run.describe());
        assertEquals("none", run.result("state_after"), "completed: the state file removed: " + run.describe());
        final java.util.regex.Matcher resumed = java.util.regex.Pattern.compile("a sanitize operation stopped by " +
            "the last shutdown goes on from (\\d+)% \\(its progress last saved\\)").matcher(target.logText());
        assertTrue(resumed.find(), "the restart says where it goes on: " + target.logText());
        final int percent = Integer.parseInt(resumed.group(1));
        assertTrue(percent > 0 && percent < 100, resumed.group());
        assertTrue(target.logText().contains("backstore disk0: SANITIZE OVERWRITE (31 passes) goes on after a " +
            "restart from " + percent + "%, where it was last saved"), target.logText());
        final double reported = Double.parseDouble(run.result("after_restart_progress")
            .substring("Progress indication: ".length()).replace("%", ""));
        assertTrue(reported >= percent, "the guest's REQUEST SENSE: " + reported + "% after " + percent + "% saved");
        assertTrue(target.logText().contains("backstore disk0: SANITIZE OVERWRITE (31 passes) completed in "),
            target.logText());
        assertEquals("0", run.result("short_test_rc"), run.describe());
        assertTrue(run.result("selftest_before").matches("# ?1 Background short Completed [^;]*;"), run.describe());
        assertEquals(run.result("selftest_before"), run.result("selftest_after"),
            "the self-test log survived the kill: " + run.describe());
    }

    @Test
    void theWriteCacheLinuxTurnedOnIsStillOnAfterTheKill() throws java.io.IOException
    {
        assertTrue(run.ok(), run.describe() + "\n" + target.logText());
        assertEquals("Writeback Cache is: Disabled", run.result("wcache_initial"),
            "writeCache false: " + run.describe());
        assertEquals("write back", run.result("cache_type_before"), run.describe());
        assertEquals("Writeback Cache is: Enabled", run.result("wcache_before"), run.describe());
        assertTrue(Files.readString(dir.resolve("state/mode-parameters/" + SERIAL + ".mode"))
            .contains("\nwce 1\nconfigured-wce 0\n"), "saved by Linux's MODE SELECT");
        assertTrue(target.logText().contains("(serial " + SERIAL + "): saved mode parameters: the write cache " +
            "enabled ("), target.logText());
        assertEquals("Writeback Cache is: Enabled", run.result("wcache_after"), "the target's page: " + run.describe());
        assertEquals("write back", run.result("cache_type_after"), "Linux's rescan: " + run.describe());
    }
}
