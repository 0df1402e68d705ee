package io.ringtarget.scsi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drives a {@link LogicalUnit} the way a transport does: one task, one data buffer, counts listener calls.
 */
final class LuHarness implements ScsiTaskListener
{
    static final int BUFFER_SIZE = 2 * 1024 * 1024;

    final LogicalUnit lu;
    final MemoryBlockDevice device;
    final ScsiTask task = new ScsiTask();
    final MemorySegment buffer = Arena.ofAuto().allocate(BUFFER_SIZE, 4096);
    final ItNexus nexus = new ItNexus("iqn.2026-11.test:a,i,0x000000000001", 1);
    final ItNexus other = new ItNexus("iqn.2026-11.test:b,i,0x000000000002", 1);
    int completions;

    LuHarness(final long blocks, final int blockSize, final boolean thin, final boolean readOnly)
    {
        lu = new LogicalUnit(LogicalUnitIdentity.of("iqn.2026-11.io.ringtarget:test", "SERIAL0001"),
            blocks, blockSize, thin, readOnly);
        device = new MemoryBlockDevice(blocks, blockSize);
        task.listener(this);
    }

    LuHarness()
    {
        this(2048, 512, true, false);
    }

    /** Consume the POWER ON / RESET unit attention of both nexuses. */
    LuHarness ready()
    {
        run(nexus, 0, 0, 0, 0, 0, 0, 0);
        run(other, 0, 0, 0, 0, 0, 0, 0);
        return this;
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
        final byte[] bytes = new byte[cdb.length];
        for (int i = 0; i < cdb.length; i++)
        {
            bytes[i] = (byte)cdb[i];
        }
        final int before = completions;
        task.reset();
        task.nexus(from).device(device).cdb(bytes).expectedDataTransferLength(edtl).dataBuffer(buffer);
        lu.execute(task);
        device.drain();
        assertEquals(before + 1, completions, "listener called exactly once");
        return task;
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
