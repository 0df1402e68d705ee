package io.ringtarget.backstore.rbd;

import io.ringtarget.backstore.Backstore;
import io.ringtarget.backstore.BackstoreEvents;
import io.ringtarget.backstore.internal.AsideThread;
import io.ringtarget.ffi.CephLibraries;
import io.ringtarget.ring.EventLoop;
import io.ringtarget.scsi.BlockDevice;
import io.ringtarget.scsi.SharedReservationStore;

import java.io.IOException;
import java.util.Arrays;

/**
 * An {@code rbd} backstore: a Ceph RBD image through librbd's C API, driven from the event loops. The image is
 * opened once per process (one handle, so one holder of its exclusive lock, whichever loop writes); each loop gets
 * an {@link RbdDevice} that starts operations from its own thread, and one loop, the first to open the image, reads
 * the image's eventfd and takes every completion ({@link RbdCompletions}). See docs/admin-guide.md, "rbd backstores".
 * <p>
 * Two gateways may export the same image: the logical unit's identity comes from the image ({@link #identityKey()}),
 * writes need the image's exclusive lock ({@link ExclusiveLock}: taken when first needed, breaking and blocklisting
 * its holder), and a gateway whose lock was taken over is fenced: Ceph refuses what it still sends. It serves again
 * on a new connection to the cluster some seconds later ({@link ImageReopen}).
 */
public final class RbdBackstore implements Backstore
{
    /** From a fencing to the first attempt at opening the image again ({@link ImageReopen}). */
    public static final int REOPEN_DELAY_SECONDS = 10;

    private final String name;
    private final int blockSize;
    private final boolean readOnly;
    private final long discardGranularity;
    private final boolean librbdCaches;
    private final ExclusiveLock lock;
    private final ImageReopen reopen;
    private final Runnable onBlocklisted = this::fencedOff;
    /** The open image: replaced (with its watch and completions) when it is opened again after a fencing. */
    private volatile RbdImage image;
    private volatile ImageWatch watch;
    private volatile long blockCount;
    private volatile BackstoreEvents events = BackstoreEvents.NONE;
    private volatile RbdDevice[] devices = new RbdDevice[0];
    private volatile RbdCompletions completions;
    private volatile boolean closing;
    /** The snapshot served was removed: reads answer NOT READY, MEDIUM NOT PRESENT. */
    private volatile boolean mediumGone;
    /** The persistent reservations every gateway of the image shares: made when the logical unit asks. */
    private RbdReservationStore reservations;
    /** Where compare-and-write results come back (librbd does not announce them through the eventfd). */
    private final CompareAndWriteCompletions compareAndWriteCompletions = new CompareAndWriteCompletions(this);
    /** Where commands' work that waits for the cluster runs (a PERSISTENT RESERVE OUT's), off the loops. */
    private final AsideThread asideThread;

    private RbdBackstore(final String name, final RbdImage image, final int blockSize, final boolean readOnly)
        throws IOException
    {
        this.name = name;
        this.asideThread = new AsideThread(name);
        this.image = image;
        this.blockSize = blockSize;
        this.readOnly = readOnly;
        this.blockCount = image.initialSize() / blockSize;
        final String granularity = image.client().option("rbd_discard_granularity_bytes");
        this.discardGranularity = null == granularity ? 0 : Long.parseLong(granularity.trim());
        // librbd's cache (rbd_cache, on by default) acknowledges writes before they are stored, unless its policy is
        // writethrough; rbd_cache_writethrough_until_flush only delays that until the first flush.
        this.librbdCaches = "true".equals(image.client().option("rbd_cache")) &&
            !"writethrough".equals(image.client().option("rbd_cache_policy"));
        // Read-only images have the lock's state too (never taking the lock): one that shares its connection with a
        // writable image is blocklisted with it, and opened again the same way.
        this.lock = new ExclusiveLock(name, image, this::lockStateChanged, this::blocklisted);
        ImageWatch w = null;
        try
        {
            w = new ImageWatch(name, image, image.initialSize(), this::sizeChanged, this::snapshotRemoved);
        }
        finally
        {
            if (null == w)
            {
                lock.close();
            }
        }
        this.watch = w;
        this.reopen = new ImageReopen(name, this);
        image.client().onBlocklisted(onBlocklisted);
    }

