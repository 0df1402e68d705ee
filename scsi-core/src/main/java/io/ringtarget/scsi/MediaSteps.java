package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The step machine of the medium-access commands of one logical unit ({@link MediaCommands} starts them): one
 * backstore call per step, the state kept in the {@link ScsiTask}, each completion checked and turned into the
 * next step or the end of the command; steps that complete synchronously are continued by a loop rather than by
 * recursion. COMPARE AND WRITE and ORWRITE run under their {@link RangeLocks} range. Allocation-free.
 */
final class MediaSteps
{
    // Phases of the command state machine kept in the task.
    static final int PHASE_NONE = 0;
    static final int PHASE_READ = 1;
    static final int PHASE_WRITE = 2;
    static final int PHASE_FLUSH = 3;
    static final int PHASE_VERIFY_READ = 4;
    static final int PHASE_WAV_WRITE = 5;
    static final int PHASE_CAW_READ = 6;
    static final int PHASE_CAW_WRITE = 7;
    static final int PHASE_WS_WRITE = 8;
    static final int PHASE_WS_UNMAP = 9;
    static final int PHASE_UNMAP = 10;
    static final int PHASE_ORW_READ = 11;
    static final int PHASE_ORW_WRITE = 12;
    static final int PHASE_XCOPY_READ = 13;
    static final int PHASE_XCOPY_WRITE = 14;
    /** SANITIZE's own task ({@link Sanitize}): a chunk of the pattern written, a range deallocated, the closing
     * flush, a turn given to the loop after a step that completed before returning. */
    static final int PHASE_SANITIZE_WRITE = 15;
    static final int PHASE_SANITIZE_ERASE = 16;
    static final int PHASE_SANITIZE_FLUSH = 17;
    static final int PHASE_SANITIZE_TURN = 18;
    /** A self-test's own task ({@link SelfTest}): a chunk read, a block of a failed chunk read again, a turn. */
    static final int PHASE_SELF_TEST_READ = 19;
    static final int PHASE_SELF_TEST_BLOCK = 20;
    static final int PHASE_SELF_TEST_TURN = 21;
    /** SANITIZE's own task: the medium flushed so that the progress saved next is on it ({@link Sanitize}). */
    static final int PHASE_SANITIZE_CHECKPOINT = 22;
    /** COMPARE AND WRITE as one operation of the medium ({@link BlockDevice#compareAndWrite}). */
    static final int PHASE_CAW_MEDIUM = 23;
    /** A PERSISTENT RESERVE OUT, run off the loop ({@link BlockDevice#runAside}). */
    static final int PHASE_RESERVE_OUT = 24;
    /** A MODE SELECT with SP: the values saved off the loop ({@link BlockDevice#runAside}, {@link ModePages}). */
    static final int PHASE_MODE_SELECT_SAVE = 25;
    /** SANITIZE's own task: its start, progress or end saved off the loop ({@link BlockDevice#runAside}). */
    static final int PHASE_SANITIZE_SAVE = 26;

    // What VERIFY / WRITE AND VERIFY compare the read-back with (BYTCHK, SBC-3 5.33): nothing, the Data-Out, or
    // the one Data-Out block with each block.
    static final int VERIFY_MEDIUM = 0;
    static final int VERIFY_COMPARE = 1;
    static final int VERIFY_COMPARE_ONE_BLOCK = 3;

    private static final int ERRNO_ENOSPC = 28;
    /**
     * The backstore was fenced off its storage (an RBD client blocklisted when another gateway took the image's lock
     * over): this path can no longer reach the medium.
     */
    private static final int ERRNO_ESHUTDOWN = 108;
    /** The backstore's storage is gone (an rbd snapshot removed while served). */
    private static final int ERRNO_ENOMEDIUM = 123;
    /**
     * The storage did not answer in time (an RBD gateway's cluster past rados_osd_op_timeout): the logical unit is
     * busy, not the blocks bad.
     */
    private static final int ERRNO_ETIMEDOUT = 110;
    /** {@link BlockDevice#compareAndWrite}: the medium differed from the compare data. */
    private static final int ERRNO_EILSEQ = 84;

    private final LogicalUnit lu;
    private final int blockSize;
    private final RangeLocks rangeLocks = new RangeLocks();
    private final AtomicLong ioErrors = new AtomicLong();
    /** Commands answered MEDIUM ERROR (the error counter log pages, {@link LogPages}); error paths only. */
    private final AtomicLong readMediumErrors = new AtomicLong();
    private final AtomicLong writeMediumErrors = new AtomicLong();
    private final AtomicLong cawBusy = new AtomicLong();

