package io.ringtarget.server.cli;

import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.server.startup.JulBridge;
import io.ringtarget.server.startup.TargetServer;
import io.ringtarget.server.config.RingtargetConfig;

import java.io.IOException;
import java.io.PrintWriter;

/**
 * Runs the target until it stops or the process is told to stop (Ctrl-C, SIGTERM).
 * <p>
 * A shutdown hook closes the server on SIGINT/SIGTERM, then halts with status 0: a service stopped on purpose
 * exits successfully (the JVM's default, 128 + signal, reads as a failure to systemd).
 */
final class ServerRunner
{
    private ServerRunner()
    {
    }

    /**
     * Starts the target, calls {@code onStarted}, waits until it terminates.
     *
     * @return the exit code.
     */
    static int run(final RingtargetConfig config, final PrintWriter err, final Runnable onStarted)
    {
        final EventLog log = EventLog.to(System.out);
        JulBridge.install(log);
        final TargetServer server;
        try
        {
            server = TargetServer.start(config, log);
        }
        catch (final IOException | RuntimeException ex)
        {
            log.close();
            err.println("ringtarget: cannot start the target: " + ex.getMessage());
            return ExitCodes.FAILURE;
        }
        final Thread hook = new Thread(() ->
        {
            server.close();
            log.close();
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(ExitCodes.OK);
        }, "ringtarget-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        onStarted.run();
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
        server.close();
        log.close();
        return ExitCodes.OK;
    }
}
