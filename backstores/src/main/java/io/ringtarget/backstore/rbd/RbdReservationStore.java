package io.ringtarget.backstore.rbd;

import io.ringtarget.ffi.Errno;
import io.ringtarget.ffi.Librados;
import io.ringtarget.scsi.SharedReservationStore;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

import static io.ringtarget.ffi.LibcConstants.ENOENT;
import static io.ringtarget.ffi.LibcConstants.EOVERFLOW;
import static io.ringtarget.ffi.LibcConstants.ERANGE;
import static io.ringtarget.ffi.LibcConstants.ETIMEDOUT;

/**
 * The persistent reservations of an RBD image, shared by every gateway that exports it
 * ({@link SharedReservationStore}): a RADOS object beside the image, {@code ringtarget_pr.<image id>}
 * ({@code @<snapshot id>} for a snapshot) in the image's pool and namespace, so a new image under an old name starts
 * without reservations.
 * <ul>
 *     <li>{@link #read}: the object's data and version; {@link #replace}: one compound write that asserts the
 *     version read and replaces the data (the OSD applies both or neither: -ERANGE when another gateway wrote
 *     first);</li>
 *     <li>{@link #announce}: a RADOS notify on the object, which completes when every gateway's watch has acknowledged
 *     it or {@link #NOTIFY_TIMEOUT_MILLIS} passed;</li>
 *     <li>the watch: librados calls a Java upcall on its own thread for each notify, which only queues it; this
 *     object's thread hands it to the logical unit and then acknowledges it, so the announcer waits until the state is
 *     applied here. A lost watch (the OSD restarted, the connection broke) is registered again and the state read
 *     again ({@link SharedReservationStore.Listener#missed}); and every {@link #CHECK_NANOS} without an
 *     announcement the listeners read it anyway ({@link SharedReservationStore.Listener#check}): a change whose
 *     gateway never announced it (its write's reply timed out) is taken within that.</li>
 * </ul>
 * Two I/O contexts: one for read and replace, whose last version is the object's (one caller at a time), one for the
 * watch, notifies and acknowledgements, on a connection this store holds a reference to (so it outlives the image's
 * closing). Both move to the new connection when the image is opened again after a fencing ({@link #switchTo}).
 */
