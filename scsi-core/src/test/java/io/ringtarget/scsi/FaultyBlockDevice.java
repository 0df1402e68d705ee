package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;

/**
 * A {@link MemoryBlockDevice} with a bug on demand: the chosen read or write call throws, either instead of
 * submitting or after its completion has already run (a backstore that fails on its way out); or reads complete
 * twice.
 */
final class FaultyBlockDevice implements BlockDevice
{
    static final int NEVER = -1;

    final MemoryBlockDevice memory;
    /** The read call (1 = the next one) that throws; {@link #NEVER} for none. */
    int failingRead = NEVER;
    int failingWrite = NEVER;
    /** The failing call completes the task first, then throws. */
    boolean throwAfterCompleting;
    /** Every read calls {@link ScsiTask#onIoComplete(int)} a second time (a backstore bug). */
    boolean completeReadsTwice;
    int faults;

    FaultyBlockDevice(final long blockCount, final int blockSize)
    {
        memory = new MemoryBlockDevice(blockCount, blockSize);
    }

    static final class BackstoreBug extends RuntimeException
    {
        BackstoreBug(final String message)
        {
            super(message);
        }
    }

    public long blockCount()
    {
        return memory.blockCount();
    }

    public int blockSize()
    {
        return memory.blockSize();
    }

    public boolean supportsUnmap()
    {
        return memory.supportsUnmap();
    }

    public boolean readOnly()
    {
        return false;
    }

    public boolean writeCacheEnabled()
    {
        return true;
    }

    public void read(final ScsiTask task, final long byteOffset, final MemorySegment dst, final int length)
    {
        final boolean fail = failingRead != NEVER && --failingRead == 0;
        if (fail && !throwAfterCompleting)
        {
            throw fault("read");
        }
        memory.read(task, byteOffset, dst, length);
        if (completeReadsTwice)
        {
            task.onIoComplete(length);
        }
        if (fail)
        {
            throw fault("read");
        }
    }

    public void write(
        final ScsiTask task, final long byteOffset, final MemorySegment src, final int length, final boolean fua)
    {
        final boolean fail = failingWrite != NEVER && --failingWrite == 0;
        if (fail && !throwAfterCompleting)
        {
            throw fault("write");
        }
        memory.write(task, byteOffset, src, length, fua);
        if (fail)
        {
            throw fault("write");
        }
    }

    public void flush(final ScsiTask task)
    {
        memory.flush(task);
    }

    public void unmap(final ScsiTask task, final long byteOffset, final long length)
    {
        memory.unmap(task, byteOffset, length);
    }

    private BackstoreBug fault(final String call)
    {
        faults++;
        return new BackstoreBug("injected " + call + " fault");
    }
}
