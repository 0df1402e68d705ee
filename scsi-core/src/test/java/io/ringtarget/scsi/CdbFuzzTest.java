package io.ringtarget.scsi;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing (Jazzer) of the SCSI command dispatch with arbitrary CDBs and parameter lists (PERSISTENT
 * RESERVE OUT, UNMAP, MODE SELECT, EXTENDED COPY, COMPARE AND WRITE, ...) from two I_T nexuses, on a thin logical
 * unit over a memory device whose completions come at once or later. What must hold whatever the initiator sends:
 * no exception out of the logical unit, exactly one completion per command, sense and Data-In within their
 * buffers, a valid status.
 * <p>
 * A normal build replays the seeds and findings in src/test/resources/io/ringtarget/scsi/CdbFuzzTestInputs/;
 * {@code CI=true} fuzzes briefly; a longer run (README, "Fuzzing"):
 * <pre>
 *   JAZZER_FUZZ=1 m test -pl scsi-core -am -Dsurefire.failIfNoSpecifiedTests=false \
 *       -Dtest='CdbFuzzTest#commands' -Djazzer.max_duration=30m
 * </pre>
 */
class CdbFuzzTest
{
    private static final int[] STATUSES = {ScsiStatus.GOOD, ScsiStatus.CHECK_CONDITION, ScsiStatus.CONDITION_MET,
        ScsiStatus.BUSY, ScsiStatus.RESERVATION_CONFLICT, ScsiStatus.TASK_SET_FULL, ScsiStatus.ACA_ACTIVE,
        ScsiStatus.TASK_ABORTED};

    private static final int BUFFER_SIZE = 2 * 1024 * 1024;
    /** One device, buffer and task for every input: only the logical unit (its state) is new each time. */
    private static final MemoryBlockDevice DEVICE = new MemoryBlockDevice(2048, 512);
    private static final MemorySegment BUFFER = java.lang.foreign.Arena.ofAuto().allocate(BUFFER_SIZE, 4096);

    private final ScsiTask task = new ScsiTask();
    private int completions;

    @FuzzTest(maxDuration = "30s")
    void commands(final FuzzedDataProvider data)
    {
        // A port of its own per input: a target port group keeps every logical unit registered with it.
        final TargetPort port = new TargetPort(1, LuHarness.TARGET, 1,
            new TargetPortGroup(1, AccessState.ACTIVE_OPTIMIZED, true));
        final ItNexus nexus = new ItNexus(LuHarness.PORT_A, port);
        final ItNexus other = new ItNexus(LuHarness.PORT_B, port);
        final LogicalUnit lu = new LogicalUnit(LogicalUnitIdentity.of(LuHarness.TARGET, "FUZZ0001"), 2048, 512, true,
            false);
        lu.targetPorts(port);
        // WRITE ATOMIC(16) runs too, with a file's limits (4 KiB to 64 KiB, naturally aligned) or a RAM LUN's.
        if (data.consumeBoolean())
        {
            lu.atomicWrites(4096, 65536, true);
        }
        else
        {
            lu.atomicWrites(512, LogicalUnit.DEFAULT_MAX_TRANSFER_BYTES, false);
        }
        DEVICE.deferred = data.consumeBoolean();
        task.listener(t -> completions++);
        for (int i = 0; i < 6 && data.remainingBytes() > 0; i++)
        {
            final byte[] cdb = data.consumeBytes(data.consumeInt(1, 16));
            if (cdb.length == 0)
            {
                return;
            }
            final int edtl = data.consumeInt(0, BUFFER_SIZE);
            final byte[] parameters = data.consumeBytes(data.consumeInt(0, 4096));
            BUFFER.asSlice(0, 4096).fill((byte)0);
            MemorySegment.copy(MemorySegment.ofArray(parameters), 0, BUFFER, 0, parameters.length);
            final int before = completions;
            task.reset();
            task.nexus(data.consumeBoolean() ? nexus : other).device(DEVICE).cdb(cdb)
                .expectedDataTransferLength(edtl).dataBuffer(BUFFER).dataOut(data.consumeBoolean());
            lu.execute(task);
            DEVICE.drain();
            assertEquals(before + 1, completions, "exactly one completion");
            assertTrue(task.senseLength() >= 0 && task.senseLength() <= ScsiTask.DEFAULT_SENSE_CAPACITY);
            assertTrue(task.dataInLength() >= 0 && task.dataInLength() <= Math.min(edtl, BUFFER_SIZE),
                "Data-In " + task.dataInLength() + " within EDTL " + edtl);
            boolean valid = false;
            for (final int s : STATUSES)
            {
                valid |= s == task.status();
            }
            assertTrue(valid, "status " + task.status());
        }
    }
}
