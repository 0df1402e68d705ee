package io.ringtarget.iscsi.command;

import io.ringtarget.iscsi.RecordingPduSender;
import io.ringtarget.iscsi.RecordingPduSender.Sent;
import io.ringtarget.iscsi.numbering.CmdSnWindow;
import io.ringtarget.iscsi.numbering.StatSn;
import io.ringtarget.pdu.DataOutPdu;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.pdu.PduHeader;
import io.ringtarget.pdu.R2tPdu;
import io.ringtarget.scsi.ScsiStatus;
import io.ringtarget.scsi.ScsiTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The write data phase without sockets (RFC 7143 sections 10.7, 10.8, 13.10-13.17): immediate and unsolicited data,
 * R2Ts and the checks of each Data-Out, driven PDU by PDU with the R2Ts recorded.
 */
class WriteDataPhaseTest
{
    private static final int ITT = 0x77;
    private static final long LUN = 0;

    private final RecordingPduSender sender = new RecordingPduSender();
    private final StatSn statSn = new StatSn().reset(500);
    private final CmdSnWindow window = new CmdSnWindow();
    private final DataBuffers buffers = new DataBuffers(4, DataBuffers.DEFAULT_REGION_SIZE);
    private final CommandTable table = new CommandTable(buffers, window);
    private final WriteDataPhase phase = new WriteDataPhase(sender, statSn, window, table);
    /** A receive buffer: PDU headers and data are built here, as they would arrive. */
    private final MemorySegment wire = MemorySegment.ofArray(new byte[512 * 1024]);
    private final List<ScsiTask> completed = new ArrayList<>();

    WriteDataPhaseTest()
    {
        window.reset(10);
    }

    @AfterEach
    void close()
    {
        buffers.close();
    }

    private Command write(final int edtl)
    {
        final Command c = table.allocate(ITT, 10, LUN);
        c.write = true;
        c.expectedDataTransferLength = edtl;
        buffers.acquire(c, edtl);
        c.task.reset().expectedDataTransferLength(edtl).dataOut(true).listener(completed::add);
        return c;
    }

    private static byte[] pattern(final int length, final int seed)
    {
        final byte[] b = new byte[length];
        for (int i = 0; i < length; i++)
        {
            b[i] = (byte)(i * 31 + seed);
        }
        return b;
    }

    /** A Data-Out at offset 0 of the wire buffer, its data after the 48-byte header; returns the outcome. */
    private int dataOut(final int ttt, final int dataSn, final int offset, final byte[] data, final boolean last)
    {
        new DataOutPdu().wrap(wire, 0).reset().finalBit(last).lun(LUN).initiatorTaskTag(ITT).targetTransferTag(ttt)
            .dataSn(dataSn).bufferOffset(offset).dataSegmentLength(data.length);
        MemorySegment.copy(MemorySegment.ofArray(data), 0, wire, PduHeader.LENGTH, data.length);
        return phase.onDataOut(wire, 0, PduHeader.LENGTH, data.length);
    }

    private int start(final Command c, final byte[] immediate)
    {
        MemorySegment.copy(MemorySegment.ofArray(immediate), 0, wire, 1000, immediate.length);
        return phase.start(c, wire, 1000, immediate.length);
    }

    private static R2tPdu r2t(final Sent pdu)
    {
        assertEquals(Opcode.R2T, pdu.opcode());
        return new R2tPdu().wrap(pdu.header(), 0);
    }

