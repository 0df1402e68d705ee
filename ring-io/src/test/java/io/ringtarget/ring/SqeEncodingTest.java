package io.ringtarget.ring;

import io.ringtarget.ffi.IoUringSqe;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.ringtarget.ffi.IoUringConstants.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a prep writes into the mapped SQE, decoded with the {@link IoUringSqe} accessors (offsets held to the C header
 * by LayoutCheckTest): every field where the kernel reads it, and every byte of the slot rewritten, so nothing of a
 * previous use survives. The kernel then accepts the entries.
 */
class SqeEncodingTest
{
    private static final byte DIRTY = (byte)0xA5;

    @Test
    void everyByteOfTheSlotIsRewrittenAndEachFieldLandsAtItsOffset()
    {
        try (Ring ring = Ring.open(new RingConfig().entries(4)))
        {
            assertEquals(4, ring.sqEntries());
            for (int slot = 0; slot < 4; slot++)
            {
                ring.sqeSlot(slot).fill(DIRTY);
            }

            ring.prepNop(0x1122_3344_5566_7788L);
            final MemorySegment nop = ring.sqeSlot(0);
            assertEquals(IORING_OP_NOP, IoUringSqe.opcode(nop));
            assertEquals(-1, IoUringSqe.fd(nop));
            assertEquals(0x1122_3344_5566_7788L, IoUringSqe.user_data(nop));
            assertZeroExcept(nop, IoUringSqe.fd$OFFSET, Integer.BYTES, IoUringSqe.user_data$OFFSET, Long.BYTES);

            ring.prepRecvMultishot(7, 0x0102, 0x40, 42L);
            final MemorySegment recv = ring.sqeSlot(1);
            assertEquals(IORING_OP_RECV, IoUringSqe.opcode(recv));
            assertEquals(IOSQE_BUFFER_SELECT, IoUringSqe.flags(recv));
            assertEquals(IORING_RECV_MULTISHOT, IoUringSqe.ioprio(recv));
            assertEquals(7, IoUringSqe.fd(recv));
            assertEquals(0x40, IoUringSqe.msg_flags(recv));
            assertEquals(42L, IoUringSqe.user_data(recv));
            assertEquals(0x0102, IoUringSqe.buf_group(recv));
            assertEquals(0L, IoUringSqe.addr(recv));
            assertEquals(0L, IoUringSqe.addr3(recv));
            assertEquals(0L, IoUringSqe.__pad2(recv));
            assertEquals(0, IoUringSqe.personality(recv));
            assertEquals(0, IoUringSqe.file_index(recv));

            ring.prepSendZc(9, 0x7000_0000_1000L, 65536, 0, IORING_RECVSEND_FIXED_BUF, 3, 43L);
            ring.lastSqeFlags(IOSQE_IO_LINK);
            final MemorySegment zc = ring.sqeSlot(2);
            assertEquals(IORING_OP_SEND_ZC, IoUringSqe.opcode(zc));
            assertEquals(IOSQE_IO_LINK, IoUringSqe.flags(zc));
            assertEquals(IORING_RECVSEND_FIXED_BUF, IoUringSqe.ioprio(zc));
            assertEquals(0x7000_0000_1000L, IoUringSqe.addr(zc));
            assertEquals(65536, IoUringSqe.len(zc));
            assertEquals(3, IoUringSqe.buf_index(zc));
            assertEquals(0L, IoUringSqe.off(zc));

            ring.prepRead(5, 0x6000_0000_0000L, 4096, 1L << 40, 44L);
            final MemorySegment read = ring.sqeSlot(3);
            assertEquals(IORING_OP_READ, IoUringSqe.opcode(read));
            assertEquals(1L << 40, IoUringSqe.off(read));
            assertEquals(0, IoUringSqe.rw_flags(read));
            assertEquals(0, IoUringSqe.buf_index(read));

            for (int slot = 0; slot < 4; slot++)
            {
                final MemorySegment s = ring.sqeSlot(slot);
                for (long b = 0; b < IoUringSqe.SIZEOF; b++)
                {
                    // None of the values above has a 0xA5 byte.
                    if (s.get(ValueLayout.JAVA_BYTE, b) == DIRTY)
                    {
                        throw new AssertionError("slot " + slot + " byte " + b + " kept a previous use's value");
                    }
                }
            }
        }
    }

    @Test
    void reusedSlotsKeepNothingOfTheirPreviousOperation()
    {
        try (Ring ring = Ring.open(new RingConfig().entries(2)))
        {
            // A send with every optional field set, linked to a multishot receive (on no file: both fail, EBADF or
            // ECANCELED), then NOPs into the same slots once the kernel took them.
            ring.prepSendZc(-1, 0x1000L, 100, 0x4000, IORING_RECVSEND_FIXED_BUF, 1, UserData.pack(1, 1, 1));
            ring.lastSqeFlags(IOSQE_IO_LINK);
            ring.prepRecvMultishot(-1, 5, 0x40, UserData.pack(1, 2, 2));
            assertEquals(2, ring.submit());
            new Cqes().await(ring, 2);

            ring.prepNop(UserData.pack(2, 0, 1));
            ring.prepNop(UserData.pack(2, 0, 2));
            for (int slot = 0; slot < 2; slot++)
            {
                final MemorySegment s = ring.sqeSlot(slot);
                assertEquals(IORING_OP_NOP, IoUringSqe.opcode(s));
                assertZeroExcept(s, IoUringSqe.fd$OFFSET, Integer.BYTES, IoUringSqe.user_data$OFFSET, Long.BYTES);
            }
            final Cqes nops = new Cqes().await(ring, 2);
            assertEquals(0, nops.resOf(UserData.pack(2, 0, 1)));
            assertEquals(0, nops.resOf(UserData.pack(2, 0, 2)));
        }
    }

    private static void assertZeroExcept(
        final MemorySegment sqe, final long offsetA, final int lengthA, final long offsetB, final int lengthB)
    {
        for (long b = 0; b < IoUringSqe.SIZEOF; b++)
        {
            final boolean kept = (b >= offsetA && b < offsetA + lengthA) || (b >= offsetB && b < offsetB + lengthB);
            if (!kept)
            {
                assertEquals(0, sqe.get(ValueLayout.JAVA_BYTE, b), "byte " + b + " of " + sqe);
            }
        }
    }
}
