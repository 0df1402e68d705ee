package io.ringtarget.backstore.internal;

import io.ringtarget.ring.EventLoop;
import io.ringtarget.ring.LoopTask;

import java.util.concurrent.locks.LockSupport;

/**
 * Hands a result from a backstore's own thread (or a library's) to an event loop: {@link EventLoop#offer}, tried again
 * every 100 µs while the loop's task queue is full, for about a second. A loop that takes nothing for that long has
 * stopped (it is closing, and so is the command's connection): the task is dropped.
 */
public final class LoopHandOff
{
    private static final int ATTEMPTS = 10_000;
    private static final long PAUSE_NANOS = 100_000;

    private LoopHandOff()
    {
    }

    /** @return false when the loop never took the task. */
    public static boolean offer(final EventLoop loop, final LoopTask task)
    {
        for (int i = 0; !loop.offer(task); i++)
        {
            if (i == ATTEMPTS)
            {
                return false;
            }
            LockSupport.parkNanos(PAUSE_NANOS);
        }
        return true;
    }
}
