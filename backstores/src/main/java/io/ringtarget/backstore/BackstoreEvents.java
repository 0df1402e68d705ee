package io.ringtarget.backstore;

/**
 * What a backstore reports about its storage while it runs, for the logical units on it and the log. Called on a
 * backstore's own thread, or (a refusal for lack of space) on the event loop that met it, at most once a second per
 * loop; implementations must not block.
 */
public interface BackstoreEvents
{
    /** Nothing is listening. */
    BackstoreEvents NONE = new BackstoreEvents()
    {
    };

    /**
     * The storage changed size outside the target (an {@code rbd resize}): the logical unit reports CAPACITY DATA HAS
     * CHANGED (SBC-3 4.10).
     *
     * @param blockCount the new number of logical blocks.
     */
    default void capacityChanged(final long blockCount)
    {
    }

    /**
     * This process now holds the storage's write ownership (an RBD image's exclusive lock), taken over from
     * {@code previousOwner} (null when nobody held it).
     */
    default void ownershipTaken(final String previousOwner)
    {
    }

    /**
     * Another process took the storage over and fenced this one off (an RBD client blocklisted when its lock was
     * broken): every read and write now fails, until {@link #reopened()}.
     */
    default void fencedOff()
    {
    }

    /**
     * After a fencing, the storage was opened again (an RBD image, as a new client the blocklist does not cover):
     * reads and writes are served again, the first write taking the storage over again.
     */
    default void reopened()
    {
    }

    /**
     * Opening the storage again after a fencing failed; it stays fenced (and is tried again, unless the reason says
     * otherwise).
     *
     * @param reason what failed, for the log.
     */
    default void reopenFailed(final String reason)
    {
    }

    /**
     * The storage is gone (a served rbd snapshot was removed): every read now answers NOT READY, MEDIUM NOT PRESENT.
     *
     * @param what what is gone, for the log.
     */
    default void mediumRemoved(final String what)
    {
    }

    /**
     * The persistent reservations the backstore keeps for every gateway of the storage (an RBD image) may not be the
     * same on every gateway for a while: a gateway did not take a change in time, or this one lost its watch.
     *
     * @param what what happened, for the log.
     */
    default void sharedReservationsWarning(final String what)
    {
    }

    /**
     * Taking the storage over failed: the writes that waited for it fail; the next write tries again.
     *
     * @param reason what failed, for the log.
     */
    default void takeoverFailed(final String reason)
    {
    }

    /**
     * Writes that needed storage the backstore could not get were refused (SPACE ALLOCATION FAILED WRITE PROTECT):
     * a RAM backstore whose machine has no more memory to give than it keeps free.
     *
     * @param refused        writes refused so far by the reporting handle.
     * @param availableBytes what the machine had available at the last reading (-1: unknown).
     * @param reserveBytes   what is kept free for the rest of the machine.
     */
    default void spaceExhausted(final long refused, final long availableBytes, final long reserveBytes)
    {
    }
}
