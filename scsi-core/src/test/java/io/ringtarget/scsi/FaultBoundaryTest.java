package io.ringtarget.scsi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The task-level fault boundary: an exception inside the LU or its backstore completes the task once, with
 * HARDWARE ERROR / INTERNAL TARGET FAILURE, and is counted and reported; the listener's own exceptions reach the
 * transport untouched and complete nothing twice.
 */
class FaultBoundaryTest
{
    private static final int BLOCKS = 2048;
    private static final int BLOCK_SIZE = 512;

    private final FaultyBlockDevice device = new FaultyBlockDevice(BLOCKS, BLOCK_SIZE);
    private final LogicalUnit lu = new LogicalUnit(LogicalUnitIdentity.of("iqn.2026-11.io.ringtarget:fault", "F1"),
        BLOCKS, BLOCK_SIZE, true, false);
    private final List<Throwable> reported = new ArrayList<>();
    private final ItNexus nexus = new ItNexus("iqn.2026-11.test:f,i,0x000000000001",
        new TargetPort(1, "iqn.2026-11.io.ringtarget:fault", 1, new TargetPortGroup(1)));

    FaultBoundaryTest()
    {
        lu.errorHandler(reported::add);
    }

    /** A transport slot: its task, its buffer, how often its listener ran, and whether the listener throws. */
    private final class Slot implements ScsiTaskListener
    {
        final ScsiTask task = new ScsiTask().listener(this);
        final MemorySegment buffer = Arena.ofAuto().allocate(256 * 1024, 4096);
        int completions;
        RuntimeException listenerThrows;

        public void onScsiTaskComplete(final ScsiTask t)
        {
            completions++;
            if (listenerThrows != null)
            {
                throw listenerThrows;
            }
        }

        boolean execute(final int edtl, final int... cdb)
        {
            task.reset();
            task.nexus(nexus).device(device).cdb(LuHarnessBytes.of(cdb)).expectedDataTransferLength(edtl)
                .dataBuffer(buffer);
            return lu.execute(task);
        }

        void assertInternalTargetFailure()
        {
            assertEquals(ScsiStatus.CHECK_CONDITION, task.status());
            assertEquals(SenseKey.HARDWARE_ERROR, task.senseData().get(ValueLayout.JAVA_BYTE, 2) & 0x0F);
            assertEquals(Asc.INTERNAL_TARGET_FAILURE, (task.senseData().get(ValueLayout.JAVA_BYTE, 12) & 0xFF) << 8 |
                (task.senseData().get(ValueLayout.JAVA_BYTE, 13) & 0xFF));
            assertEquals(0, task.dataInLength());
        }
    }

