package io.ringtarget.iscsi.command;

import io.ringtarget.backstore.RamBackstore;
import io.ringtarget.iscsi.RecordingPduSender;
import io.ringtarget.iscsi.RecordingPduSender.Sent;
import io.ringtarget.iscsi.TestInitiator;
import io.ringtarget.iscsi.numbering.CmdSnWindow;
import io.ringtarget.iscsi.numbering.StatSn;
import io.ringtarget.pdu.DataInPdu;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.scsi.BlockDevice;
import io.ringtarget.scsi.LogicalUnit;
import io.ringtarget.scsi.LogicalUnitIdentity;
import io.ringtarget.scsi.ScsiStatus;
import io.ringtarget.scsi.ScsiTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Data-In of reads up to 16 MiB without sockets: PDUs of at most MaxRecvDataSegmentLength in sequences of at most
 * MaxBurstLength (RFC 7143 11.7.1, 13.13), and staged only as the send queue has room.
 */
class ResponseSenderTest
{
    private static final int MIB = 1024 * 1024;
    private final RecordingPduSender sender = new RecordingPduSender();
    private final CmdSnWindow window = new CmdSnWindow();
    private final DataBuffers buffers = new DataBuffers(4, DataBuffers.DEFAULT_REGION_SIZE);
    private final CommandTable table = new CommandTable(buffers, window);
    private final ResponseSender responses = new ResponseSender(sender, new StatSn().reset(7), window, buffers);
    private final RamBackstore ram = new RamBackstore(64L * MIB, 512);
    private final LogicalUnit lu = new LogicalUnit(LogicalUnitIdentity.of("iqn.2026-12.io.ringtarget:t", "s1"),
        ram.blockCount(), 512, false, false);
    private int itt = 0x100;

    ResponseSenderTest()
    {
        window.reset(1);
    }

    @AfterEach
    void close()
    {
        table.releaseAll();
        buffers.close();
        ram.close();
    }

    /** A READ(16) of {@code bytes} at LBA 0 run on the RAM LU, its buffer from the loop's pools, completed. */
    private Command read(final int bytes)
    {
        final Command c = table.allocate(itt++, 1, 0);
        c.read = true;
        c.expectedDataTransferLength = bytes;
        assertEquals(DataBuffers.POOLED, buffers.acquire(c, bytes));
        final byte[] cdb = new byte[16];
        cdb[0] = (byte)0x88;
        final int blocks = bytes / 512;
        cdb[10] = (byte)(blocks >>> 24);
        cdb[11] = (byte)(blocks >>> 16);
        cdb[12] = (byte)(blocks >>> 8);
        cdb[13] = (byte)blocks;
        final ScsiTask task = c.task.reset().cdb(cdb).expectedDataTransferLength(bytes).dataIn(true)
            .dataBuffer(c.buffer).device(ram.device()).listener(t -> { });
        lu.execute(task);
        assertEquals(ScsiStatus.GOOD, task.status());
        for (long o = 0; o < bytes; o += 8)
        {
            c.buffer.set(ValueLayout.JAVA_LONG_UNALIGNED, o, o);   // a known pattern in place of the RAM's zeros
        }
        return c;
    }

    private static DataInPdu dataIn(final Sent pdu)
    {
        assertEquals(Opcode.SCSI_DATA_IN, pdu.opcode());
        return new DataInPdu().wrap(pdu.header(), 0);
    }

    @Test
    void sixteenMebibytesAreTwoSequencesOfSegments()
    {
        responses.parameters(262144, 16776192, false);
        final Command c = read(16 * MIB);
        responses.send(c);
        final List<Sent> sent = sender.take();
        assertEquals(65, sent.size(), "63 x 256 KiB, then 255 KiB ending the first burst, 1 KiB, 256 KiB");
        final List<Integer> finals = new ArrayList<>();
        int offset = 0;
        for (int k = 0; k < sent.size(); k++)
        {
            final DataInPdu d = dataIn(sent.get(k));
            assertEquals(k, d.dataSn());
            assertEquals(offset, d.bufferOffset());
            assertEquals(sent.get(k).data().length, d.dataSegmentLength());
            assertTrue(d.dataSegmentLength() <= 262144);
            offset += d.dataSegmentLength();
            if (d.finalBit())
            {
                finals.add(offset);
            }
            assertEquals(k == sent.size() - 1, d.statusBit(), "status with the last only");
            assertEquals(k == sent.size() - 1 ? c.index() : -1, sent.get(k).tag());
        }
        assertEquals(List.of(16776192, 16 * MIB), finals);
        assertEquals(16776192 - 63 * 262144, dataIn(sent.get(63)).dataSegmentLength(), "a burst ends a PDU early");
    }

