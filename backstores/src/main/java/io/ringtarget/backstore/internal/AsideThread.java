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
 * in order of arrival; each task then completes on its own loop ({@link EventLoop#offer}). The logical unit's state
 * files that no command waits for are saved here too ({@link BlockDevice#saveAside}), in the same order. Rare (not
 * I/O): a queue entry and a loop task each. The thread starts with the first request.
 */
public final class AsideThread implements AutoCloseable
{
    /**
     * The device a command's work came from, told on its loop just before the task completes: a device counts the
     * work it handed over, so that it is not released while a task of it (a SANITIZE's next step) is still to come.
     */
    public interface Requester
    {
        void asideEnded();
    }

    /** A command's work ({@code task} completes on {@code loop} afterwards), or a save nobody waits for. */
    private record Request(
        EventLoop loop, ScsiTask task, BlockDevice.AsideWork work, Requester requester, Runnable save)
    {
    }

    /** The last request {@link #close} queues: the thread ends when it takes it. */
    private static final Request END = new Request(null, null, null, null, null);

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
    public void submit(
        final EventLoop loop, final ScsiTask task, final BlockDevice.AsideWork work, final Requester requester)
    {
        if (!enqueue(new Request(loop, task, work, requester, null)))
        {
            requester.asideEnded();
            task.onIoComplete(-ESHUTDOWN); // the backstore is closing: nothing reaches its storage any more
        }
    }

    /**
     * {@link BlockDevice#saveAside}: {@code save} runs on this object's thread after the requests before it; once the
     * backstore is closing, on the caller's thread at once (a state file is still written).
     */
    public void submit(final Runnable save)
    {
        if (!enqueue(new Request(null, null, null, null, save)))
        {
            save.run();
        }
    }

    private synchronized boolean enqueue(final Request r)
    {
        if (closed)
        {
            return false;
        }
        if (null == thread)
        {
            thread = Thread.ofPlatform().daemon().name("aside-" + backstoreName).start(this::run);
        }
        queue.add(r);
        return true;
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
            if (r == END)
            {
                return;
            }
            if (null != r.save())
            {
                try
                {
                    r.save().run();
                }
                catch (final Throwable t)
                {
                    // The save reports its own failures; this is the last guard, and the thread goes on.
                }
                continue;
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
            handBack(r, result);
        }
    }

    private static void handBack(final Request r, final int result)
    {
        final ScsiTask task = r.task();
        final Requester requester = r.requester();
        LoopHandOff.offer(r.loop(), l ->
        {
            requester.asideEnded();
            task.onIoComplete(result);
        }); // dropped only by a loop that has stopped
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
            queue.add(END); // after every request taken
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
            if (null != r.save())
            {
                r.save().run(); // left behind a blocked request: written here rather than lost
            }
            else if (null != r.task())
            {
                handBack(r, -ESHUTDOWN);
            }
        }
    }
}
