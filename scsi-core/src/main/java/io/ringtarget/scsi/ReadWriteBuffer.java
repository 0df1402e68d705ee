package io.ringtarget.scsi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * READ BUFFER(10), READ BUFFER(16) (SPC-5) and WRITE BUFFER (SPC-4 6.15, 6.43) of one logical unit: buffer 0, a
 * {@link #CAPACITY}-byte data
 * buffer of the logical unit, in the data, descriptor and combined header and data modes; and the echo buffer (at
 * most 4 KiB, SPC-4 6.15.7), one for the logical unit with EBOS set: a READ BUFFER of it after another I_T nexus wrote
 * it is ABORTED COMMAND, ECHO BUFFER OVERWRITTEN, and one from a nexus that never wrote it COMMAND SEQUENCE ERROR.
 * What sg_test_rwbuf and sg_read_buffer use to test a transport's data path end to end. No microcode download
 * (the download modes are INVALID FIELD IN CDB: nothing here runs firmware).
 * <p>
 * Rare commands, any loop: the buffers are copied under this object's monitor, allocated at the first use.
 */
final class ReadWriteBuffer
{
    /** Buffer 0's capacity: one command's data in the task's scratch, with the 4-byte header of mode 00h. */
    static final int CAPACITY = 32 * 1024;
    static final int ECHO_CAPACITY = 4096;

    // MODE field (SPC-4 6.15.1 and 6.43.1 tables).
    static final int COMBINED_HEADER_AND_DATA = 0x00;
    static final int DATA = 0x02;
    static final int DESCRIPTOR = 0x03;
    static final int ECHO = 0x0A;
    static final int ECHO_DESCRIPTOR = 0x0B;

    private MemorySegment data;
    private MemorySegment echo;
    private int echoLength;
    /** The nexus whose WRITE BUFFER is in the echo buffer, null when none wrote it. */
    private ItNexus echoWriter;

    /** READ BUFFER(10): BUFFER ID in byte 2, a 3-byte BUFFER OFFSET at 3 and ALLOCATION LENGTH at 6. */
    void readBuffer(final ScsiTask t, final MemorySegment cdb)
    {
        read(t, Bytes.u8(cdb, 1) & 0x1F, Bytes.u8(cdb, 2), Bytes.u24(cdb, 3), Bytes.u24(cdb, 6), 2, 3);
    }

    /**
     * READ BUFFER(16) (SPC-5): an 8-byte BUFFER OFFSET at byte 2, a 4-byte ALLOCATION LENGTH at 10 and BUFFER ID in
     * byte 14; the same buffers and modes.
     */
    void readBuffer16(final ScsiTask t, final MemorySegment cdb)
    {
        final long offset = Bytes.u64(cdb, 2);
        final int inBuffer = offset < 0 || offset > CAPACITY ? CAPACITY + 1 : (int)offset;   // past it: refused
        read(t, Bytes.u8(cdb, 1) & 0x1F, Bytes.u8(cdb, 14), inBuffer, Bytes.u32(cdb, 10), 14, 2);
    }

    /** {@code idField} and {@code offsetField}: where the CDB has them, for the sense data's field pointer. */
    private void read(
        final ScsiTask t, final int mode, final int bufferId, final int offset, final long allocationLength,
        final int idField, final int offsetField)
    {
        final MemorySegment out = t.scratch();
        final int length;
        switch (mode)
        {
            case COMBINED_HEADER_AND_DATA:
            case DATA:
                if (bufferId != 0)
                {
                    Responses.invalidCdb(t, idField, -1);
                    return;
                }
                if (mode == COMBINED_HEADER_AND_DATA ? offset != 0 : offset > CAPACITY)
                {
                    Responses.invalidCdb(t, offsetField, -1);
                    return;
                }
                final int header = mode == COMBINED_HEADER_AND_DATA ? 4 : 0;
                if (header != 0)
                {
                    Bytes.put32(out, 0, CAPACITY);   // byte 0 reserved, BUFFER CAPACITY in bytes 1-3
                }
                length = header + copyOut(out, header, offset, CAPACITY - offset);
                break;
            case DESCRIPTOR:
                // OFFSET BOUNDARY 0 (any byte), BUFFER CAPACITY; an unsupported buffer ID reads all zeros.
                Bytes.put32(out, 0, bufferId == 0 ? CAPACITY : 0);
                length = 4;
                break;
            case ECHO:
                length = echoOut(t, out);
                if (length < 0)
                {
                    return;
                }
                break;
            case ECHO_DESCRIPTOR:
                Bytes.zero(out, 0, 4);
                Bytes.put8(out, 0, 0x01);   // EBOS: one echo buffer for every nexus, overwriting is reported
                Bytes.put16(out, 2, ECHO_CAPACITY);
                length = 4;
                break;
            default:
                Responses.invalidCdb(t, 1, 4);
                return;
        }
        Responses.dataIn(t, length, allocationLength);
    }

    void writeBuffer(final ScsiTask t, final MemorySegment cdb)
    {
        final int mode = Bytes.u8(cdb, 1) & 0x1F;
        final int bufferId = Bytes.u8(cdb, 2);
        final int offset = Bytes.u24(cdb, 3);
        final int length = Bytes.u24(cdb, 6);
        t.residual(length);
        switch (mode)
        {
            case DATA:
                if (bufferId != 0)
                {
                    Responses.invalidCdb(t, 2, -1);
                    return;
                }
                if ((long)offset + length > CAPACITY)
                {
                    Responses.invalidCdb(t, offset > CAPACITY ? 3 : 6, -1);
                    return;
                }
                break;
            case ECHO:
                if (length > ECHO_CAPACITY)
                {
                    Responses.invalidCdb(t, 6, -1);
                    return;
                }
                break;
            default:
                Responses.invalidCdb(t, 1, 4);   // the download and vendor modes: no firmware here
                return;
        }
        if (Responses.room(t) < length)
        {
            Responses.illegal(t, Asc.PARAMETER_LIST_LENGTH_ERROR, 0);
            return;
        }
        if (mode == DATA)
        {
            copyIn(t.dataBuffer(), offset, length);
        }
        else
        {
            echoIn(t.dataBuffer(), length, t.nexus());
        }
        Responses.good(t);
    }

    private synchronized int copyOut(final MemorySegment out, final int at, final int offset, final int length)
    {
        if (data == null)
        {
            Bytes.zero(out, at, length);
        }
        else
        {
            MemorySegment.copy(data, offset, out, at, length);
        }
        return length;
    }

    private synchronized void copyIn(final MemorySegment in, final int offset, final int length)
    {
        if (data == null)
        {
            data = Arena.ofAuto().allocate(CAPACITY, 8);
        }
        MemorySegment.copy(in, 0, data, offset, length);
    }

    private synchronized void echoIn(final MemorySegment in, final int length, final ItNexus writer)
    {
        if (echo == null)
        {
            echo = Arena.ofAuto().allocate(ECHO_CAPACITY, 8);
        }
        MemorySegment.copy(in, 0, echo, 0, length);
        echoLength = length;
        echoWriter = writer;
    }

    /** @return the bytes put in {@code out}, or -1 when the task was answered with an error. */
    private synchronized int echoOut(final ScsiTask t, final MemorySegment out)
    {
        if (echoWriter == null || !echoWriter.sameAs(t.nexus()))
        {
            if (echoWriter == null)
            {
                Responses.illegal(t, Asc.COMMAND_SEQUENCE_ERROR, 0);   // nothing written to it yet
            }
            else
            {
                t.checkCondition(SenseKey.ABORTED_COMMAND, Asc.ECHO_BUFFER_OVERWRITTEN);
                t.complete();
            }
            return -1;
        }
        MemorySegment.copy(echo, 0, out, 0, echoLength);
        return echoLength;
    }
}
