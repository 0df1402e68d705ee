package io.ringtarget.iscsi.transport;

/**
 * Which tasks of a connection have ended (aborted, or answered), by Initiator Task Tag: {@link PduSender#withdrawR2ts}
 * asks it of each R2T still queued.
 */
public interface EndedTasks
{
    boolean ended(int initiatorTaskTag);
}
