package io.ringtarget.backstore.rbd;

import io.ringtarget.ffi.Librbd;
import io.ringtarget.ffi.SemT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.LongConsumer;

/**
 * Notices a resize of the image made elsewhere ({@code rbd resize}): librbd's update watch calls libc's sem_post on
 * a semaphore of ours from librbd's own thread (a C function as the callback, so no librbd thread runs Java code),
 * and this object's thread, waiting on that semaphore, reads the new size and reports it.
 */
final class ImageWatch implements AutoCloseable
{
    private final RbdImage image;
    private final LongConsumer sizeChanged;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment semaphore;
    private final long handle;
    private final Thread thread;
    private volatile boolean running = true;
    private long size;

    /**
     * @param sizeChanged receives the new size in bytes, on this object's thread.
     */
    ImageWatch(final String backstoreName, final RbdImage image, final long size, final LongConsumer sizeChanged)
        throws IOException
    {
        this.image = image;
        this.sizeChanged = sizeChanged;
        this.size = size;
        this.semaphore = SemT.allocate(arena);
        final MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG);
        final int r = Librbd.updateWatch(image.handle(), out, SemT.SEM_POST.address(), semaphore.address());
        if (r < 0)
        {
            arena.close();
            CephClient.check(r, "rbd_update_watch " + image.spec().name());
        }
        this.handle = out.get(ValueLayout.JAVA_LONG, 0);
        this.thread = Thread.ofPlatform().daemon().name("rbd-watch-" + backstoreName).unstarted(this::run);
        thread.start();
    }

    private void run()
    {
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

    /** Unregisters the watch (no callback after it returns), then ends the thread. */
    @Override
    public void close()
    {
        Librbd.updateUnwatch(image.handle(), handle);
        running = false;
        SemT.semPost(semaphore);
        try
        {
            thread.join(10_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        SemT.semDestroy(semaphore);
        arena.close();
    }
}
