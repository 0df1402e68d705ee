package io.ringtarget.iscsi.engine;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What {@link IscsiEngine#reconfigure} did once every loop had applied the change: the sessions it ended (their
 * ACL, portal, TPG or target went), and the release of retired backstores' handles, which waits for their requests in
 * flight.
 */
public final class Reconfigured
{
    private final int sessionsEnded;
    private final CountDownLatch released;

    Reconfigured(final int sessionsEnded, final CountDownLatch released)
    {
        this.sessionsEnded = sessionsEnded;
        this.released = released;
    }

    /** Sessions the change ended, on all loops. */
    public int sessionsEnded()
    {
        return sessionsEnded;
    }

    /**
     * Waits until every loop has released its handles of the retired backstores.
     *
     * @return true when they are released (the backstores may be closed); false when a request in flight did not
     *         complete within {@code timeoutMillis} (a hung device: leave the backstore open).
     */
    public boolean awaitReleased(final long timeoutMillis) throws InterruptedException
    {
        return released.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }
}
