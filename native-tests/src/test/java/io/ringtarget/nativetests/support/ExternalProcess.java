package io.ringtarget.nativetests.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A server process a test starts (tgtd, istgt, the ringtarget CLI): output to a log file, stopped by its own
 * PID and its descendants' PIDs, never by name. {@link #close()} stops it; a JVM shutdown hook stops whatever a
 * failed test left running, so no process outlives the test JVM.
 */
public final class ExternalProcess implements AutoCloseable
{
    private static final Set<ExternalProcess> LIVE = ConcurrentHashMap.newKeySet();

    static
    {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(p -> p.stop(Duration.ZERO)),
            "external-process-reaper"));
    }

    private final Process process;
    private final Path log;
    private final List<String> command;
    private Duration stopGrace = Duration.ofSeconds(5);

    private ExternalProcess(final Process process, final Path log, final List<String> command)
    {
        this.process = process;
        this.log = log;
        this.command = command;
    }

    /**
     * The outcome of a command run to completion.
     *
     * @param exitCode the exit status, or -1 when the time limit killed it.
     * @param output   its stdout and stderr, interleaved.
     */
    public record Result(int exitCode, String output)
    {
        /**
         * @return true when the command exited with status 0.
         */
        public boolean ok()
        {
            return exitCode == 0;
        }
    }

    /**
     * Starts a long-running process with stdout and stderr appended to {@code log} and stdin from /dev/null.
     *
     * @param log     the log file (created or appended to).
     * @param command the command and its arguments.
     * @return the running process.
     */
    public static ExternalProcess start(final Path log, final String... command)
    {
        return start(log, java.util.Map.of(), command);
    }

    /**
     * As {@link #start(Path, String...)}, with {@code environment} added to this process's environment.
     *
     * @param log         the log file (created or appended to).
     * @param environment variables to set for it (NOTIFY_SOCKET, ...).
     * @param command     the command and its arguments.
     * @return the running process.
     */
    public static ExternalProcess start(final Path log, final java.util.Map<String, String> environment,
        final String... command)
    {
        try
        {
            final Path parent = log.toAbsolutePath().getParent();
            if (null != parent)
            {
                Files.createDirectories(parent);
            }
            Files.writeString(log, "$ " + String.join(" ", command) + System.lineSeparator(), StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            final ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(environment);
            final Process process = builder.start();
            final ExternalProcess p = new ExternalProcess(process, log, List.of(command));
            LIVE.add(p);
            return p;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), ex);
        }
    }

    /**
     * Runs a command to completion (a client: iscsi-inq, fio, tgtadm, losetup) and captures its output.
     *
     * @param timeout how long it may run; then it and its descendants are killed and the exit code is -1.
     * @param command the command and its arguments.
     * @return its exit code and output.
     */
    public static Result run(final Duration timeout, final String... command)
    {
        Path out = null;
        try
        {
            out = Files.createTempFile("ringtarget-cmd", ".out");
            final Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
            {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
                return new Result(-1, "TIMEOUT after " + timeout.toSeconds() + " s: " + String.join(" ", command) +
                    System.lineSeparator() + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), ex);
        }
        finally
        {
            if (null != out)
            {
                try
                {
                    Files.deleteIfExists(out);
                }
                catch (final IOException ignore)
                {
                    // a temp file left behind is harmless; the command's result matters
                }
            }
        }
    }

    /**
     * How long {@link #close()} waits after SIGTERM before SIGKILL (default 5 s). tgtd, for one, ignores
     * SIGTERM while it has targets.
     *
     * @param grace the grace period.
     * @return this.
     */
    public ExternalProcess stopGrace(final Duration grace)
    {
        this.stopGrace = grace;
        return this;
    }

    /**
     * @return the process id.
     */
    public long pid()
    {
        return process.pid();
    }

    /**
     * @return true while the process runs.
     */
    public boolean isAlive()
    {
        return process.isAlive();
    }

    /**
     * Waits for the process to end by itself (a client, or a QEMU guest that powers off).
     *
     * @param timeout how long to wait at most.
     * @return its exit code, or empty when it still runs after {@code timeout} (it is left running).
     */
    public OptionalInt awaitExit(final Duration timeout)
    {
        try
        {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ?
                OptionalInt.of(process.exitValue()) : OptionalInt.empty();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + commandLine(), ex);
        }
    }

    /**
     * @return the log file.
     */
    public Path log()
    {
        return log;
    }

    /**
     * @return the log's content so far (for assertion messages).
     */
    public String logText()
    {
        try
        {
            return Files.readString(log, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            return "(cannot read " + log + ": " + ex + ")";
        }
    }

    /**
     * Waits until a line of the log matches {@code regex}: a process writes its log a little after what it reports
     * by other means (a status notification, an exit code of another process).
     *
     * @return whether such a line appeared within {@code timeout}.
     */
    public boolean awaitLogLine(final String regex, final Duration timeout) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            if (logText().lines().anyMatch(l -> l.matches(regex)))
            {
                return true;
            }
            if (System.nanoTime() - deadline > 0)
            {
                return false;
            }
            Thread.sleep(20);
        }
    }

    /**
     * @return the command line, for messages.
     */
    public String commandLine()
    {
        return String.join(" ", command);
    }

    /**
     * Stops the process and its descendants: SIGTERM, then SIGKILL after the grace period.
     */
    @Override
    public void close()
    {
        stop(stopGrace);
    }

    private void stop(final Duration grace)
    {
        final List<ProcessHandle> children = process.descendants().toList();
        if (process.isAlive())
        {
            process.destroy();
            try
            {
                if (grace.isZero() || !process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS))
                {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
            catch (final InterruptedException ex)
            {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        children.forEach(ProcessHandle::destroyForcibly);
        LIVE.remove(this);
    }
}