    /**
     * Connects (or joins this process' connection to the same cluster as the same client) and opens the image.
     * Blocks on the cluster: call at start, not on an event loop.
     *
     * @param blockSize the logical block size to report (the image has none of its own): 512 or 4096.
     * @param readOnly  no writes: the exclusive lock is never taken. A snapshot ({@link RbdImageSpec#isSnapshot()})
     *                  is read-only whatever this says.
     * @throws IOException when the libraries, the cluster, the pool or the image cannot be had, or a writable image
     *                     lacks the exclusive-lock feature (without it two gateways could not fence each other).
     */
    public static RbdBackstore open(
        final String name, final RbdImageSpec spec, final int blockSize, final boolean readOnly) throws IOException
    {
        final String missing = CephLibraries.unavailableReason();
        if (null != missing)
        {
            throw new IOException(missing);
        }
        final RbdImage image = RbdImage.open(spec);
        final boolean writable = !readOnly && !spec.isSnapshot();
        try
        {
            if (writable && !image.hasExclusiveLock())
            {
                throw new IOException("image " + spec.name() + " lacks the exclusive-lock feature, which fences a " +
                    "gateway off when another takes the image over: rbd feature enable " + spec.name() +
                    " exclusive-lock");
            }
            if (image.initialSize() < blockSize)
            {
                throw new IOException("image " + spec.name() + " is smaller than one block (" + image.initialSize() +
                    " bytes)");
            }
            return new RbdBackstore(name, image, blockSize, !writable);
        }
        catch (final IOException | RuntimeException ex)
        {
            image.close();
            throw ex;
        }
    }

    public String name()
    {
        return name;
    }

    public RbdImageSpec spec()
    {
        return image.spec();
    }

    public int blockSize()
    {
        return blockSize;
    }

    public long blockCount()
    {
        return blockCount;
    }

    /** Thin: UNMAP and WRITE SAME with UNMAP deallocate (discard) or zero (write_zeroes) the range. */
    public boolean supportsUnmap()
    {
        return !readOnly;
    }

    public boolean unmapReadsZeros()
    {
        return true;
    }

    public boolean readOnly()
    {
        return readOnly;
    }

    @Override
    public String identityKey()
    {
        return image.identityKey();
    }

    @Override
    public void events(final BackstoreEvents events)
    {
        this.events = events;
        lock.events(events);
    }

    BackstoreEvents events()
    {
        return events;
    }

    /** rbd_discard_granularity_bytes: discards aligned to it deallocate and read back as zeros. */
    public long discardGranularity()
    {
        return discardGranularity;
    }

    /** Whether librbd may acknowledge a write before it is stored (its cache), which only a flush makes durable. */
    public boolean librbdCaches()
    {
        return librbdCaches;
    }

    /**
     * How long an operation waits for the cluster before it fails with ETIMEDOUT (BUSY to the initiator): the
     * connection's rados_osd_op_timeout, in seconds, 30 unless its ceph.conf says otherwise.
     */
    public String osdOpTimeout()
    {
        return image.client().option("rados_osd_op_timeout");
    }

    CompareAndWriteCompletions compareAndWriteCompletions()
    {
        return compareAndWriteCompletions;
    }

    AsideThread asideThread()
    {
        return asideThread;
    }

    /** The RADOS object size of the image (4 MiB unless created otherwise). */
    public long objectSize()
    {
        return image.objectSize();
    }

    /** Whether this process holds the image's exclusive lock now. */
    public boolean lockOwner()
    {
        return !readOnly && lock.state() == ExclusiveLock.OWNER;
    }

