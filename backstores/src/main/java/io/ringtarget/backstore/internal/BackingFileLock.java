package io.ringtarget.backstore.internal;

import io.ringtarget.ffi.Errno;
import io.ringtarget.ffi.Libc;
import io.ringtarget.ffi.Stat;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static io.ringtarget.ffi.LibcConstants.EBUSY;
import static io.ringtarget.ffi.LibcConstants.EWOULDBLOCK;
import static io.ringtarget.ffi.LibcConstants.LOCK_EX;
import static io.ringtarget.ffi.LibcConstants.LOCK_NB;
import static io.ringtarget.ffi.LibcConstants.LOCK_SH;
import static io.ringtarget.ffi.LibcConstants.O_CLOEXEC;
import static io.ringtarget.ffi.LibcConstants.O_EXCL;
import static io.ringtarget.ffi.LibcConstants.O_RDONLY;

/**
 * Keeps two processes from serving one backing file or block device: an flock(2) on a descriptor of its own,
 * exclusive for a writable backstore and shared for a read-only one, held while the backstore is open and released
 * by the kernel if the process dies. flock locks the file (its inode), whatever the descriptors that do the I/O:
 * it works beside O_DIRECT descriptors and on block device nodes (the node's inode: another node of the same device,
 * made with mknod, is not covered). On a block device an exclusive lock is also what systemd-udevd looks for before
 * it probes the device ("Locking Block Device Access"), and udev takes a shared one for a moment while it does:
 * a lock refused on a block device is therefore tried again for up to {@link #BLOCK_DEVICE_WAIT_MILLIS}.
 * <p>
 * A block device is also claimed: the lock's descriptor is opened with O_EXCL, Linux's exclusive open of a block
 * device (what mount, swapon, device-mapper and md take, and LIO's iblock). It fails with EBUSY when the device is
 * mounted, an active swap, part of an LVM volume or RAID array, opened so by another program, or a partition of a
 * disk so claimed or the disk of a claimed partition (two backstores on a disk and its partition included), and while
 * it is held none of those can take the device: a mount of a served LUN's device is refused, not silently shared.
 * <p>
 * Per process, one lock per file: two backstores of this process on the same file (a configuration warns about it)
 * share it, so only other processes are refused. The flock is advisory: a program that does not ask (dd, a file
 * system mount of a regular file through a loop device) is not stopped by it.
 */
public final class BackingFileLock implements AutoCloseable
{
    static final long BLOCK_DEVICE_WAIT_MILLIS = 1_000;
    private static final long RETRY_MILLIS = 50;
    /** The locks this process holds, by file; guarded by itself. */
    private static final Map<FileKey, Held> HELD = new HashMap<>();

    private final FileKey key;
    private final Held held;
    private boolean closed;

    private BackingFileLock(final FileKey key, final Held held)
    {
        this.key = key;
        this.held = held;
    }

    /**
     * Locks the file that {@code fd} (an open descriptor of {@code path}) is.
     *
     * @param exclusive   LOCK_EX (a writable backstore) rather than LOCK_SH (read-only).
     * @param blockDevice wait a little for a shared lock of udev to go.
     * @throws IOException "PATH is in use by another process (...)" when another process holds a conflicting lock;
     *                     other failures name the call and the errno.
     */
    public static BackingFileLock acquire(final Path path, final int fd, final boolean exclusive,
        final boolean blockDevice) throws IOException
    {
        final FileKey key = key(fd, path);
        synchronized (HELD)
        {
            final Held existing = HELD.get(key);
            if (existing != null)
            {
                if (exclusive && !existing.exclusive)
                {
                    // A writable backstore joins read-only ones: the process's lock becomes exclusive (conversion).
                    lock(existing.fd, path, true, blockDevice);
                    existing.exclusive = true;
                }
                existing.users++;
                return new BackingFileLock(key, existing);
            }
            // A descriptor of our own: the caller's may be closed at any time, and closing any descriptor of an
            // open file description with a lock would not release it, but the last one would.
            final int lockFd = Libc.open(path.toString(), O_RDONLY | O_CLOEXEC | (blockDevice ? O_EXCL : 0), 0);
            if (lockFd == -EBUSY && blockDevice)
            {
                throw new IOException(path + " is in use by the system: mounted, an active swap, part of an LVM " +
                    "volume or RAID array, claimed by another program, or a partition of such a disk or the disk of " +
                    "such a partition (open O_EXCL: " + Errno.describe(lockFd) + "); serving it would corrupt it");
            }
            if (lockFd < 0)
            {
                throw new IOException("open " + path + " to lock it: " + Errno.describe(lockFd));
            }
            try
            {
                if (!key.equals(key(lockFd, path)))
                {
                    throw new IOException(path + " was replaced while it was being opened");
                }
                lock(lockFd, path, exclusive, blockDevice);
            }
            catch (final IOException | RuntimeException ex)
            {
                Libc.close(lockFd);
                throw ex;
            }
            final Held held = new Held(lockFd, exclusive);
            HELD.put(key, held);
            return new BackingFileLock(key, held);
        }
    }

    private static void lock(final int fd, final Path path, final boolean exclusive, final boolean blockDevice)
        throws IOException
    {
        final int operation = (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB;
        final long deadline = System.nanoTime() + (blockDevice ? BLOCK_DEVICE_WAIT_MILLIS * 1_000_000L : 0);
        while (true)
        {
            final int r = Libc.flock(fd, operation);
            if (r == 0)
            {
                return;
            }
            if (r != -EWOULDBLOCK)
            {
                throw new IOException("flock " + path + ": " + Errno.describe(r));
            }
            if (System.nanoTime() - deadline >= 0)
            {
                throw new IOException(path + " is in use by another process (flock(" + (exclusive ? "LOCK_EX" : "LOCK_SH") +
                    "|LOCK_NB): " + Errno.describe(r) + ")");
            }
            try
            {
                Thread.sleep(RETRY_MILLIS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the lock of " + path, ex);
            }
        }
    }

    private static FileKey key(final int fd, final Path path) throws IOException
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment stat = arena.allocate(Stat.LAYOUT);
            final int r = Libc.fstat(fd, stat);
            if (r < 0)
            {
                throw new IOException("fstat " + path + ": " + Errno.describe(r));
            }
            return new FileKey(Stat.st_dev(stat), Stat.st_ino(stat));
        }
    }

    /** Releases this backstore's share of the lock; the last one closes the descriptor. Idempotent. */
    @Override
    public void close()
    {
        synchronized (HELD)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            if (--held.users == 0)
            {
                HELD.remove(key);
                Libc.close(held.fd);
            }
        }
    }

    /** Which file: the file system's device and the inode. */
    private record FileKey(long dev, long ino)
    {
    }

    private static final class Held
    {
        final int fd;
        boolean exclusive;
        int users = 1;

        Held(final int fd, final boolean exclusive)
        {
            this.fd = fd;
            this.exclusive = exclusive;
        }
    }
}
