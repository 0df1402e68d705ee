package io.ringtarget.server.systemd;

import io.ringtarget.iscsi.log.EventLog;

import java.util.function.BooleanSupplier;

/**
 * The service manager's watchdog ({@code WatchdogSec=} in the unit): {@code WATCHDOG=1} every half interval, but only
 * while the target is healthy — every event loop runs a task it is handed within a quarter of the interval. A loop
 * that is stuck stops the pings, and systemd restarts the service (its {@code Restart=} setting).
 */
public final class Watchdog implements AutoCloseable
{
    private final SystemdNotify notify;
    private final BooleanSupplier healthy;
    private final EventLog log;
    private final long periodMillis;
    private final Thread thread;
    private volatile boolean closed;

    private Watchdog(final SystemdNotify notify, final BooleanSupplier healthy, final EventLog log)
    {
        this.notify = notify;
        this.healthy = healthy;
        this.log = log;
        this.periodMillis = Math.max(1, notify.watchdogMicros() / 2000);
        this.thread = Thread.ofPlatform().daemon().name("ringtarget-watchdog").unstarted(this::run);
    }

    /**
     * Pings while {@code healthy} answers true (it is given a quarter of the interval); null when the unit has no
     * watchdog.
     *
     * @param healthy asked each period with the time it may take, in milliseconds, as its argument's budget.
     */
    public static Watchdog start(final SystemdNotify notify, final HealthCheck healthy, final EventLog log)
    {
        if (notify.watchdogMicros() == 0)
        {
            return null;
        }
        final long budget = Math.max(1, notify.watchdogMicros() / 4000);
        final Watchdog watchdog = new Watchdog(notify, () -> healthy.answersWithin(budget), log);
        watchdog.thread.start();
        log.info("systemd", "watchdog: WATCHDOG=1 every " + watchdog.periodMillis + " ms while every event loop " +
            "answers within " + budget + " ms");
        return watchdog;
    }

    /** Whether the target answers within a time. */
    @FunctionalInterface
    public interface HealthCheck
    {
        boolean answersWithin(long millis);
    }

    private void run()
    {
        boolean wasHealthy = true;
        while (!closed)
        {
            final boolean ok = healthy.getAsBoolean();
            if (ok)
            {
                final int r = notify.send("WATCHDOG=1");
                if (r < 0)
                {
                    log.warn("systemd", "WATCHDOG=1 not sent: " + SystemdNotify.describe(r));
                }
            }
            else if (wasHealthy)
            {
                log.error("systemd", "an event loop does not answer: the watchdog is not pinged (systemd restarts " +
                    "the service when WatchdogSec passes)", null);
            }
            wasHealthy = ok;
            try
            {
                Thread.sleep(periodMillis);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
        }
    }

    @Override
    public void close()
    {
        closed = true;
        thread.interrupt();
    }
}