    private int disk(final long offset)
    {
        return device.memory.disk().get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    @Test
    void backstoreThrowingWhileExecutingCompletesTheTaskOnceWithInternalTargetFailure()
    {
        final Slot slot = new Slot();
        device.failingRead = 1;
        assertTrue(slot.execute(4096, LuHarness.cdb10(OperationCodes.READ_10, 0, 0, 8)));
        assertEquals(1, slot.completions);
        slot.assertInternalTargetFailure();
        assertEquals(1, lu.status().internalErrorCount());
        assertEquals(1, reported.size());
        assertInstanceOf(FaultyBlockDevice.BackstoreBug.class, reported.get(0));

        // The next command on the same task runs normally.
        assertTrue(slot.execute(4096, LuHarness.cdb10(OperationCodes.READ_10, 0, 0, 8)));
        assertEquals(2, slot.completions);
        assertEquals(ScsiStatus.GOOD, slot.task.status());
        assertEquals(4096, slot.task.dataInLength());
        assertEquals(1, lu.status().internalErrorCount());
    }

    @Test
    void faultWhileContinuingFromABackstoreCompletionCompletesOnce()
    {
        // VERIFY of 1024 blocks reads 64 KiB at a time: the first read completes later (as a CQE would), the
        // second is issued from that completion and throws.
        final Slot slot = new Slot();
        device.memory.deferred = true;
        device.failingRead = 2;
        assertFalse(slot.execute(0, LuHarness.cdb16(OperationCodes.VERIFY_16, 0, 0, 1024)));
        assertEquals(0, slot.completions);
        device.memory.drain();
        assertEquals(1, slot.completions);
        slot.assertInternalTargetFailure();
        assertEquals(1, lu.status().internalErrorCount());
        assertEquals(1, reported.size());
        assertEquals(0, device.memory.drain(), "nothing left in flight");
    }

    @Test
    void faultInALaterStepOfASynchronousCommandCompletesOnce()
    {
        // WRITE AND VERIFY: the write completes inside the backstore call, then the read-back throws.
        final Slot slot = new Slot();
        device.failingRead = 1;
        slot.buffer.asSlice(0, 4096).fill((byte)0x5A);
        assertTrue(slot.execute(4096, LuHarness.cdb10(OperationCodes.WRITE_AND_VERIFY_10, 0x02, 0, 8)));
        assertEquals(1, slot.completions);
        slot.assertInternalTargetFailure();
        assertEquals(0x5A, disk(0), "the write happened");
        assertEquals(1, lu.status().internalErrorCount());
        assertEquals(1, reported.size());
    }

    @Test
    void aSecondCompletionFromTheBackstoreIsAnInternalErrorNotASecondCompletion()
    {
        // The extra completion arrives inside the backstore call (a frame nested in execute's): it is passed up
        // and handled once there.
        final Slot slot = new Slot();
        device.completeReadsTwice = true;
        assertTrue(slot.execute(4096, LuHarness.cdb10(OperationCodes.READ_10, 0, 0, 8)));
        assertEquals(1, slot.completions);
        assertEquals(ScsiStatus.GOOD, slot.task.status());
        assertEquals(1, lu.status().internalErrorCount());
        assertEquals(1, reported.size());
        assertInstanceOf(IllegalStateException.class, reported.get(0));
    }

    @Test
    void faultAfterTheTaskCompletedIsCountedButDoesNotCompleteAgain()
    {
        final Slot slot = new Slot();
        device.failingRead = 1;
        device.throwAfterCompleting = true;
        assertTrue(slot.execute(4096, LuHarness.cdb10(OperationCodes.READ_10, 0, 0, 8)));
        assertEquals(1, slot.completions);
        assertEquals(ScsiStatus.GOOD, slot.task.status(), "the completed result stands");
        assertEquals(4096, slot.task.dataInLength());
        assertEquals(1, lu.status().internalErrorCount());
        assertEquals(1, reported.size());
    }

    @Test
    void failingCompareAndWriteReleasesItsRangeAndTheWaiterRuns()
    {
        // Two COMPARE AND WRITEs of block 9 on one loop: the second waits for the first, whose write throws.
        device.memory.deferred = true;
        device.memory.disk().asSlice(BLOCK_SIZE * 9, BLOCK_SIZE).fill((byte)'a');
        final Slot first = new Slot();
        final Slot second = new Slot();
        first.buffer.asSlice(0, BLOCK_SIZE).fill((byte)'a');
        first.buffer.asSlice(BLOCK_SIZE, BLOCK_SIZE).fill((byte)'b');
        second.buffer.asSlice(0, BLOCK_SIZE).fill((byte)'a');
        second.buffer.asSlice(BLOCK_SIZE, BLOCK_SIZE).fill((byte)'c');
        final int[] cdb = {OperationCodes.COMPARE_AND_WRITE, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 1, 0, 0};
        device.failingWrite = 1;
        assertFalse(first.execute(2 * BLOCK_SIZE, cdb));
        assertFalse(second.execute(2 * BLOCK_SIZE, cdb));
        assertEquals(1, lu.status().compareAndWriteQueuedCount());
        device.memory.drain();
        assertEquals(1, first.completions);
        first.assertInternalTargetFailure();
        assertEquals(1, second.completions);
        assertEquals(ScsiStatus.GOOD, second.task.status(), "the waiter got the range and compared against 'a'");
        assertEquals('c', disk(BLOCK_SIZE * 9));
        assertEquals(1, lu.status().internalErrorCount());
        assertEquals(0, lu.status().compareAndWriteBusyCount());

        // The range is free: a third takes it at once.
        device.memory.deferred = false;
        first.buffer.asSlice(0, BLOCK_SIZE).fill((byte)'c');
        assertTrue(first.execute(2 * BLOCK_SIZE, cdb));
        assertEquals(ScsiStatus.GOOD, first.task.status());
        assertEquals('b', disk(BLOCK_SIZE * 9));
    }

    @Test
    void listenerExceptionsGoToTheTransportAndCompleteNothingTwice()
    {
        final Slot slot = new Slot();
        final IllegalStateException transportBug = new IllegalStateException("transport");
        slot.listenerThrows = transportBug;

        // Emulated command, synchronous.
        assertSame(transportBug, assertThrows(IllegalStateException.class,
            () -> slot.execute(96, OperationCodes.INQUIRY, 0, 0, 0, 96, 0)));
        assertEquals(1, slot.completions);
        assertEquals(ScsiStatus.GOOD, slot.task.status());

        // Medium command completing inside the backstore call.
        assertSame(transportBug, assertThrows(IllegalStateException.class,
            () -> slot.execute(4096, LuHarness.cdb10(OperationCodes.READ_10, 0, 0, 8))));
        assertEquals(2, slot.completions);
        assertEquals(ScsiStatus.GOOD, slot.task.status());

        // Medium command completing later: the completion's caller gets it.
        device.memory.deferred = true;
        assertFalse(slot.execute(4096, LuHarness.cdb10(OperationCodes.READ_10, 0, 0, 8)));
        assertSame(transportBug, assertThrows(IllegalStateException.class, device.memory::drain));
        assertEquals(3, slot.completions);
        assertEquals(ScsiStatus.GOOD, slot.task.status());

        assertEquals(0, lu.status().internalErrorCount());
        assertTrue(reported.isEmpty());
    }

    @Test
    void listenerExceptionOfAResumedWaiterReachesTheTransportAfterTheLuIsDone()
    {
        // The first COMPARE AND WRITE's completion frees the range and runs the waiter to its end inside that
        // completion (the backstore answers at once by then); the waiter's listener throws.
        device.memory.deferred = true;
        device.memory.disk().asSlice(BLOCK_SIZE * 9, BLOCK_SIZE).fill((byte)'a');
        final Slot first = new Slot();
        final Slot second = new Slot();
        final IllegalStateException transportBug = new IllegalStateException("transport");
        second.listenerThrows = transportBug;
        first.buffer.asSlice(0, BLOCK_SIZE).fill((byte)'a');
        first.buffer.asSlice(BLOCK_SIZE, BLOCK_SIZE).fill((byte)'b');
        second.buffer.asSlice(0, BLOCK_SIZE).fill((byte)'x');
        final int[] cdb = {OperationCodes.COMPARE_AND_WRITE, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 1, 0, 0};
        first.execute(2 * BLOCK_SIZE, cdb);
        second.execute(2 * BLOCK_SIZE, cdb);
        device.memory.deferred = false;
        assertSame(transportBug, assertThrows(IllegalStateException.class, device.memory::drain));
        assertEquals(1, first.completions);
        assertEquals(ScsiStatus.GOOD, first.task.status());
        assertEquals(1, second.completions);
        assertEquals(ScsiStatus.CHECK_CONDITION, second.task.status(), "MISCOMPARE: 'x' is not 'b'");
        assertEquals(0, lu.status().internalErrorCount());

        // Nothing was left holding the range.
        second.listenerThrows = null;
        second.buffer.asSlice(0, BLOCK_SIZE).fill((byte)'b');
        assertTrue(second.execute(2 * BLOCK_SIZE, cdb));
        assertEquals(ScsiStatus.GOOD, second.task.status());
    }
}
