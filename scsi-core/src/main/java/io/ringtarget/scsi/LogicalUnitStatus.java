package io.ringtarget.scsi;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What a logical unit's medium operations and error counters read now, for {@code ringtarget ls}, the metrics and
 * the log: a sanitize, format or self-test operation and its progress, and the counts of what went wrong. Reads only;
 * any thread ({@link LogicalUnit#status()}).
 */
public final class LogicalUnitStatus
{
    private final Sanitize sanitize;
    private final SelfTest selfTest;
    private final MediaSteps steps;
    private final ProvisioningThreshold provisioningThreshold;
    private final AtomicLong internalErrors;

    LogicalUnitStatus(
        final Sanitize sanitize, final SelfTest selfTest, final MediaSteps steps,
        final ProvisioningThreshold provisioningThreshold, final AtomicLong internalErrors)
    {
        this.sanitize = sanitize;
        this.selfTest = selfTest;
        this.steps = steps;
        this.provisioningThreshold = provisioningThreshold;
        this.internalErrors = internalErrors;
    }

    /**
     * SANITIZE's state (SBC-4 4.11): 0 none, 1 a sanitize operation in progress (every command but INQUIRY, REPORT
     * LUNS and REQUEST SENSE answered NOT READY), 2 the last one failed (MEDIUM ERROR until one completes); a FORMAT
     * UNIT's operation is not a sanitize operation ({@link #formatState}).
     */
    public int sanitizeState()
    {
        final int state = sanitize.state();
        return state == Sanitize.FORMATTING || state == Sanitize.FORMAT_CORRUPTED ? Sanitize.IDLE : state;
    }

    /**
     * FORMAT UNIT's state (SBC-4 5.3): 0 none, 1 a format operation in progress, 2 the last one failed (MEDIUM
     * FORMAT CORRUPTED until a format or sanitize operation completes).
     */
    public int formatState()
    {
        final int state = sanitize.state();
        return state == Sanitize.FORMATTING ? 1 : state == Sanitize.FORMAT_CORRUPTED ? 2 : 0;
    }

    /** The sanitize operation in progress: its progress in 65536ths. */
    public int sanitizeProgress()
    {
        return sanitize.progress();
    }

    /** Sanitize operations completed, and failed, since the logical unit was made. */
    public long sanitizeCompletedCount()
    {
        return sanitize.completedCount();
    }

    public long sanitizeFailureCount()
    {
        return sanitize.failureCount();
    }

    /** A self-test runs (SEND DIAGNOSTIC: the default one, or one in the background). */
    public boolean selfTestRunning()
    {
        return selfTest.running();
    }

    /** The self-test in progress holds every other command NOT READY (a foreground one, SPC-4 5.15.3.2). */
    public boolean selfTestInForeground()
    {
        return selfTest.foreground();
    }

    /** The self-test in progress: its part done, in 65536ths. */
    public int selfTestProgress()
    {
        return selfTest.progress();
    }

    /** Self-tests that found a block the backstore could not read (the default self-test's too). */
    public long selfTestFailureCount()
    {
        return selfTest.failureCount();
    }

    /** Backstore errors seen (each turned into a CHECK CONDITION). */
    public long ioErrorCount()
    {
        return steps.ioErrorCount();
    }

    /**
     * Unexpected exceptions inside the LU or its backstore calls, each answered with HARDWARE ERROR / INTERNAL
     * TARGET FAILURE (unless the task had completed already) and reported to the logical unit's error handler.
     */
    public long internalErrorCount()
    {
        return internalErrors.get();
    }

    /** COMPARE AND WRITE / ORWRITE commands answered BUSY: an overlapping one was in flight on another loop. */
    public long compareAndWriteBusyCount()
    {
        return steps.busyCount();
    }

    /** COMPARE AND WRITE / ORWRITE commands that waited behind an overlapping one of the same loop. */
    public long compareAndWriteQueuedCount()
    {
        return steps.queuedCount();
    }

    /** How often either soft threshold on thin provisioning was reached since the start. */
    public long softThresholdReachedCount()
    {
        return provisioningThreshold.reachedCount();
    }
}
