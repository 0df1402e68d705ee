package io.ringtarget.iscsi.connection;

import io.ringtarget.ffi.Errno;
import io.ringtarget.ffi.ErrnoException;
import io.ringtarget.iscsi.node.Portal;
import io.ringtarget.ring.Sockets;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.TreeSet;

import static io.ringtarget.ffi.LibcConstants.EADDRINUSE;

/**
 * The listening sockets of every portal, one per event loop, bound before anything else of the target starts (no
 * backstore is opened for a portal that cannot be served). Every loop of this process binds a portal with
 * SO_REUSEPORT, so that the kernel spreads connections over the loops; the same option would let another process of
 * the same user join the port and take part of its connections. So a portal address is owned by one process:
 * <ol>
 * <li>For each port, a start-up lock is taken: a Unix socket bound to an abstract name derived from the port
 * ({@link #START_LOCK_PREFIX}; unix(7): no file, per network namespace, released by the kernel if the process
 * dies). It makes two processes that start at the same moment take turns.</li>
 * <li>Each portal is probed with a bind of its own without SO_REUSEPORT ({@link Sockets#probeBind}): it fails with
 * EADDRINUSE when any socket already listens on an overlapping address — another ringtarget, another target
 * (tgtd, LIO), or a wildcard 0.0.0.0 listener of the same port — and then nothing is bound.</li>
 * <li>The loops' sockets are bound and listen; only then is the start-up lock released, so the next process's
 * probe sees them.</li>
 * </ol>
 * A portal address owned this way is also refused to a second engine in the same process. Two processes may still
 * serve different addresses of the same port (10.0.1.10:3260 and 10.0.2.10:3260).
 * <p>
 * Each descriptor is handed to its {@link PortalListener} with {@link #take}; {@link #close} closes those not taken.
 */
public final class PortalSockets implements AutoCloseable
{
    /** The abstract socket name of a port's start-up lock is this prefix and the port number. */
    public static final String START_LOCK_PREFIX = "io.ringtarget/portal-start:";
    /** How long a start waits for another process that is binding the same port. */
    static final long START_LOCK_WAIT_MILLIS = 2_000;
    private static final long START_LOCK_RETRY_MILLIS = 10;
    private static final int BACKLOG = 256;
    private static final int TAKEN = -1;

    private final List<Portal> portals;
    private final int loops;
    private final int[][] fds;

    private PortalSockets(final List<Portal> portals, final int loops, final int[][] fds)
    {
        this.portals = portals;
        this.loops = loops;
        this.fds = fds;
    }

    /**
     * Binds every portal once per loop, or fails with nothing bound and a message that names the portal and the
     * OS error, e.g. {@code 127.0.0.1:3260 is already served by another process (bind: EADDRINUSE (Address
     * already in use))} or {@code bind 192.0.2.1:3260: EADDRNOTAVAIL (Cannot assign requested address)}.
     */
    public static PortalSockets open(final Collection<Portal> portals, final int loops) throws IOException
    {
        if (loops <= 0)
        {
            throw new IllegalArgumentException("loops must be > 0: " + loops);
        }
        final List<Portal> unique = List.copyOf(new LinkedHashSet<>(portals));
        for (final Portal p : unique)
        {
            final String problem = Sockets.addressProblem(p.ip());
            if (problem != null)
            {
                throw new IOException("portal " + p + ": " + problem);
            }
        }
        final List<Integer> locks = new ArrayList<>();
        final int[][] fds = new int[unique.size()][loops];
        for (final int[] row : fds)
        {
            Arrays.fill(row, TAKEN);
        }
        try
        {
            final TreeSet<Integer> ports = new TreeSet<>();
            for (final Portal p : unique)
            {
                ports.add(p.port());
            }
            for (final int port : ports)
            {
                locks.add(startLock(port));
            }
            for (final Portal p : unique)
            {
                probe(p);
            }
            for (int i = 0; i < unique.size(); i++)
            {
                final Portal p = unique.get(i);
                for (int loop = 0; loop < loops; loop++)
                {
                    try
                    {
                        fds[i][loop] = Sockets.listen(p.ip(), p.port(), true, BACKLOG);
                    }
                    catch (final ErrnoException ex)
                    {
                        throw new IOException("bind " + p + ": " + Errno.describe(ex.errno()), ex);
                    }
                }
            }
            return new PortalSockets(unique, loops, fds);
        }
        catch (final IOException | RuntimeException ex)
        {
            closeAll(fds);
            throw ex;
        }
        finally
        {
            for (final int lock : locks)
            {
                Sockets.close(lock);
            }
        }
    }

    private static int startLock(final int port) throws IOException
    {
        final long deadline = System.nanoTime() + START_LOCK_WAIT_MILLIS * 1_000_000L;
        while (true)
        {
            final int fd = Sockets.bindAbstract(START_LOCK_PREFIX + port);
            if (fd >= 0)
            {
                return fd;
            }
            if (fd != -EADDRINUSE)
            {
                throw new IOException("port " + port + ": start-up lock (abstract Unix socket " + START_LOCK_PREFIX +
                    port + "): " + Errno.describe(fd));
            }
            if (System.nanoTime() - deadline >= 0)
            {
                throw new IOException("port " + port + ": another ringtarget process has been starting on it for " +
                    START_LOCK_WAIT_MILLIS + " ms (it holds the start-up lock " + START_LOCK_PREFIX + port + ")");
            }
            try
            {
                Thread.sleep(START_LOCK_RETRY_MILLIS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IOException("port " + port + ": interrupted while waiting for the start-up lock", ex);
            }
        }
    }

    private static void probe(final Portal p) throws IOException
    {
        if (p.port() == 0)
        {
            return;   // an ephemeral port is nobody's yet
        }
        final int r = Sockets.probeBind(p.ip(), p.port());
        if (r == -EADDRINUSE)
        {
            throw new IOException(p + " is already served by another process (bind: " + Errno.describe(r) + ")");
        }
        if (r < 0)
        {
            throw new IOException("bind " + p + ": " + Errno.describe(r));
        }
    }

    /** The distinct portals, in the order given. */
    public List<Portal> portals()
    {
        return portals;
    }

    public int loops()
    {
        return loops;
    }

    /** Hands the socket of a portal (index in {@link #portals()}) for a loop to its listener, which closes it. */
    public int take(final int portal, final int loop)
    {
        final int fd = fds[portal][loop];
        if (fd == TAKEN)
        {
            throw new IllegalStateException("socket of " + portals.get(portal) + " for loop " + loop + " taken already");
        }
        fds[portal][loop] = TAKEN;
        return fd;
    }

    /** Closes the sockets no listener has taken. Idempotent. */
    @Override
    public void close()
    {
        closeAll(fds);
    }

    private static void closeAll(final int[][] fds)
    {
        for (final int[] row : fds)
        {
            for (int i = 0; i < row.length; i++)
            {
                if (row[i] != TAKEN)
                {
                    Sockets.close(row[i]);
                    row[i] = TAKEN;
                }
            }
        }
    }
}
