package io.ringtarget.scsi;

/**
 * How far the transport has carried out the abort requests logical units made for other I_T nexuses
 * ({@link LogicalUnit#abortRequestCount()}: PREEMPT AND ABORT, LOGICAL UNIT RESET, TARGET RESET): the iSCSI engine,
 * whose loops abort those nexuses' tasks and see their backstore I/O end. Registered with
 * {@link TransportAborts#carriedOutBy}; what waits for it off the loops (a PREEMPT AND ABORT another gateway
 * announced, {@link SharedReservations}) asks every registered one.
 */
public interface AbortProgress
{
    /**
     * Whether the tasks of the first {@code abortRequests} requests have been aborted and their backstore I/O has
     * ended. Any thread; allocation-free.
     */
    boolean endedUpTo(long abortRequests);

    /** Requests were made off the transport's threads: it should look at them now rather than at its next tick. */
    default void requested()
    {
    }
}
