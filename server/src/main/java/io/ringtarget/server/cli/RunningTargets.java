package io.ringtarget.server.cli;

import io.ringtarget.server.admin.AdminClient;
import io.ringtarget.server.admin.AdminRequest;
import io.ringtarget.server.admin.AdminResponse;
import io.ringtarget.server.config.ConfigFileLock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds the running target a command talks to: the one {@code --admin-socket} names, or the one serving the
 * configuration file, which holds the file's lock and wrote its admin socket into it ({@link ConfigFileLock}).
 */
final class RunningTargets
{
    /** How long a command waits for an edit or a starting target that holds the lock without advertising. */
    static final long LOCK_WAIT_MILLIS = 30_000;
    private static final long RETRY_MILLIS = 20;

    private RunningTargets()
    {
    }

    /** A running target: its admin socket and process. */
    record Found(Path socket, long pid)
    {
    }

    /**
     * The target serving {@code config}'s file (or listening on its {@code --admin-socket}), or null when none does.
     *
     * @throws CliException when {@code --admin-socket} names a socket nothing answers on.
     */
    static Found find(final ConfigFileOption config) throws IOException
    {
        final Path explicit = config.adminSocket();
        if (null != explicit)
        {
            return explicit(explicit);
        }
        final Path file = config.file();
        final long deadline = System.nanoTime() + LOCK_WAIT_MILLIS * 1_000_000L;
        while (true)
        {
            final ConfigFileLock lock;
            try
            {
                lock = Files.isDirectory(file.toAbsolutePath().getParent()) ? ConfigFileLock.tryAcquire(file) : null;
            }
            catch (final IOException ex)
            {
                return advertised(file);   // a lock file we may not create: whoever holds it may still advertise
            }
            if (null != lock)
            {
                lock.close();
                return null;
            }
            final Found found = advertised(file);
            if (null != found || !Files.isDirectory(file.toAbsolutePath().getParent()))
            {
                return found;
            }
            waitOrGiveUp(file, deadline);
        }
    }

    /**
     * The lock of a file {@code serve} is about to serve, waiting while an edit holds it; refused when a running target
     * serves the file already. Null (with a warning on {@code err}) when no lock can be taken there (a directory the
     * target may not write): it serves the file, but edits cannot find it.
     */
    static ConfigFileLock lockForServing(final Path file, final java.io.PrintWriter err)
    {
        if (!Files.isRegularFile(file))
        {
            return null;   // reading it fails next, with the reason
        }
        final long deadline = System.nanoTime() + LOCK_WAIT_MILLIS * 1_000_000L;
        while (true)
        {
            try
            {
                final ConfigFileLock lock = ConfigFileLock.tryAcquire(file);
                if (null != lock)
                {
                    return lock;
                }
            }
            catch (final IOException ex)
            {
                err.println("ringtarget: warning: " + ex.getMessage() + ": editing commands will not find this " +
                    "target (give them --admin-socket)");
                return null;
            }
            final Found running = advertised(file);
            if (null != running)
            {
                throw new CliException(ExitCodes.FAILURE, file + " is served already by the running target pid " +
                    running.pid() + " (admin socket " + running.socket() + ")");
            }
            waitOrGiveUp(file, deadline);
        }
    }

    /** The target listening on {@code socket}, which the user named. */
    static Found explicit(final Path socket) throws IOException
    {
        try
        {
            final AdminResponse hello = AdminClient.request(socket, new AdminRequest(AdminRequest.HELLO, null, List.of()));
            return new Found(socket, hello.pid());
        }
        catch (final IOException ex)
        {
            throw new CliException(ExitCodes.FAILURE, "no running target answers on " + socket + ": " +
                ex.getMessage());
        }
    }

    /** The target the lock file names, if it answers. */
    static Found advertised(final Path file)
    {
        final ConfigFileLock.Holder holder = ConfigFileLock.holder(file);
        return null != holder && AdminClient.answers(holder.socket()) ? new Found(holder.socket(), holder.pid()) : null;
    }

    /** Sleeps a little before the next try, or gives up once the lock has been held {@link #LOCK_WAIT_MILLIS}. */
    static void waitOrGiveUp(final Path file, final long deadlineNanos)
    {
        if (System.nanoTime() - deadlineNanos >= 0)
        {
            throw new CliException(ExitCodes.FAILURE, ConfigFileLock.lockFile(file) + " has been held for " +
                LOCK_WAIT_MILLIS / 1000 + " s by another process that is not a running target (another edit, or a " +
                "target starting): try again");
        }
        try
        {
            Thread.sleep(RETRY_MILLIS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILURE, "interrupted while waiting for " + ConfigFileLock.lockFile(file));
        }
    }

    /**
     * The answer of the target serving the file to {@code request}; no target serving it is a failure (exit 1) whose
     * message ends with {@code why}, and so is a request the target refused.
     */
    static AdminResponse ask(final ConfigFileOption config, final AdminRequest request, final String why)
        throws IOException
    {
        final Found target = find(config);
        if (null == target)
        {
            throw new CliException(ExitCodes.FAILURE, "no running target serves " + config.file() + why);
        }
        return answered(request(target, request));
    }

    /** The response, or its error as the command's failure. */
    static AdminResponse answered(final AdminResponse response)
    {
        if (!response.ok())
        {
            throw new CliException(response.exitCode(), response.error());
        }
        return response;
    }

    /** Sends a request to a target; one that went away meanwhile is a failure with its reason. */
    static AdminResponse request(final Found target, final AdminRequest request)
    {
        try
        {
            return AdminClient.request(target.socket(), request);
        }
        catch (final IOException ex)
        {
            throw new CliException(ExitCodes.FAILURE, "the running target (pid " + target.pid() + ", " +
                target.socket() + ") did not answer: " + ex.getMessage());
        }
    }
}
