package io.ringtarget.scsi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;

/**
 * A real in-memory {@link BlockDevice} for the tests: a byte array disk that completes either at once or, in
 * deferred mode, when the test calls {@link #drain()} (as a ring would on a later CQE).
 */
final class MemoryBlockDevice implements BlockDevice
{
    private final MemorySegment disk;
    private final int blockSize;
    private final long blockCount;
    private final ArrayDeque<Runnable> pending = new ArrayDeque<>();
    boolean deferred;
    /** Report {@link #writesBeforeReturning} and queue {@link #continueLater} until drained (a RAM handle's loop). */
    boolean continuesLater;
    int turns;
    int failWithErrno;
    /** A read that covers this byte fails with EIO (a bad block), -1 for none. */
    long badByte = -1;
    long firstReadOffset = -1;
    long lastReadOffset = -1;
    int flushes;
    int fuaWrites;
    int unmaps;
    int reads;
    int writes;
    int atomicWrites;
    /** What {@link #mappedBlocks} and {@link #availableBlocks} answer (-1: cannot tell, the default). */
    long mapped = -1;
    long available = -1;
    boolean sharedResources;
    /** Saves handed aside ({@link #saveAside}) wait until {@link #runHeldSaves} (a backstore's aside thread held). */
    boolean holdSaves;
    private final ArrayDeque<Runnable> heldSaves = new ArrayDeque<>();

    MemoryBlockDevice(final long blockCount, final int blockSize)
    {
        this.blockCount = blockCount;
        this.blockSize = blockSize;
        // Huge units (capacity tests) only get their first 64 MiB backed.
        this.disk = Arena.ofAuto().allocate(Math.min(blockCount * blockSize, 64L << 20), 4096);
    }

    MemorySegment disk()
    {
        return disk;
    }

    public long blockCount()
    {
        return blockCount;
    }

    public int blockSize()
    {
        return blockSize;
    }

    public boolean supportsUnmap()
    {
        return true;
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
        reads++;
        firstReadOffset = firstReadOffset < 0 ? byteOffset : firstReadOffset;
        lastReadOffset = byteOffset;
        finish(task, () ->
        {
            if (badByte >= byteOffset && badByte < byteOffset + length)
            {
                return -5;
            }
            if (byteOffset + length > disk.byteSize())
            {
                dst.asSlice(0, length).fill((byte)0);   // past the backed part of a huge unit: zeros
                return length;
            }
            MemorySegment.copy(disk, byteOffset, dst, 0, length);
            return length;
        });
    }

    public void writeAtomic(
        final ScsiTask task, final long byteOffset, final MemorySegment src, final int length, final boolean fua)
    {
        atomicWrites++;
        write(task, byteOffset, src, length, fua);
    }

    public void write(
        final ScsiTask task, final long byteOffset, final MemorySegment src, final int length, final boolean fua)
    {
        writes++;
        if (fua)
        {
            fuaWrites++;
        }
        finish(task, () ->
        {
            MemorySegment.copy(src, 0, disk, byteOffset, length);
            return length;
        });
    }

    public void flush(final ScsiTask task)
    {
        flushes++;
        finish(task, () -> 0);
    }

    public void unmap(final ScsiTask task, final long byteOffset, final long length)
    {
        unmaps++;
        finish(task, () ->
        {
            disk.asSlice(byteOffset, length).fill((byte)0);
            return 0;
        });
    }

    private void finish(final ScsiTask task, final java.util.function.IntSupplier op)
    {
        final Runnable r = () -> task.onIoComplete(failWithErrno != 0 ? -failWithErrno : op.getAsInt());
        if (deferred)
        {
            pending.add(r);
        }
        else
        {
            r.run();
        }
    }

    @Override
    public void saveAside(final Runnable save)
    {
        if (holdSaves)
        {
            heldSaves.add(save);
        }
        else
        {
            save.run();
        }
    }

    /** Runs the saves held so far, in order; how many. */
    int runHeldSaves()
    {
        int count = 0;
        for (Runnable save; (save = heldSaves.poll()) != null; count++)
        {
            save.run();
        }
        return count;
    }

    public boolean writesBeforeReturning()
    {
        return continuesLater;
    }

    public void continueLater(final ScsiTask task)
    {
        turns++;
        final Runnable r = () -> task.onIoComplete(0);
        if (continuesLater)
        {
            pending.add(r);
        }
        else
        {
            r.run();
        }
    }

    /** Completes at most {@code max} of the calls waiting (each may queue another). */
    int drain(final int max)
    {
        int n = 0;
        while (n < max && !pending.isEmpty())
        {
            pending.poll().run();
            n++;
        }
        return n;
    }

    int pendingCount()
    {
        return pending.size();
    }

    int drain()
    {
        int n = 0;
        while (!pending.isEmpty())
        {
            pending.poll().run();
            n++;
        }
        return n;
    }

    public long mappedBlocks()
    {
        return mapped;
    }

    public long availableBlocks()
    {
        return available;
    }

    public boolean provisioningResourcesShared()
    {
        return sharedResources;
    }
}
