package io.ringtarget.scsi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The command path allocates nothing in steady state: after a warm-up, thousands of commands of every kind
 * (through an allocation-free in-memory device) leave the thread's allocated-bytes counter where it was. They run
 * under a persistent reservation another nexus holds (the lock-free reservation check walks the registrations),
 * and the transport's PREEMPT AND ABORT poll runs once per round.
 */
class AllocationFreeTest
{
    private static final int WARM_UP = 30_000;
    private static final int MEASURED = 10_000;
    /** Slack for JIT deoptimisation and the odd lazily initialised JDK structure, far below one object per command. */
    private static final long TOLERANCE_BYTES = 4096;

    /** Completes synchronously with plain copies: no lambdas, no slices. */
    private static final class RawDevice implements BlockDevice
    {
        private final MemorySegment disk = Arena.ofAuto().allocate(16L << 20, 4096);

        public long blockCount()
        {
            return disk.byteSize() / 512;
        }

        public int blockSize()
        {
            return 512;
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
            MemorySegment.copy(disk, byteOffset, dst, 0, length);
            task.onIoComplete(length);
        }

        public void write(
            final ScsiTask task, final long byteOffset, final MemorySegment src, final int length, final boolean fua)
        {
            MemorySegment.copy(src, 0, disk, byteOffset, length);
            task.onIoComplete(length);
        }

        public void flush(final ScsiTask task)
        {
            task.onIoComplete(0);
        }

        public void unmap(final ScsiTask task, final long byteOffset, final long length)
        {
            Bytes.zero(disk, byteOffset, length);
            task.onIoComplete(0);
        }
    }

    private final RawDevice device = new RawDevice();
    private final LogicalUnit lu = new LogicalUnit(LogicalUnitIdentity.of("iqn.2026-11.io.ringtarget:alloc", "A1"),
        device.blockCount(), 512, true, false);
    private final ScsiTask task = new ScsiTask();
    private final MemorySegment buffer = Arena.ofAuto().allocate(1 << 20, 4096);
    private final ItNexus nexus = new ItNexus("iqn.2026-11.test:alloc,i,0x000000000001",
        new TargetPort(1, "iqn.2026-11.io.ringtarget:alloc", 1, new TargetPortGroup(1)));
    private final byte[][] cdbs =
        {
            {0x28, 0, 0, 0, 0, 8, 0, 0, 8, 0}, // READ(10) 8 blocks
            {0x2A, 0, 0, 0, 0, 8, 0, 0, 8, 0}, // WRITE(10)
            {(byte)0x88, 0, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0, 8, 0, 0}, // READ(16)
            {(byte)0x8A, 8, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0, 8, 0, 0}, // WRITE(16) FUA
            {0x12, 0, 0, 0, 96, 0}, // INQUIRY
            {0x12, 1, (byte)0x83, 0, (byte)0xFF, 0}, // INQUIRY VPD 0x83
            {0x00, 0, 0, 0, 0, 0}, // TEST UNIT READY
            {0x1A, 0, 0x3F, 0, (byte)0xFF, 0}, // MODE SENSE(6)
            {(byte)0x9E, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0}, // READ CAPACITY(16)
            {0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0}, // SYNCHRONIZE CACHE(10)
            {0x2F, 2, 0, 0, 0, 8, 0, 0, 8, 0}, // VERIFY(10) BYTCHK
            {(byte)0x93, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0}, // WRITE SAME(16) 256 blocks
            {(byte)0xA3, 0x0C, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0}, // REPORT SUPPORTED OPERATION CODES
            {(byte)0xA3, 0x2A, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0}, // REPORT TARGET PORT GROUPS, extended header
            {0x28, 0, 0x7F, 0, 0, 0, 0, 0, 1, 0}, // READ(10) out of range: CHECK CONDITION
            {(byte)0xC0, 0, 0, 0, 0, 0}, // unknown opcode
        };
    private final int[] edtl = {4096, 4096, 4096, 4096, 96, 255, 0, 255, 32, 0, 4096, 512, 4096, 4096, 512, 0};
    private final MemorySegment[] cdbSegments = new MemorySegment[cdbs.length];
    private int completions;

    @Test
    void steadyStateAllocatesNothing()
    {
        final java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)bean;
        final long id = Thread.currentThread().threadId();
        // One listener for the whole run, as a transport has (a lambda per call would allocate).
        final ScsiTaskListener listener = t -> completions++;
        task.listener(listener);
        for (int c = 0; c < cdbs.length; c++)
        {
            // The transport hands a segment of its receive buffer; a heap segment per call would be the test's
            // own allocation.
            cdbSegments[c] = Arena.ofAuto().allocate(cdbs[c].length);
            MemorySegment.copy(MemorySegment.ofArray(cdbs[c]), 0, cdbSegments[c], 0, cdbs[c].length);
        }
        reserveForAnother(listener);
        for (int i = 0; i < WARM_UP; i++)
        {
            runAllWith(listener);
        }
        final int before = completions;
        final long start = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < MEASURED; i++)
        {
            runAllWith(listener);
        }
        final long allocated = threads.getThreadAllocatedBytes(id) - start;
        assertEquals(MEASURED * cdbs.length, completions - before);
        System.out.println(MEASURED * cdbs.length + " commands allocated " + allocated + " bytes");
        assertTrue(allocated < TOLERANCE_BYTES, allocated + " bytes allocated by " + MEASURED * cdbs.length + " commands");
    }

    /** Another nexus holds WRITE EXCLUSIVE - REGISTRANTS ONLY; this one is a registrant (full access). */
    private void reserveForAnother(final ScsiTaskListener listener)
    {
        final ItNexus holder = new ItNexus("iqn.2026-11.test:holder,i,0x000000000009", nexus.targetPort());
        final Object[][] commands = {
            {nexus, 0x06, 0, 0L, 0x1L}, {holder, 0x06, 0, 0L, 0x2L}, {holder, 0x01, 0x05, 0x2L, 0L}};
        for (final Object[] c : commands)
        {
            Bytes.zero(buffer, 0, 24);
            Bytes.put64(buffer, 0, (Long)c[3]);
            Bytes.put64(buffer, 8, (Long)c[4]);
            task.reset();
            task.nexus((ItNexus)c[0]).device(device).listener(listener)
                .cdb(new byte[] {0x5F, (byte)(int)(Integer)c[1], (byte)(int)(Integer)c[2], 0, 0, 0, 0, 0, 24, 0})
                .expectedDataTransferLength(24).dataBuffer(buffer);
            lu.execute(task);
            assertEquals(ScsiStatus.GOOD, task.status());
        }
    }

    private void runAllWith(final ScsiTaskListener listener)
    {
        lu.abortRequested(nexus);
        for (int c = 0; c < cdbs.length; c++)
        {
            task.reset();
            task.nexus(nexus).device(device).listener(listener)
                .cdb(cdbSegments[c], 0, cdbs[c].length)
                .expectedDataTransferLength(edtl[c]).dataBuffer(buffer);
            lu.execute(task);
        }
    }
}
