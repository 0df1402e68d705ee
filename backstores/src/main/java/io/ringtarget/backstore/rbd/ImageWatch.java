package io.ringtarget.backstore.rbd;

import io.ringtarget.ffi.Librbd;
import io.ringtarget.ffi.SemT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * Notices a resize of the image made elsewhere ({@code rbd resize}): librbd's update watch calls libc's sem_post on
 * a semaphore of ours from librbd's own thread (a C function as the callback, so no librbd thread runs Java code),
 * and this object's thread, waiting on that semaphore, reads the new size and reports it. For an image served at a
 * snapshot, the thread notices instead the snapshot's removal ({@code rbd snap rm}), by asking.
 */
final class ImageWatch implements AutoCloseable
{
    /** How often a served snapshot's existence is asked. */
    static final long SNAPSHOT_CHECK_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);

    private final RbdImage image;
    private final LongConsumer sizeChanged;
    private final Runnable snapshotRemoved;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment semaphore;
    private final long handle;
    private final Thread thread;
    private volatile boolean running = true;
    private long size;

    /**
     * @param sizeChanged     receives the new size in bytes, on this object's thread.
     * @param snapshotRemoved runs once, on this object's thread, when the snapshot the image was opened at is gone.
     */
    ImageWatch(final String backstoreName, final RbdImage image, final long size, final LongConsumer sizeChanged,
        final Runnable snapshotRemoved) throws IOException
    {
        this.image = image;
        this.sizeChanged = sizeChanged;
        this.snapshotRemoved = snapshotRemoved;
        this.size = size;
        this.semaphore = SemT.allocate(arena);
        final MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG);
        // A read-only (snapshot) image would never be told: no watch for one (watchSnapshot asks instead).
        final int r = image.spec().isSnapshot() ? 0 :
            Librbd.updateWatch(image.handle(), out, SemT.SEM_POST.address(), semaphore.address());
        if (r < 0)
        {
            arena.close();
            CephClient.check(r, "rbd_update_watch " + image.spec().name());
        }
        this.handle = image.spec().isSnapshot() ? 0 : out.get(ValueLayout.JAVA_LONG, 0);
        this.thread = Thread.ofPlatform().daemon().name("rbd-watch-" + backstoreName).unstarted(this::run);
        thread.start();
    }

    private void run()
    {
        if (image.spec().isSnapshot())
        {
            watchSnapshot();
            return;
        }
        while (running)
        {
            SemT.semWait(semaphore); // -1 with EINTR is a wake-up like any other: the size is read again
            if (!running)
            {
                return;
            }
            final long now = image.size();
            if (now > 0 && now != size)
            {
                size = now;
                sizeChanged.accept(now);
            }
        }
    }

    /**
     * A snapshot's size never changes, and librbd announces nothing to a read-only image (it registers no header
     * watch for one): the snapshot's existence is asked every {@link #SNAPSHOT_CHECK_NANOS} instead.
     */
    private void watchSnapshot()
    {
        while (running)
        {
            LockSupport.parkNanos(this, SNAPSHOT_CHECK_NANOS);
            if (running && !image.snapshotExists())
            {
                snapshotRemoved.run();
                return;
            }
        }
    }

    /** Unregisters the watch (no callback after it returns), then ends the thread. */
    @Override
    public void close()
    {
        if (!image.spec().isSnapshot())
        {
            Librbd.updateUnwatch(image.handle(), handle);
        }
        running = false;
        SemT.semPost(semaphore);
        LockSupport.unpark(thread);
        BackstoreThreads.awaitEnd(thread, 10);
        SemT.semDestroy(semaphore);
        arena.close();
    }
}