    @Test
    void dataInWaitsForRoomInTheSendQueue()
    {
        // 4 KiB segments: a 16 MiB read is 4096 PDUs; the queue takes 300 more, 256 of them kept for other PDUs.
        responses.parameters(4096, 16776192, false);
        sender.room(ResponseSender.SEND_QUEUE_RESERVE + 44);
        final Command big = read(16 * MIB);
        final Command small = read(4096);
        responses.send(big);
        responses.send(small);
        assertEquals(44, sender.sent().size(), "staged up to the reserve");
        assertEquals(2, responses.waitingReads(), "the small read waits behind the big one");
        int pdus = 0;
        int offset = 0;
        int smallPdus = 0;
        for (int round = 0; round < 1000 && (responses.waitingReads() > 0 || !sender.sent().isEmpty()); round++)
        {
            for (final Sent s : sender.take())
            {
                final DataInPdu d = dataIn(s);
                if (d.initiatorTaskTag() == big.initiatorTaskTag())
                {
                    assertEquals(offset, d.bufferOffset());
                    assertEquals(pdus++, d.dataSn());
                    assertEquals(0, smallPdus, "reads are answered in the order they completed");
                    offset += s.data().length;
                    assertEquals(offset == 16776192 || offset == 16 * MIB, d.finalBit(), "at " + offset);
                    assertEquals(offset == 16 * MIB, d.statusBit());
                }
                else
                {
                    smallPdus++;
                    assertTrue(d.statusBit());
                }
            }
            sender.room(ResponseSender.SEND_QUEUE_RESERVE + 100);   // a send completed
            responses.resume();
        }
        assertEquals(16 * MIB, offset);
        assertEquals(4097, pdus, "4095 x 4 KiB, 3 KiB ending the first burst, then 1 KiB");
        assertEquals(1, smallPdus);
        assertEquals(0, responses.waitingReads());
    }

    @Test
    void clearForgetsWaitingReads()
    {
        responses.parameters(4096, 262144, false);
        sender.room(ResponseSender.SEND_QUEUE_RESERVE);
        responses.send(read(MIB));
        assertTrue(sender.sent().isEmpty());
        assertEquals(1, responses.waitingReads());
        responses.clear();
        assertEquals(0, responses.waitingReads());
        sender.room(Integer.MAX_VALUE);
        responses.resume();
        assertFalse(sender.sent().stream().anyMatch(s -> true), "nothing staged after clear");
    }

    @Test
    void aRamReadIsSentFromTheLunsMemoryAndItsHandleWaitsUntilTheSlotIsFreed()
    {
        responses.parameters(262144, 16776192, false);
        final BlockDevice handle = ram.open(null);
        for (long o = 0; o < MIB; o += 8)
        {
            ram.sliceToWrite(512L * 8 + o, 8).set(ValueLayout.JAVA_LONG_UNALIGNED, 0, o ^ 0x5a5a);
        }
        final Command c = table.allocate(itt++, 1, 0);
        c.read = true;
        c.expectedDataTransferLength = MIB;
        assertEquals(DataBuffers.POOLED, buffers.acquire(c, MIB));
        c.buffer.asSlice(0, MIB).fill((byte)0x77);   // what a copy would not have overwritten
        final ScsiTask task = c.task.reset().cdb(TestInitiator.cdb16(0x88, 8, MIB / 512))
            .expectedDataTransferLength(MIB).dataIn(true).acceptsLentData(true).dataBuffer(c.buffer).device(handle)
            .listener(t -> { });
        lu.execute(task);
        assertEquals(ScsiStatus.GOOD, task.status());
        assertEquals(MIB, task.dataInLength());
        assertEquals((byte)0x77, c.buffer.get(ValueLayout.JAVA_BYTE, 0), "no copy into the command's buffer");
        responses.send(c);
        long at = 0;
        for (final Sent s : sender.take())
        {
            for (int k = 0; k < s.data().length; k += 8, at += 8)
            {
                assertEquals(at ^ 0x5a5a, ByteBuffer.wrap(s.data(), k, 8).order(ByteOrder.nativeOrder()).getLong(),
                    "Data-In byte " + at);
            }
        }
        assertEquals(MIB, at);
        assertFalse(ram.release(handle), "its memory is lent until the Data-In is sent");
        table.release(c.index());
        assertTrue(ram.release(handle));
        assertNull(task.lentData());
    }

    @Test
    void withoutLendingAReadIsCopiedAsBefore()
    {
        final BlockDevice handle = ram.open(null);
        final Command c = table.allocate(itt++, 1, 0);
        c.read = true;
        assertEquals(DataBuffers.POOLED, buffers.acquire(c, 4096));
        ram.sliceToWrite(0, 4096).fill((byte)3);
        // As with DataDigest=CRC32C: the task does not accept lent data.
        final ScsiTask task = c.task.reset().cdb(TestInitiator.cdb16(0x88, 0, 8)).expectedDataTransferLength(4096)
            .dataIn(true).dataBuffer(c.buffer).device(handle).listener(t -> { });
        lu.execute(task);
        assertEquals(ScsiStatus.GOOD, task.status());
        assertNull(task.lentData());
        assertEquals((byte)3, c.buffer.get(ValueLayout.JAVA_BYTE, 4095));
        assertTrue(ram.release(handle));
    }
}
