package io.ringtarget.backstore.rbd;

import java.util.concurrent.TimeUnit;

/** The rbd backstore's own threads (lock, reopen, watch): how they are waited for when the backstore closes. */
final class BackstoreThreads
{
    private BackstoreThreads()
    {
    }

    /**
     * Waits up to {@code seconds} for {@code thread}, told to stop, to end: one blocked in a librados call that does
     * not return is left behind (a daemon) rather than holding the target's shutdown. Keeps an interrupt.
     */
    static void awaitEnd(final Thread thread, final int seconds)
    {
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(seconds));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
