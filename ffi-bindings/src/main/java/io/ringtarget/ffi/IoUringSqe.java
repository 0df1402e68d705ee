package io.ringtarget.ffi;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct io_uring_sqe} from {@code <linux/io_uring.h>}: One submission queue entry (64 bytes; unions flattened to their first member plus aliases).
 * <p>
 * Written in the shape jextract generates (see {@code ffi-bindings/jextract/regenerate.sh}); sizes and offsets
 * are checked against the C headers by {@code LayoutCheckTest}.
 */
public final class IoUringSqe
{
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_BYTE.withName("opcode"),
        ValueLayout.JAVA_BYTE.withName("flags"),
        ValueLayout.JAVA_SHORT.withName("ioprio"),
        ValueLayout.JAVA_INT.withName("fd"),
        ValueLayout.JAVA_LONG.withName("off"),
        ValueLayout.JAVA_LONG.withName("addr"),
        ValueLayout.JAVA_INT.withName("len"),
        ValueLayout.JAVA_INT.withName("rw_flags"),
        ValueLayout.JAVA_LONG.withName("user_data"),
        ValueLayout.JAVA_SHORT.withName("buf_index"),
        ValueLayout.JAVA_SHORT.withName("personality"),
        ValueLayout.JAVA_INT.withName("splice_fd_in"),
        ValueLayout.JAVA_LONG.withName("addr3"),
        ValueLayout.JAVA_LONG.withName("__pad2")
    ).withName("io_uring_sqe");

    public static final long SIZEOF = 64;

    public static final long opcode$OFFSET = 0;
    public static final long flags$OFFSET = 1;
    public static final long ioprio$OFFSET = 2;
    public static final long fd$OFFSET = 4;
    public static final long off$OFFSET = 8;
    public static final long addr$OFFSET = 16;
    public static final long len$OFFSET = 24;
    public static final long rw_flags$OFFSET = 28;
    public static final long user_data$OFFSET = 32;
    public static final long buf_index$OFFSET = 40;
    public static final long personality$OFFSET = 42;
    public static final long splice_fd_in$OFFSET = 44;
    public static final long addr3$OFFSET = 48;
    public static final long __pad2$OFFSET = 56;
    /** Union alias of {@code off}. */
    public static final long addr2$OFFSET = off$OFFSET;
    /** Union alias of {@code rw_flags}. */
    public static final long fsync_flags$OFFSET = rw_flags$OFFSET;
    /** Union alias of {@code rw_flags}. */
    public static final long msg_flags$OFFSET = rw_flags$OFFSET;
    /** Union alias of {@code rw_flags}. */
    public static final long accept_flags$OFFSET = rw_flags$OFFSET;
    /** Union alias of {@code rw_flags}. */
    public static final long cancel_flags$OFFSET = rw_flags$OFFSET;
    /** Union alias of {@code rw_flags}. */
    public static final long timeout_flags$OFFSET = rw_flags$OFFSET;
    /** Union alias of {@code rw_flags}. */
    public static final long poll32_events$OFFSET = rw_flags$OFFSET;
    /** Union alias of {@code buf_index}. */
    public static final long buf_group$OFFSET = buf_index$OFFSET;
    /** Union alias of {@code splice_fd_in}. */
    public static final long file_index$OFFSET = splice_fd_in$OFFSET;
    /** Union alias of {@code addr}. */
    public static final long splice_off_in$OFFSET = addr$OFFSET;

    private IoUringSqe()
    {
    }

    public static long sizeof()
    {
        return SIZEOF;
    }

    public static byte opcode(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_BYTE, opcode$OFFSET);
    }

    public static void opcode(final MemorySegment s, final byte v)
    {
        s.set(ValueLayout.JAVA_BYTE, opcode$OFFSET, v);
    }

    public static byte flags(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_BYTE, flags$OFFSET);
    }

    public static void flags(final MemorySegment s, final byte v)
    {
        s.set(ValueLayout.JAVA_BYTE, flags$OFFSET, v);
    }

    public static short ioprio(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_SHORT, ioprio$OFFSET);
    }

    public static void ioprio(final MemorySegment s, final short v)
    {
        s.set(ValueLayout.JAVA_SHORT, ioprio$OFFSET, v);
    }

    public static int fd(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, fd$OFFSET);
    }

    public static void fd(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, fd$OFFSET, v);
    }

    public static long off(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, off$OFFSET);
    }

    public static void off(final MemorySegment s, final long v)
    {
        s.set(ValueLayout.JAVA_LONG, off$OFFSET, v);
    }

    public static long addr(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, addr$OFFSET);
    }

    public static void addr(final MemorySegment s, final long v)
    {
        s.set(ValueLayout.JAVA_LONG, addr$OFFSET, v);
    }

    public static int len(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, len$OFFSET);
    }

    public static void len(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, len$OFFSET, v);
    }

    public static int rw_flags(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, rw_flags$OFFSET);
    }

    public static void rw_flags(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, rw_flags$OFFSET, v);
    }

    public static long user_data(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, user_data$OFFSET);
    }

    public static void user_data(final MemorySegment s, final long v)
    {
        s.set(ValueLayout.JAVA_LONG, user_data$OFFSET, v);
    }

    public static short buf_index(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_SHORT, buf_index$OFFSET);
    }

    public static void buf_index(final MemorySegment s, final short v)
    {
        s.set(ValueLayout.JAVA_SHORT, buf_index$OFFSET, v);
    }

    public static short personality(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_SHORT, personality$OFFSET);
    }

    public static void personality(final MemorySegment s, final short v)
    {
        s.set(ValueLayout.JAVA_SHORT, personality$OFFSET, v);
    }

    public static int splice_fd_in(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, splice_fd_in$OFFSET);
    }

    public static void splice_fd_in(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, splice_fd_in$OFFSET, v);
    }

    public static long addr3(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, addr3$OFFSET);
    }

    public static void addr3(final MemorySegment s, final long v)
    {
        s.set(ValueLayout.JAVA_LONG, addr3$OFFSET, v);
    }

    public static long __pad2(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, __pad2$OFFSET);
    }

    public static void __pad2(final MemorySegment s, final long v)
    {
        s.set(ValueLayout.JAVA_LONG, __pad2$OFFSET, v);
    }

    public static long addr2(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, addr2$OFFSET);
    }

    public static void addr2(final MemorySegment s, final long v)
    {
        s.set(ValueLayout.JAVA_LONG, addr2$OFFSET, v);
    }

    public static int fsync_flags(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, fsync_flags$OFFSET);
    }

    public static void fsync_flags(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, fsync_flags$OFFSET, v);
    }

    public static int msg_flags(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, msg_flags$OFFSET);
    }

    public static void msg_flags(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, msg_flags$OFFSET, v);
    }

    public static int accept_flags(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, accept_flags$OFFSET);
    }

    public static void accept_flags(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, accept_flags$OFFSET, v);
    }

    public static int cancel_flags(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, cancel_flags$OFFSET);
    }

    public static void cancel_flags(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, cancel_flags$OFFSET, v);
    }

    public static int timeout_flags(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, timeout_flags$OFFSET);
    }

    public static void timeout_flags(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, timeout_flags$OFFSET, v);
    }

    public static int poll32_events(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, poll32_events$OFFSET);
    }

    public static void poll32_events(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, poll32_events$OFFSET, v);
    }

    public static short buf_group(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_SHORT, buf_group$OFFSET);
    }

    public static void buf_group(final MemorySegment s, final short v)
    {
        s.set(ValueLayout.JAVA_SHORT, buf_group$OFFSET, v);
    }

    public static int file_index(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, file_index$OFFSET);
    }

    public static void file_index(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, file_index$OFFSET, v);
    }

    public static long splice_off_in(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, splice_off_in$OFFSET);
    }

    public static void splice_off_in(final MemorySegment s, final long v)
    {
        s.set(ValueLayout.JAVA_LONG, splice_off_in$OFFSET, v);
    }

}
