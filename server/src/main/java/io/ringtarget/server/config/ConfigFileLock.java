package io.ringtarget.server.config;

import io.ringtarget.ffi.Errno;
import io.ringtarget.ffi.Libc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static io.ringtarget.ffi.LibcConstants.EWOULDBLOCK;
import static io.ringtarget.ffi.LibcConstants.LOCK_EX;
import static io.ringtarget.ffi.LibcConstants.LOCK_NB;
import static io.ringtarget.ffi.LibcConstants.O_CLOEXEC;
import static io.ringtarget.ffi.LibcConstants.O_CREAT;
import static io.ringtarget.ffi.LibcConstants.O_RDWR;

/**
 * The lock of a configuration file: {@code FILE.lock} beside it, held with flock(2) (released by the kernel when the
 * holder exits, however it exits). It serializes everything that writes the file:
 * <ul>
 * <li>an edit by the CLI holds it from reading the file to having saved it, so two edits never lose each other;</li>
 * <li>{@code ringtarget serve} holds it for as long as it serves the file, and writes into it where its admin socket
 * is ({@link #advertise}): an edit that finds the lock held reads that and sends the edit to the running target,
 * which applies and saves it ({@link Holder}).</li>
 * </ul>
 * The lock file is never deleted (deleting a lock file races with the next locker); what it says is only read by
 * someone who could not take the lock, so what a target that died left in it is never believed.
 */
public final class ConfigFileLock implements AutoCloseable
{
    /** The suffix of the lock file, after the configuration file's name. */
    public static final String SUFFIX = ".lock";

    /** What a running target wrote into the lock it holds: its process and admin socket. */
    public record Holder(long pid, Path socket)
    {
    }

    private final Path file;
    private final int fd;
    private boolean closed;

    private ConfigFileLock(final Path file, final int fd)
    {
        this.file = file;
        this.fd = fd;
    }

    /** {@code FILE.lock} for {@code FILE}. */
    public static Path lockFile(final Path config)
    {
        final Path absolute = config.toAbsolutePath();
        return absolute.resolveSibling(absolute.getFileName() + SUFFIX);
    }

    /**
     * Takes the lock of {@code config} if nobody holds it.
     *
     * @return the lock, or null while another process (a target serving the file, another edit) holds it.
     * @throws IOException when the lock file cannot be created or opened (its directory is not writable), naming it.
     */
    public static ConfigFileLock tryAcquire(final Path config) throws IOException
    {
        final Path lock = lockFile(config);
        final int fd = Libc.open(lock.toString(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0)
        {
            throw new IOException("cannot open " + lock + ": " + Errno.describe(fd));
        }
        final int r = Libc.flock(fd, LOCK_EX | LOCK_NB);
        if (r == 0)
        {
            return new ConfigFileLock(lock, fd);
        }
        Libc.close(fd);
        if (r == -EWOULDBLOCK)
        {
            return null;
        }
        throw new IOException("cannot lock " + lock + ": " + Errno.describe(r));
    }

    /**
     * What the target holding the lock of {@code config} advertised, or null when nobody advertises one (an edit
     * holds the lock, a target is starting, or the lock is free and what it says is stale).
     */
    public static Holder holder(final Path config)
    {
        final String text;
        try
        {
            text = Files.readString(lockFile(config), StandardCharsets.UTF_8);
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
        catch (final IOException ex)
        {
            return null;
        }
        long pid = -1;
        Path socket = null;
        for (final String line : text.split("\n"))
        {
            if (line.startsWith("pid="))
            {
                try
                {
                    pid = Long.parseLong(line.substring(4).trim());
                }
                catch (final NumberFormatException ex)
                {
                    return null;
                }
            }
            else if (line.startsWith("socket="))
            {
                socket = Path.of(line.substring(7));
            }
        }
        return pid > 0 && null != socket ? new Holder(pid, socket) : null;
    }

    /** The lock file. */
    public Path file()
    {
        return file;
    }

    /**
     * A target that holds the lock says where edits of the file go: its pid and its admin socket (after the socket
     * listens, so that whoever reads it can connect).
     */
    public void advertise(final long pid, final Path socket) throws IOException
    {
        Files.writeString(file, "pid=" + pid + "\nsocket=" + socket.toAbsolutePath() + "\n", StandardCharsets.UTF_8);
    }

    /** Releases the lock; what a target advertised is erased first (a stopped target is nobody's to reach). */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        Libc.ftruncate(fd, 0);
        Libc.close(fd);
    }
}
