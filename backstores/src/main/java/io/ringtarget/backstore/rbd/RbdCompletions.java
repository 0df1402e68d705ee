package io.ringtarget.backstore.rbd;

import io.ringtarget.ffi.Libc;
import io.ringtarget.ffi.Librbd;
import io.ringtarget.ring.CompletionHandler;
import io.ringtarget.ring.EventLoop;
import io.ringtarget.ring.Ring;
import io.ringtarget.ring.UserData;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Reads an image's completions on one event loop, the image's home (the first loop that opened it): a READ of the
 * eventfd librbd writes to stays armed on the loop's ring; when it completes (the counter is read, and so reset,
 * before draining: a completion that comes during the drain makes the next READ complete at once), every ready
 * completion is taken with rbd_poll_io_events, its argument and result read, and the completion released. Each
 * result goes to the handle that started the request: directly when it belongs to this loop, through that handle's
 * inbox otherwise. librbd's threads only write the eventfd.
 */
final class RbdCompletions implements CompletionHandler
{
    private static final int OP_EVENTFD_READ = 1;
    /** Completions taken per rbd_poll_io_events call. */
    private static final int BATCH = 64;

    private final RbdBackstore backstore;
    private final EventLoop loop;
    private final Ring ring;
    private final int eventFd;
    private final long image;
    private final int ownerId;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment counter = arena.allocate(ValueLayout.JAVA_LONG);
    private final MemorySegment completions = arena.allocate(ValueLayout.JAVA_LONG, BATCH);
    private final long completionsAddress = completions.address();
    private long polls;
    private long reaped;
    private long readErrors;
    private boolean armed;
    private volatile boolean retiring;
    private volatile boolean retired;

    /**
     * On the home loop's thread (or before it runs).
     *
     * @param reapedBefore completions taken for the backstore before (from the image it was moved from).
     */
    RbdCompletions(final RbdBackstore backstore, final EventLoop loop, final int eventFd, final long image,
        final long reapedBefore)
    {
        this.backstore = backstore;
        this.loop = loop;
        this.ring = loop.ring();
        this.eventFd = eventFd;
        this.image = image;
        this.reaped = reapedBefore;
        this.ownerId = loop.registerOwner(this);
        arm();
    }

    EventLoop loop()
    {
        return loop;
    }

    long reaped()
    {
        return reaped;
    }

    long polls()
    {
        return polls;
    }

    private void arm()
    {
        ring.prepRead(eventFd, counter.address(), Long.BYTES, 0, UserData.pack(ownerId, OP_EVENTFD_READ, 0));
        armed = true;
    }

    public void onCompletion(final long userData, final int res, final int flags)
    {
        armed = false;
        if (res < 0)
        {
            readErrors++; // EINTR and the like: nothing was read; the drain below finds what is ready anyway
        }
        drain();
        if (retiring)
        {
            loop.unregisterOwner(ownerId);
            retired = true;
            return;
        }
        if (!backstore.closing())
        {
            arm();
        }
    }

    /**
     * Any thread, once nothing is in flight on the image any more (it is being replaced): stops reading its eventfd
     * after one more drain, woken by a write of ours. {@link #retired()} says when the loop has done so.
     */
    void retire()
    {
        retiring = true;
        try (Arena a = Arena.ofConfined())
        {
            final MemorySegment one = a.allocate(ValueLayout.JAVA_LONG);
            one.set(ValueLayout.JAVA_LONG, 0, 1L);
            Libc.write(eventFd, one, Long.BYTES);
        }
    }

    boolean retired()
    {
        return retired;
    }

    private void drain()
    {
        int n;
        do
        {
            polls++;
            n = Librbd.pollIoEvents(image, completionsAddress, BATCH);
            for (int i = 0; i < n; i++)
            {
                final long completion = completions.getAtIndex(ValueLayout.JAVA_LONG, i);
                final long arg = Librbd.aioGetArg(completion);
                final long result = Librbd.aioGetReturnValue(completion);
                Librbd.aioRelease(completion);
                reaped++;
                final RbdDevice device = backstore.device((int)(arg >>> 32));
                if (device.loop() == loop)
                {
                    device.onResult((int)arg, result);
                }
                else
                {
                    device.post((int)arg, result);
                }
            }
        }
        while (n == BATCH);
    }

    boolean armed()
    {
        return armed;
    }

    long readErrors()
    {
        return readErrors;
    }

    /** After the loop has stopped. */
    void close()
    {
        arena.close();
    }
}
