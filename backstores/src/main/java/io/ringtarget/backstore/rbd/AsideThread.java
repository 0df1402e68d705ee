package io.ringtarget.backstore.rbd;

import io.ringtarget.ring.EventLoop;
import io.ringtarget.ring.LoopTask;
import io.ringtarget.scsi.BlockDevice;
import io.ringtarget.scsi.ScsiTask;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;

import static io.ringtarget.ffi.LibcConstants.EIO;
import static io.ringtarget.ffi.LibcConstants.ESHUTDOWN;

/**
 * The rbd backstore's thread for the work of commands that waits for the cluster rather than the image
 * ({@link BlockDevice#runAside}: a PERSISTENT RESERVE OUT on the reservations the gateways share reads, writes and
 * announces a RADOS object), so that an event loop never waits for an OSD: an OSD that does not answer holds that
 * command only, not every session of its loop. One request at a time, in order of arrival; each task then completes
 * on its own loop ({@link EventLoop#offer}). Rare (cluster fencing, not I/O): a queue entry and a loop task each.
 */
final class AsideThread implements AutoCloseable
{
    private record Request(EventLoop loop, ScsiTask task, BlockDevice.AsideWork work)
    {
    }

    private final String backstoreName;
    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private Thread thread;
    private boolean closed;

    AsideThread(final String backstoreName)
    {
        this.backstoreName = backstoreName;
    }

    /** From a loop's thread: {@code work} runs on this object's thread, then the task completes on {@code loop}. */
    void submit(final EventLoop loop, final ScsiTask task, final BlockDevice.AsideWork work)
    {
        synchronized (this)
        {
            if (!closed)
            {
                if (null == thread)
                {
                    thread = Thread.ofPlatform().daemon().name("rbd-aside-" + backstoreName).start(this::run);
                }
                queue.add(new Request(loop, task, work));
                return;
            }
        }
        task.onIoComplete(-ESHUTDOWN); // the backstore is closing: nothing reaches the cluster any more
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
                return; // closed
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
        final LoopTask completion = l -> task.onIoComplete(result);
        for (int i = 0; !loop.offer(completion); i++)
        {
            if (i == 10_000)
            {
                return; // the loop has stopped taking tasks: it is closing, and so is the command's connection
            }
            LockSupport.parkNanos(100_000);
        }
    }

    /** After the loops that use the backstore have stopped: a request under way is left to end (a daemon). */
    @Override
    public void close()
    {
        final Thread t;
        synchronized (this)
        {
            closed = true;
            t = thread;
        }
        if (null != t)
        {
            t.interrupt();
            BackstoreThreads.awaitEnd(t, 10);
        }
    }
}