final class RbdReservationStore implements SharedReservationStore, AutoCloseable
{
    /** How long an announcement waits for the other gateways. */
    static final long NOTIFY_TIMEOUT_MILLIS = 5_000;
    /** The largest state (256 registrations of 223-byte names, escaped, and the rest): read in one go. */
    private static final int MAX_STATE_BYTES = 1 << 18;
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How long without an announcement before the listeners read the state again ({@link Listener#check}). */
    static final long CHECK_NANOS = TimeUnit.SECONDS.toNanos(10);

    private record Notification(long notifyId, long cookie, byte[] message)
    {
    }

    private final String backstoreName;
    private final String object;
    private final String where;
    private final Consumer<String> warning;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment callback;
    private final MemorySegment errorCallback;
    private final ConcurrentLinkedQueue<Notification> notifications = new ConcurrentLinkedQueue<>();
    /** Guards stateIoctx's use (its last version): one read or replace at a time. */
    private final Object lock = new Object();
    /**
     * The contexts' lifetime: held for reading while one is used (read, replace, a notify, an acknowledgement, the
     * watch), for writing while they are replaced or destroyed ({@link #switchTo}, {@link #close}). A notify waits for
     * acknowledgements under the read lock, which this object's thread also takes: never the write lock there.
     */
    private final ReentrantReadWriteLock contexts = new ReentrantReadWriteLock();
    private RbdImage image;
    private long stateIoctx;
    private volatile long watchIoctx;
    private volatile long cookie;
    private volatile boolean watching;
    private volatile boolean watchLost;
    private volatile boolean running = true;
    /** The logical units on the backstore (more than one only while a configuration change builds a new one). */
    private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile Thread thread;

    /**
     * Opens the object's two contexts on the image's connection and creates the object when it does not exist.
     *
     * @param warning receives what the log should say (a gateway that did not acknowledge), on any thread.
     */
    RbdReservationStore(final String backstoreName, final RbdImage image, final Consumer<String> warning)
        throws IOException
    {
        this.backstoreName = backstoreName;
        this.warning = warning;
        this.object = "ringtarget_pr." + image.imageId() +
            (image.snapshotId() >= 0 ? "@" + image.snapshotId() : "");
        final RbdImageSpec spec = image.spec();
        this.where = "RADOS object " + spec.pool() + "/" + (null == spec.namespace() ? "" : spec.namespace() + "/") +
            object;
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            final MethodHandle onNotify = lookup.findVirtual(RbdReservationStore.class, "onNotify",
                MethodType.methodType(void.class, MemorySegment.class, long.class, long.class, long.class,
                    MemorySegment.class, long.class)).bindTo(this);
            final MethodHandle onError = lookup.findVirtual(RbdReservationStore.class, "onWatchError",
                MethodType.methodType(void.class, MemorySegment.class, long.class, int.class)).bindTo(this);
            this.callback = Librados.upcall(onNotify, Librados.WATCH_CALLBACK, arena);
            this.errorCallback = Librados.upcall(onError, Librados.WATCH_ERROR_CALLBACK, arena);
        }
        catch (final ReflectiveOperationException ex)
        {
            arena.close();
            throw new IllegalStateException(ex);
        }
        try
        {
            connect(image);
        }
        catch (final IOException | RuntimeException ex)
        {
            arena.close();
            throw ex;
        }
    }

    /** Both contexts on {@code to}'s connection, which this store holds a reference to until it leaves it. */
    private void connect(final RbdImage to) throws IOException
    {
        to.client().retain();
        final long state;
        try
        {
            state = context(to);
        }
        catch (final IOException | RuntimeException ex)
        {
            to.client().release();
            throw ex;
        }
        final long watchContext;
        try
        {
            watchContext = context(to);
        }
        catch (final IOException | RuntimeException ex)
        {
            Librados.ioctxDestroy(state);
            to.client().release();
            throw ex;
        }
        final int r = Librados.writeFull(state, object, true, 0, null);
        if (r < 0)
        {
            Librados.ioctxDestroy(state);
            Librados.ioctxDestroy(watchContext);
            to.client().release();
            throw new IOException(where + " cannot be created: " + Errno.describe(r));
        }
        this.image = to;
        this.stateIoctx = state;
        this.watchIoctx = watchContext;
    }

    private static long context(final RbdImage to) throws IOException
    {
        try (Arena a = Arena.ofConfined())
        {
            final MemorySegment out = a.allocate(8);
            CephClient.check(Librados.ioctxCreate(to.client().cluster(), to.spec().pool(), out),
                "pool " + to.spec().pool());
            final long ioctx = Librados.handle(out);
            if (null != to.spec().namespace())
            {
                Librados.ioctxSetNamespace(ioctx, to.spec().namespace());
            }
            return ioctx;
        }
    }

    @Override
    public String where()
    {
        return where;
    }

    @Override
    public Stored read() throws IOException
    {
        synchronized (lock)
        {
            contexts.readLock().lock();
            try (Arena a = Arena.ofConfined())
            {
                final MemorySegment buf = a.allocate(MAX_STATE_BYTES);
                int r = Librados.read(stateIoctx, object, buf);
                if (r == -ENOENT)
                {
                    // Removed by hand (rados rm): it is made again, empty, as at the first start.
                    final int c = Librados.writeFull(stateIoctx, object, true, 0, null);
                    if (c < 0)
                    {
                        throw new IOException(where + " cannot be created: " + Errno.describe(c));
                    }
                    r = Librados.read(stateIoctx, object, buf);
                }
                if (r < 0)
                {
                    throw new IOException(where + " cannot be read: " + Errno.describe(r));
                }
                if (r == MAX_STATE_BYTES)
                {
                    throw new IOException(where + " holds more than " + MAX_STATE_BYTES + " bytes");
                }
                return new Stored(buf.asSlice(0, r).toArray(ValueLayout.JAVA_BYTE), Librados.lastVersion(stateIoctx));
            }
            finally
            {
                contexts.readLock().unlock();
            }
        }
    }

    @Override
    public long replace(final byte[] bytes, final long version) throws IOException
    {
        synchronized (lock)
        {
            contexts.readLock().lock();
            try (Arena a = Arena.ofConfined())
            {
                final MemorySegment data = a.allocate(bytes.length);
                MemorySegment.copy(bytes, 0, data, ValueLayout.JAVA_BYTE, 0, bytes.length);
                final int r = Librados.writeFull(stateIoctx, object, false, version, data);
                if (r == -ERANGE || r == -EOVERFLOW)
                {
                    return -1;
                }
                if (r < 0)
                {
                    throw new IOException(where + " cannot be written: " + Errno.describe(r));
                }
                return Librados.lastVersion(stateIoctx);
            }
            finally
            {
                contexts.readLock().unlock();
            }
        }
    }

    @Override
    public void announce(final byte[] message) throws IOException
    {
        contexts.readLock().lock();
        try (Arena a = Arena.ofConfined())
        {
            final MemorySegment data = a.allocate(message.length);
            MemorySegment.copy(message, 0, data, ValueLayout.JAVA_BYTE, 0, message.length);
            final MemorySegment counts = a.allocate(8);
            final int r = Librados.notify(watchIoctx, object, data, NOTIFY_TIMEOUT_MILLIS, counts);
            if (r == -ETIMEDOUT)
            {
                warning.accept("persistent reservations changed in " + where + ", but " +
                    counts.get(ValueLayout.JAVA_INT, 4) + " gateway watch(es) did not take the change within " +
                    NOTIFY_TIMEOUT_MILLIS + " ms (" + counts.get(ValueLayout.JAVA_INT, 0) + " did); a gateway " +
                    "that is alive reads it when its watch comes back");
            }
            else if (r < 0)
            {
                throw new IOException("notify on " + where + ": " + Errno.describe(r));
            }
        }
        finally
        {
            contexts.readLock().unlock();
        }
    }

    @Override
    public synchronized void listen(final Listener to)
    {
        listeners.addIfAbsent(to);
        if (null == thread)
        {
            this.thread = Thread.ofPlatform().daemon().name("rbd-pr-" + backstoreName).unstarted(this::run);
            watch();
            thread.start();
        }
    }

    @Override
    public void stopListening(final Listener to)
    {
        listeners.remove(to);
    }

    /** Registers the watch on the current watch context; on failure, the thread tries again. */
    private boolean watch()
    {
        try (Arena a = Arena.ofConfined())
        {
            final MemorySegment out = a.allocate(8);
            final int r = Librados.watch(watchIoctx, object, out, callback, errorCallback);
            if (r < 0)
            {
                watchLost = true;
                return false;
            }
            cookie = out.get(ValueLayout.JAVA_LONG, 0);
            watching = true;
            return true;
        }
    }

    /** librados' thread: only queues the notify (the acknowledgement waits for the logical unit). */
    @SuppressWarnings("unused")
    private void onNotify(final MemorySegment arg, final long notifyId, final long handle, final long notifierId,
        final MemorySegment data, final long length)
    {
        try
        {
            final byte[] message = length <= 0 ? new byte[0] :
                data.reinterpret(length).toArray(ValueLayout.JAVA_BYTE);
            notifications.add(new Notification(notifyId, handle, message));
            LockSupport.unpark(thread);
        }
        catch (final Throwable t)
        {
            // An exception must not leave an upcall (the JVM would end): read the state again instead.
            watchLost = true;
        }
    }

    /** librados' thread: the watch is gone (notifies may have been missed). */
    @SuppressWarnings("unused")
    private void onWatchError(final MemorySegment arg, final long handle, final int error)
    {
        try
        {
            watchLost = true;
            LockSupport.unpark(thread);
        }
        catch (final Throwable t)
        {
            // nothing more to do from here
        }
    }

    private void run()
    {
        boolean reported = false;
        long checkedAt = System.nanoTime();
        while (running)
        {
            for (Notification n = notifications.poll(); null != n; n = notifications.poll())
            {
                checkedAt = System.nanoTime(); // an announcement carries the state
                if (n.message().length > 0)
                {
                    for (final Listener l : listeners)
                    {
                        l.announced(n.message());
                    }
                }
                contexts.readLock().lock();
                try
                {
                    Librados.notifyAck(watchIoctx, object, n.notifyId(), n.cookie());
                }
                finally
                {
                    contexts.readLock().unlock();
                }
            }
            if (watchLost && running)
            {
                contexts.readLock().lock();
                try
                {
                    if (watching)
                    {
                        Librados.unwatch(watchIoctx, cookie);
                        watching = false;
                    }
                    watchLost = false;
                    if (!watch() && !reported)
                    {
                        reported = true;
                        warning.accept("the watch on " + where + " was lost and cannot be registered again yet " +
                            "(tried every second); persistent reservation changes through other gateways are " +
                            "seen at this gateway's next PERSISTENT RESERVE OUT until it is");
                    }
                }
                finally
                {
                    contexts.readLock().unlock();
                }
                if (!watchLost)
                {
                    reported = false;
                    checkedAt = System.nanoTime();
                    for (final Listener l : listeners)
                    {
                        l.missed();
                    }
                }
            }
            if (running && System.nanoTime() - checkedAt >= CHECK_NANOS)
            {
                checkedAt = System.nanoTime();
                for (final Listener l : listeners)
                {
                    l.check();
                }
            }
            LockSupport.parkNanos(this, watchLost ? RETRY_NANOS : CHECK_NANOS - (System.nanoTime() - checkedAt));
        }
    }

    /**
     * The image was opened again on a new connection after a fencing (the old one is blocklisted): the contexts and
     * the watch move to it, and the state is read again. Before the old image is closed.
     */
    void switchTo(final RbdImage fresh) throws IOException
    {
        synchronized (lock)
        {
            contexts.writeLock().lock();
            try
            {
                switchLocked(fresh);
            }
            finally
            {
                contexts.writeLock().unlock();
            }
        }
    }

    private void switchLocked(final RbdImage fresh) throws IOException
    {
        final CephClient oldClient = image.client();
        final long oldState = stateIoctx;
        final long oldWatch = watchIoctx;
        final boolean wasWatching = watching;
        final long oldCookie = cookie;
        connect(fresh);
        if (wasWatching)
        {
            // librados forgets the watch even when a blocklisted connection's OSD refuses the unwatch; the flush
            // waits for callbacks already under way, so none comes after the stubs are freed.
            Librados.unwatch(oldWatch, oldCookie);
            watching = false;
        }
        Librados.watchFlush(oldClient.cluster());
        Librados.ioctxDestroy(oldState);
        Librados.ioctxDestroy(oldWatch);
        oldClient.release();
        if (null != thread)
        {
            watchLost = true; // the thread registers the watch on the new connection and reads the state
            LockSupport.unpark(thread);
        }
    }

    /** Ends the watch and the thread, then the contexts. Before the image is closed. */
    @Override
    public void close()
    {
        running = false;
        synchronized (lock)
        {
            contexts.writeLock().lock();
            try
            {
                if (watching)
                {
                    Librados.unwatch(watchIoctx, cookie);
                    watching = false;
                }
                Librados.watchFlush(image.client().cluster());
            }
            finally
            {
                contexts.writeLock().unlock();
            }
        }
        if (null != thread)
        {
            LockSupport.unpark(thread);
            BackstoreThreads.awaitEnd(thread, 10);
        }
        synchronized (lock)
        {
            contexts.writeLock().lock();
            try
            {
                Librados.ioctxDestroy(stateIoctx);
                Librados.ioctxDestroy(watchIoctx);
                image.client().release();
            }
            finally
            {
                contexts.writeLock().unlock();
            }
        }
        arena.close();
    }
}