    MediaSteps(final LogicalUnit lu, final int blockSize)
    {
        this.lu = lu;
        this.blockSize = blockSize;
    }

    long ioErrorCount()
    {
        return ioErrors.get();
    }

    long readMediumErrorCount()
    {
        return readMediumErrors.get();
    }

    long writeMediumErrorCount()
    {
        return writeMediumErrors.get();
    }

    long busyCount()
    {
        return cawBusy.get();
    }

    long queuedCount()
    {
        return rangeLocks.queuedCount();
    }

    void onIoComplete(final ScsiTask t, final int result)
    {
        switch (t.phase)
        {
            case PHASE_READ:
                if (result == t.ioLength)
                {
                    t.dataInLength(result);
                }
                else
                {
                    ioError(t, result, false);
                }
                completeSingleStep(t);
                return;
            case PHASE_WRITE:
                if (result != t.ioLength)
                {
                    ioError(t, result, true);
                }
                else
                {
                    lu.writeCompleted(t);   // the soft threshold's turn, at most once a second
                }
                completeSingleStep(t);
                return;
            case PHASE_FLUSH:
                if (result < 0)
                {
                    ioError(t, result, true);
                }
                completeSingleStep(t);
                return;
            case PHASE_RESERVE_OUT:
            case PHASE_MODE_SELECT_SAVE:
                // Its outcome, or why the device could not run it: closing (NOT READY, as a fenced path), or its
                // thread's last guard (INTERNAL TARGET FAILURE: not a medium error).
                if (t.aborted())
                {
                    if (t.phase == PHASE_MODE_SELECT_SAVE && result >= 0)
                    {
                        lu.modeParametersSaved(t, true); // its change stands: the other nexuses hear of it
                    }
                    completeSingleStep(t);
                }
                else if (result == -ERRNO_ESHUTDOWN)
                {
                    ioError(t, result, true);
                    t.complete();
                }
                else if (result < 0)
                {
                    Responses.internalTargetFailure(t);
                }
                else if (t.phase == PHASE_RESERVE_OUT)
                {
                    ReserveOutOutcome.respond(t, t.asideOutcome);
                }
                else
                {
                    lu.modeParametersSaved(t, false);
                }
                return;
            default:
                stepResult(t, result);
                if (t.inSubmit)
                {
                    t.syncCompleted = true; // runSteps, further up this stack, continues: no recursion
                    return;
                }
                run(t);
        }
    }

    private static void completeSingleStep(final ScsiTask t)
    {
        if (t.aborted())
        {
            t.status(ScsiStatus.TASK_ABORTED); // aborted while its I/O was in flight (SAM-5 5.6)
        }
        t.complete();
    }

    /**
     * Drives a multi-step command: issues one backstore call per turn. Calls that complete synchronously are
     * continued by this loop rather than by recursion.
     */
    void run(final ScsiTask t)
    {
        while (true)
        {
            if (!t.finished && t.aborted())
            {
                t.status(ScsiStatus.TASK_ABORTED);
                t.finished = true;
            }
            if (t.finished)
            {
                // COMPARE AND WRITE / ORWRITE: the range is free before the initiator hears the status.
                final boolean released = releaseRangeLock(t);
                t.complete();
                if (released)
                {
                    resumeWaiters(t);
                }
                return;
            }
            t.inSubmit = true;
            t.syncCompleted = false;
            issueStep(t);
            t.inSubmit = false;
            if (!t.syncCompleted)
            {
                return;
            }
        }
    }

