package io.ringtarget.scsi;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The state files of one logical unit under the server's state directory, each kept by the part of the logical unit
 * it belongs to: the APTPL state ({@link PersistentReservations}), a sanitize or format operation ({@link Sanitize}),
 * the self-test log ({@link SelfTest}), the saved mode parameters ({@link ModePages}) and the error counters
 * ({@link LogPages}). The server points them at its directory before the logical unit serves, which loads what a
 * previous run saved, and names them in its log; {@link #saveUnsavedState} saves what waits at a clean stop. Without a
 * state directory nothing is kept, and what needs one is refused (APTPL, MODE SELECT's SP).
 */
public final class LogicalUnitStateFiles
{
    private final String serial;
    private final PersistentReservations persistentReservations;
    private final Sanitize sanitize;
    private final SelfTest selfTest;
    private final ModePages modePages;
    private final LogPages logPages;

    LogicalUnitStateFiles(
        final String serial,
        final PersistentReservations persistentReservations,
        final Sanitize sanitize,
        final SelfTest selfTest,
        final ModePages modePages,
        final LogPages logPages)
    {
        this.serial = serial;
        this.persistentReservations = persistentReservations;
        this.sanitize = sanitize;
        this.selfTest = selfTest;
        this.modePages = modePages;
        this.logPages = logPages;
    }

    /**
     * Offers APTPL (SPC-4 5.12.5, PTPL_C=1): when an initiator registers with APTPL=1 the persistent reservation state
     * is written durably to {@code <stateDirectory>/persistent-reservations/<serial>.pr} (off the loop that received
     * the PERSISTENT RESERVE OUT, on its device's aside thread, before it completes), and this call loads what a
     * previous run left there. Without this call APTPL=1 is refused (INVALID FIELD IN PARAMETER LIST) and nothing is
     * written. Call once, before the logical unit serves. Two logical units must not share a serial and a directory.
     *
     * @param stateDirectory the server's state directory (the configuration's, /var/lib/ringtarget by default).
     * @throws PersistentReservationStateException when the file exists but is torn, corrupt, of another version or
     *                                             of another serial: nothing was loaded, the file is left as it is.
     */
    public LogicalUnitStateFiles persistentReservationDirectory(final Path stateDirectory)
        throws PersistentReservationStateException
    {
        persistentReservations.persistIn(Objects.requireNonNull(stateDirectory, "stateDirectory"),
            serial);
        return this;
    }

    /**
     * Keeps a sanitize or format operation across a restart (SBC-4 4.11.2, 5.3): saved to {@code
     * <stateDirectory>/medium-operations/<serial>.op} when it begins (before the first block), as failed when it fails,
     * removed when it completes, and its progress saved every few seconds (after a flush); each but the failure off the
     * loop, on its device's aside thread ({@link BlockDevice#runAside}). This call loads what a previous run left
     * there: the logical unit comes back in the failure mode, or with the operation in progress, which the first
     * command that reaches the logical unit sets going again from its saved progress (from the first block when the
     * logical unit's size changed). Call once, before the logical unit serves.
     *
     * @throws MediumOperationStateException when the file exists but is torn, corrupt, of another version or of
     *                                       another serial: nothing was loaded, the file is left as it is.
     */
    public LogicalUnitStateFiles mediumOperationDirectory(final Path stateDirectory)
        throws MediumOperationStateException
    {
        sanitize.persistIn(Objects.requireNonNull(stateDirectory, "stateDirectory"), serial);
        return this;
    }

    /**
     * Keeps the self-test log (the Self-Test Results log page, SPC-4 7.3.16) and the read rate behind EXTENDED
     * SELF-TEST COMPLETION TIME across a restart: {@code <stateDirectory>/self-tests/<serial>.log}, saved when a short
     * or extended self-test starts and ends (off the loop, on its device's aside thread: {@link
     * BlockDevice#saveAside}). This call loads what a previous run saved (a test it cut short comes back "aborted by
     * another method"). Call once, before the logical unit serves.
     *
     * @throws SelfTestLogStateException when the file exists but is torn, corrupt, of another version or of another
     *                                   serial: nothing was loaded, the file is left as it is.
     */
    public LogicalUnitStateFiles selfTestLogDirectory(final Path stateDirectory) throws SelfTestLogStateException
    {
        selfTest.results().persistIn(Objects.requireNonNull(stateDirectory, "stateDirectory"), serial);
        return this;
    }

    /**
     * Keeps the mode parameters a MODE SELECT with the SP bit saves (SPC-4 6.9: WCE, D_SENSE, SWP) across a restart:
     * {@code <stateDirectory>/mode-parameters/<serial>.mode}, before the MODE SELECT completes, off its loop (on its
     * device's aside thread). This call makes what a previous run saved the current values, except a saved WCE when
     * {@link LogicalUnit#writeCacheEnabled(boolean)} (call it first) changed since: the configuration's newer choice
     * wins. Without this call SP is refused (INVALID FIELD IN CDB). Call once, before the logical unit serves.
     *
     * @return what was loaded that differs from the defaults, in words for the log; null when nothing does.
     * @throws ModeParameterStateException when the file exists but is torn, corrupt, of another version or of another
     *                                     serial: nothing was loaded, the file is left as it is.
     */
    public String modeParameterDirectory(final Path stateDirectory) throws ModeParameterStateException
    {
        return modePages.persistIn(Objects.requireNonNull(stateDirectory, "stateDirectory"), serial);
    }

    /** The saved mode parameters' file, or null without {@link #modeParameterDirectory(Path)}. */
    public Path modeParameterFile()
    {
        return modePages.stateFile();
    }

    /**
     * Keeps the error counters (TOTAL UNCORRECTED ERRORS of the Read and Write Error Counter log pages, behind the
     * Informational Exceptions page's failure prediction) across a restart, as a disk keeps them: {@code
     * <stateDirectory>/error-counters/<serial>.counters}, saved at most once a second as medium errors are counted, and
     * when a LOG SELECT resets them, off the loops (on the device's aside thread: a failing disk may hold the state
     * directory too). This call takes back what a previous run saved. Call once, before the logical unit serves.
     *
     * @return the read and write errors a previous run counted since the last reset, {@code {read, write}}; null
     * when none were saved.
     * @throws ErrorCounterStateException when the file exists but is torn, corrupt, of another version or of another
     *                                    serial: nothing was loaded, the file is left as it is.
     */
    public long[] errorCounterDirectory(final Path stateDirectory) throws ErrorCounterStateException
    {
        final ErrorCounterStore.Counts saved =
            logPages.persistIn(Objects.requireNonNull(stateDirectory, "stateDirectory"), serial);
        return saved == null ? null : new long[] {saved.readErrors(), saved.writeErrors()};
    }

    /** The saved error counters' file, or null without {@link #errorCounterDirectory(Path)}. */
    public Path errorCounterFile()
    {
        return logPages.stateFile();
    }

    /**
     * Saves what waits to be saved in the state directory: the error counters counted within the last second. At a
     * clean stop, once the event loops stopped; an error is reported, not thrown.
     */
    public void saveUnsavedState()
    {
        logPages.saveIfUnsaved();
    }

    /** How seldom a medium error saves the error counters (tests). Before the logical unit serves. */
    void errorCounterSaveInterval(final long nanos)
    {
        logPages.saveInterval(nanos);
    }

    /** The saved self-test log's file, or null without {@link #selfTestLogDirectory(Path)}. */
    public Path selfTestLogFile()
    {
        return selfTest.results().file();
    }

    /**
     * Where a sanitize or format operation loaded by {@link #mediumOperationDirectory} goes on, in 65536ths of it (0:
     * from its first block); -1 when none waits to go on.
     */
    public int mediumOperationResumeProgress()
    {
        return sanitize.resumeProgress();
    }

    /** The saved sanitize or format operation's file, or null without {@link #mediumOperationDirectory(Path)}. */
    public Path mediumOperationFile()
    {
        return sanitize.stateFile();
    }

    /** The APTPL state file, or null without {@link #persistentReservationDirectory(Path)}. */
    public Path persistentReservationFile()
    {
        return persistentReservations.stateFile();
    }
}
