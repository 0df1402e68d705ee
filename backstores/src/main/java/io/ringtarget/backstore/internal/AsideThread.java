package io.ringtarget.backstore.internal;

import io.ringtarget.ring.EventLoop;
import io.ringtarget.scsi.BlockDevice;
import io.ringtarget.scsi.ScsiTask;

import java.util.concurrent.LinkedBlockingQueue;

import static io.ringtarget.ffi.LibcConstants.EIO;
import static io.ringtarget.ffi.LibcConstants.ESHUTDOWN;

/**
 * A backstore's thread for the work of commands that waits for storage other than the medium
 * ({@link BlockDevice#runAside}: a PERSISTENT RESERVE OUT writing its APTPL state file with fsync, or reading, writing
 * and announcing the RADOS object an rbd image's gateways share), so that an event loop never waits for it: a slow
 * disk or an OSD that does not answer holds that command only, not every session of the loop. One request at a time,
 * in order of arrival; each task then completes on its own loop ({@link EventLoop#offer}). Rare (not I/O): a queue
 * entry and a loop task each. The thread starts with the first request.
 */
public final class AsideThread implements AutoCloseable
{
    private record Request(EventLoop loop, ScsiTask task, BlockDevice.AsideWork work)
    {
    }

    private static final long CLOSE_WAIT_MILLIS = 10_000;

    private final String backstoreName;
    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private Thread thread;
    private boolean closed;

    public AsideThread(final String backstoreName)
    {
        this.backstoreName = backstoreName;
    }

    /** From a loop's thread: {@code work} runs on this object's thread, then the task completes on {@code loop}. */
    public void submit(final EventLoop loop, final ScsiTask task, final BlockDevice.AsideWork work)
    {
        synchronized (this)
        {
            if (!closed)
            {
                if (null == thread)
                {
                    thread = Thread.ofPlatform().daemon().name("aside-" + backstoreName).start(this::run);
                }
                queue.add(new Request(loop, task, work));
                return;
            }
        }
        task.onIoComplete(-ESHUTDOWN); // the backstore is closing: nothing reaches its storage any more
    }

    private void run()
    {
        while (true)
        {
            final Request r;
            try
            {
                r = queue.take();
            }
            catch (final InterruptedException ex)
            {
                continue; // not how it is told to end: the last request, null's, does that
            }
            if (null == r.task())
            {
                return;
            }
            int result = 0;
            try
            {
                r.work().runAside(r.task());
            }
            catch (final Throwable t)
            {
                result = -EIO; // the work reports its own failures; this is the last guard
            }
            handBack(r.loop(), r.task(), result);
        }
    }

    private static void handBack(final EventLoop loop, final ScsiTask task, final int result)
    {
        LoopHandOff.offer(loop, l -> task.onIoComplete(result)); // dropped only by a loop that has stopped
    }

    /**
     * Ends the thread once the requests before have run (waiting up to 10 s: one blocked in a call that does not return
     * is left behind, a daemon, and the requests after it fail with -ESHUTDOWN); later ones fail at once.
     */
    @Override
    public void close()
    {
        final Thread t;
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            t = thread;
            queue.add(new Request(null, null, null)); // after every request taken
        }
        if (null != t)
        {
            try
            {
                t.join(CLOSE_WAIT_MILLIS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        for (Request r = queue.poll(); null != r; r = queue.poll())
        {
            if (null != r.task())
            {
                handBack(r.loop(), r.task(), -ESHUTDOWN);
            }
        }
    }
}