    private void issueStep(final ScsiTask t)
    {
        final BlockDevice device = t.device();
        switch (t.phase)
        {
            case PHASE_VERIFY_READ:
            {
                final int chunk = (int)Math.min(ScsiTask.SCRATCH_SIZE / blockSize * blockSize,
                    t.bytesTotal - t.bytesDone);
                t.ioLength = chunk;
                device.readForUpdate(t, t.mediumOffset + t.bytesDone, t.scratch(), chunk);
                break;
            }
            case PHASE_WAV_WRITE:
                device.write(t, t.mediumOffset, t.dataBuffer(), t.ioLength, true);
                break;
            case PHASE_CAW_READ:
                // Atomic on the medium where it can be (other gateways of an RBD image write it too); else read,
                // compare and write under this process's range lock, the read made once this process's writes
                // exclude other processes' (readForUpdate: an RBD image's lock).
                t.phase = PHASE_CAW_MEDIUM;
                if (!device.compareAndWrite(t, t.mediumOffset, t.dataBuffer(), t.ioLength, t.fua))
                {
                    t.phase = PHASE_CAW_READ;
                    device.readForUpdate(t, t.mediumOffset, t.scratch(), t.ioLength);
                }
                break;
            case PHASE_ORW_READ:
            {
                final int chunk = (int)Math.min(ScsiTask.SCRATCH_SIZE / blockSize * blockSize,
                    t.bytesTotal - t.bytesDone);
                t.ioLength = chunk;
                device.read(t, t.mediumOffset + t.bytesDone, t.scratch(), chunk);
                break;
            }
            case PHASE_ORW_WRITE:
                device.write(t, t.mediumOffset + t.bytesDone, t.scratch(), t.ioLength, t.fua);
                break;
            case PHASE_CAW_WRITE:
                device.write(t, t.mediumOffset, t.scratch(), t.ioLength, t.fua);
                break;
            case PHASE_WS_WRITE:
            {
                final int chunk = (int)Math.min(ScsiTask.SCRATCH_SIZE / blockSize * blockSize,
                    t.bytesTotal - t.bytesDone);
                t.ioLength = chunk;
                device.write(t, t.mediumOffset + t.bytesDone, t.scratch(), chunk, t.fua);
                break;
            }
            case PHASE_WS_UNMAP:
                device.unmap(t, t.mediumOffset, t.bytesTotal);
                break;
            case PHASE_XCOPY_READ:
            case PHASE_XCOPY_WRITE:
                ExtendedCopy.issueStep(t);
                break;
            case PHASE_SANITIZE_WRITE:
            case PHASE_SANITIZE_ERASE:
            case PHASE_SANITIZE_FLUSH:
            case PHASE_SANITIZE_TURN:
            case PHASE_SANITIZE_CHECKPOINT:
            case PHASE_SANITIZE_SAVE:
                lu.sanitize().issueStep(t);
                break;
            case PHASE_SELF_TEST_READ:
            case PHASE_SELF_TEST_BLOCK:
            case PHASE_SELF_TEST_TURN:
                lu.selfTest().issueStep(t);
                break;
            case PHASE_UNMAP:
            {
                final int o = 8 + 16 * t.unmapDescriptor;
                final MemorySegment p = t.dataBuffer();
                device.unmap(t, Bytes.u64(p, o) * blockSize, Bytes.u32(p, o + 8) * blockSize);
                break;
            }
            default:
                throw new IllegalStateException("phase " + t.phase);
        }
    }

    /**
     * Moves to the next UNMAP block descriptor with blocks to deallocate (a zero-length one is no request, and
     * fallocate would refuse it); marks the command done after the last.
     */
    static void skipEmptyDescriptors(final ScsiTask t)
    {
        final MemorySegment p = t.dataBuffer();
        while (t.unmapDescriptor < t.unmapDescriptorCount && Bytes.u32(p, 8 + 16 * t.unmapDescriptor + 8) == 0)
        {
            t.unmapDescriptor++;
        }
        t.finished = t.unmapDescriptor >= t.unmapDescriptorCount;
    }

