package io.ringtarget.backstore;

import io.ringtarget.ring.EventLoop;
import io.ringtarget.ring.Ring;
import io.ringtarget.ring.RingConfig;
import io.ringtarget.scsi.BlockDevice;
import io.ringtarget.scsi.ItNexus;
import io.ringtarget.scsi.LogicalUnit;
import io.ringtarget.scsi.LogicalUnitIdentity;
import io.ringtarget.scsi.ScsiStatus;
import io.ringtarget.scsi.ScsiTask;
import io.ringtarget.scsi.ScsiTaskListener;
import io.ringtarget.scsi.TargetPort;
import io.ringtarget.scsi.TargetPortGroup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real EventLoop on a real ring, driven by doWork() on the test thread, and a LogicalUnit on a backstore.
 */
final class LoopDriver implements ScsiTaskListener, AutoCloseable
{
    static final long WAIT_NANOS = 60_000_000_000L;

    final EventLoop loop = new EventLoop("test", Ring.open(new RingConfig().entries(64)));
    final ScsiTask task = new ScsiTask();
    final MemorySegment buffer = Arena.ofAuto().allocate(2 * 1024 * 1024, 4096);
    final ItNexus nexus = new ItNexus("iqn.2026-11.test:backstore,i,0x000000000001",
        new TargetPort(1, "iqn.2026-11.io.ringtarget:bs", 1, new TargetPortGroup(1)));
    final Backstore backstore;
    final BlockDevice device;
    final LogicalUnit lu;
    int completions;
    /** When >= 0, commands run by {@link #run} claim their data buffer is registered buffer {@code fixedIndex}. */
    int fixedIndex = -1;

    LoopDriver(final Backstore backstore)
    {
        this.backstore = backstore;
        this.device = backstore.open(loop);
        this.lu = new LogicalUnit(LogicalUnitIdentity.of("iqn.2026-11.io.ringtarget:bs", backstore.name()),
            backstore.blockCount(), backstore.blockSize(), backstore.supportsUnmap(), backstore.readOnly())
            .unmapReadsZeros(backstore.unmapReadsZeros())
            .atomicWrites(backstore.atomicWriteUnitBytes(), backstore.atomicWriteMaxBytes(),
                backstore.atomicWritesNaturallyAligned());
        task.listener(this);
        run(0, 0, 0, 0, 0, 0, 0); // consume POWER ON / RESET
    }

    public void onScsiTaskComplete(final ScsiTask t)
    {
        completions++;
    }

    ScsiTask run(final int edtl, final int... cdb)
    {
        return run(buffer, edtl, cdb);
    }

    ScsiTask run(final MemorySegment data, final int edtl, final int... cdb)
    {
        final byte[] bytes = new byte[cdb.length];
        for (int i = 0; i < cdb.length; i++)
        {
            bytes[i] = (byte)cdb[i];
        }
        final int before = completions;
        task.reset();
        task.nexus(nexus).device(device).cdb(bytes).expectedDataTransferLength(edtl).dataBuffer(data);
        if (fixedIndex >= 0)
        {
            task.fixedBuffer(fixedIndex, data.address(), data.byteSize());
        }
        lu.execute(task);
        // A command waiting for its backstore holds the loop's device-I/O count (the idle strategy sleeps on it).
        assertEquals(completions == before && !(backstore instanceof RamBackstore), loop.deviceIoInFlight() > 0,
            "device I/O in flight while the command waits for the file");
        // Bounded by time, not by duty cycles: a FUA write on a busy shared disk can take a while.
        final long deadline = System.nanoTime() + WAIT_NANOS;
        while (completions == before && System.nanoTime() - deadline < 0)
        {
            loop.doWork();
        }
        assertEquals(before + 1, completions, "completed once within the bound");
        assertEquals(0, loop.deviceIoInFlight(), "every device operation counted back");
        return task;
    }

    /**
     * Run a command given as a CDB segment, without allocating; fails if it does not complete GOOD.
     */
    void runQuietly(final MemorySegment cdb, final int edtl)
    {
        final int before = completions;
        task.reset();
        task.nexus(nexus).device(device).cdb(cdb, 0, 16).expectedDataTransferLength(edtl).dataBuffer(buffer);
        lu.execute(task);
        // Bounded by time, not by duty cycles: a FUA write on a busy shared disk can take a while.
        final long deadline = System.nanoTime() + WAIT_NANOS;
        while (completions == before && System.nanoTime() - deadline < 0)
        {
            loop.doWork();
        }
        if (completions != before + 1 || task.status() != ScsiStatus.GOOD)
        {
            throw new AssertionError("command did not complete GOOD: status " + task.status());
        }
    }

    void assertGood()
    {
        assertEquals(ScsiStatus.GOOD, task.status(), () -> "status " + task.status() + " sense key " +
            (task.senseLength() > 0 ? task.senseData().get(ValueLayout.JAVA_BYTE, 2) : -1) + " asc " +
            (task.senseLength() > 0 ? task.senseData().get(ValueLayout.JAVA_BYTE, 12) : -1));
    }

    void assertBytes(final MemorySegment s, final long offset, final int length, final int value)
    {
        for (int i = 0; i < length; i++)
        {
            final int b = s.get(ValueLayout.JAVA_BYTE, offset + i) & 0xFF;
            if (b != value)
            {
                assertTrue(false, "byte " + (offset + i) + " is " + b + ", expected " + value);
            }
        }
    }

    static int[] cdb16(final int opcode, final int flags, final long lba, final long blocks)
    {
        final int[] c = new int[16];
        c[0] = opcode;
        c[1] = flags;
        for (int i = 0; i < 8; i++)
        {
            c[2 + i] = (int)(lba >>> (56 - 8 * i)) & 0xFF;
        }
        for (int i = 0; i < 4; i++)
        {
            c[10 + i] = (int)(blocks >>> (24 - 8 * i)) & 0xFF;
        }
        return c;
    }

    public void close()
    {
        backstore.close();
        loop.onClose();
        loop.ring().close();
    }
}
