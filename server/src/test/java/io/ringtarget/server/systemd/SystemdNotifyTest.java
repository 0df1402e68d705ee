package io.ringtarget.server.systemd;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The environment systemd gives a {@code Type=notify} service (sd_notify(3), sd_watchdog_enabled(3)); the datagrams
 * themselves are checked end to end by native-tests' ServiceTest, with a socket of the test's own.
 */
class SystemdNotifyTest
{
    private static final String PID = String.valueOf(ProcessHandle.current().pid());

    @Test
    void withoutNotifySocketNothingIsSent()
    {
        final SystemdNotify none = SystemdNotify.of(Map.of("WATCHDOG_USEC", "1000000"));
        assertFalse(none.enabled());
        assertEquals(0, none.watchdogMicros());
        assertEquals(0, none.send("READY=1"));
    }

    @Test
    void theWatchdogIsThisProcessesWhenWatchdogPidSaysSoOrNothing()
    {
        assertEquals(30_000_000, SystemdNotify.of(Map.of("NOTIFY_SOCKET", "/run/systemd/notify",
            "WATCHDOG_USEC", "30000000")).watchdogMicros());
        assertEquals(30_000_000, SystemdNotify.of(Map.of("NOTIFY_SOCKET", "/run/systemd/notify",
            "WATCHDOG_USEC", "30000000", "WATCHDOG_PID", PID)).watchdogMicros());
        assertEquals(0, SystemdNotify.of(Map.of("NOTIFY_SOCKET", "/run/systemd/notify",
            "WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "1")).watchdogMicros(), "another process's watchdog");
        assertEquals(0, SystemdNotify.of(Map.of("NOTIFY_SOCKET", "/run/systemd/notify",
            "WATCHDOG_USEC", "soon")).watchdogMicros());
    }

    @Test
    void aSocketThatIsNotThereIsAnErrorNotAnException()
    {
        final SystemdNotify missing = SystemdNotify.of(Map.of("NOTIFY_SOCKET", "/nonexistent-ringtarget/notify"));
        assertTrue(missing.enabled());
        assertEquals(-2, missing.send("READY=1"), "ENOENT");
        assertEquals(-111, SystemdNotify.of(Map.of("NOTIFY_SOCKET", "@ringtarget-test-nobody-" + PID)).send("READY=1"),
            "ECONNREFUSED: nobody has that abstract name");
        assertEquals(-36, SystemdNotify.of(Map.of("NOTIFY_SOCKET", "/" + "x".repeat(200))).send("READY=1"),
            "ENAMETOOLONG");
    }
}
