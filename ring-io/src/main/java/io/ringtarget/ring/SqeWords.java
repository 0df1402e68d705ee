package io.ringtarget.ring;

import io.ringtarget.ffi.IoUringSqe;

import java.nio.ByteOrder;

/**
 * Where {@link Ring} puts each field of {@code struct io_uring_sqe} when it writes an SQE as eight longs: the byte
 * offset of each 8-byte word and the bit shift of each field inside it, derived from the {@link IoUringSqe} offsets
 * (held to linux/io_uring.h by LayoutCheckTest). Eight long stores cost a third to a half of fourteen field stores
 * (SqeWriteBenchmark, docs/ring-io.md).
 * <p>
 * Class initialisation fails if a field straddles a word, or if the fields written do not cover all
 * {@link IoUringSqe#SIZEOF} bytes exactly once: a header change cannot leave bytes of an SQE's previous use behind.
 * <pre>
 *  0: opcode flags ioprio fd           8: off (addr2)        16: addr (splice_off_in)    24: len rw_flags (op flags)
 * 32: user_data                       40: buf_index (buf_group) personality splice_fd_in (file_index)
 * 48: addr3                           56: __pad2
 * </pre>
 */
final class SqeWords
{
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    static final long HEAD = IoUringSqe.opcode$OFFSET;
    static final int OPCODE_SHIFT = shift(HEAD, IoUringSqe.opcode$OFFSET, Byte.BYTES);
    static final int FLAGS_SHIFT = shift(HEAD, IoUringSqe.flags$OFFSET, Byte.BYTES);
    static final int IOPRIO_SHIFT = shift(HEAD, IoUringSqe.ioprio$OFFSET, Short.BYTES);
    static final int FD_SHIFT = shift(HEAD, IoUringSqe.fd$OFFSET, Integer.BYTES);

    static final long OFF = word(IoUringSqe.off$OFFSET);
    static final long ADDR = word(IoUringSqe.addr$OFFSET);

    static final long LEN_FLAGS = IoUringSqe.len$OFFSET;
    static final int LEN_SHIFT = shift(LEN_FLAGS, IoUringSqe.len$OFFSET, Integer.BYTES);
    static final int OP_FLAGS_SHIFT = shift(LEN_FLAGS, IoUringSqe.rw_flags$OFFSET, Integer.BYTES);

    static final long USER_DATA = word(IoUringSqe.user_data$OFFSET);

    /** buf_index, personality (always 0 here) and splice_fd_in. */
    static final long BUF_FILE = IoUringSqe.buf_index$OFFSET;
    static final int BUF_INDEX_SHIFT = shift(BUF_FILE, IoUringSqe.buf_index$OFFSET, Short.BYTES);
    static final int FILE_INDEX_SHIFT = shift(BUF_FILE, IoUringSqe.splice_fd_in$OFFSET, Integer.BYTES);

    static final long ADDR3 = word(IoUringSqe.addr3$OFFSET);
    static final long PAD2 = word(IoUringSqe.__pad2$OFFSET);

    static
    {
        if (IoUringSqe.SIZEOF != Long.SIZE)
        {
            throw new IllegalStateException("sizeof(struct io_uring_sqe) is not 64: " + IoUringSqe.SIZEOF);
        }
        // personality is written as the zero bits of this word.
        shift(BUF_FILE, IoUringSqe.personality$OFFSET, Short.BYTES);
        long covered = 0;
        covered = claim(covered, IoUringSqe.opcode$OFFSET, Byte.BYTES);
        covered = claim(covered, IoUringSqe.flags$OFFSET, Byte.BYTES);
        covered = claim(covered, IoUringSqe.ioprio$OFFSET, Short.BYTES);
        covered = claim(covered, IoUringSqe.fd$OFFSET, Integer.BYTES);
        covered = claim(covered, OFF, Long.BYTES);
        covered = claim(covered, ADDR, Long.BYTES);
        covered = claim(covered, IoUringSqe.len$OFFSET, Integer.BYTES);
        covered = claim(covered, IoUringSqe.rw_flags$OFFSET, Integer.BYTES);
        covered = claim(covered, USER_DATA, Long.BYTES);
        covered = claim(covered, IoUringSqe.buf_index$OFFSET, Short.BYTES);
        covered = claim(covered, IoUringSqe.personality$OFFSET, Short.BYTES);
        covered = claim(covered, IoUringSqe.splice_fd_in$OFFSET, Integer.BYTES);
        covered = claim(covered, ADDR3, Long.BYTES);
        covered = claim(covered, PAD2, Long.BYTES);
        if (covered != -1L)
        {
            throw new IllegalStateException("SQE bytes not written: mask " + Long.toHexString(~covered));
        }
    }

    private SqeWords()
    {
    }

    /** A field that is a whole word. */
    private static long word(final long fieldOffset)
    {
        shift(fieldOffset, fieldOffset, Long.BYTES);
        return fieldOffset;
    }

    /** The shift that puts a field of {@code bytes} at {@code fieldOffset} into the native-order word at {@code word}. */
    private static int shift(final long word, final long fieldOffset, final int bytes)
    {
        final long inWord = fieldOffset - word;
        if ((word & (Long.BYTES - 1)) != 0 || inWord < 0 || inWord + bytes > Long.BYTES)
        {
            throw new IllegalStateException("SQE field at " + fieldOffset + " is not inside the word at " + word);
        }
        return (int)(Byte.SIZE * (LITTLE_ENDIAN ? inWord : Long.BYTES - bytes - inWord));
    }

    /** Marks the bytes of a field in a 64-bit mask of the 64-byte SQE, one bit per byte. */
    private static long claim(final long covered, final long fieldOffset, final int bytes)
    {
        final long bits = ((1L << bytes) - 1) << fieldOffset;
        if ((covered & bits) != 0)
        {
            throw new IllegalStateException("SQE field at " + fieldOffset + " overlaps another");
        }
        return covered | bits;
    }
}
