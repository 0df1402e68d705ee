package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;

/**
 * One event loop's handle of a backstore. Every call completes by calling {@link ScsiTask#onIoComplete(int)}
 * exactly once with the number of bytes transferred (or 0 for flush/unmap) or a negative errno, either before
 * the call returns (RAM) or later from the loop's completion queue (io_uring). Calls are made only on the
 * thread of the loop that opened the handle.
 * <p>
 * Offsets and lengths are in bytes; they need not be aligned (the handle bounces unaligned requests).
 * <p>
 * Errors the logical unit tells apart: -ENOSPC (a thin backstore out of space: DATA PROTECT), -ESHUTDOWN (the
 * backstore was fenced off its storage, e.g. another gateway took an RBD image over: NOT READY, LOGICAL UNIT NOT
 * ACCESSIBLE, TARGET PORT IN UNAVAILABLE STATE, so that multipath tries another path), -ENOMEDIUM (the storage is
 * gone, e.g. a served rbd snapshot was removed: NOT READY, MEDIUM NOT PRESENT) and -ETIMEDOUT (the storage did not
 * answer in time, e.g. a Ceph cluster past rados_osd_op_timeout: BUSY, which the initiator retries); any other is a
 * MEDIUM ERROR.
 */
public interface BlockDevice
{
    long blockCount();

    int blockSize();

    boolean supportsUnmap();

    /**
     * True when unmapped (punched/discarded) blocks read back as zeros (SBC-3 LBPRZ).
     */
    default boolean unmapReadsZeros()
    {
        return supportsUnmap();
    }

    boolean readOnly();

    /**
     * Whether the medium has a volatile cache that {@link #flush(ScsiTask)} empties. The logical unit's caching
     * mode page (WCE) starts from this and, when WCE is cleared by MODE SELECT, every write is sent with FUA.
     */
    boolean writeCacheEnabled();

    void read(ScsiTask task, long byteOffset, MemorySegment dst, int length);

    /**
     * A READ that the transport may answer straight from the medium's own memory ({@link ScsiTask#acceptsLentData}):
     * a device whose medium is memory (RAM) lends the range with {@link ScsiTask#lend} and completes the task like
     * {@link #read} with {@code length}, so the Data-In is sent without a copy into the task's buffer. The range is
     * lent until the transport calls {@link #lendEnded()} (its Data-In sent); concurrent writes to it may show in the
     * data sent, as they may in a read that overlaps a write on any medium (SAM-5: SIMPLE tasks are unordered).
     *
     * @return false when the device does not lend (nothing done: call {@link #read}).
     */
    default boolean lend(final ScsiTask task, final long byteOffset, final int length)
    {
        return false;
    }

    /** The transport no longer uses a range this handle lent ({@link #lend}); on this handle's loop. */
    default void lendEnded()
    {
    }

    void write(ScsiTask task, long byteOffset, MemorySegment src, int length, boolean fua);

    /**
     * A {@link #read} whose data decides a write of the same command that follows (COMPARE AND WRITE, ORWRITE; SELECT
     * FOR UPDATE, as databases say). A device whose medium other processes write too reads only once its own writes
     * exclude theirs, so that nothing of theirs lands between this read and that write: an RBD image's gateway takes
     * the image's exclusive lock first (another gateway holding it is fenced, its later writes refused by Ceph), as it
     * does for a write. The default is {@link #read}: this process is the medium's only writer.
     */
    default void readForUpdate(final ScsiTask task, final long byteOffset, final MemorySegment dst, final int length)
    {
        read(task, byteOffset, dst, length);
    }

    /**
     * Whether {@link #write} is done with its source when it returns (its medium is memory: RAM), so that a transport
     * may execute a WRITE with its data where it was received ({@link ScsiTask#receivedData}) rather than copy it
     * into a buffer of the task's first.
     */
    default boolean writesBeforeReturning()
    {
        return false;
    }

    /**
     * {@link #write} from {@code srcOffset} of {@code src}. A device that {@link #writesBeforeReturning} overrides it;
     * the default takes a slice (an allocation, on a path transports do not take for such devices).
     */
    default void write(
        final ScsiTask task, final long byteOffset, final MemorySegment src, final long srcOffset, final int length,
        final boolean fua)
    {
        write(task, byteOffset, srcOffset == 0 ? src : src.asSlice(srcOffset, length), length, fua);
    }

    /**
     * An atomic write (SBC-4 4.29): all of {@code length} reaches the medium or none of it, also across a crash or
     * power loss of a medium that outlives them. Called only by a logical unit the backstore declared atomic writes
     * for, within the unit and maximum it declared; {@code src} is the task's data buffer. Completes like
     * {@link #write}; never a short write. A device that makes none answers as Linux answers RWF_ATOMIC where it
     * cannot be had: -EOPNOTSUPP (95), a MEDIUM ERROR with nothing written (the logical unit does not call it then).
     */
    default void writeAtomic(
        final ScsiTask task, final long byteOffset, final MemorySegment src, final int length, final boolean fua)
    {
        task.onIoComplete(-95);
    }