    private static byte[] contents(final Command c, final int length)
    {
        return c.buffer().asSlice(0, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    @Test
    void immediateDataThatCoversTheTransferCompletesAtOnce()
    {
        phase.parameters(true, true, 65536, 262144, 1);
        final Command c = write(4096);
        final byte[] data = pattern(4096, 1);
        assertEquals(WriteDataPhase.COMPLETE, start(c, data));
        assertArrayEquals(data, contents(c, 4096));
        assertTrue(sender.sent().isEmpty(), "no R2T");
    }

    @Test
    void initialR2tYesSolicitsTheRestAfterImmediateData()
    {
        phase.parameters(true, true, 65536, 262144, 1);
        final Command c = write(12288);
        final byte[] data = pattern(12288, 2);
        assertEquals(WriteDataPhase.WAITING, start(c, java.util.Arrays.copyOf(data, 4096)));
        final List<Sent> r2ts = sender.take();
        assertEquals(1, r2ts.size());
        final R2tPdu r2t = r2t(r2ts.get(0));
        assertEquals(ITT, r2t.initiatorTaskTag());
        assertEquals(c.index(), r2t.targetTransferTag(), "the slot is the Target Transfer Tag");
        assertEquals(0, r2t.r2tSn());
        assertEquals(4096, r2t.bufferOffset());
        assertEquals(8192, r2t.desiredDataTransferLength());
        assertEquals(500, r2t.statSn(), "an R2T carries StatSN without taking one");
        assertEquals(500, statSn.current());
        assertEquals(window.expCmdSn(), r2t.expCmdSn());

        assertEquals(WriteDataPhase.WAITING, dataOut(c.index(), 0, 4096, java.util.Arrays.copyOfRange(data, 4096, 8192), false));
        assertEquals(WriteDataPhase.COMPLETE, dataOut(c.index(), 1, 8192, java.util.Arrays.copyOfRange(data, 8192, 12288), true));
        assertArrayEquals(data, contents(c, 12288));
        assertEquals(Command.STARTING, c.state(), "no longer waiting for data: the logical unit is next");
    }

    @Test
    void initialR2tNoAcceptsUnsolicitedDataUpToFirstBurstLength()
    {
        phase.parameters(false, false, 8192, 262144, 1);
        final Command c = write(16384);
        final byte[] data = pattern(16384, 3);
        assertEquals(WriteDataPhase.WAITING, start(c, new byte[0]));
        final R2tPdu r2t = r2t(sender.take().get(0));
        assertEquals(8192, r2t.bufferOffset(), "the R2T asks for what follows the first burst");
        assertEquals(8192, r2t.desiredDataTransferLength());
        // The unsolicited burst: Data-Out with the reserved Target Transfer Tag.
        assertEquals(WriteDataPhase.WAITING, dataOut(PduHeader.RESERVED_TAG, 0, 0, java.util.Arrays.copyOf(data, 8192), true));
        assertEquals(WriteDataPhase.COMPLETE,
            dataOut(c.index(), 0, 8192, java.util.Arrays.copyOfRange(data, 8192, 16384), true));
        assertArrayEquals(data, contents(c, 16384));
    }

    @Test
    void unsolicitedDataBeyondFirstBurstLengthIsRejected()
    {
        phase.parameters(false, false, 4096, 262144, 1);
        final Command c = write(16384);
        start(c, new byte[0]);
        assertEquals(WriteDataPhase.REJECT, dataOut(PduHeader.RESERVED_TAG, 0, 0, new byte[8192], true));
    }

    @Test
    void oneOutstandingR2tAtATimeEachAtMostMaxBurstLength()
    {
        phase.parameters(true, true, 65536, 4096, 1);
        final Command c = write(12288);
        final byte[] data = pattern(12288, 4);
        start(c, new byte[0]);
        for (int burst = 0; burst < 3; burst++)
        {
            final List<Sent> sent = sender.take();
            assertEquals(1, sent.size(), "MaxOutstandingR2T=1");
            final R2tPdu r2t = r2t(sent.get(0));
            assertEquals(burst, r2t.r2tSn());
            assertEquals(4096 * burst, r2t.bufferOffset());
            assertEquals(4096, r2t.desiredDataTransferLength());
            // Each sequence numbers its Data-Out PDUs from 0 (RFC 7143 11.7.5).
            assertEquals(WriteDataPhase.WAITING, dataOut(c.index(), 0, 4096 * burst,
                java.util.Arrays.copyOfRange(data, 4096 * burst, 4096 * burst + 2048), false));
            assertEquals(burst == 2 ? WriteDataPhase.COMPLETE : WriteDataPhase.WAITING, dataOut(c.index(), 1,
                4096 * burst + 2048, java.util.Arrays.copyOfRange(data, 4096 * burst + 2048, 4096 * (burst + 1)), true));
        }
        assertArrayEquals(data, contents(c, 12288));
    }

    /** Answers one R2T with Data-Out PDUs of at most {@code segment} bytes taken from {@code data}. */
    private int answer(final Command c, final R2tPdu r2t, final byte[] data, final int segment)
    {
        int outcome = WriteDataPhase.WAITING;
        int dataSn = 0;
        final int end = r2t.bufferOffset() + r2t.desiredDataTransferLength();
        for (int o = r2t.bufferOffset(); o < end; o += segment)
        {
            final int n = Math.min(segment, end - o);
            outcome = dataOut(r2t.targetTransferTag(), dataSn++, o, java.util.Arrays.copyOfRange(data, o, o + n),
                o + n == end);
        }
        return outcome;
    }

    @Test
    void sixteenMebibytesAllSolicitedTakeTwoBursts()
    {
        // ImmediateData=No, InitialR2T=Yes, MaxBurstLength 2^24 - 1 KiB: 16 MiB cannot be one burst (RFC 7143 13.13).
        phase.parameters(false, true, 262144, 16776192, 1);
        final int edtl = 16 * 1024 * 1024;
        final Command c = write(edtl);
        final byte[] data = pattern(edtl, 9);
        assertEquals(WriteDataPhase.WAITING, start(c, new byte[0]));
        final R2tPdu first = r2t(sender.take().get(0));
        assertEquals(0, first.r2tSn());
        assertEquals(0, first.bufferOffset());
        assertEquals(16776192, first.desiredDataTransferLength());
        assertEquals(WriteDataPhase.WAITING, answer(c, first, data, 262144));
        final List<Sent> second = sender.take();
        assertEquals(1, second.size(), "the second R2T once the first burst is in");
        final R2tPdu last = r2t(second.get(0));
        assertEquals(1, last.r2tSn());
        assertEquals(16776192, last.bufferOffset());
        assertEquals(1024, last.desiredDataTransferLength());
        assertEquals(WriteDataPhase.COMPLETE, answer(c, last, data, 262144));
        assertArrayEquals(data, contents(c, edtl));
    }

    @Test
    void sixteenMebibytesWithOpenIscsiDefaults()
    {
        // iscsid.conf: ImmediateData=Yes, InitialR2T=No, FirstBurstLength 256 KiB, MaxBurstLength 16776192: the
        // immediate data is the whole first burst, one R2T asks for the rest (less than MaxBurstLength).
        phase.parameters(true, false, 262144, 16776192, 1);
        final int edtl = 16 * 1024 * 1024;
        final Command c = write(edtl);
        final byte[] data = pattern(edtl, 10);
        assertEquals(WriteDataPhase.WAITING, start(c, java.util.Arrays.copyOf(data, 262144)));
        final List<Sent> r2ts = sender.take();
        assertEquals(1, r2ts.size());
        final R2tPdu r2t = r2t(r2ts.get(0));
        assertEquals(262144, r2t.bufferOffset());
        assertEquals(edtl - 262144, r2t.desiredDataTransferLength());
        assertEquals(WriteDataPhase.COMPLETE, answer(c, r2t, data, 262144));
        assertArrayEquals(data, contents(c, edtl));
    }

    @Test
    void severalOutstandingR2tsWhenNegotiated()
    {
        phase.parameters(true, true, 65536, 4096, 4);
        final Command c = write(16384);
        start(c, new byte[0]);
        final List<Sent> r2ts = sender.take();
        assertEquals(4, r2ts.size());
        for (int i = 0; i < 4; i++)
        {
            assertEquals(i * 4096, r2t(r2ts.get(i)).bufferOffset());
            assertEquals(i, r2t(r2ts.get(i)).r2tSn());
        }
    }

    @Test
    void immediateDataAgainstTheNegotiatedKeysIsRejected()
    {
        phase.parameters(false, true, 65536, 262144, 1);
        assertEquals(WriteDataPhase.REJECT, start(write(8192), new byte[512]), "ImmediateData=No");
        table.release(table.byItt(ITT).index());
        phase.parameters(true, true, 4096, 262144, 1);
        assertEquals(WriteDataPhase.REJECT, start(write(16384), new byte[8192]), "more than FirstBurstLength");
    }

    @Test
    void dataOutOfOrderFailsTheCommandWithCheckCondition()
    {
        phase.parameters(true, true, 65536, 262144, 1);
        final Command c = write(8192);
        start(c, new byte[0]);
        assertEquals(WriteDataPhase.FAILED, dataOut(c.index(), 0, 4096, new byte[4096], false), "offset skips ahead");
        assertEquals(1, completed.size());
        assertEquals(ScsiStatus.CHECK_CONDITION, completed.get(0).status());
        assertEquals(WriteDataPhase.IGNORED, dataOut(c.index(), 0, 0, new byte[4096], false),
            "the rest of a failed command's data is dropped");
    }

    @Test
    void aWrongDataSnFailsTheCommand()
    {
        phase.parameters(true, true, 65536, 262144, 1);
        final Command c = write(8192);
        start(c, new byte[0]);
        assertEquals(WriteDataPhase.FAILED, dataOut(c.index(), 3, 0, new byte[4096], false));
    }

    @Test
    void dataOutsideTheTransferIsRejectedAndDataForNoTaskIgnored()
    {
        phase.parameters(true, true, 65536, 262144, 1);
        final Command c = write(4096);
        start(c, new byte[0]);
        assertEquals(WriteDataPhase.REJECT, dataOut(c.index(), 0, 2048, new byte[4096], true), "beyond EDTL");
        assertEquals(WriteDataPhase.IGNORED, dataOut(99, 0, 0, new byte[512], true), "no such Target Transfer Tag");
        assertEquals(WriteDataPhase.IGNORED, dataOut(c.index() + 1, 0, 0, new byte[512], true), "another, free slot");
        assertEquals(WriteDataPhase.COMPLETE, dataOut(c.index(), 0, 0, new byte[4096], true));
        assertEquals(WriteDataPhase.IGNORED, dataOut(c.index(), 0, 0, new byte[512], true), "after the data is complete");
    }
}
