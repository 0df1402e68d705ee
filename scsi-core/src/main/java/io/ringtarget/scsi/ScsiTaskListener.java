package io.ringtarget.scsi;

/**
 * Told once per {@link LogicalUnit#execute(ScsiTask)} when the task has its final status, sense and Data-In.
 */
@FunctionalInterface
public interface ScsiTaskListener
{
    void onScsiTaskComplete(ScsiTask task);
}