    private void stepResult(final ScsiTask t, final int result)
    {
        switch (t.phase)
        {
            case PHASE_VERIFY_READ:
            {
                if (result != t.ioLength)
                {
                    failStep(t, result, false);
                    return;
                }
                final long mismatch = compareVerify(t, result);
                if (mismatch >= 0)
                {
                    // SBC-3 5.33: MISCOMPARE, INFORMATION = offset of the first differing byte in the Data-Out.
                    t.checkCondition(SenseKey.MISCOMPARE, Asc.MISCOMPARE_DURING_VERIFY, true, mismatch, 0);
                    t.finished = true;
                    return;
                }
                t.bytesDone += result;
                t.finished = t.bytesDone >= t.bytesTotal;
                break;
            }
            case PHASE_WAV_WRITE:
                if (result != t.ioLength)
                {
                    failStep(t, result, true);
                    return;
                }
                if (t.byteCheck == VERIFY_COMPARE)
                {
                    t.phase = PHASE_VERIFY_READ;
                }
                else
                {
                    t.finished = true;
                }
                break;
            case PHASE_CAW_READ:
            {
                if (result != t.ioLength)
                {
                    failStep(t, result, false);
                    return;
                }
                final MemorySegment data = t.dataBuffer();
                final long mismatch = MemorySegment.mismatch(t.scratch(), 0, result, data, 0, result);
                if (mismatch >= 0)
                {
                    // SBC-3 5.2: INFORMATION = offset from the start of the Data-Out buffer.
                    t.checkCondition(SenseKey.MISCOMPARE, Asc.MISCOMPARE_DURING_VERIFY, true, mismatch, 0);
                    t.finished = true;
                    return;
                }
                MemorySegment.copy(data, result, t.scratch(), 0, result);
                t.phase = PHASE_CAW_WRITE;
                break;
            }
            case PHASE_CAW_WRITE:
                if (result != t.ioLength)
                {
                    failStep(t, result, true);
                    return;
                }
                t.finished = true;
                break;
            case PHASE_CAW_MEDIUM:
                if (result == -ERRNO_EILSEQ)
                {
                    t.checkCondition(SenseKey.MISCOMPARE, Asc.MISCOMPARE_DURING_VERIFY, true, t.miscompareOffset, 0);
                    t.finished = true;
                    return;
                }
                if (result != t.ioLength)
                {
                    failStep(t, result, true);
                    return;
                }
                t.finished = true;
                break;
            case PHASE_ORW_READ:
            {
                if (result != t.ioLength)
                {
                    failStep(t, result, false);
                    return;
                }
                // SBC-3 5.8: medium OR Data-Out, a long at a time (lengths are whole blocks).
                final MemorySegment scratch = t.scratch();
                final MemorySegment data = t.dataBuffer();
                final long base = t.bytesDone;
                for (int o = 0; o < result; o += 8)
                {
                    scratch.set(ValueLayout.JAVA_LONG_UNALIGNED, o,
                        scratch.get(ValueLayout.JAVA_LONG_UNALIGNED, o) |
                        data.get(ValueLayout.JAVA_LONG_UNALIGNED, base + o));
                }
                t.phase = PHASE_ORW_WRITE;
                break;
            }
            case PHASE_ORW_WRITE:
                if (result != t.ioLength)
                {
                    failStep(t, result, true);
                    return;
                }
                t.bytesDone += result;
                t.phase = PHASE_ORW_READ;
                t.finished = t.bytesDone >= t.bytesTotal;
                break;
            case PHASE_WS_WRITE:
                if (result != t.ioLength)
                {
                    failStep(t, result, true);
                    return;
                }
                t.bytesDone += result;
                t.finished = t.bytesDone >= t.bytesTotal;
                break;
            case PHASE_WS_UNMAP:
                if (result < 0)
                {
                    failStep(t, result, true);
                    return;
                }
                t.finished = true;
                break;
            case PHASE_XCOPY_READ:
            case PHASE_XCOPY_WRITE:
                if (!ExtendedCopy.stepResult(t, result))
                {
                    ioErrors.incrementAndGet();
                }
                break;
            case PHASE_SANITIZE_WRITE:
            case PHASE_SANITIZE_ERASE:
            case PHASE_SANITIZE_FLUSH:
            case PHASE_SANITIZE_TURN:
            case PHASE_SANITIZE_CHECKPOINT:
            case PHASE_SANITIZE_SAVE:
                if (!lu.sanitize().stepResult(t, result))
                {
                    ioErrors.incrementAndGet();
                }
                break;
            case PHASE_SELF_TEST_READ:
            case PHASE_SELF_TEST_BLOCK:
            case PHASE_SELF_TEST_TURN:
                if (!lu.selfTest().stepResult(t, result))
                {
                    ioErrors.incrementAndGet();
                }
                break;
            case PHASE_UNMAP:
                if (result < 0)
                {
                    failStep(t, result, true);
                    return;
                }
                t.unmapDescriptor++;
                skipEmptyDescriptors(t);
                break;
            default:
                throw new IllegalStateException("completion in phase " + t.phase);
        }
    }

    private long compareVerify(final ScsiTask t, final int length)
    {
        final MemorySegment scratch = t.scratch();
        final MemorySegment data = t.dataBuffer();
        if (t.byteCheck == VERIFY_COMPARE)
        {
            final long m = MemorySegment.mismatch(scratch, 0, length, data, t.bytesDone, t.bytesDone + length);
            return m < 0 ? -1 : t.bytesDone + m;
        }
        if (t.byteCheck == VERIFY_COMPARE_ONE_BLOCK)
        {
            for (int o = 0; o < length; o += blockSize)
            {
                final long m = MemorySegment.mismatch(scratch, o, o + blockSize, data, 0, blockSize);
                if (m >= 0)
                {
                    return m; // offset within the single Data-Out block
                }
            }
        }
        return -1;
    }

