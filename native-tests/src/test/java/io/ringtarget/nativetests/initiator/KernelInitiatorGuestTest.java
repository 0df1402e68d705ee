package io.ringtarget.nativetests.initiator;

import io.ringtarget.nativetests.support.GuestRun;
import io.ringtarget.nativetests.support.KernelInitiatorGuest;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The harness itself: a script's exit status, results and extra files come back; a guest that runs past its time
 * limit is killed and leaves no QEMU behind; one that never reaches its script (silent, or its kernel panicked) is
 * booted once more.
 */
class KernelInitiatorGuestTest
{
    @Test
    void theScriptsStatusResultsAndFilesComeBack()
    {
        final GuestRun run = KernelInitiatorGuest.withScript("harness-status",
                ". /lib/rt-guest.sh\n" +
                "rt_result extra \"$(cat /test/extra.txt)\"\n" +
                "rt_result kernel \"$(uname -r)\"\n" +
                "rt_result iscsi_tcp \"$(grep -c '^iscsi_tcp ' /proc/modules)\"\n" +
                "exit 3\n")
            .file("extra.txt", "hello from the host")
            .timeout(Duration.ofMinutes(3))
            .boot();
        assertEquals(3, run.status(), run.describe());
        assertFalse(run.timedOut(), run.describe());
        assertFalse(run.ok(), run.describe());
        assertEquals("hello from the host", run.result("extra"), run.describe());
        assertTrue(run.result("kernel").endsWith("-amd64"), run.describe());
        assertEquals("1", run.result("iscsi_tcp"), run.describe());
        assertTrue(run.readyAt() > 0 && run.exitAt() >= run.readyAt(), run.describe());
        assertNoQemuLeft();
    }

    @Test
    void aGuestPastItsTimeLimitIsKilled()
    {
        final long start = System.nanoTime();
        final GuestRun run = KernelInitiatorGuest.withScript("harness-timeout", "sleep 600\n")
            .timeout(Duration.ofSeconds(20))
            .boot();
        final Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(run.timedOut(), run.describe());
        assertEquals(-1, run.status(), run.describe());
        assertTrue(took.toSeconds() < 60, "killed late: " + took);
        assertNoQemuLeft();
    }

    @Test
    void aGuestThatNeverReachesItsScriptIsBootedOnceMore()
    {
        // The kernel runs sleep as its init: no RT-GUEST-READY, and with "quiet" not a word on the console.
        final long start = System.nanoTime();
        final GuestRun run = KernelInitiatorGuest.withScript("harness-silent", "exit 0\n")
            .kernelArgs("rdinit=/bin/sleep", "--", "600")
            .readyLimit(Duration.ofSeconds(10))
            .timeout(Duration.ofSeconds(20))
            .boot();
        final Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(run.timedOut(), run.describe());
        assertEquals(-1, run.readyAt(), run.describe());
        // The first boot is given up after 10 s, the second runs to its 20 s limit (one boot alone: about 20 s).
        assertTrue(took.toSeconds() >= 30 && took.toSeconds() < 90, "two boots, 10 s and 20 s: " + took);
        assertEquals(2, run.boots(), run.describe());
        assertNoQemuLeft();
    }

    @Test
    void aGuestWhoseKernelPanicsBeforeItsScriptIsBootedOnceMore()
    {
        // No such rdinit: the kernel looks for a root device, finds none and panics; QEMU then exits (-no-reboot).
        // It panics within seconds; a first boot still silent after 30 s is the rare TCG hang before the kernel's first
        // word (KernelInitiatorGuest's READY_LIMIT), booted once more like any other guest (a CI run: 60 s, 0 bytes).
        final GuestRun run = KernelInitiatorGuest.withScript("harness-panic", "exit 0\n")
            .kernelArgs("rdinit=/no-such-init")
            .readyLimit(Duration.ofSeconds(30))
            .timeout(Duration.ofSeconds(60))
            .boot();
        assertFalse(run.timedOut(), run.describe());
        assertEquals(-1, run.readyAt(), run.describe());
        assertTrue(run.console().contains("Kernel panic - not syncing"), run.describe());
        assertEquals(2, run.boots(), run.describe());
        assertNoQemuLeft();
    }

    private static void assertNoQemuLeft()
    {
        assertEquals(0, ProcessHandle.current().descendants()
            .filter(p -> p.info().command().orElse("").contains("qemu-system"))
            .filter(ProcessHandle::isAlive)
            .count(), "a QEMU outlived its boot");
    }
}