    /** Whether another gateway took the image over and this one was blocklisted (and has not opened it again yet). */
    public boolean fenced()
    {
        return lock.state() == ExclusiveLock.FENCED;
    }

    /** Lock takeovers done by this process (the first taking of the lock included). */
    public long takeovers()
    {
        return lock.takeovers();
    }

    /** Times another gateway took the image over and fenced this one. */
    public long fencings()
    {
        return lock.fencings();
    }

    /** Times the image was opened again after a fencing. */
    public long reopens()
    {
        return reopen.reopens();
    }

    /** Failed requests over every loop's handle (approximate while running). */
    public long ioErrors()
    {
        long n = 0;
        for (final RbdDevice d : devices)
        {
            n += d.errors();
        }
        return n;
    }

    /** Completions taken from librbd (approximate while running). */
    public long completionsReaped()
    {
        final RbdCompletions c = completions;
        return null == c ? 0 : c.reaped();
    }

    /** The loop that reads the image's completions, or null before any loop opened it. */
    public EventLoop completionLoop()
    {
        final RbdCompletions c = completions;
        return null == c ? null : c.loop();
    }

    /**
     * This loop's handle; the first loop to ask also reads the image's completions. On the loop's thread (or before
     * it runs).
     */
    public synchronized BlockDevice open(final EventLoop loop)
    {
        final RbdDevice[] now = devices;
        final RbdDevice device = new RbdDevice(this, loop, now.length);
        if (null == completions)
        {
            final RbdImage current = image;
            completions = new RbdCompletions(this, loop, current.eventFd(), current.handle(), 0);
        }
        final RbdDevice[] grown = Arrays.copyOf(now, now.length + 1);
        grown[now.length] = device;
        devices = grown;
        if (lock.state() == ExclusiveLock.FENCED)
        {
            device.lockStateChanged(); // it has nothing in flight: the reopen needs its word too
        }
        return device;
    }

    RbdDevice device(final int index)
    {
        return devices[index];
    }

    long imageHandle()
    {
        return image.handle();
    }

    RbdImage image()
    {
        return image;
    }

    int lockState()
    {
        return lock.state();
    }

    /** What the writes that waited for a failed takeover complete with ({@link ExclusiveLock#takeoverError}). */
    int takeoverError()
    {
        return lock.takeoverError();
    }

    void requestTakeover()
    {
        if (!readOnly) // the logical unit refuses writes first; a read-only image is never taken over
        {
            lock.requestTakeover();
        }
    }

    void fencedOff()
    {
        lock.fencedOff();
    }

    /** An operation met EBLOCKLISTED: this image and every other on the same connection are fenced. */
    void blocklisted()
    {
        image.client().blocklisted();
    }

    long fencingGeneration()
    {
        return reopen.generation();
    }

