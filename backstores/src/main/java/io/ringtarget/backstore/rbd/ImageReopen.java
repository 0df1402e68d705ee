package io.ringtarget.backstore.rbd;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Serves a fenced image again without a restart. A blocklist entry covers one Ceph client instance (its address and
 * nonce), not the process: once another gateway has broken this one's lock, a new connection to the cluster is
 * not covered by it. So, {@link #HOLD_DOWN_NANOS} after the fencing (the initiators' multipath has moved its I/O to
 * the other path by then, and a gateway cannot take the image back more often than that), this object's thread
 * connects again, opens the image and, once no loop has an operation in flight on the old handle, moves the
 * backstore onto the new one ({@link RbdBackstore#install}). The new handle holds no lock: the next write through
 * this gateway takes it over as any first write does. An image that is another one now (deleted and created again
 * under its name) is not served: the identity of a logical unit never changes under its initiators.
 */
final class ImageReopen implements AutoCloseable
{
    /** From the fencing to the first attempt. */
    static final long HOLD_DOWN_NANOS = TimeUnit.SECONDS.toNanos(RbdBackstore.REOPEN_DELAY_SECONDS);
    /** Between failed attempts (the cluster unreachable, the pool or the image gone), doubling up to a minute. */
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long MAX_RETRY_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final RbdBackstore backstore;
    private final Thread thread;
    /** Incremented at each fencing; a loop's handle reports the generation it has quiesced for. */
    private final AtomicLong generation = new AtomicLong();
    private volatile long fencedAtNanos;
    private volatile boolean running = true;
    private volatile long reopens;

    ImageReopen(final String backstoreName, final RbdBackstore backstore)
    {
        this.backstore = backstore;
        this.thread = Thread.ofPlatform().daemon().name("rbd-reopen-" + backstoreName).unstarted(this::run);
        thread.start();
    }

    /** The fencing's number: what {@link RbdDevice} reports once it has nothing in flight on the fenced handle. */
    long generation()
    {
        return generation.get();
    }

    long reopens()
    {
        return reopens;
    }

    /** The lock went FENCED (any thread): counted before the loops are told, so their reports name this fencing. */
    void fenced()
    {
        fencedAtNanos = System.nanoTime();
        generation.incrementAndGet();
        LockSupport.unpark(thread);
    }

    private void run()
    {
        long handled = 0;
        while (running)
        {
            final long g = generation.get();
            if (g == handled)
            {
                LockSupport.park(this);
                continue;
            }
            reopen(g); // served again, or given up (logged): the image is another one now; or closing
            handled = g;
        }
    }

    private void reopen(final long g)
    {
        if (!sleepUntil(fencedAtNanos + HOLD_DOWN_NANOS))
        {
            return;
        }
        final RbdImage old = backstore.image();
        old.client().retire();
        long retry = RETRY_NANOS;
        RbdImage fresh = null;
        while (running && null == fresh)
        {
            try
            {
                fresh = RbdImage.open(old.spec());
            }
            catch (final IOException | RuntimeException ex)
            {
                backstore.events().reopenFailed("opening " + old.spec().name() + " again: " + ex.getMessage() +
                    "; next attempt in " + TimeUnit.NANOSECONDS.toSeconds(retry) + " s");
                if (!sleepUntil(System.nanoTime() + retry))
                {
                    return;
                }
                retry = Math.min(2 * retry, MAX_RETRY_NANOS);
            }
        }
        if (null == fresh)
        {
            return;
        }
        if (!fresh.identityKey().equals(old.identityKey()))
        {
            backstore.events().reopenFailed(old.spec().name() + " is another image now (" + fresh.identityKey() +
                ", was " + old.identityKey() + "): not served under the old one's identity; restart to serve it");
            fresh.close();
            return;
        }
        // Nothing may still be in flight on the old handle: its completions are read from its eventfd, which goes
        // with it.
        while (!backstore.quiesced(g))
        {
            if (!sleepUntil(System.nanoTime() + POLL_NANOS))
            {
                fresh.close();
                return;
            }
        }
        try
        {
            backstore.install(fresh);
        }
        catch (final IOException ex)
        {
            backstore.events().reopenFailed("serving " + old.spec().name() + " again: " + ex.getMessage());
            fresh.close();
            return;
        }
        reopens++;
        old.close(); // after the switch: a close that waits on the cluster delays nothing being served
    }

    /** Sleeps until {@code deadline}; false when closed meanwhile. */
    private boolean sleepUntil(final long deadline)
    {
        for (long left = deadline - System.nanoTime(); running && left > 0; left = deadline - System.nanoTime())
        {
            LockSupport.parkNanos(this, left);
        }
        return running;
    }

    boolean running()
    {
        return running;
    }

    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
        BackstoreThreads.awaitEnd(thread, 30);
    }
}
