package io.ringtarget.iscsi.stats;

/**
 * The kind of a SCSI command, for the per-LUN counters and latency histograms (label {@code op}): READ(6/10/12/16)
 * are reads; WRITE(6/10/12/16), WRITE AND VERIFY(10/12/16) and WRITE ATOMIC(16) writes; SYNCHRONIZE CACHE(10/16)
 * flushes; UNMAP unmaps; everything else (INQUIRY, TEST UNIT READY, WRITE SAME, COMPARE AND WRITE, VERIFY, ...) other.
 */
public final class IoOp
{
    public static final int READ = 0;
    public static final int WRITE = 1;
    public static final int FLUSH = 2;
    public static final int UNMAP = 3;
    public static final int OTHER = 4;
    public static final int COUNT = 5;

    private static final String[] LABELS = { "read", "write", "flush", "unmap", "other" };
    private static final byte[] BY_OPCODE = new byte[256];

    static
    {
        java.util.Arrays.fill(BY_OPCODE, (byte)OTHER);
        for (final int opcode : new int[]{ 0x08, 0x28, 0xA8, 0x88 })
        {
            BY_OPCODE[opcode] = READ;
        }
        for (final int opcode : new int[]{ 0x0A, 0x2A, 0xAA, 0x8A, 0x2E, 0xAE, 0x8E, 0x9C })
        {
            BY_OPCODE[opcode] = WRITE;
        }
        BY_OPCODE[0x35] = FLUSH;
        BY_OPCODE[0x91] = FLUSH;
        BY_OPCODE[0x42] = UNMAP;
    }

    private IoOp()
    {
    }

    /** The kind of a command by its CDB's operation code. */
    public static int of(final int opcode)
    {
        return BY_OPCODE[opcode & 0xFF];
    }

    /** The {@code op} label of a kind. */
    public static String label(final int op)
    {
        return LABELS[op];
    }
}
