package io.ringtarget.scsi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Self-tests of one logical unit (SPC-4 5.14 "self-test operations", SEND DIAGNOSTIC 6.42, RECEIVE DIAGNOSTIC RESULTS
 * 6.29, the Self-Test Results log page 7.3.16): a self-test reads the medium through the backstore, so it finds what
 * the storage under the logical unit can no longer read (a scrub, which smartd can schedule from the initiator). The
 * short self-test reads {@link #SHORT_CHUNKS} chunks of 1 MiB spread evenly over the logical unit (all of it when it is
 * smaller), first and last included; the extended self-test reads every block. A chunk that fails is read again a block
 * at a time, so the log names the first LBA that cannot be read.
 * <p>
 * The default self-test (SELFTEST=1) is a short self-test whose SEND DIAGNOSTIC waits for the end (HARDWARE ERROR,
 * LOGICAL UNIT FAILED SELF-TEST when it fails); its status is its result, and it is not logged: an entry with code
 * 000b, result 0h and 0 power-on hours is all zeros where smartctl looks, which it takes for the end of the log. The
 * background short and extended self-tests (codes 001b, 010b) answer at once and run while every command goes on; code
 * 100b aborts one, and so does a logical unit reset (result "aborted by another method"), a SANITIZE or a FORMAT UNIT.
 * The foreground short and extended self-tests (codes 101b, 110b, SPC-4 5.15.3.2) answer when they end, like the
 * default one, and meanwhile every command of every initiator but INQUIRY, REPORT LUNS and REQUEST SENSE is answered
 * NOT READY, LOGICAL UNIT NOT READY, SELF-TEST IN PROGRESS; an abort of their SEND DIAGNOSTIC (ABORT TASK, ABORT TASK
 * SET, CLEAR TASK SET, a reset) ends the test. While any self-test runs REQUEST SENSE reports that sense with the
 * progress (what smartctl polls). Like SANITIZE, the test is the logical unit's: a task of its own ({@link #runner}) on
 * the loop of the SEND DIAGNOSTIC that started it, one read in flight, a turn given to the loop after a read that
 * completed before returning (RAM).
 * <p>
 * The EXTENDED SELF-TEST COMPLETION TIME the control mode page and the Extended INQUIRY Data VPD page report is the
 * logical unit's capacity at the read rate the last completed self-test measured (before any, an assumed 200 MiB/s):
 * advisory, as SPC-4 calls it, and what smartctl tells its user to wait.
 * <p>
 * What the tests found is {@link SelfTestResults}'s: the Self-Test Results log page, the 20 most recent short and
 * extended self-tests, and the measured rate, kept across a restart with a state directory. SEND DIAGNOSTIC's page
 * list and RECEIVE DIAGNOSTIC RESULTS are {@link DiagnosticPages}'.
 */
final class SelfTest implements ScsiTaskListener
{
    // SELF-TEST CODE field (SPC-4 6.42 table "SELF-TEST CODE field").
    static final int DEFAULT = 0;
    static final int BACKGROUND_SHORT = 1;
    static final int BACKGROUND_EXTENDED = 2;
    static final int ABORT_BACKGROUND = 4;
    static final int FOREGROUND_SHORT = 5;
    static final int FOREGROUND_EXTENDED = 6;

    // SELF-TEST RESULTS field (SPC-4 7.3.16 table "SELF-TEST RESULTS field").
    static final int COMPLETED = 0x0;
    static final int ABORTED_BY_SEND_DIAGNOSTIC = 0x1;
    static final int ABORTED_OTHER = 0x2;
    static final int UNKNOWN_ERROR = 0x3;
    static final int FIRST_SEGMENT_FAILED = 0x5;
    static final int IN_PROGRESS = 0xF;

    /** Chunks of the short self-test. */
    static final int SHORT_CHUNKS = 256;
    static final int CHUNK_BYTES = 1 << 20;

    private static final int IDLE = 0;
    private static final int RUNNING = 1;
    /** A foreground self-test: the logical unit answers NOT READY to every command but three. */
    private static final int FOREGROUND = 2;
    private static final int PROGRESS_ONE = 1 << 16;
    /** The read rate a completion time is estimated with until a self-test has measured one. */
    private static final long ASSUMED_BYTES_PER_SECOND = 200L << 20;
    private static final int NOT_ABORTED = -1;
    /** SEND DIAGNOSTIC byte 1. */
    private static final int SELFTEST = 0x04;

