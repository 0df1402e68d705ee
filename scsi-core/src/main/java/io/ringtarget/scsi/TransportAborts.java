package io.ringtarget.scsi;

import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * The transports that carry out the abort requests logical units make for other I_T nexuses
 * ({@link LogicalUnit#abortRequestCount()}), one {@link AbortProgress} per engine running, for what waits for them off
 * the transports' threads: a PREEMPT AND ABORT another gateway announced ({@link SharedReservations}), whose status
 * there waits until the preempted nexuses' tasks here have ended. Process-wide, as the count is.
 */
public final class TransportAborts
{
    private static final CopyOnWriteArrayList<AbortProgress> RUNNING = new CopyOnWriteArrayList<>();

    private TransportAborts()
    {
    }

    /** {@code progress} carries out abort requests from now on (an engine, at its start). */
    public static void carriedOutBy(final AbortProgress progress)
    {
        RUNNING.addIfAbsent(Objects.requireNonNull(progress, "progress"));
    }

    /** {@code progress} no longer does (its engine closed). */
    public static void noLongerCarriedOutBy(final AbortProgress progress)
    {
        RUNNING.remove(progress);
    }

    /**
     * Tells the transports of requests made off their threads, then waits until each has carried out the first
     * {@code abortRequests} (their tasks aborted and ended) or {@code timeoutNanos} passed.
     *
     * @return whether they all had.
     */
    static boolean awaitEnded(final long abortRequests, final long timeoutNanos)
    {
        for (final AbortProgress p : RUNNING)
        {
            p.requested();
        }
        final long deadline = System.nanoTime() + timeoutNanos;
        for (final AbortProgress p : RUNNING)
        {
            while (!p.endedUpTo(abortRequests))
            {
                if (System.nanoTime() - deadline > 0)
                {
                    return false;
                }
                LockSupport.parkNanos(1_000_000);
            }
        }
        return true;
    }
}
