package io.ringtarget.scsi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drives a {@link LogicalUnit} the way a transport does: one task, one data buffer, counts listener calls. The
 * logical unit is reached through target port 1 (group 1, active/optimized) and, with {@link #twoPorts()}, also
 * through target port 2 (group 2); {@link #nexus} and {@link #other} come through port 1, {@link #nexusB} (the
 * same initiator port as {@link #nexus}) and {@link #otherB} through port 2.
 */
final class LuHarness implements ScsiTaskListener
{
    static final int BUFFER_SIZE = 2 * 1024 * 1024;

    final LogicalUnit lu;
    final MemoryBlockDevice device;
    final ScsiTask task = new ScsiTask();
    final MemorySegment buffer = Arena.ofAuto().allocate(BUFFER_SIZE, 4096);
    static final String TARGET = "iqn.2026-11.io.ringtarget:test";
    static final String PORT_A = "iqn.2026-11.test:a,i,0x000000000001";
    static final String PORT_B = "iqn.2026-11.test:b,i,0x000000000002";
    final TargetPortGroup group1 = new TargetPortGroup(1, AccessState.ACTIVE_OPTIMIZED, true);
    final TargetPortGroup group2 = new TargetPortGroup(2);
    final TargetPort port1 = new TargetPort(1, TARGET, 1, group1);
    final TargetPort port2 = new TargetPort(2, TARGET, 2, group2);
    final ItNexus nexus = new ItNexus(PORT_A, port1);
    final ItNexus other = new ItNexus(PORT_B, port1);
    final ItNexus nexusB = new ItNexus(PORT_A, port2);
    final ItNexus otherB = new ItNexus(PORT_B, port2);
    int completions;
    /** {@link #run} completes the device's pending calls after each command (false: the test drains them). */
    boolean drainAfterRun = true;

    LuHarness(final long blocks, final int blockSize, final boolean thin, final boolean readOnly)
    {
        lu = new LogicalUnit(LogicalUnitIdentity.of(TARGET, "SERIAL0001"), blocks, blockSize, thin, readOnly);
        lu.targetPorts(port1);
        device = new MemoryBlockDevice(blocks, blockSize);
        task.listener(this);
    }

    LuHarness()
    {
        this(2048, 512, true, false);
    }

    /** The logical unit is reached through ports 1 and 2. */
    LuHarness twoPorts()
    {
        lu.targetPorts(port1, port2);
        return this;
    }

    /** Every nexus has spoken once (a TEST UNIT READY each, whatever it answered). */
    LuHarness ready()
    {
        run(nexus, 0, 0, 0, 0, 0, 0, 0);
        run(other, 0, 0, 0, 0, 0, 0, 0);
        run(nexusB, 0, 0, 0, 0, 0, 0, 0);
        run(otherB, 0, 0, 0, 0, 0, 0, 0);
        return this;
    }

    /**
     * REQUEST SENSE from the nexus until it reports NO SENSE (it answers in every ALUA state): the unit attentions
     * that were pending, in the order reported (ASC/ASCQ), now cleared.
     */
    java.util.List<Integer> unitAttentions(final ItNexus from)
    {
        final java.util.List<Integer> seen = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++)
        {
            run(from, 18, 0x03, 0, 0, 0, 18, 0);
            assertGood();
            if ((in(2) & 0x0F) == SenseKey.NO_SENSE)
            {
                return seen;
            }
            assertEquals(SenseKey.UNIT_ATTENTION, in(2) & 0x0F, "REQUEST SENSE sense key");
            seen.add((in(12) << 8) | in(13));
        }
        throw new AssertionError("unit attentions never end: " + seen);
    }

    public void onScsiTaskComplete(final ScsiTask t)
    {
        completions++;
    }

    ScsiTask run(final int edtl, final int... cdb)
    {
        return run(nexus, edtl, cdb);
    }

    ScsiTask run(final ItNexus from, final int edtl, final int... cdb)
    {
        return run(from, buffer, edtl, cdb);
    }

    /** Runs a command with its own data buffer (transfers larger than {@link #BUFFER_SIZE}). */
    ScsiTask run(final ItNexus from, final MemorySegment data, final int edtl, final int... cdb)
    {
        final byte[] bytes = new byte[cdb.length];
        for (int i = 0; i < cdb.length; i++)
        {
            bytes[i] = (byte)cdb[i];
        }
        final int before = completions;
        task.reset();
        task.nexus(from).device(device).cdb(bytes).expectedDataTransferLength(edtl).dataBuffer(data);
        lu.execute(task);
        if (drainAfterRun)
        {
            device.drain();
        }
        assertEquals(before + 1, completions, "listener called exactly once");
        return task;
    }

    /**
     * Executes a command on a task of the test's own, leaving the device's pending completions alone: a command that
     * stays in progress (SANITIZE with IMMED=0) while others run.
     */
    ScsiTask start(final ScsiTask own, final ItNexus from, final MemorySegment data, final int edtl, final int... cdb)
    {
        final byte[] bytes = new byte[cdb.length];
        for (int i = 0; i < cdb.length; i++)
        {
            bytes[i] = (byte)cdb[i];
        }
        own.reset();
        own.nexus(from).device(device).cdb(bytes).expectedDataTransferLength(edtl).dataBuffer(data);
        lu.execute(own);
        return own;
    }

    void fill(final long offset, final int length, final int value)
    {
        buffer.asSlice(offset, length).fill((byte)value);
    }

    int in(final int i)
    {
        return buffer.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
    }

    int sense(final int i)
    {
        return task.senseData().get(ValueLayout.JAVA_BYTE, i) & 0xFF;
    }

    void assertGood()
    {
        assertEquals(ScsiStatus.GOOD, task.status(), () -> "status " + task.status() + " sense " + senseString());
    }

    /** Fixed format sense: key, ASC/ASCQ. */
    void assertSense(final int key, final int ascAscq)
    {
        assertEquals(ScsiStatus.CHECK_CONDITION, task.status(), "status");
        assertEquals(0x70, sense(0) & 0x7F, "fixed format");
        assertEquals(key, sense(2) & 0x0F, () -> "sense key in " + senseString());
        assertEquals(ascAscq, (sense(12) << 8) | sense(13), () -> "ASC/ASCQ in " + senseString());
    }

    /** Sense-key specific field pointer (SPC-4 4.5.2.4.2). */
    void assertFieldPointer(final boolean cdb, final int byteOffset, final int bit)
    {
        final int first = sense(15);
        assertTrue((first & 0x80) != 0, "SKSV");
        assertEquals(cdb, (first & 0x40) != 0, "C/D");
        assertEquals(bit >= 0, (first & 0x08) != 0, "BPV");
        if (bit >= 0)
        {
            assertEquals(bit, first & 0x07, "bit pointer");
        }
        assertEquals(byteOffset, (sense(16) << 8) | sense(17), "field pointer");
    }

    String senseString()
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < task.senseLength(); i++)
        {
            sb.append(String.format("%02x", sense(i)));
        }
        return sb.toString();
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

    static int[] cdb10(final int opcode, final int flags, final long lba, final int blocks)
    {
        final int[] c = new int[10];
        c[0] = opcode;
        c[1] = flags;
        for (int i = 0; i < 4; i++)
        {
            c[2 + i] = (int)(lba >>> (24 - 8 * i)) & 0xFF;
        }
        c[7] = (blocks >>> 8) & 0xFF;
        c[8] = blocks & 0xFF;
        return c;
    }
}
