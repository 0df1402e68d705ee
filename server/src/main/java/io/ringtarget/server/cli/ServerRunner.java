package io.ringtarget.server.cli;

import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.server.config.MetricsConfig;
import io.ringtarget.server.startup.JulBridge;
import io.ringtarget.server.startup.TargetServer;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.systemd.SystemdNotify;
import io.ringtarget.server.systemd.Watchdog;

import java.io.IOException;
import java.io.PrintWriter;

/**
 * Runs the target until it stops or the process is told to stop (Ctrl-C, SIGTERM).
 * <p>
 * A shutdown hook closes the server on SIGINT/SIGTERM, then halts with status 0: a service stopped on purpose
 * exits successfully (the JVM's default, 128 + signal, reads as a failure to systemd). Under systemd
 * ({@code Type=notify}) the service manager is told {@code READY=1} once the portals listen, {@code STOPPING=1} when
 * it stops, and {@code WATCHDOG=1} while the event loops answer, when the unit sets {@code WatchdogSec=}.
 */
final class ServerRunner
{
    private ServerRunner()
    {
    }

    /**
     * Starts the target, calls {@code onStarted}, waits until it terminates.
     *
     * @param metrics  the metrics endpoint instead of the configuration's, or null.
     * @param logLevel the lowest level of event logged.
     * @param served   the file served live (admin socket, lock, SIGHUP), or null (demo: a fixed configuration).
     * @return the exit code.
     */
    static int run(
        final RingtargetConfig config, final MetricsConfig metrics, final EventLog.Level logLevel,
        final PrintWriter err, final LiveService.ServedFile served, final Runnable onStarted)
    {
        final EventLog log = EventLog.to(System.out, logLevel);
        JulBridge.install(log);
        final SystemdNotify notify = SystemdNotify.fromEnvironment();
        final TargetServer server;
        final LiveService live;
        try
        {
            server = TargetServer.start(config, metrics, log);
        }
        catch (final IOException | RuntimeException ex)
        {
            log.close();
            closeLock(served);
            err.println("ringtarget: cannot start the target: " + ex.getMessage());
            return ExitCodes.FAILURE;
        }
        try
        {
            live = null == served ? null : LiveService.start(server, served, notify, log);
        }
        catch (final IOException | RuntimeException ex)
        {
            server.close();
            log.close();
            closeLock(served);
            err.println("ringtarget: cannot start the target: " + ex.getMessage());
            return ExitCodes.FAILURE;
        }
        final Watchdog watchdog = Watchdog.start(notify, server::loopsAnswer, log);
        final Thread hook = new Thread(() ->
        {
            stop(notify, watchdog, live, server, log);
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(ExitCodes.OK);
        }, "ringtarget-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        collectStartUpGarbage();
        onStarted.run();
        final int ready = notify.send("READY=1\nSTATUS=serving" + (null == served ? "" : " " + served.file()) +
            "\nMAINPID=" + ProcessHandle.current().pid());
        if (ready < 0)
        {
            log.warn("systemd", "READY=1 not sent to " + System.getenv("NOTIFY_SOCKET") + ": " +
                SystemdNotify.describe(ready));
        }
        try
        {
            server.awaitTermination();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        try
        {
            // The server stopped by itself: no signal to handle any more.
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException ex)
        {
            // Shutting down already: the hook closes the server and ends the process.
            return ExitCodes.OK;
        }
        stop(notify, watchdog, live, server, log);
        return ExitCodes.OK;
    }

    /**
     * One full collection once the target serves, before READY=1: what the start-up left alive (the configuration,
     * the registries, the JDK's own class mirrors and strings, a few MB) lives as long as the process, and in the
     * old generation G1's young pauses no longer copy it from survivor space to survivor space until it is tenured.
     * Under the control plane's garbage alone (scrapes, logins) a serving target's young pauses took 9.8-15.9 ms
     * without it and 3.3-5.5 with it (docs/benchmarks.md, 2026-12-07 16:29); the collection itself took 34-92 ms,
     * before any initiator is likely to have connected. {@code -XX:+DisableExplicitGC} turns it off.
     */
    private static void collectStartUpGarbage()
    {
        System.gc();
    }

    /** STOPPING=1 first (systemd then waits for the exit), then the admin socket, the target, the lock. */
    private static void stop(
        final SystemdNotify notify, final Watchdog watchdog, final LiveService live, final TargetServer server,
        final EventLog log)
    {
        notify.send("STOPPING=1\nSTATUS=stopping");
        if (null != watchdog)
        {
            watchdog.close();
        }
        if (null != live)
        {
            live.stopListening();
        }
        server.close();
        if (null != live)
        {
            live.close();
        }
        log.close();
    }

    private static void closeLock(final LiveService.ServedFile served)
    {
        if (null != served && null != served.lock())
        {
            served.lock().close();
        }
    }
}