    private final LogicalUnit lu;
    private final int blockSize;
    private final AtomicInteger state = new AtomicInteger(IDLE);
    /** Which test this is: one more per test, written by the loop that won RUNNING; read by any thread. */
    private volatile long testNumber;
    /**
     * An abort asked for, by any thread: the number of the test it is for, shifted left 4, with the SELF-TEST RESULTS
     * value to log; so an abort that comes as one test ends does not end the next one. -1: none.
     */
    private volatile long abortRequest = -1;
    /** Self-tests (default ones too) that found a block the medium could not read. */
    private final AtomicLong failures = new AtomicLong();
    /** The test in progress: chunks read, in 65536ths of its chunks (SPC-4 4.5.2.4.3), for REQUEST SENSE. */
    private volatile int progress;
    private final SelfTestResults results;

    // The test in progress: written by the loop that won RUNNING, before its first step, and by no other until the
    // state is IDLE again.
    private final ScsiTask runner = new ScsiTask();
    private MemorySegment chunk;
    private ScsiTask waiter;
    private int code;
    private long capacity;
    private long chunkCount;
    private long chunkIndex;
    private int chunkLength;
    private long blockInChunk;
    private long failedLba;
    private long startNanos;

    SelfTest(final LogicalUnit lu, final int blockSize)
    {
        this.lu = lu;
        this.blockSize = blockSize;
        this.results = new SelfTestResults(lu);
        runner.listener(this);
    }

    /** The Self-Test Results log page's entries and the measured rate, kept across restarts with a state directory. */
    SelfTestResults results()
    {
        return results;
    }

    /** A self-test is in progress (default, background or foreground). */
    boolean running()
    {
        return state.get() != IDLE;
    }

    /** A foreground self-test is in progress: the LU processes INQUIRY, REPORT LUNS and REQUEST SENSE only. */
    boolean foreground()
    {
        return state.get() == FOREGROUND;
    }

    /** A command that came during a foreground self-test (SPC-4 5.15.3.2). */
    void refuse(final ScsiTask t)
    {
        t.checkCondition(SenseKey.NOT_READY, Asc.SELF_TEST_IN_PROGRESS, false, 0, progressIndication());
        t.complete();
    }

    /** REQUEST SENSE's sense data while a self-test runs (its progress), or -1 when none does. */
    int requestSense(final MemorySegment out, final boolean descriptor)
    {
        if (state.get() == IDLE)
        {
            return -1;
        }
        return SenseData.write(
            out, descriptor, SenseKey.NOT_READY, Asc.SELF_TEST_IN_PROGRESS, false, 0, progressIndication());
    }

    /** The test in progress: its chunks read, in 65536ths. */
    int progress()
    {
        return progress;
    }

    /** Sense-key specific progress indication (SPC-4 4.5.2.4.3): SKSV and a 16-bit fraction. */
    private int progressIndication()
    {
        return 0x80_0000 | Math.min(progress, PROGRESS_ONE - 1);
    }

    /**
     * EXTENDED SELF-TEST COMPLETION TIME (SPC-4 7.5.8): the capacity at the last completed test's read rate, at
     * least a second.
     */
    long extendedCompletionSeconds()
    {
        final long measured = results.measuredBytesPerSecond();
        final long rate = measured > 0 ? measured : ASSUMED_BYTES_PER_SECOND;
        final long bytes = lu.blockCount() * blockSize;
        return Math.max(1, (bytes + rate - 1) / rate);
    }

    long failureCount()
    {
        return failures.get();
    }

    /** A logical unit reset (or the unit's removal) ends a self-test in progress at its next step. */
    void abortOther()
    {
        requestAbort(ABORTED_OTHER);
    }

    private void requestAbort(final int result)
    {
        if (state.get() != IDLE)
        {
            abortRequest = (testNumber << 4) | result;
        }
    }

    /** The result an abort of the test in progress asked for, or {@link #NOT_ABORTED}. */
    private int abortResult()
    {
        final long request = abortRequest;
        return request >= 0 && (request >>> 4) == testNumber ? (int)(request & 0xF) : NOT_ABORTED;
    }