    /**
     * COMPARE AND WRITE (SBC-3 5.2) as one operation of the medium, atomic against every writer of it, other
     * processes' too (an RBD image's OSDs compare and write in one operation, whichever gateway sends it): the
     * {@code length} bytes at {@code byteOffset} are compared with {@code src}[0, length) and, only if equal, replaced
     * by {@code src}[length, 2 length). Completes with {@code length} when written, with -EILSEQ (84) when they
     * differed (nothing written; {@link ScsiTask#miscompareAt} was told where), or another error like {@link #write}.
     *
     * @return false when the device does not do it for this range (nothing done, no completion): the logical unit
     *         reads, compares and writes under its own range lock, which is atomic within this process only.
     */
    default boolean compareAndWrite(
        final ScsiTask task, final long byteOffset, final MemorySegment src, final int length, final boolean fua)
    {
        return false;
    }

    void flush(ScsiTask task);

    /**
     * Completes the task with 0 on a later turn of this handle's loop, after the loop's other work: a long operation
     * made of steps that {@link #writesBeforeReturning complete before returning} (SANITIZE of a RAM LUN) does not
     * hold the loop. The default completes at once, for devices whose calls complete from the ring anyway.
     */
    default void continueLater(final ScsiTask task)
    {
        task.onIoComplete(0);
    }

    /** Work for a command that waits for the storage behind the device, not for the medium ({@link #runAside}). */
    @FunctionalInterface
    interface AsideWork
    {
        /** Runs on the thread {@link #runAside} chose; what it leaves for the command is in the task. */
        void runAside(ScsiTask task);
    }

    /**
     * Runs {@code work} for {@code task} where its waiting does not hold this handle's loop, then completes the task
     * with 0 on the loop (with a negative errno when the work could not be run). For the rare commands that wait for
     * storage other than the medium: a PERSISTENT RESERVE OUT that writes its APTPL file (fsync), or reads, writes and
     * announces the RADOS object an RBD image's gateways share, where an OSD that does not answer would hold every
     * session of the loop; a MODE SELECT that saves its pages; a sanitize operation's saved start and progress. The
     * backstores' devices run it on a thread of the backstore's; the default runs it here, at once.
     */
    default void runAside(final ScsiTask task, final AsideWork work)
    {
        work.runAside(task);
        task.onIoComplete(0);
    }

    /**
     * Runs {@code save} where it does not hold this handle's loop, after the work handed to {@link #runAside} before
     * it, and nobody waits for it: a state file of the logical unit's that no command's status depends on (the error
     * counters after a medium error, a self-test's log), written with fsync to the state directory, whose disk may be
     * the failing one. The default runs it here, at once, as does a device whose backstore is closing.
     */
    default void saveAside(final Runnable save)
    {
        save.run();
    }

    /** {@link #saveAside} of {@code device}; without a device (a task that has none), here at once. */
    static void saveAside(final BlockDevice device, final Runnable save)
    {
        if (null == device)
        {
            save.run();
        }
        else
        {
            device.saveAside(save);
        }
    }

    /**
     * Deallocate (punch hole / discard) the range. Completes with 0 on success.
     */
    void unmap(ScsiTask task, long byteOffset, long length);

    /**
     * Provisioning status for GET LBA STATUS: the number of bytes from byteOffset that share the same state,
     * negative when that run is deallocated, positive when mapped. Synchronous (SEEK_DATA/SEEK_HOLE do no I/O).
     */
    default long mappedExtent(final long byteOffset)
    {
        return blockCount() * blockSize() - byteOffset;
    }

    /**
     * LBA mapping resources in use, for the Logical Block Provisioning log page (SBC-4 6.4.5.3): the logical blocks
     * the medium holds storage for (written and not deallocated since), or -1 when the device cannot tell (the
     * page is then not offered). Synchronous, a system call at most: LOG SENSE only, never the I/O path.
     */
    default long mappedBlocks()
    {
        return -1;
    }

    /**
     * LBA mapping resources still available (SBC-4 6.4.5.2): how many more logical blocks the medium can get storage
     * for before a write fails for lack of space, or -1 when the device cannot tell. Like {@link #mappedBlocks}.
     */
    default long availableBlocks()
    {
        return -1;
    }

    /**
     * Whether {@link #availableBlocks} is shared with other storage (a file system's free space, SCOPE 10b) rather
     * than the logical unit's own (SCOPE 01b).
     */
    default boolean provisioningResourcesShared()
    {
        return false;
    }
}