    private void failStep(final ScsiTask t, final int result, final boolean write)
    {
        ioError(t, result, write);
        t.finished = true;
    }

    private void ioError(final ScsiTask t, final int result, final boolean write)
    {
        ioErrors.incrementAndGet();
        if (result == -ERRNO_ENOSPC)
        {
            // SBC-3 4.7.3.7: a thin backstore out of space.
            t.checkCondition(SenseKey.DATA_PROTECT, Asc.SPACE_ALLOCATION_FAILED_WRITE_PROTECT);
        }
        else if (result == -ERRNO_ESHUTDOWN)
        {
            // SPC-4 5.15.2.4.5: the logical unit is not accessible through this port any more. A path error for
            // multipath (Linux fails the path and retries on another), where MEDIUM ERROR would fail the I/O.
            t.checkCondition(SenseKey.NOT_READY, Asc.TARGET_PORT_IN_UNAVAILABLE_STATE);
        }
        else if (result == -ERRNO_ENOMEDIUM)
        {
            // SPC-4 4.5.6: the medium is not there any more; not a MEDIUM ERROR of blocks that are.
            t.checkCondition(SenseKey.NOT_READY, Asc.MEDIUM_NOT_PRESENT);
        }
        else if (result == -ERRNO_ETIMEDOUT)
        {
            // SAM-5 5.3.1: BUSY, the logical unit cannot take the command now: the initiator sends it again (Linux
            // within the command's time budget), where MEDIUM ERROR would fail the I/O and make a file system
            // read-only for a cluster that was slow for a moment.
            t.status(ScsiStatus.BUSY);
        }
        else
        {
            // Negative errno or a short transfer the backstore could not finish.
            (write ? writeMediumErrors : readMediumErrors).incrementAndGet();
            lu.mediumErrorCounted(t.device());
            t.checkCondition(SenseKey.MEDIUM_ERROR, write ? Asc.WRITE_ERROR : Asc.UNRECOVERED_READ_ERROR);
        }
    }

    /**
     * Start a COMPARE AND WRITE / ORWRITE under its range lock ({@link RangeLocks}): now, later (queued behind
     * a command of this loop), or BUSY.
     */
    void startLocked(final ScsiTask t, final long lba, final long blocks)
    {
        final int slot = rangeLocks.lock(t, lba, lba + blocks);
        if (slot == RangeLocks.QUEUED)
        {
            return; // started by resumeWaiters when the range frees up
        }
        if (slot < 0)
        {
            busy(t);
            return;
        }
        t.rangeLockSlot = slot;
        run(t);
    }

    private void busy(final ScsiTask t)
    {
        cawBusy.incrementAndGet();
        t.status(ScsiStatus.BUSY);
        t.complete();
    }

    /**
     * Frees the range a COMPARE AND WRITE / ORWRITE holds, if it holds one.
     *
     * @return true when it did: waiters may now go ({@link #resumeWaiters(ScsiTask)}).
     */
    boolean releaseRangeLock(final ScsiTask t)
    {
        final int slot = t.rangeLockSlot;
        if (slot == ScsiTask.NO_RANGE_LOCK)
        {
            return false;
        }
        t.rangeLockSlot = ScsiTask.NO_RANGE_LOCK;
        rangeLocks.unlock(slot);
        return true;
    }

    /**
     * Start (or answer BUSY) this loop's waiters that the range just released lets go, oldest first. Each one
     * runs in its own fault boundary ({@link LogicalUnit}); {@code releaser} is the task that freed the range.
     */
    void resumeWaiters(final ScsiTask releaser)
    {
        ScsiTask next;
        while ((next = rangeLocks.nextResumable()) != null)
        {
            lu.resumeWaiter(releaser, next);
        }
    }

    /** A waiter's turn: BUSY when {@link RangeLocks} could not give it its range, else its steps. */
    void resume(final ScsiTask waiter)
    {
        if (waiter.rangeLockSlot == ScsiTask.NO_RANGE_LOCK)
        {
            busy(waiter);
        }
        else
        {
            run(waiter);
        }
    }
}