    void sendDiagnostic(final ScsiTask t, final MemorySegment cdb)
    {
        final int flags = Bytes.u8(cdb, 1);
        final int selfTestCode = flags >>> 5;
        final int parameterListLength = Bytes.u16(cdb, 3);
        t.residual(parameterListLength);
        if ((flags & SELFTEST) != 0)
        {
            if (selfTestCode != DEFAULT)
            {
                Responses.invalidCdb(t, 1, 7);   // SELFTEST with a self-test code (SPC-4 6.42)
                return;
            }
            if (parameterListLength != 0)
            {
                Responses.invalidCdb(t, 3, -1);
                return;
            }
            start(t, DEFAULT);
            return;
        }
        switch (selfTestCode)
        {
            case DEFAULT:
                DiagnosticPages.send(t, flags, parameterListLength);   // SELFTEST=0, code 000b: a page list
                return;
            case BACKGROUND_SHORT:
            case BACKGROUND_EXTENDED:
            case ABORT_BACKGROUND:
            case FOREGROUND_SHORT:
            case FOREGROUND_EXTENDED:
                if (parameterListLength != 0)
                {
                    Responses.invalidCdb(t, 3, -1);   // a self-test code takes no parameter list
                    return;
                }
                if (selfTestCode == ABORT_BACKGROUND)
                {
                    abortBackground(t);
                    return;
                }
                start(t, selfTestCode);
                return;
            default:
                Responses.invalidCdb(t, 1, 7);   // the reserved codes 011b and 111b
        }
    }

    private void abortBackground(final ScsiTask t)
    {
        if (state.get() != RUNNING || waiterOf() != null)
        {
            Responses.invalidCdb(t, 1, 7);   // no background self-test in progress
            return;
        }
        requestAbort(ABORTED_BY_SEND_DIAGNOSTIC);
        Responses.good(t);
    }

    private synchronized ScsiTask waiterOf()
    {
        return waiter;
    }

    private void start(final ScsiTask t, final int selfTestCode)
    {
        if (t.device() == null)
        {
            Responses.noDevice(t);
            return;
        }
        final boolean foreground = selfTestCode == FOREGROUND_SHORT || selfTestCode == FOREGROUND_EXTENDED;
        if (!state.compareAndSet(IDLE, foreground ? FOREGROUND : RUNNING))
        {
            // SPC-4 5.14.3: a self-test is in progress.
            t.checkCondition(SenseKey.NOT_READY, Asc.SELF_TEST_IN_PROGRESS);
            t.complete();
            return;
        }
        // The test's fields are this loop's from here on.
        testNumber = testNumber + 1;
        code = selfTestCode;
        capacity = lu.blockCount() * blockSize;
        final long chunksInUnit = (capacity + CHUNK_BYTES - 1) / CHUNK_BYTES;
        final boolean extended = selfTestCode == BACKGROUND_EXTENDED || selfTestCode == FOREGROUND_EXTENDED;
        chunkCount = extended ? chunksInUnit : Math.min(SHORT_CHUNKS, chunksInUnit);
        chunkIndex = 0;
        failedLba = -1;
        progress = 0;
        startNanos = System.nanoTime();
        if (chunk == null)
        {
            chunk = Arena.ofAuto().allocate(CHUNK_BYTES, ScsiTask.SCRATCH_ALIGNMENT);
        }
        if (selfTestCode != DEFAULT)
        {
            results.started(selfTestCode);
            results.saveAside(t.device());   // in progress: a restart before the end shows it aborted
        }
        final ScsiTask r = runner;
        r.startOperationOf(lu, t);
        r.bytesTotal = capacity;
        r.phase = MediaSteps.PHASE_SELF_TEST_READ;
        if (selfTestCode == DEFAULT || foreground)
        {
            setWaiter(t);   // the status when the test ends
        }
        else
        {
            Responses.good(t);   // background: the status at once
        }
        lu.runSteps(r);
        t.deferListenerFailure(r.takeListenerFailure());
    }

    private synchronized void setWaiter(final ScsiTask t)
    {
        waiter = t;
    }

    /** The byte offset of chunk {@code index}: evenly spread for the short test, first and last included. */
    private long chunkOffset(final long index)
    {
        final long chunksInUnit = (capacity + CHUNK_BYTES - 1) / CHUNK_BYTES;
        if (chunkCount == chunksInUnit || chunkCount == 1)
        {
            return index * CHUNK_BYTES;
        }
        return index * (chunksInUnit - 1) / (chunkCount - 1) * CHUNK_BYTES;
    }

