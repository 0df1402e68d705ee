package io.ringtarget.nativetests.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * {@code ringtarget serve --config FILE} in a JVM of its own (this test's class path), so that a test can stop it
 * the way an administrator or a power cut does: {@link #restart} with SIGTERM (a clean shutdown) or SIGKILL (nothing
 * runs after it, as after a power loss), then the same configuration served again.
 */
public final class RingtargetProcess implements AutoCloseable
{
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path config;
    private final Path log;
    private final int[] ports;
    private final List<String> options;
    private ExternalProcess process;
    private int starts;

    private RingtargetProcess(final Path config, final Path log, final int[] ports, final List<String> options)
    {
        this.config = config;
        this.log = log;
        this.ports = ports;
        this.options = options;
    }

    /**
     * Serves {@code config} and waits until every one of {@code ports} on 127.0.0.1 listens.
     *
     * @param config the configuration file.
     * @param log    where the process's output goes (appended to, across restarts).
     * @param ports  the portals' ports.
     * @return the running target.
     */
    public static RingtargetProcess serve(final Path config, final Path log, final int... ports)
    {
        return serve(config, log, List.of(), ports);
    }

    /** As {@link #serve(Path, Path, int...)}, with more options of {@code serve} (e.g. --log-level warn). */
    public static RingtargetProcess serve(final Path config, final Path log, final List<String> options,
        final int... ports)
    {
        final RingtargetProcess p = new RingtargetProcess(config, log, ports.clone(), List.copyOf(options));
        p.start();
        return p;
    }

    private void start()
    {
        final List<String> command = new ArrayList<>(List.of(
            ProcessHandle.current().info().command().orElse("java"), "--enable-native-access=ALL-UNNAMED",
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), "io.ringtarget.server.cli.Main",
            "serve", "--config", config.toString(),
            // Its own admin socket beside its file: never the host's /run/ringtarget, and two gateways side by side.
            "--admin-socket", config.resolveSibling(config.getFileName() + ".admin.sock").toString()));
        command.addAll(options);
        process = ExternalProcess.start(log, command.toArray(String[]::new)).stopGrace(Duration.ofSeconds(20));
        starts++;
        for (final int port : ports)
        {
            if (!Ports.awaitListening(port, START_TIMEOUT.toMillis(), process))
            {
                throw new IllegalStateException("ringtarget does not listen on " + port + ": " + process.logText());
            }
        }
        awaitServing();
    }

    /**
     * Until this run has said it serves. A port that takes connections is not enough after a SIGKILL: the killed
     * process's listening socket lives on until the kernel has torn its io_uring down (an accept was pending in it),
     * and was seen to take the probe's connection before the new process listened.
     */
    private void awaitServing()
    {
        final long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (process.logText().split("\nringtarget: serving ", -1).length - 1 < starts)
        {
            if (!process.isAlive() || System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("ringtarget did not start serving: " + process.logText());
            }
            try
            {
                Thread.sleep(20);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while ringtarget started", ex);
            }
        }
    }

    /**
     * Stops the target and serves the same configuration again.
     *
     * @param kill true: SIGKILL (no shutdown at all); false: SIGTERM and the clean shutdown it starts.
     * @return how the process ended, for the test's log.
     */
    public String restart(final boolean kill)
    {
        final ProcessHandle handle = ProcessHandle.of(process.pid()).orElseThrow();
        final long signalledAt = System.nanoTime();
        if (kill)
        {
            handle.destroyForcibly();
        }
        else
        {
            handle.destroy();
        }
        final OptionalInt status = process.awaitExit(Duration.ofSeconds(30));
        if (status.isEmpty())
        {
            throw new IllegalStateException("ringtarget did not end after " + (kill ? "SIGKILL" : "SIGTERM"));
        }
        final long endedMillis = Duration.ofNanos(System.nanoTime() - signalledAt).toMillis();
        process.close();
        start();
        return (kill ? "killed" : "stopped") + " (exit status " + status.getAsInt() + ", ended " + endedMillis +
            " ms after the signal), started again (start " + starts + ")";
    }

    /**
     * {@link #restart(boolean)} as a guest asks for it (the host action {@code restart-target kill|term}).
     *
     * @param how {@code kill} (SIGKILL) or {@code term} (SIGTERM).
     */
    public String restart(final String how)
    {
        return restart(switch (how)
        {
            case "kill" -> true;
            case "term" -> false;
            default -> throw new IllegalArgumentException("restart-target kill|term: " + how);
        });
    }

    /** The running process's id. */
    public long pid()
    {
        return process.pid();
    }

    /**
     * Sends a signal to the running process (kill -SIGNAL): STOP freezes it as a hung or partitioned host would be,
     * CONT resumes it, KILL ends it without a restart.
     *
     * @param signal the signal's name without SIG.
     */
    public void signal(final String signal)
    {
        final ExternalProcess.Result r = ExternalProcess.run(Duration.ofSeconds(10), "kill", "-" + signal,
            Long.toString(process.pid()));
        if (!r.ok())
        {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + ": " + r.output());
        }
    }

    /**
     * SIGSTOP, returning once every thread of the process has stopped: kill(2) returns when the signal is queued, and
     * a thread running on another CPU (or on a vCPU the hypervisor has descheduled) may go on for a while, serving
     * what arrives meanwhile.
     */
    public void freeze() throws InterruptedException
    {
        signal("STOP");
        final long deadline = System.nanoTime() + 10_000_000_000L;
        String running;
        while ((running = runningThread()) != null)
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("thread " + running + " of " + process.pid() + " not stopped after 10 s");
            }
            Thread.sleep(1);
        }
    }

    /** A thread of the process not in the stopped state ("T"), or null when all are stopped. */
    private String runningThread()
    {
        final Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
        try (var list = Files.list(tasks))
        {
            for (final Path task : (Iterable<Path>)list::iterator)
            {
                try
                {
                    final String stat = Files.readString(task.resolve("stat"));
                    final char state = stat.charAt(stat.lastIndexOf(')') + 2);
                    if (state != 'T' && state != 't')
                    {
                        return task.getFileName() + " (" + state + ")";
                    }
                }
                catch (final NoSuchFileException gone)
                {
                    // the thread ended while we listed
                }
            }
            return null;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** The output of every run so far. */
    public String logText()
    {
        return process.logText();
    }

    /** @see ExternalProcess#awaitLogLine(String, java.time.Duration) */
    public boolean awaitLogLine(final String regex, final java.time.Duration timeout) throws InterruptedException
    {
        return process.awaitLogLine(regex, timeout);
    }

    @Override
    public void close()
    {
        process.close();
    }
}
