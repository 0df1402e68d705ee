package io.ringtarget.backstore.rbd;

import io.ringtarget.backstore.BackstoreEvents;
import io.ringtarget.ffi.Errno;
import io.ringtarget.ffi.Librbd;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static io.ringtarget.ffi.LibcConstants.EBUSY;
import static io.ringtarget.ffi.LibcConstants.EIO;
import static io.ringtarget.ffi.LibcConstants.ENOENT;
import static io.ringtarget.ffi.LibcConstants.EROFS;
import static io.ringtarget.ffi.LibcConstants.ESHUTDOWN;
import static io.ringtarget.ffi.LibcConstants.ETIMEDOUT;
import static io.ringtarget.ffi.LibrbdConstants.RBD_LOCK_MODE_EXCLUSIVE;

/**
 * Who may write the image: this process only while it holds the image's exclusive lock, taken with rbd_lock_acquire
 * so that librbd keeps it (another client's request for it is refused; that client's writes fail with EROFS) rather
 * than handing it to whoever asks, which is what makes two gateways writing in turn ping-pong the lock.
 * <p>
 * The lock is taken when the first write needs it, not at start: a gateway that no initiator writes through never
 * takes the image from the one they do. Taking it over breaks the holder's lock with rbd_lock_break, which first
 * blocklists the holder (rbd_blocklist_on_break_lock, librbd's default) and waits for the OSDs to know it: whatever
 * a frozen or partitioned old holder sends later is refused by Ceph, and its own I/O then fails with ESHUTDOWN
 * (Ceph's EBLOCKLISTED), which {@link #fencedOff()} records. The blocking librbd calls run on this object's thread.
 */
final class ExclusiveLock implements AutoCloseable
{
    /** Writes go to librbd. */
    static final int OWNER = 0;
    /** Writes wait; the first asks for a takeover. */
    static final int NOT_OWNER = 1;
    /** The lock thread is taking the lock; writes wait. */
    static final int TAKING_OVER = 2;
    /**
     * Another gateway broke our lock and blocklisted us: every operation fails until {@link ImageReopen} has opened
     * the image again as a new client ({@link #reopened}).
     */
    static final int FENCED = 3;

    /**
     * Told when the state has changed: to OWNER or NOT_OWNER after a failure (the lock thread), FENCED (the thread
     * that met the fencing), NOT_OWNER after a reopen (the reopen thread).
     */
    interface Listener
    {
        void lockStateChanged(int state);
    }