    /** A step of the runner: a chunk read, a block of a failed chunk read again, or a turn given to the loop. */
    void issueStep(final ScsiTask r)
    {
        final BlockDevice device = r.device();
        switch (r.phase)
        {
            case MediaSteps.PHASE_SELF_TEST_READ:
            {
                final long offset = chunkOffset(chunkIndex);
                chunkLength = (int)Math.min(CHUNK_BYTES, capacity - offset);
                r.ioLength = chunkLength;
                device.read(r, offset, chunk, chunkLength);
                break;
            }
            case MediaSteps.PHASE_SELF_TEST_BLOCK:
                r.ioLength = blockSize;
                device.read(r, chunkOffset(chunkIndex) + blockInChunk * blockSize, chunk, blockSize);
                break;
            case MediaSteps.PHASE_SELF_TEST_TURN:
                device.continueLater(r);
                break;
            default:
                throw new IllegalStateException("phase " + r.phase);
        }
    }

    /**
     * A step of the runner completed.
     *
     * @return false when the medium failed a read (the test ends, failed).
     */
    boolean stepResult(final ScsiTask r, final int result)
    {
        boolean ok = true;
        switch (r.phase)
        {
            case MediaSteps.PHASE_SELF_TEST_READ:
                if (result == r.ioLength)
                {
                    nextChunk(r);
                }
                else
                {
                    blockInChunk = 0;   // find the block: the chunk read again a block at a time
                    r.phase = MediaSteps.PHASE_SELF_TEST_BLOCK;
                }
                break;
            case MediaSteps.PHASE_SELF_TEST_BLOCK:
                if (result != blockSize)
                {
                    failedLba = (chunkOffset(chunkIndex) / blockSize) + blockInChunk;
                    r.finished = true;
                    ok = false;
                }
                else if (++blockInChunk * blockSize >= chunkLength)
                {
                    nextChunk(r);   // every block read on its own: the failure did not come back
                }
                break;
            case MediaSteps.PHASE_SELF_TEST_TURN:
                r.phase = MediaSteps.PHASE_SELF_TEST_READ;
                break;
            default:
                throw new IllegalStateException("completion in phase " + r.phase);
        }
        final ScsiTask w = waiterOf();
        if (w != null && w.aborted())
        {
            // SPC-4 5.15.3.2: an ABORT TASK, ABORT TASK SET or CLEAR TASK SET of a foreground self-test's command
            // aborts the test (logged "aborted by another method"); the default one's ends the same way.
            requestAbort(ABORTED_OTHER);
        }
        if (!r.finished && abortResult() != NOT_ABORTED)
        {
            r.finished = true;
        }
        return ok;
    }

    private void nextChunk(final ScsiTask r)
    {
        chunkIndex++;
        r.bytesDone = chunkIndex;
        progress = (int)((chunkIndex << 16) / chunkCount);
        if (chunkIndex >= chunkCount)
        {
            r.finished = true;
            return;
        }
        r.phase = r.inSubmit && r.device().writesBeforeReturning() ?
            MediaSteps.PHASE_SELF_TEST_TURN : MediaSteps.PHASE_SELF_TEST_READ;
    }

    /** The runner ended: the result logged, the waiting default self-test answered. */
    public void onScsiTaskComplete(final ScsiTask r)
    {
        final int aborted = abortResult();
        final int result;
        if (failedLba >= 0)
        {
            result = FIRST_SEGMENT_FAILED;
        }
        else if (aborted != NOT_ABORTED)
        {
            result = aborted;
        }
        else
        {
            result = r.status() == ScsiStatus.GOOD ? COMPLETED : UNKNOWN_ERROR;
        }
        if (result == FIRST_SEGMENT_FAILED)
        {
            failures.incrementAndGet();
        }
        else if (result == COMPLETED)
        {
            measureRate();
        }
        if (code != DEFAULT)
        {
            results.ended(result, failedLba);
        }
        if (code != DEFAULT || result == COMPLETED)
        {
            results.saveAside(r.device());   // the entry's end, or the rate a default test measured
        }
        final ScsiTask w = waiterOf();
        setWaiter(null);
        state.set(IDLE);
        if (w == null)
        {
            return;
        }
        if (w.aborted())
        {
            w.status(ScsiStatus.TASK_ABORTED);
        }
        else if (result != COMPLETED)
        {
            // SPC-4 6.42: the default self-test failed.
            w.checkCondition(SenseKey.HARDWARE_ERROR, Asc.LOGICAL_UNIT_FAILED_SELF_TEST);
        }
        w.completeFor(r);
    }

    /** The read rate of the test that just completed, for the completion time (first and last chunk included). */
    private void measureRate()
    {
        final long nanos = System.nanoTime() - startNanos;
        final long bytes = Math.min(chunkCount * CHUNK_BYTES, capacity);
        if (nanos > 0)
        {
            results.measured(Math.max(1, (long)(bytes * 1e9 / nanos)));
        }
    }
}
