package io.ringtarget.scsi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SANITIZE of one logical unit (SBC-4 4.11 "sanitize operations"; the command's CDB and parameter list are
 * {@link SanitizeCommand}'s): OVERWRITE writes an
 * initialization pattern over every logical block, as many passes as asked (inverted between passes with INVERT);
 * BLOCK ERASE deallocates every block (a logical unit whose deallocated blocks read back as zeros only: a punched
 * file, a device's WRITE ZEROES, zeroed RAM); EXIT FAILURE MODE leaves the failure mode of an operation that failed
 * with AUSE set. CRYPTOGRAPHIC ERASE is not supported (nothing here is encrypted).
 * <p>
 * The operation is the logical unit's, not the command's: it runs on the event loop of the SANITIZE that started it,
 * through that loop's handle of the backstore, as a task of its own ({@link #runner}), a chunk per step, so a
 * task management function, a closed connection or IMMED=1 (status at once) do not stop it, as 4.11 asks. A
 * SANITIZE with IMMED=0 waits for the end; aborted meanwhile, it ends at the next step and the operation goes on.
 * While it runs, every command of every I_T nexus but INQUIRY, REPORT LUNS and REQUEST SENSE is refused with NOT
 * READY, SANITIZE IN PROGRESS and a progress indication ({@link LogicalUnit} checks {@link #state()} first); after
 * one that failed, with MEDIUM ERROR, SANITIZE COMMAND FAILED, until a SANITIZE succeeds or EXIT FAILURE MODE.
 * FORMAT UNIT's format operation ({@link #format}) is the same operation, one pass of zeros or of its initialization
 * pattern (or a block erase where it reads back as zeros), with format's states and sense codes.
 * <p>
 * Steps of a backstore that completes before returning (RAM) give the loop's other work a turn between them
 * ({@link BlockDevice#continueLater}): a RAM LUN of gigabytes does not hold its loop for seconds.
 * <p>
 * With a state directory ({@link #persistIn}) the operation survives a restart ({@link MediumOperationStore}): saved
 * when it begins, with its progress every {@link #CHECKPOINT_INTERVAL_NANOS} (after a flush, so the blocks it counts
 * are on the medium), as failed when it fails, removed when it completes. The saves of a running operation are steps of
 * it run off the loop ({@link MediaSteps#PHASE_SANITIZE_SAVE}, on the device's aside thread: the state directory's
 * fsync holds no other session of the loop), so the operation writes no block before its start is saved, and a SANITIZE
 * with IMMED is answered once it is; the failure mode's save, and its removal by EXIT FAILURE MODE, go to the same
 * thread ({@link BlockDevice#saveAside}) without being waited for (a crash before one is made finds the state saved
 * before it: the last progress of the operation, or its failure mode). After a restart the logical unit comes back in
 * the saved state; an operation that was running goes on from its last saved progress (from the first block when the
 * logical unit's size changed) when the first command reaches the logical unit (on that command's loop and backstore
 * handle: SBC-4 4.11.2 resumes it after a power on).
 */
final class Sanitize implements ScsiTaskListener
{
    static final int IDLE = 0;
    static final int IN_PROGRESS = 1;
    static final int FAILED = 2;
    /** A FORMAT UNIT's operation in progress ({@link FormatUnit}): NOT READY, FORMAT IN PROGRESS. */
    static final int FORMATTING = 3;
    /** A FORMAT UNIT's operation failed: MEDIUM ERROR, MEDIUM FORMAT CORRUPTED until a format or sanitize completes. */
    static final int FORMAT_CORRUPTED = 4;

    /** Bytes of one overwrite write: a step whose end is where an abort of the SANITIZE is seen. */
    static final int WRITE_CHUNK_BYTES = 1 << 20;
    /**
     * Bytes deallocated by one block-erase step (fallocate, WRITE ZEROES, RAM zeroing): small enough that a device
     * which zeroes by writing (100 MB/s) ends a step, where an aborted SANITIZE is answered, within seconds, well
     * inside open-iscsi's 15 s abort timeout.
     */
    static final long ERASE_CHUNK_BYTES = 256L << 20;
    /** The progress indication counts in 65536ths (SPC-4 4.5.2.4.3). */
    private static final int PROGRESS_ONE = 1 << 16;
    /**
     * How often a running operation's progress is saved (a flush of the backstore, then the state file: a few ms on
     * its loop): a restart repeats at most this much of it.
     */
    static final long CHECKPOINT_INTERVAL_NANOS = 5_000_000_000L;

    private final LogicalUnit lu;
    private final int blockSize;
    private final AtomicInteger state = new AtomicInteger(IDLE);
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    /** Of the operation in progress, in 65536ths; read by REQUEST SENSE and refused commands on any loop. */
    private volatile int progress;
    /** The failed operation had AUSE set: EXIT FAILURE MODE may leave the failure mode (SBC-4 4.11.3). */
    private volatile boolean unrestrictedExit;
    /** Where the operation is kept across a restart; null: nowhere (no state directory). */
    private volatile MediumOperationStore store;
    /** An operation loaded by {@link #persistIn} that was running: the first command to come starts it again. */
    private final AtomicBoolean resumePending = new AtomicBoolean();
    /** Where the loaded operation resumes: its bytes done, valid at {@link #resumeCapacity} bytes of medium. */
    private long resumeDone;
    private long resumeCapacity;
    private long checkpointIntervalNanos = CHECKPOINT_INTERVAL_NANOS;
    private long lastCheckpointNanos;

    // The operation in progress: written by the loop that won the IN_PROGRESS state, before it ran a step, and by no
    // other until the state leaves IN_PROGRESS.
    private final ScsiTask runner = new ScsiTask();
    /** What OVERWRITE or a format writes over every block, and how many times. */
    private final OverwritePattern pattern;
    /** The SANITIZE with IMMED=0 waiting for the end, or with IMMED=1 for the operation's start to be saved; null. */
    private ScsiTask waiter;
    /** The waiter has IMMED: it is answered GOOD once the start is saved. */
    private boolean answerWhenSaved;
    /** {@link #saveStep}, as the device's aside thread takes it (made once). */
    private final BlockDevice.AsideWork saveWork = this::saveStep;
    private boolean eraseOperation;
    private boolean formatOperation;
    private boolean ause;
    private long capacity;
    private long startNanos;

    Sanitize(final LogicalUnit lu, final int blockSize)
    {
        this.lu = lu;
        this.blockSize = blockSize;
        this.pattern = new OverwritePattern(blockSize, WRITE_CHUNK_BYTES);
        runner.listener(this);
    }

    /**
     * Keeps the operation under {@code stateDirectory} from now on, and takes back what a previous run left there:
     * the failure mode, or an operation to start again ({@link #resumeIfPending}). Before the logical unit serves.
     */
    void persistIn(final Path stateDirectory, final String serial) throws MediumOperationStateException
    {
        final MediumOperationStore s = new MediumOperationStore(stateDirectory, serial);
        final MediumOperationStore.Operation saved = s.load();
        if (saved != null)
        {
            formatOperation = saved.format();
            eraseOperation = saved.erase();
            ause = saved.unrestricted();
            unrestrictedExit = saved.unrestricted();
            pattern.restore(saved.invert(), saved.passes(), saved.pattern());
            if (saved.running())
            {
                resumeCapacity = saved.capacity();
                resumeDone = saved.capacity() == lu.blockCount() * blockSize ? saved.done() : 0;
                progress = progressOf(resumeDone, saved.total());
                state.set(saved.format() ? FORMATTING : IN_PROGRESS);
                resumePending.set(true);
            }
            else
            {
                state.set(saved.format() ? FORMAT_CORRUPTED : FAILED);
            }
        }
        store = s;
    }

    /** Saves a running operation's progress this often (tests: every step with 0). Before the logical unit serves. */
    void checkpointInterval(final long nanos)
    {
        checkpointIntervalNanos = nanos;
    }

    /**
     * Where an operation loaded from the state file resumes, in 65536ths of it: 0 when it starts again from its first
     * block (none saved, or the logical unit's size changed since); -1 when none is pending.
     */
    int resumeProgress()
    {
        return resumePending.get() ? progress : -1;
    }

    /** The state file, or null without a state directory. */
    Path stateFile()
    {
        final MediumOperationStore s = store;
        return s == null ? null : s.file();
    }

    /**
     * A command reached the logical unit while its state is in progress: when that operation was loaded from the
     * state file and no loop has started it yet, it goes on on this command's loop from its saved progress (the
     * command itself then goes on as any command does meanwhile).
     */
    void resumeIfPending(final ScsiTask t)
    {
        if (resumePending.get() && t.device() != null && resumePending.compareAndSet(true, false))
        {
            final int resumedAt = progress;
            final ScsiTask r = prepareRunner(t);
            final boolean fromSaved = resumeDone > 0 && resumeCapacity == capacity;
            if (!eraseOperation)
            {
                pattern.layOut(fromSaved ? resumeDone / capacity : 0);   // that pass's: they alternate with INVERT
            }
            if (fromSaved)
            {
                r.bytesDone = resumeDone;
                progress = resumedAt;
            }
            lu.mediumEvents().operationResumed(describe(), progress * 100 / PROGRESS_ONE);
            lu.runSteps(r);
            t.deferListenerFailure(r.takeListenerFailure());
        }
    }

    /** {@link #IDLE}, {@link #IN_PROGRESS}, {@link #FAILED}, {@link #FORMATTING} or {@link #FORMAT_CORRUPTED}. */
    int state()
    {
        return state.get();
    }

    /** Of the operation in progress, in 65536ths. */
    int progress()
    {
        return progress;
    }

    long completedCount()
    {
        return completed.get();
    }

    long failureCount()
    {
        return failures.get();
    }

    /**
     * A command {@link OpcodeTable#allowedWhileSanitizing} does not let through: NOT READY, SANITIZE IN PROGRESS
     * with the progress, or MEDIUM ERROR, SANITIZE COMMAND FAILED.
     */
    void refuse(final ScsiTask t, final int current)
    {
        senseOf(t, current);
        t.complete();
    }

    private void senseOf(final ScsiTask t, final int current)
    {
        if (current == IN_PROGRESS || current == FORMATTING)
        {
            t.checkCondition(SenseKey.NOT_READY, inProgressAsc(current), false, 0, progressIndication());
        }
        else
        {
            t.checkCondition(SenseKey.MEDIUM_ERROR, failedAsc(current));
        }
    }

    private static int inProgressAsc(final int current)
    {
        return current == FORMATTING ? Asc.FORMAT_IN_PROGRESS : Asc.SANITIZE_IN_PROGRESS;
    }

    private static int failedAsc(final int current)
    {
        return current == FORMAT_CORRUPTED ? Asc.MEDIUM_FORMAT_CORRUPTED : Asc.SANITIZE_COMMAND_FAILED;
    }

    /**
     * REQUEST SENSE's sense data for the sanitize state (SBC-4 4.11.2: it reports the progress), or -1 when idle.
     */
    int requestSense(final MemorySegment out, final boolean descriptor)
    {
        final int current = state.get();
        if (current == IDLE)
        {
            return -1;
        }
        return current == IN_PROGRESS || current == FORMATTING ?
            SenseData.write(out, descriptor, SenseKey.NOT_READY, inProgressAsc(current), false, 0,
                progressIndication()) :
            SenseData.write(out, descriptor, SenseKey.MEDIUM_ERROR, failedAsc(current), false, 0, 0);
    }

    /** Sense-key specific progress indication (SPC-4 4.5.2.4.3): SKSV and a 16-bit fraction. */
    private int progressIndication()
    {
        return 0x80_0000 | Math.min(progress, PROGRESS_ONE - 1);
    }

    /** The logical unit can BLOCK ERASE: it deallocates, and deallocated blocks read back as zeros. */
    boolean blockErase()
    {
        return lu.thinProvisioning() && lu.unmapReadsZeros();
    }

    /**
     * A SANITIZE whose CDB and parameter list length were found valid ({@link SanitizeCommand}): whether the logical
     * unit's state lets it go on. An operation in progress refuses it (one another loop began after the command passed
     * the check in {@link CommandAdmission}); after a failure in the restricted completion mode, EXIT FAILURE MODE and
     * a request for the unrestricted mode get INVALID FIELD IN CDB (SBC-4 4.11.3: only a sanitize operation that
     * completes leaves it); EXIT FAILURE MODE is done here.
     *
     * @return the state seen, to pass to {@link #begin}; -1 when the command was answered.
     */
    int admit(final ScsiTask t, final boolean exitFailureMode, final boolean unrestricted)
    {
        final int current = state.get();
        if (current == IN_PROGRESS || current == FORMATTING)
        {
            refuse(t, current);
            return -1;
        }
        if (current == FAILED && !unrestrictedExit && (exitFailureMode || unrestricted))
        {
            Responses.invalidCdb(t, 1, exitFailureMode ? 4 : 5);
            return -1;
        }
        if (exitFailureMode)
        {
            if (current == FAILED && state.compareAndSet(FAILED, IDLE) && store != null)
            {
                BlockDevice.saveAside(t.device(), this::forget); // after the failure mode's save (same thread)
            }
            Responses.good(t);
            return -1;
        }
        return current;
    }

    /**
     * Begins a sanitize operation, unless another loop's began since {@link #admit} saw {@code seen}: a block erase, or
     * an overwrite of {@code passes} passes of the pattern of {@code patternLength} bytes at offset
     * {@code patternOffset} of the task's data (inverted between passes with {@code invert}).
     */
    void begin(
        final ScsiTask t, final int seen, final boolean erase, final boolean invert, final int passes,
        final int patternOffset, final int patternLength, final boolean unrestricted, final boolean immediate)
    {
        if (!state.compareAndSet(seen, IN_PROGRESS))
        {
            refuse(t, IN_PROGRESS); // another loop's SANITIZE won
            return;
        }
        // The operation's fields are this loop's from here on.
        formatOperation = false;
        if (!erase)
        {
            pattern.set(invert, passes, t.dataBuffer(), patternOffset, patternLength);
        }
        start(t, erase, unrestricted, immediate);
    }

    /**
     * FORMAT UNIT's format operation, its CDB and parameter list checked ({@link FormatUnit}): every block deallocated
     * where deallocated blocks read zeros and no pattern is given, else one pass writing zeros, or the pattern of
     * {@code patternLength} bytes at {@code patternOffset} of the task's data (repeated from the first byte of every
     * block), over every block.
     */
    void format(final ScsiTask t, final int patternOffset, final int patternLength, final boolean immediate)
    {
        final int current = state.get();
        if (current == IN_PROGRESS || current == FORMATTING || current == FAILED)
        {
            refuse(t, current); // another loop's operation began, or failed, after the check in LogicalUnit
            return;
        }
        if (!state.compareAndSet(current, FORMATTING))
        {
            refuse(t, state.get());
            return;
        }
        // The operation's fields are this loop's from here on.
        formatOperation = true;
        final boolean erase = patternLength == 0 && blockErase();
        if (!erase)
        {
            pattern.set(false, 1, t.dataBuffer(), patternOffset, patternLength);
        }
        start(t, erase, false, immediate);
    }

    private void start(final ScsiTask t, final boolean erase, final boolean unrestricted, final boolean immediate)
    {
        // A background self-test would read blocks as they are rewritten: it ends, "aborted by another method" (FORMAT
        // UNIT is one of the commands SPC-4 5.15.3.3 has abort a background self-test; a sanitize goes further).
        lu.selfTest().abortOther();
        eraseOperation = erase;
        ause = unrestricted;
        if (erase)
        {
            pattern.none();
        }
        final ScsiTask r = prepareRunner(t);
        if (null != store)
        {
            r.phase = MediaSteps.PHASE_SANITIZE_SAVE; // durably begun before its first block is written
        }
        lu.mediumEvents().operationStarted(describe(), null == t.nexus() ? null : t.nexus().initiatorPortName());
        if (immediate && null == store)
        {
            Responses.good(t); // IMMED: status once the CDB and the parameter data are checked
        }
        else
        {
            waiter = t;
            answerWhenSaved = immediate; // IMMED: and the operation's start saved (a restart then resumes it)
        }
        lu.runSteps(r);
        // A backstore that completed every step before returning ended the operation, and maybe the waiter, in
        // this frame: what the waiter's listener threw goes back through the waiter's own execute.
        t.deferListenerFailure(r.takeListenerFailure());
    }

    /**
     * The runner, set for the operation the fields describe from the first block, on {@code t}'s loop and backstore
     * handle (taken before {@code t} may be answered and reused).
     */
    private ScsiTask prepareRunner(final ScsiTask t)
    {
        capacity = lu.blockCount() * blockSize;
        progress = 0;
        startNanos = System.nanoTime();
        lastCheckpointNanos = startNanos;
        final ScsiTask r = runner;
        r.startOperationOf(lu, t);
        r.bytesTotal = eraseOperation ? capacity : capacity * pattern.passes();
        r.phase = eraseOperation ? MediaSteps.PHASE_SANITIZE_ERASE : MediaSteps.PHASE_SANITIZE_WRITE;
        return r;
    }

    /** The operation in the log's words: "SANITIZE OVERWRITE (3 passes, INVERT)", "FORMAT UNIT (deallocate)". */
    private String describe()
    {
        if (formatOperation)
        {
            final int length = pattern.bytes().length;
            return "FORMAT UNIT (" + (eraseOperation ? "deallocate" : length == 0 ? "zeros" :
                "a pattern of " + length + " bytes") + ")";
        }
        final int passes = pattern.passes();
        return eraseOperation ? "SANITIZE BLOCK ERASE" : "SANITIZE OVERWRITE (" + passes + (passes == 1 ? " pass" :
            " passes") + (pattern.invert() ? ", INVERT" : "") + ")";
    }

    /**
     * {@link MediaSteps#PHASE_SANITIZE_SAVE} on the device's aside thread: the operation's progress, or, once all of
     * it is on the medium, that there is none to come back to.
     */
    private void saveStep(final ScsiTask r)
    {
        if (r.bytesDone >= r.bytesTotal)
        {
            forget();
        }
        else
        {
            save(true, r.bytesDone);
        }
    }

    /**
     * The operation as it stands now, durably, when there is a state directory (a few ms): {@code done} bytes of it on
     * the medium.
     */
    private void save(final boolean running, final long done)
    {
        final MediumOperationStore s = store;
        if (s != null)
        {
            save(s, operation(running, done));
        }
    }

    private void save(final MediumOperationStore s, final MediumOperationStore.Operation operation)
    {
        try
        {
            s.save(operation);
        }
        catch (final IOException ex)
        {
            // The operation goes on (the medium is what was asked for); a restart before it ends would not resume it.
            lu.reportInternalError(new UncheckedIOException("sanitize/format state not saved to " + s.file(), ex));
        }
    }

    /** The operation as it stands, {@code done} bytes of it on the medium. */
    private MediumOperationStore.Operation operation(final boolean running, final long done)
    {
        return new MediumOperationStore.Operation(formatOperation, running, eraseOperation, ause, pattern.invert(),
            pattern.passes(), pattern.bytes(), lu.blockCount() * blockSize, done);
    }

    /**
     * The failure mode a restart comes back in, saved once, at the operation's end, off the loop
     * ({@link BlockDevice#saveAside}): as the operation ended, whatever begins on the logical unit before it is made.
     */
    private void saveFailureMode(final ScsiTask r)
    {
        final MediumOperationStore s = store;
        if (s != null)
        {
            final MediumOperationStore.Operation failed = operation(false, r.bytesDone);
            BlockDevice.saveAside(r.device(), () -> save(s, failed));
        }
    }

    /** Nothing to come back to after a restart: the operation completed, or its failure mode was left. */
    private void forget()
    {
        final MediumOperationStore s = store;
        if (s == null)
        {
            return;
        }
        try
        {
            s.delete();
        }
        catch (final IOException ex)
        {
            lu.reportInternalError(new UncheckedIOException("sanitize/format state " + s.file() + " not removed", ex));
        }
    }

    /** A step of the runner: one chunk written, deallocated, the closing flush, or a turn given to the loop. */
    void issueStep(final ScsiTask r)
    {
        final BlockDevice device = r.device();
        switch (r.phase)
        {
            case MediaSteps.PHASE_SANITIZE_WRITE:
            {
                final long inPass = r.bytesDone % capacity;
                final int chunk = (int)Math.min(WRITE_CHUNK_BYTES, capacity - inPass);
                r.ioLength = chunk;
                device.write(r, inPass, pattern.chunk(), chunk, false);
                break;
            }
            case MediaSteps.PHASE_SANITIZE_ERASE:
                r.ioLength = (int)Math.min(ERASE_CHUNK_BYTES, r.bytesTotal - r.bytesDone);
                device.unmap(r, r.bytesDone, r.ioLength);
                break;
            case MediaSteps.PHASE_SANITIZE_FLUSH:
            case MediaSteps.PHASE_SANITIZE_CHECKPOINT:
                device.flush(r);
                break;
            case MediaSteps.PHASE_SANITIZE_TURN:
                device.continueLater(r);
                break;
            case MediaSteps.PHASE_SANITIZE_SAVE:
                device.runAside(r, saveWork);
                break;
            default:
                throw new IllegalStateException("phase " + r.phase);
        }
    }

    /**
     * A step of the runner completed.
     *
     * @return false when it failed (the operation ends in the failure mode).
     */
    boolean stepResult(final ScsiTask r, final int result)
    {
        final boolean ok;
        switch (r.phase)
        {
            case MediaSteps.PHASE_SANITIZE_WRITE:
            case MediaSteps.PHASE_SANITIZE_ERASE:
                ok = r.phase == MediaSteps.PHASE_SANITIZE_WRITE ? result == r.ioLength : result >= 0;
                if (ok)
                {
                    chunkDone(r);
                }
                break;
            case MediaSteps.PHASE_SANITIZE_FLUSH:
                ok = result >= 0;
                if (null == store)
                {
                    r.finished = ok;
                }
                else
                {
                    r.phase = MediaSteps.PHASE_SANITIZE_SAVE; // all of it on the medium: its state file removed
                }
                break;
            case MediaSteps.PHASE_SANITIZE_TURN:
                ok = true;
                r.phase = eraseOperation ? MediaSteps.PHASE_SANITIZE_ERASE : MediaSteps.PHASE_SANITIZE_WRITE;
                break;
            case MediaSteps.PHASE_SANITIZE_CHECKPOINT:
                ok = result >= 0;
                // Flushed: every byte counted is on the medium, so a restart may go on from here.
                r.phase = MediaSteps.PHASE_SANITIZE_SAVE;
                break;
            case MediaSteps.PHASE_SANITIZE_SAVE:
                // A save that failed was reported and the operation goes on; its device closing ends it.
                ok = result >= 0;
                if (ok && r.bytesDone >= r.bytesTotal)
                {
                    r.finished = true;
                }
                else if (ok)
                {
                    lastCheckpointNanos = System.nanoTime();
                    r.phase = r.device().writesBeforeReturning() ? MediaSteps.PHASE_SANITIZE_TURN :
                        eraseOperation ? MediaSteps.PHASE_SANITIZE_ERASE : MediaSteps.PHASE_SANITIZE_WRITE;
                    answerStarted(r);
                }
                break;
            default:
                throw new IllegalStateException("completion in phase " + r.phase);
        }
        if (!ok)
        {
            r.checkCondition(SenseKey.MEDIUM_ERROR, formatOperation ? Asc.FORMAT_COMMAND_FAILED :
                Asc.SANITIZE_COMMAND_FAILED);
            r.finished = true;
        }
        final ScsiTask w = waiter;
        if (w != null && w.aborted() && !r.finished)
        {
            // The SANITIZE was aborted (task management, its connection closed): it ends, the operation does not.
            waiter = null;
            w.status(ScsiStatus.TASK_ABORTED);
            w.completeFor(r);
        }
        return ok;
    }

    /** A SANITIZE with IMMED waited for the operation's start to be saved: GOOD, unless it was aborted meanwhile. */
    private void answerStarted(final ScsiTask r)
    {
        final ScsiTask w = waiter;
        if (!answerWhenSaved || null == w || w.aborted())
        {
            return; // an aborted waiter is answered below, as one without IMMED
        }
        answerWhenSaved = false;
        waiter = null;
        w.completeFor(r);
    }

    private void chunkDone(final ScsiTask r)
    {
        final long before = r.bytesDone;
        r.bytesDone += r.ioLength;
        progress = progressOf(r.bytesDone, r.bytesTotal);
        if (r.bytesDone >= r.bytesTotal)
        {
            r.phase = MediaSteps.PHASE_SANITIZE_FLUSH;
            return;
        }
        if (!eraseOperation && before / capacity != r.bytesDone / capacity)
        {
            pattern.nextPass();
        }
        if (store != null && System.nanoTime() - lastCheckpointNanos >= checkpointIntervalNanos)
        {
            r.phase = MediaSteps.PHASE_SANITIZE_CHECKPOINT;
            return;
        }
        if (r.inSubmit && r.device().writesBeforeReturning())
        {
            r.phase = MediaSteps.PHASE_SANITIZE_TURN; // completed before returning: the loop's other work first
        }
    }

    /**
     * {@code done} of {@code total} bytes in 65536ths: in floating point, as 31 passes over a LUN of terabytes times
     * 65535 overflow a long.
     */
    static int progressOf(final long done, final long total)
    {
        return total <= 0 ? 0 : (int)((double)done / total * (PROGRESS_ONE - 1));
    }

    /** The runner ended: the operation's outcome, and the waiting SANITIZE's status. */
    public void onScsiTaskComplete(final ScsiTask r)
    {
        final boolean ok = r.status() == ScsiStatus.GOOD;
        final boolean format = formatOperation;
        if (!format)
        {
            (ok ? completed : failures).incrementAndGet();
        }
        unrestrictedExit = ause;
        progress = 0;
        final ScsiTask w = waiter;
        waiter = null;
        answerWhenSaved = false;
        if (!ok)
        {
            saveFailureMode(r);
        }
        lu.mediumEvents().operationEnded(describe(), ok, System.nanoTime() - startNanos);
        state.set(ok ? IDLE : format ? FORMAT_CORRUPTED : FAILED);
        if (w == null)
        {
            return;
        }
        if (w.aborted())
        {
            w.status(ScsiStatus.TASK_ABORTED);
        }
        else if (!ok)
        {
            w.checkCondition(SenseKey.MEDIUM_ERROR, format ? Asc.FORMAT_COMMAND_FAILED : Asc.SANITIZE_COMMAND_FAILED);
        }
        w.completeFor(r);
    }
}
