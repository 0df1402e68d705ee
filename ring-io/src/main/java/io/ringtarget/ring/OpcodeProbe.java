package io.ringtarget.ring;

import io.ringtarget.ffi.Errno;
import io.ringtarget.ffi.IoUringProbe;
import io.ringtarget.ffi.IoUringProbeOp;
import io.ringtarget.ffi.IoUringSyscalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.ringtarget.ffi.IoUringConstants.IORING_OP_RECV;
import static io.ringtarget.ffi.IoUringConstants.IORING_REGISTER_PROBE;
import static io.ringtarget.ffi.IoUringConstants.IO_URING_OP_SUPPORTED;

/** The IORING_OP_* a ring's kernel supports (IORING_REGISTER_PROBE), asked once when the ring is set up. */
final class OpcodeProbe
{
    private static final System.Logger LOG = System.getLogger(Ring.class.getName());
    private static final int PROBE_OPS = 256;

    private final boolean[] supportedOps = new boolean[PROBE_OPS];
    private int lastOp;

    private OpcodeProbe()
    {
    }

    /** Probes the ring {@code ringFd}; the probe's buffer comes from the ring's {@code arena}. */
    static OpcodeProbe probe(final Arena arena, final int ringFd)
    {
        final OpcodeProbe probe = new OpcodeProbe();
        probe.lastOp = probe.fill(arena, ringFd);
        return probe;
    }

    boolean supports(final int opcode)
    {
        return opcode >= 0 && opcode < PROBE_OPS && supportedOps[opcode];
    }

    /** The highest opcode the kernel knows. */
    int lastOp()
    {
        return lastOp;
    }

    /** Marks the supported opcodes; returns the last one the kernel knows. */
    private int fill(final Arena arena, final int ringFd)
    {
        final long size = IoUringProbe.SIZEOF + (long)PROBE_OPS * IoUringProbeOp.SIZEOF;
        final MemorySegment p = arena.allocate(size, IoUringProbe.LAYOUT.byteAlignment());
        final int r = IoUringSyscalls.register(ringFd, IORING_REGISTER_PROBE, p.address(), PROBE_OPS);
        if (r < 0)
        {
            LOG.log(System.Logger.Level.WARNING, "IORING_REGISTER_PROBE failed: {0}; assuming the 5.6 opcode set",
                Errno.describe(r));
            for (int op = 0; op <= IORING_OP_RECV; op++)
            {
                supportedOps[op] = true;
            }
            return IORING_OP_RECV;
        }
        final int opsLen = IoUringProbe.ops_len(p) & 0xFF;
        for (int i = 0; i < opsLen; i++)
        {
            final MemorySegment op =
                p.asSlice(IoUringProbe.ops$OFFSET + i * IoUringProbeOp.SIZEOF, IoUringProbeOp.SIZEOF);
            if ((IoUringProbeOp.flags(op) & IO_URING_OP_SUPPORTED) != 0)
            {
                supportedOps[IoUringProbeOp.op(op) & 0xFF] = true;
            }
        }
        return IoUringProbe.last_op(p) & 0xFF;
    }
}
