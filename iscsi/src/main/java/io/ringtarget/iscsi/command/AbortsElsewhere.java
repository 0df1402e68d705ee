package io.ringtarget.iscsi.command;

/**
 * What a reset's response waits for beyond its own connection: the other nexuses' tasks it aborted (SAM-5 7.7, 7.11)
 * run on other connections, on any loop, and the function is complete only once those have ended
 * their backstore I/O (RFC 7143 4.2.3.3 c-d, the same response fence as for the issuer's own tasks).
 */
public interface AbortsElsewhere extends io.ringtarget.scsi.AbortProgress
{
    /**
     * Whether every loop has aborted the tasks the first {@code abortRequests} abort requests of the process asked of
     * its nexuses ({@link io.ringtarget.scsi.LogicalUnit#abortRequestCount()}) and seen their backstore I/O end. Any
     * thread; allocation-free.
     */
    @Override
    boolean endedUpTo(long abortRequests);
}