    /** Whether every loop's handle has said it has nothing in flight since the fencing {@code generation}. */
    boolean quiesced(final long generation)
    {
        for (final RbdDevice d : devices)
        {
            if (d.quiescedGeneration() != generation)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * The image's persistent reservations, kept in a RADOS object beside it for every gateway that exports it
     * ({@link RbdReservationStore}); made (and the object created) at the first call.
     */
    @Override
    public synchronized SharedReservationStore sharedReservations() throws IOException
    {
        if (null == reservations)
        {
            reservations = new RbdReservationStore(name, image, what -> events.sharedReservationsWarning(what));
        }
        return reservations;
    }

    /**
     * Moves the backstore onto {@code fresh}, the image opened again after a fencing (the reopen thread, once
     * {@link #quiesced} holds): its watch, then its completions on the same home loop (the old eventfd's READ is
     * ended first), then the image itself, and the lock's state back to NOT_OWNER, so that the next write takes it.
     * The caller closes the old image.
     *
     * @throws IOException when the new image cannot be watched, or the home loop does not take the switch (stopped).
     */
    void install(final RbdImage fresh) throws IOException
    {
        final RbdImage previous = image;
        final ImageWatch freshWatch = new ImageWatch(name, fresh, fresh.initialSize(), this::sizeChanged,
            this::snapshotRemoved);
        final RbdCompletions old;
        synchronized (this)
        {
            old = completions;
            if (null == old)
            {
                image = fresh; // no loop has opened it yet: the first to do so reads the new eventfd
            }
        }
        if (null != old)
        {
            old.retire();
            if (!await(old::retired))
            {
                freshWatch.close();
                throw new IOException("the loop reading its completions did not stop reading the old ones");
            }
            // The new completions are made on the home loop (its ring); a switch the loop has not begun within the
            // wait is withdrawn, so that a loop that resumes later does not arm a closed image's eventfd.
            final java.util.concurrent.atomic.AtomicInteger step = new java.util.concurrent.atomic.AtomicInteger();
            old.loop().offer(l ->
            {
                if (step.compareAndSet(0, 1))
                {
                    try
                    {
                        completions = new RbdCompletions(this, l, fresh.eventFd(), fresh.handle(), old.reaped());
                    }
                    finally
                    {
                        step.set(2);
                    }
                }
            });
            if (!await(() -> step.get() == 2) && step.compareAndSet(0, 3))
            {
                freshWatch.close();
                throw new IOException("the loop reading its completions did not take the new ones");
            }
            while (step.get() != 2)
            {
                Thread.onSpinWait(); // begun on the loop: a few microseconds
            }
            if (completions == old)
            {
                freshWatch.close();
                throw new IOException("the loop reading its completions could not read the new ones");
            }
            old.close();
            image = fresh;
        }
        final ImageWatch oldWatch = watch;
        watch = freshWatch;
        oldWatch.close();
        final RbdReservationStore r;
        synchronized (this)
        {
            r = reservations;
        }
        if (null != r)
        {
            r.switchTo(fresh);
        }
        previous.client().removeOnBlocklisted(onBlocklisted);
        fresh.client().onBlocklisted(onBlocklisted);
        sizeChanged(fresh.initialSize());
        lock.reopened(fresh);
        events.reopened();
    }

    private boolean await(final java.util.function.BooleanSupplier done)
    {
        final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!done.getAsBoolean())
        {
            if (!reopen.running() || System.nanoTime() > deadline)
            {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        return true;
    }

    boolean closing()
    {
        return closing;
    }

    private void lockStateChanged(final int state)
    {
        if (state == ExclusiveLock.FENCED)
        {
            reopen.fenced(); // before the loops are told: their word names this fencing
        }
        for (final RbdDevice d : devices)
        {
            d.lockStateChanged();
        }
    }

    boolean mediumGone()
    {
        return mediumGone;
    }

    private void snapshotRemoved()
    {
        mediumGone = true;
        events.mediumRemoved("snapshot " + image.spec().name());
    }

    private void sizeChanged(final long bytes)
    {
        final long blocks = bytes / blockSize;
        if (blocks > 0 && blocks != blockCount)
        {
            blockCount = blocks;
            events.capacityChanged(blocks);
        }
    }

    /**
     * After the loops that use it have stopped: ends the watch and the lock thread, then closes the image (which
     * releases the lock, so that another gateway takes it without breaking it) and the connection.
     */
    public void close()
    {
        closing = true;
        reopen.close();
        image.client().removeOnBlocklisted(onBlocklisted);
        watch.close();
        lock.close();
        asideThread.close(); // its work uses the reservations' store
        synchronized (this)
        {
            if (null != reservations)
            {
                reservations.close();
            }
        }
        image.close();
        compareAndWriteCompletions.close(); // librbd's close waited for the requests in flight
        final RbdCompletions c = completions;
        if (null != c)
        {
            c.close();
        }
        for (final RbdDevice d : devices)
        {
            d.close();
        }
    }
}
