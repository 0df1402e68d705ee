package io.ringtarget.nativetests.initiator;

import io.ringtarget.nativetests.support.ExternalProcess;
import io.ringtarget.nativetests.support.GuestRun;
import io.ringtarget.nativetests.support.KernelInitiatorGuest;
import io.ringtarget.nativetests.support.LoopDevice;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Linux's SCSI error handler (open-iscsi in a QEMU guest) against the task management response fence: a write is
 * held in the target's backstore for real (a fileio LUN on an ext4 filesystem of a loop device, frozen with
 * fsfreeze), the guest's 3 s command timeout runs out and open-iscsi sends ABORT TASK; the target logs that it holds
 * the response, the host waits 2 s more and thaws. The abort must then be answered FUNCTION COMPLETE, the kernel
 * retries the write, which completes, the session never drops and the block holds the write's data. Then a second
 * session (the guest's second NIC) to the same LUN has a write held the same way while the first resets the LUN with
 * sg_reset (a LOGICAL UNIT RESET, SAM-5 7.7): the target aborts the other session's write, which ends with TASK
 * ABORTED once its I/O has (TAS 1), answers the reset after it, and the kernel retries the write.
 */
class KernelInitiatorTaskManagementTest
{
    static final String TARGET = "iqn.2026-12.io.ringtarget:fence";
    private static final String HELD = "response held until the backstore I/O";
    private static final String ABORTED_FOR_RESET = "1 command(s) aborted by another session's reset";

    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static LoopDevice loop;
    private static Path mountPoint;
    private static boolean mounted;
    private static TargetServer server;
    private static GuestRun run;

    @BeforeAll
    static void bootTheGuest() throws Exception
    {
        Tools.requireRoot();
        final String fsfreeze = Tools.require("fsfreeze").toString();
        final String unique = ProcessHandle.current().pid() + "-" + System.nanoTime();
        loop = LoopDevice.create(Path.of("/var/tmp", "ringtarget-tmf-" + unique + ".img"), 128L << 20);
        mountPoint = Files.createDirectories(Path.of("/var/tmp", "ringtarget-tmf-" + unique));
        exec(Tools.require("mkfs.ext4").toString(), "-q", loop.path().toString());
        exec(Tools.require("mount").toString(), loop.path().toString(), mountPoint.toString());
        mounted = true;
        final int port = Ports.free();
        final RingtargetConfig config = new RingtargetConfig(
            List.of(new BackstoreConfig("disk", "fileio", mountPoint.resolve("disk.img").toString(), 64L << 20, 512,
                true, false, "fence-disk", null)),
            List.of(new TargetConfig(TARGET, "fence", List.of(new TpgConfig(1, true,
                List.of(new PortalConfig(Ports.LOOPBACK, port)), List.of(new LunConfig(0, "disk", false)), List.of(),
                true, "none")))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(1, false, "ring", 5, 15));
        server = TargetServer.start(config, new PrintStream(LOG, true));
        final String script = GuestScripts.read("task-management.sh")
            .replace("@TARGET@", TARGET)
            .replace("@PORTAL@", KernelInitiatorGuest.hostAddress(0) + ":" + port)
            .replace("@PORTAL2@", KernelInitiatorGuest.hostAddress(1) + ":" + port);
        run = KernelInitiatorGuest.withScript("task-management", script)
            .nics(2)
            .timeout(Duration.ofMinutes(6))
            .hostAction("freeze", args -> exec(fsfreeze, "-f", mountPoint.toString()))
            .hostAction("thaw-once-held", args -> thawOnceLogged(fsfreeze, HELD))
            .hostAction("thaw-once-aborted", args -> thawOnceLogged(fsfreeze, ABORTED_FOR_RESET))
            .boot();
        server.flushLog();
        System.out.println("KernelInitiatorTaskManagementTest: QEMU ran " + run.wall().toMillis() / 1000.0 +
            " s; console " + run.consoleLog());
        run.lines("RT-STEP").forEach(System.out::println);
        run.results().forEach((k, v) -> System.out.println("  " + k + " = " + v));
        log().lines().filter(l -> l.contains("task-management")).forEach(l -> System.out.println("  target: " + l));
    }

    @AfterAll
    static void stop()
    {
        if (mounted)
        {
            ExternalProcess.run(Duration.ofSeconds(30), "fsfreeze", "-u", mountPoint.toString());   // if still frozen
        }
        if (null != server)
        {
            server.close();
        }
        if (mounted)
        {
            exec("umount", mountPoint.toString());
        }
        if (null != loop)
        {
            loop.close();
            try
            {
                Files.deleteIfExists(loop.backingFile());
                Files.deleteIfExists(mountPoint);
            }
            catch (final java.io.IOException ex)
            {
                throw new java.io.UncheckedIOException(ex);
            }
        }
    }

    /** Waits for the target to log {@code text}, then 2 s more (the initiator keeps waiting), then thaws. */
    private static String thawOnceLogged(final String fsfreeze, final String text) throws InterruptedException
    {
        final long start = System.nanoTime();
        try
        {
            while (!log().contains(text))
            {
                if (System.nanoTime() - start > Duration.ofSeconds(90).toNanos())
                {
                    return "never held";
                }
                Thread.sleep(50);
                server.flushLog();
            }
            final long heldAfter = (System.nanoTime() - start) / 1_000_000;
            Thread.sleep(2_000);
            return "held " + heldAfter + " ms after the request, thawed 2 s later";
        }
        finally
        {
            exec(fsfreeze, "-u", mountPoint.toString());
        }
    }

    private static String exec(final String... command)
    {
        final ExternalProcess.Result r = ExternalProcess.run(Duration.ofSeconds(60), command);
        if (!r.ok())
        {
            throw new IllegalStateException(String.join(" ", command) + ": " + r.output());
        }
        return r.output().strip();
    }

    private static String log()
    {
        return LOG.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theAbortIsAnsweredOnceTheHeldWriteEndedAndTheWriteCompletes()
    {
        assertTrue(run.ok(), run.describe() + "\n" + log());
        assertEquals("3", run.result("command_timeout"), run.describe());
        assertTrue(run.result("held").startsWith("held "), "the target held an abort's response: " +
            run.result("held") + "\n" + log());
        assertTrue(log().contains("ABORT TASK of ITT") && log().contains("FUNCTION COMPLETE, answered after"), log());
        assertEquals("0", run.result("write_exit"), "the held write completed (the kernel retried it after the " +
            "abort): " + run.describe());
        assertEquals("b2", run.result("bytes").strip(), "the block holds the held write's data: " + run.describe());
        assertEquals("LOGGED_IN", run.result("session_state").strip(), "the session never dropped: " +
            run.describe());
        assertEquals("0", run.result("conn_errors"), run.result("eh_messages"));
    }

    @Test
    void aLunResetAbortsTheOtherSessionsWriteWhichTheKernelRetries()
    {
        assertTrue(run.ok(), run.describe() + "\n" + log());
        assertTrue(run.result("reset_held").startsWith("held "), "the other session's write was aborted for the " +
            "reset: " + run.result("reset_held") + "\n" + log());
        assertEquals("0", run.result("reset_exit"), "sg_reset -d: the LOGICAL UNIT RESET succeeded: " + run.describe());
        assertTrue(log().lines().anyMatch(l -> l.contains(": LOGICAL UNIT RESET on LUN 0 (ITT ") &&
            l.contains("): FUNCTION COMPLETE, answered after")), "the reset waited for the aborted write:\n" + log());
        assertEquals("0", run.result("second_write_exit"), "the aborted write ended TASK ABORTED and the kernel " +
            "retried it: " + run.describe());
        assertEquals("c3", run.result("second_bytes").strip(), "the block holds the second session's write: " +
            run.describe());
        assertEquals("LOGGED_IN LOGGED_IN", run.result("sessions_after_reset").strip(), "no session dropped: " +
            run.describe());
        assertEquals("0", run.result("conn_errors_after_reset"), run.result("reset_messages"));
    }

    @Test
    void aTargetResetInTheMiddleOfVerifiedIoEndsWithNoErrorAndBothSessionsKept()
    {
        assertTrue(run.ok(), run.describe() + "\n" + log());
        // sg_reset's exit status, then what it printed.
        assertEquals("0", run.result("target_reset_exit").split(" ")[0], "sg_reset -t: the TARGET WARM RESET " +
            "succeeded: " + run.result("target_reset_exit"));
        assertEquals("yes", run.result("target_reset_during_fio"), "the reset came while fio ran: " + run.describe());
        // Answered at once ("TARGET WARM RESET (ITT 0x..): FUNCTION COMPLETE"), or held for the backstore I/O of the
        // commands it aborted and answered in a line of its own ("ITT 0x..: FUNCTION COMPLETE, answered after ...").
        final Matcher reset = Pattern.compile(": TARGET WARM RESET \\(ITT (0x\\p{XDigit}+)\\)").matcher(log());
        assertTrue(reset.find(), "the target logged the reset:\n" + log());
        final String itt = reset.group(1);
        assertTrue(log().lines().anyMatch(l -> l.contains("TARGET WARM RESET (ITT " + itt + "): FUNCTION COMPLETE") ||
            l.contains(": ITT " + itt + ": FUNCTION COMPLETE")), "the target answered it:\n" + log());
        assertEquals("0", run.result("fio_target_reset"), "fio verified every block across the reset: " +
            run.describe());
        assertEquals("LOGGED_IN LOGGED_IN", run.result("sessions_after_target_reset").strip(), "no session dropped: " +
            run.describe());
        assertEquals("0", run.result("conn_errors_after_target_reset"), run.result("target_reset_messages"));
    }
}
