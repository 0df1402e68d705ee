package io.ringtarget.scsi;

import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * READ BUFFER and WRITE BUFFER (SPC-4 6.15, 6.43): buffer 0 written and read back at offsets, its descriptor and the
 * combined header and data mode; the echo buffer, its descriptor, what another nexus's write does to it; every refusal.
 */
class ReadWriteBufferTest
{
    private final LuHarness h = new LuHarness().ready();

    private void writeBuffer(final ItNexus from, final int mode, final int offset, final int length)
    {
        h.run(from, length, 0x3B, mode, 0, offset >> 16, (offset >> 8) & 0xFF, offset & 0xFF,
            length >> 16, (length >> 8) & 0xFF, length & 0xFF, 0);
    }

    private void readBuffer(final ItNexus from, final int mode, final int bufferId, final int offset, final int length)
    {
        h.run(from, length, 0x3C, mode, bufferId, offset >> 16, (offset >> 8) & 0xFF, offset & 0xFF,
            length >> 16, (length >> 8) & 0xFF, length & 0xFF, 0);
    }

    @Test
    void bufferZeroKeepsWhatWasWrittenAtItsOffsets()
    {
        readBuffer(h.nexus, 0x03, 0, 0, 4);   // descriptor
        h.assertGood();
        assertEquals(0, h.in(0), "OFFSET BOUNDARY: any byte");
        assertEquals(ReadWriteBuffer.CAPACITY, (h.in(1) << 16) | (h.in(2) << 8) | h.in(3));
        readBuffer(h.nexus, 0x03, 7, 0, 4);   // an unsupported buffer: all zeros
        h.assertGood();
        assertEquals(0, h.in(1) | h.in(2) | h.in(3));

        for (int i = 0; i < 1000; i++)
        {
            h.buffer.set(ValueLayout.JAVA_BYTE, i, (byte)(i * 7));
        }
        writeBuffer(h.nexus, 0x02, 100, 1000);
        h.assertGood();
        readBuffer(h.other, 0x02, 0, 100, 1000);   // another nexus reads what was written
        h.assertGood();
        assertEquals(1000, h.task.dataInLength());
        for (int i = 0; i < 1000; i++)
        {
            assertEquals((byte)(i * 7), h.buffer.get(ValueLayout.JAVA_BYTE, i), "byte " + i);
        }
        readBuffer(h.nexus, 0x00, 0, 0, 104 + 4);   // combined header and data
        h.assertGood();
        assertEquals(ReadWriteBuffer.CAPACITY, (h.in(1) << 16) | (h.in(2) << 8) | h.in(3));
        assertEquals(0, h.in(4 + 99), "never written");
        assertEquals(0, h.in(4 + 100), "i = 0");
        assertEquals(7, h.in(4 + 101));
        readBuffer(h.nexus, 0x02, 0, ReadWriteBuffer.CAPACITY - 10, 1000);   // past the end: what there is
        h.assertGood();
        assertEquals(10, h.task.dataInLength());
    }

    @Test
    void theEchoBufferAnswersItsWriterAndSaysWhenAnotherOverwroteIt()
    {
        readBuffer(h.nexus, 0x0B, 0, 0, 4);
        h.assertGood();
        assertEquals(0x01, h.in(0) & 0x01, "EBOS");
        assertEquals(4096, (h.in(2) << 8) | h.in(3));
        readBuffer(h.nexus, 0x0A, 0, 0, 4096);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.COMMAND_SEQUENCE_ERROR);

        h.fill(0, 512, 0x5C);
        writeBuffer(h.nexus, 0x0A, 0, 512);
        h.assertGood();
        h.fill(0, 4096, 0);
        readBuffer(h.nexus, 0x0A, 0, 0, 4096);
        h.assertGood();
        assertEquals(512, h.task.dataInLength(), "what was written");
        assertEquals(0x5C, h.in(511));
        writeBuffer(h.other, 0x0A, 0, 16);
        readBuffer(h.nexus, 0x0A, 0, 0, 4096);
        h.assertSense(SenseKey.ABORTED_COMMAND, Asc.ECHO_BUFFER_OVERWRITTEN);
        readBuffer(h.other, 0x0A, 0, 0, 4096);
        h.assertGood();
        assertEquals(16, h.task.dataInLength());
    }

    private void readBuffer16(final int mode, final int bufferId, final long offset, final int length)
    {
        h.run(h.other, length, 0x9B, mode, (int)(offset >>> 56), (int)(offset >>> 48) & 0xFF,
            (int)(offset >>> 40) & 0xFF, (int)(offset >>> 32) & 0xFF, (int)(offset >>> 24) & 0xFF,
            (int)(offset >>> 16) & 0xFF, (int)(offset >>> 8) & 0xFF, (int)offset & 0xFF,
            length >>> 24, (length >>> 16) & 0xFF, (length >>> 8) & 0xFF, length & 0xFF, bufferId, 0);
    }

    @Test
    void readBuffer16ReadsTheSameBuffersWithItsOwnFields()
    {
        for (int i = 0; i < 64; i++)
        {
            h.buffer.set(ValueLayout.JAVA_BYTE, i, (byte)(i + 1));
        }
        writeBuffer(h.nexus, 0x02, 300, 64);
        h.assertGood();
        readBuffer16(0x02, 0, 310, 20);
        h.assertGood();
        assertEquals(20, h.task.dataInLength());
        assertEquals(11, h.in(0), "byte 310 = the eleventh written");
        assertEquals(30, h.in(19));
        readBuffer16(0x03, 0, 0, 4);   // descriptor
        h.assertGood();
        assertEquals(ReadWriteBuffer.CAPACITY, (h.in(1) << 16) | (h.in(2) << 8) | h.in(3));
        readBuffer16(0x02, 1, 0, 16);   // BUFFER ID is byte 14 here
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.assertFieldPointer(true, 14, -1);
        readBuffer16(0x02, 0, 1L << 40, 16);   // BUFFER OFFSET, 8 bytes from byte 2
        h.assertFieldPointer(true, 2, -1);
        readBuffer16(0x02, 0, -1L, 16);
        h.assertFieldPointer(true, 2, -1);
    }

    @Test
    void refusals()
    {
        writeBuffer(h.nexus, 0x05, 0, 512);   // download microcode and save
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.assertFieldPointer(true, 1, 4);
        writeBuffer(h.nexus, 0x02, ReadWriteBuffer.CAPACITY - 10, 512);   // past the end
        h.assertFieldPointer(true, 6, -1);
        writeBuffer(h.nexus, 0x0A, 0, 4097);
        h.assertFieldPointer(true, 6, -1);
        h.run(h.nexus, 512, 0x3B, 0x02, 1, 0, 0, 0, 0, 2, 0, 0);   // buffer 1
        h.assertFieldPointer(true, 2, -1);
        readBuffer(h.nexus, 0x1C, 0, 0, 512);   // error history: none
        h.assertFieldPointer(true, 1, 4);
        readBuffer(h.nexus, 0x02, 0, ReadWriteBuffer.CAPACITY + 1, 16);
        h.assertFieldPointer(true, 3, -1);
        h.run(h.nexus, 512, 0x3B, 0x02, 0, 0, 0, 0, 0, 4, 0, 0);   // 1024 asked, 512 sent
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.PARAMETER_LIST_LENGTH_ERROR);
    }
}