    /** How often the owner checks it still is one (EBLOCKLISTED once another gateway has taken the image). */
    static final long OWNER_CHECK_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);

    private final Listener listener;
    private final Runnable onBlocklisted;
    private volatile RbdImage image;
    private final AtomicInteger state = new AtomicInteger(NOT_OWNER);
    private final Thread thread;
    private volatile BackstoreEvents events = BackstoreEvents.NONE;
    private volatile boolean running = true;
    private volatile long takeovers;
    private volatile long failedTakeovers;
    /** What the last failed takeover met (a negative errno), for the writes that waited for it. */
    private volatile int takeoverError = -EIO;
    private final java.util.concurrent.atomic.AtomicLong fencings = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param onBlocklisted run when a request of the lock's own meets EBLOCKLISTED (fences every image of the client).
     */
    ExclusiveLock(final String backstoreName, final RbdImage image, final Listener listener,
        final Runnable onBlocklisted)
    {
        this.image = image;
        this.listener = listener;
        this.onBlocklisted = onBlocklisted;
        this.thread = Thread.ofPlatform().daemon().name("rbd-lock-" + backstoreName).unstarted(this::run);
        thread.start();
    }

    void events(final BackstoreEvents events)
    {
        this.events = events;
    }

    int state()
    {
        return state.get();
    }

    long takeovers()
    {
        return takeovers;
    }

    long failedTakeovers()
    {
        return failedTakeovers;
    }

    /**
     * What the writes that waited for a failed takeover complete with: -ETIMEDOUT when the cluster did not answer in
     * time (BUSY: the initiator sends them again), else -EIO.
     */
    int takeoverError()
    {
        return takeoverError;
    }

    long fencings()
    {
        return fencings.get();
    }

    /** Any thread (an event loop): starts a takeover unless one runs or the lock is held; never blocks. */
    void requestTakeover()
    {
        if (state.compareAndSet(NOT_OWNER, TAKING_OVER))
        {
            LockSupport.unpark(thread);
        }
    }

    /**
     * librbd answered an operation with ESHUTDOWN (blocklisted) or a write with EROFS (the lock is gone): another
     * gateway has taken the image. Any thread; reported once.
     */
    void fencedOff()
    {
        if (state.getAndSet(FENCED) != FENCED)
        {
            fencings.incrementAndGet();
            events.fencedOff();   // told before the waiting commands go on, so it is said before they are answered
            listener.lockStateChanged(FENCED);
        }
    }

    /**
     * The image was opened again as a new client (the reopen thread, once no loop has anything in flight on the
     * fenced handle): writes wait for the lock again, the first asking for a takeover.
     */
    void reopened(final RbdImage fresh)
    {
        image = fresh;
        state.set(NOT_OWNER);
        listener.lockStateChanged(NOT_OWNER);
    }

    private void run()
    {
        while (running)
        {
            final int s = state.get();
            if (s == TAKING_OVER)
            {
                takeOver();
            }
            else if (s == OWNER)
            {
                LockSupport.parkNanos(this, OWNER_CHECK_NANOS);
                if (running && state.get() == OWNER)
                {
                    checkStillOwner();
                }
            }
            else
            {
                LockSupport.park(this);
            }
        }
    }

    /**
     * While this process holds the lock, nothing tells it when another gateway breaks it: the blocklist shows only in
     * the answers to its own requests, and an initiator that moved to the other path sends it none. So the owner
     * reads the lock's holders every {@link #OWNER_CHECK_NANOS} (one request to the image's header object): refused
     * (EBLOCKLISTED), the gateway knows it is fenced without waiting for I/O, which puts its target port groups in
     * the unavailable state and starts the reopen's clock.
     */
    private void checkStillOwner()
    {
        final int r = Librbd.lockGetOwners(image.handle(), new ArrayList<>());
        if (r == -ESHUTDOWN)
        {
            onBlocklisted.run();
        }
    }

    private void takeOver()
    {
        final RbdImage taken = image;
        final long handle = taken.handle();
        String previous = null;
        int r = 0;
        // The holder, if any, is broken first rather than asked: rbd_lock_acquire would wait for a dead holder's
        // watch to time out (osd_client_watch_timeout, 30 s by default) before breaking its lock itself, and a live
        // one is exactly what must be fenced (an initiator that writes here has given up on that gateway). A holder
        // that comes in between the break and the acquire is broken too, once.
        for (int attempt = 0; attempt < 2; attempt++)
        {
            final List<String> owners = new ArrayList<>();
            r = Librbd.lockGetOwners(handle, owners);
            for (int i = 0; r == 0 && i < owners.size(); i++)
            {
                previous = owners.get(i);
                r = Librbd.lockBreak(handle, RBD_LOCK_MODE_EXCLUSIVE, previous);
                if (r == -ENOENT)
                {
                    r = 0; // released, or broken by librbd, meanwhile
                }
            }
            if (r == 0)
            {
                r = Librbd.lockAcquire(handle, RBD_LOCK_MODE_EXCLUSIVE);
            }
            if (r != -EROFS && r != -EBUSY)
            {
                break;
            }
        }
        if (r == 0 && state.compareAndSet(TAKING_OVER, OWNER)) // not when fenced meanwhile
        {
            takeovers++;
            events.ownershipTaken(previous);   // before the writes that waited for the lock go on and are answered
            listener.lockStateChanged(OWNER);
        }
        else if (r == -ESHUTDOWN)
        {
            onBlocklisted.run();
        }
        else if (r != 0) // r == 0 here: fenced while taking it, which was reported
        {
            failedTakeovers++;
            takeoverError = r == -ETIMEDOUT ? -ETIMEDOUT : -EIO;
            state.compareAndSet(TAKING_OVER, NOT_OWNER);
            events.takeoverFailed("taking the exclusive lock of " + taken.spec().name() + ": " + Errno.describe(r));
            listener.lockStateChanged(NOT_OWNER);
        }
    }

    /** Stops the thread (after a takeover in progress ends); the lock itself goes with the image's close. */
    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
        BackstoreThreads.awaitEnd(thread, 30);
    }
}
