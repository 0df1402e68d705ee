package io.ringtarget.pdu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Encode each PDU type field by field, compare the raw 48 bytes with an independently built array laid out per the
 * RFC 7143 section 11 diagrams, then decode with a second flyweight instance.
 */
class PduRoundTripTest
{
    private static final long AT = 13; // odd offset: every access must be unaligned-safe

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment segment = arena.allocate(AT + 48 + 16);
    private final byte[] expected = new byte[48];

    @AfterEach
    void close()
    {
        arena.close();
    }

    private void garbage()
    {
        segment.fill((byte)0xa5);
        Arrays.fill(expected, (byte)0);
    }

    private void e8(final int offset, final int value)
    {
        expected[offset] = (byte)value;
    }

    private void e16(final int offset, final int value)
    {
        e8(offset, value >>> 8);
        e8(offset + 1, value);
    }

    private void e32(final int offset, final int value)
    {
        e16(offset, value >>> 16);
        e16(offset + 2, value);
    }

    private void e64(final int offset, final long value)
    {
        e32(offset, (int)(value >>> 32));
        e32(offset + 4, (int)value);
    }

    private void assertWire()
    {
        final byte[] actual = segment.asSlice(AT, 48).toArray(ValueLayout.JAVA_BYTE);
        assertArrayEquals(expected, actual, () -> "wire bytes\nexpected " + hex(expected) + "\nactual   " + hex(actual));
        assertEquals((byte)0xa5, segment.get(ValueLayout.JAVA_BYTE, AT - 1), "byte before BHS untouched");
        assertEquals((byte)0xa5, segment.get(ValueLayout.JAVA_BYTE, AT + 48), "byte after BHS untouched");
    }

    private static String hex(final byte[] b)
    {
        final StringBuilder sb = new StringBuilder();
        for (final byte x : b)
        {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }

    @Test
    void scsiCommand()
    {
        garbage();
        new ScsiCommandPdu().wrap(segment, AT).reset()
            .immediate(true).finalBit(true).readBit(true).writeBit(false).attributes(ScsiCommandPdu.ATTR_ORDERED)
            .totalAhsLength(2).dataSegmentLength(0x123456).lun(0x0001_0000_0000_0000L).initiatorTaskTag(0xdeadbeef)
            .expectedDataTransferLength(0x10000).cmdSn(0xfffffffe).expStatSn(7).cdb(0, 0x28).cdb(15, 0x99);
        e8(0, 0x41);
        e8(1, 0x80 | 0x40 | 2);
        e8(4, 2);
        e8(5, 0x12);
        e8(6, 0x34);
        e8(7, 0x56);
        e64(8, 0x0001_0000_0000_0000L);
        e32(16, 0xdeadbeef);
        e32(20, 0x10000);
        e32(24, 0xfffffffe);
        e32(28, 7);
        e8(32, 0x28);
        e8(47, 0x99);
        assertWire();

        final ScsiCommandPdu d = new ScsiCommandPdu().wrap(segment, AT);
        assertEquals(Opcode.SCSI_COMMAND, d.opcode());
        assertTrue(d.immediate());
        assertTrue(d.finalBit());
        assertTrue(d.readBit());
        assertFalse(d.writeBit());
        assertEquals(ScsiCommandPdu.ATTR_ORDERED, d.attributes());
        assertEquals(2, d.totalAhsLength());
        assertEquals(0x123456, d.dataSegmentLength());
        assertEquals(0x0001_0000_0000_0000L, d.lun());
        assertEquals(0xdeadbeef, d.initiatorTaskTag());
        assertEquals(0x10000, d.expectedDataTransferLength());
        assertEquals(0xfffffffe, d.cmdSn());
        assertEquals(7, d.expStatSn());
        assertEquals(0x28, d.cdbOperationCode());
        assertEquals(0x99, d.cdb(15));
        assertEquals(AT + 32, d.cdbOffset());

        assertEquals(Opcode.SCSI_COMMAND, BasicHeaderSegment.opcode(segment, AT));
        assertEquals(0x123456, BasicHeaderSegment.dataSegmentLength(segment, AT));
        assertEquals(2, BasicHeaderSegment.totalAhsLength(segment, AT));
        assertEquals(0xdeadbeef, BasicHeaderSegment.initiatorTaskTag(segment, AT));
        assertEquals(0xfffffffe, BasicHeaderSegment.intField(segment, AT, ScsiCommandPdu.CMD_SN_OFFSET));
        assertTrue(BasicHeaderSegment.immediate(segment, AT));
        assertTrue(BasicHeaderSegment.finalBit(segment, AT));

        d.writeBit(true).readBit(false).attributes(ScsiCommandPdu.ATTR_SIMPLE).immediate(false);
        assertEquals(0x80 | 0x20 | 1, segment.get(ValueLayout.JAVA_BYTE, AT + 1) & 0xff);
        assertEquals(0x01, segment.get(ValueLayout.JAVA_BYTE, AT) & 0xff);
    }

    @Test
    void scsiResponse()
    {
        garbage();
        new ScsiResponsePdu().wrap(segment, AT).reset()
            .bidiReadResidualOverflow(true).bidiReadResidualUnderflow(false).residualOverflow(false).residualUnderflow(true)
            .response(ScsiResponsePdu.RESPONSE_TARGET_FAILURE).status(ScsiResponsePdu.STATUS_CHECK_CONDITION)
            .dataSegmentLength(20).initiatorTaskTag(0x11223344).snackTag(5).statSn(0x80000000).expCmdSn(9).maxCmdSn(40)
            .expDataSn(3).bidirectionalReadResidualCount(100).residualCount(512);
        e8(0, 0x21);
        e8(1, 0x80 | 0x10 | 0x02);
        e8(2, 1);
        e8(3, 2);
        e8(7, 20);
        e32(16, 0x11223344);
        e32(20, 5);
        e32(24, 0x80000000);
        e32(28, 9);
        e32(32, 40);
        e32(36, 3);
        e32(40, 100);
        e32(44, 512);
        assertWire();

        final ScsiResponsePdu d = new ScsiResponsePdu().wrap(segment, AT);
        assertEquals(Opcode.SCSI_RESPONSE, d.opcode());
        assertTrue(d.bidiReadResidualOverflow());
        assertFalse(d.bidiReadResidualUnderflow());
        assertFalse(d.residualOverflow());
        assertTrue(d.residualUnderflow());
        assertEquals(1, d.response());
        assertEquals(2, d.status());
        assertEquals(20, d.dataSegmentLength());
        assertEquals(0x11223344, d.initiatorTaskTag());
        assertEquals(5, d.snackTag());
        assertEquals(0x80000000, d.statSn());
        assertEquals(9, d.expCmdSn());
        assertEquals(40, d.maxCmdSn());
        assertEquals(3, d.expDataSn());
        assertEquals(100, d.bidirectionalReadResidualCount());
        assertEquals(512, d.residualCount());
    }

    @Test
    void taskManagementRequest()
    {
        garbage();
        new TaskManagementRequestPdu().wrap(segment, AT).reset().immediate(true)
            .function(TaskManagementRequestPdu.TASK_REASSIGN).lun(0x0003_0000_0000_0000L).initiatorTaskTag(77)
            .referencedTaskTag(66).cmdSn(10).expStatSn(11).refCmdSn(12).expDataSn(13);
        e8(0, 0x42);
        e8(1, 0x80 | 8);
        e64(8, 0x0003_0000_0000_0000L);
        e32(16, 77);
        e32(20, 66);
        e32(24, 10);
        e32(28, 11);
        e32(32, 12);
        e32(36, 13);
        assertWire();

        final TaskManagementRequestPdu d = new TaskManagementRequestPdu().wrap(segment, AT);
        assertEquals(Opcode.TASK_MANAGEMENT_REQUEST, d.opcode());
        assertEquals(TaskManagementRequestPdu.TASK_REASSIGN, d.function());
        assertTrue(d.finalBit());
        assertEquals(0x0003_0000_0000_0000L, d.lun());
        assertEquals(66, d.referencedTaskTag());
        assertEquals(10, d.cmdSn());
        assertEquals(11, d.expStatSn());
        assertEquals(12, d.refCmdSn());
        assertEquals(13, d.expDataSn());
        assertEquals(1, TaskManagementRequestPdu.ABORT_TASK);
        assertEquals(5, TaskManagementRequestPdu.LOGICAL_UNIT_RESET);
    }

    @Test
    void taskManagementResponse()
    {
        garbage();
        new TaskManagementResponsePdu().wrap(segment, AT).reset()
            .response(TaskManagementResponsePdu.FUNCTION_REJECTED).initiatorTaskTag(78).statSn(1).expCmdSn(2).maxCmdSn(3);
        e8(0, 0x22);
        e8(1, 0x80);
        e8(2, 255);
        e32(16, 78);
        e32(24, 1);
        e32(28, 2);
        e32(32, 3);
        assertWire();

        final TaskManagementResponsePdu d = new TaskManagementResponsePdu().wrap(segment, AT);
        assertEquals(255, d.response());
        assertEquals(78, d.initiatorTaskTag());
        assertEquals(1, d.statSn());
        assertEquals(2, d.expCmdSn());
        assertEquals(3, d.maxCmdSn());
    }

    @Test
    void dataOut()
    {
        garbage();
        new DataOutPdu().wrap(segment, AT).reset().finalBit(true).dataSegmentLength(8192).lun(1L << 48)
            .initiatorTaskTag(5).targetTransferTag(6).expStatSn(7).dataSn(8).bufferOffset(0x20000);
        e8(0, 0x05);
        e8(1, 0x80);
        e8(6, 0x20);
        e64(8, 1L << 48);
        e32(16, 5);
        e32(20, 6);
        e32(28, 7);
        e32(36, 8);
        e32(40, 0x20000);
        assertWire();

        final DataOutPdu d = new DataOutPdu().wrap(segment, AT);
        assertEquals(Opcode.SCSI_DATA_OUT, d.opcode());
        assertTrue(d.finalBit());
        assertEquals(8192, d.dataSegmentLength());
        assertEquals(6, d.targetTransferTag());
        assertEquals(7, d.expStatSn());
        assertEquals(8, d.dataSn());
        assertEquals(0x20000, d.bufferOffset());
    }

    @Test
    void dataIn()
    {
        garbage();
        new DataInPdu().wrap(segment, AT).reset().finalBit(true).acknowledge(false).residualOverflow(true)
            .residualUnderflow(false).statusBit(true).status(0).dataSegmentLength(4096).lun(2L << 48).initiatorTaskTag(9)
            .targetTransferTag(-1).statSn(100).expCmdSn(101).maxCmdSn(132).dataSn(4).bufferOffset(16384)
            .residualCount(12);
        e8(0, 0x25);
        e8(1, 0x80 | 0x04 | 0x01);
        e8(6, 0x10);
        e64(8, 2L << 48);
        e32(16, 9);
        e32(20, -1);
        e32(24, 100);
        e32(28, 101);
        e32(32, 132);
        e32(36, 4);
        e32(40, 16384);
        e32(44, 12);
        assertWire();

        final DataInPdu d = new DataInPdu().wrap(segment, AT);
        assertEquals(Opcode.SCSI_DATA_IN, d.opcode());
        assertTrue(d.finalBit());
        assertFalse(d.acknowledge());
        assertTrue(d.residualOverflow());
        assertFalse(d.residualUnderflow());
        assertTrue(d.statusBit());
        assertEquals(0, d.status());
        assertEquals(4096, d.dataSegmentLength());
        assertEquals(-1, d.targetTransferTag());
        assertEquals(100, d.statSn());
        assertEquals(101, d.expCmdSn());
        assertEquals(132, d.maxCmdSn());
        assertEquals(4, d.dataSn());
        assertEquals(16384, d.bufferOffset());
        assertEquals(12, d.residualCount());

        d.acknowledge(true).statusBit(false).status(0x02);
        assertEquals(0x80 | 0x40 | 0x04, segment.get(ValueLayout.JAVA_BYTE, AT + 1) & 0xff);
        assertEquals(0x02, segment.get(ValueLayout.JAVA_BYTE, AT + 3));
    }

    @Test
    void r2t()
    {
        garbage();
        new R2tPdu().wrap(segment, AT).reset().lun(3L << 48).initiatorTaskTag(1).targetTransferTag(2).statSn(3)
            .expCmdSn(4).maxCmdSn(5).r2tSn(6).bufferOffset(7).desiredDataTransferLength(262144);
        e8(0, 0x31);
        e8(1, 0x80);
        e64(8, 3L << 48);
        e32(16, 1);
        e32(20, 2);
        e32(24, 3);
        e32(28, 4);
        e32(32, 5);
        e32(36, 6);
        e32(40, 7);
        e32(44, 262144);
        assertWire();

        final R2tPdu d = new R2tPdu().wrap(segment, AT);
        assertEquals(Opcode.R2T, d.opcode());
        assertEquals(2, d.targetTransferTag());
        assertEquals(3, d.statSn());
        assertEquals(4, d.expCmdSn());
        assertEquals(5, d.maxCmdSn());
        assertEquals(6, d.r2tSn());
        assertEquals(7, d.bufferOffset());
        assertEquals(262144, d.desiredDataTransferLength());
    }

    @Test
    void asyncMessage()
    {
        garbage();
        new AsyncMessagePdu().wrap(segment, AT).resetWithReservedTag().lun(4L << 48).statSn(1).expCmdSn(2).maxCmdSn(3)
            .asyncEvent(AsyncMessagePdu.LOGOUT_REQUEST).asyncVcode(0x7f).parameter1(0xabcd).parameter2(2)
            .parameter3(0xffff);
        e8(0, 0x32);
        e8(1, 0x80);
        e64(8, 4L << 48);
        e32(16, -1);
        e32(24, 1);
        e32(28, 2);
        e32(32, 3);
        e8(36, 1);
        e8(37, 0x7f);
        e16(38, 0xabcd);
        e16(40, 2);
        e16(42, 0xffff);
        assertWire();

        final AsyncMessagePdu d = new AsyncMessagePdu().wrap(segment, AT);
        assertEquals(Opcode.ASYNC_MESSAGE, d.opcode());
        assertEquals(-1, d.initiatorTaskTag());
        assertEquals(AsyncMessagePdu.LOGOUT_REQUEST, d.asyncEvent());
        assertEquals(0x7f, d.asyncVcode());
        assertEquals(0xabcd, d.parameter1());
        assertEquals(2, d.parameter2());
        assertEquals(0xffff, d.parameter3());
    }

    @Test
    void textRequestAndResponse()
    {
        garbage();
        new TextRequestPdu().wrap(segment, AT).reset().immediate(true).finalBit(false).continueBit(true)
            .dataSegmentLength(17).initiatorTaskTag(3).targetTransferTag(-1).cmdSn(4).expStatSn(5);
        e8(0, 0x44);
        e8(1, 0x40);
        e8(7, 17);
        e32(16, 3);
        e32(20, -1);
        e32(24, 4);
        e32(28, 5);
        assertWire();
        final TextRequestPdu q = new TextRequestPdu().wrap(segment, AT);
        assertEquals(Opcode.TEXT_REQUEST, q.opcode());
        assertTrue(q.continueBit());
        assertFalse(q.finalBit());
        assertEquals(-1, q.targetTransferTag());
        assertEquals(4, q.cmdSn());
        assertEquals(5, q.expStatSn());

        garbage();
        new TextResponsePdu().wrap(segment, AT).reset().finalBit(true).continueBit(false).dataSegmentLength(300)
            .initiatorTaskTag(3).targetTransferTag(0x1234).statSn(6).expCmdSn(7).maxCmdSn(8);
        e8(0, 0x24);
        e8(1, 0x80);
        e16(6, 300);
        e32(16, 3);
        e32(20, 0x1234);
        e32(24, 6);
        e32(28, 7);
        e32(32, 8);
        assertWire();
        final TextResponsePdu r = new TextResponsePdu().wrap(segment, AT);
        assertEquals(Opcode.TEXT_RESPONSE, r.opcode());
        assertTrue(r.finalBit());
        assertFalse(r.continueBit());
        assertEquals(300, r.dataSegmentLength());
        assertEquals(0x1234, r.targetTransferTag());
        assertEquals(6, r.statSn());
        assertEquals(7, r.expCmdSn());
        assertEquals(8, r.maxCmdSn());
    }

    @Test
    void loginRequest()
    {
        garbage();
        new LoginRequestPdu().wrap(segment, AT).reset().transit(true).continueBit(false)
            .currentStage(LoginRequestPdu.LOGIN_OPERATIONAL_NEGOTIATION).nextStage(LoginRequestPdu.FULL_FEATURE_PHASE)
            .versionMax(0).versionMin(0).dataSegmentLength(0x200).isid(0x23d0_0000_0001L).tsih(0xbeef)
            .initiatorTaskTag(0x10).cid(0xfffe).cmdSn(0x55).expStatSn(0x66);
        e8(0, 0x43);
        e8(1, 0x80 | (1 << 2) | 3);
        e16(6, 0x200);
        e16(8, 0x23d0);
        e32(10, 0x0000_0001);
        e16(14, 0xbeef);
        e32(16, 0x10);
        e16(20, 0xfffe);
        e32(24, 0x55);
        e32(28, 0x66);
        assertWire();

        final LoginRequestPdu d = new LoginRequestPdu().wrap(segment, AT);
        assertEquals(Opcode.LOGIN_REQUEST, d.opcode());
        assertTrue(d.immediate());
        assertTrue(d.transit());
        assertFalse(d.continueBit());
        assertEquals(1, d.currentStage());
        assertEquals(3, d.nextStage());
        assertEquals(1, d.csg());
        assertEquals(3, d.nsg());
        assertEquals(0x23d0_0000_0001L, d.isid());
        assertEquals(0xbeef, d.tsih());
        assertEquals(0xfffe, d.cid());
        assertEquals(0x55, d.cmdSn());
        assertEquals(0x66, d.expStatSn());

        d.csg(LoginRequestPdu.SECURITY_NEGOTIATION).nsg(LoginRequestPdu.LOGIN_OPERATIONAL_NEGOTIATION).transit(false)
            .continueBit(true).versionMax(1).versionMin(2);
        assertEquals(0x40 | 1, segment.get(ValueLayout.JAVA_BYTE, AT + 1) & 0xff);
        assertEquals(1, d.versionMax());
        assertEquals(2, d.versionMin());
    }

    @Test
    void loginResponse()
    {
        garbage();
        new LoginResponsePdu().wrap(segment, AT).reset().transit(true)
            .currentStage(LoginResponsePdu.SECURITY_NEGOTIATION).nextStage(LoginResponsePdu.LOGIN_OPERATIONAL_NEGOTIATION)
            .versionMax(0).versionActive(0).dataSegmentLength(50).isid(0xffff_ffff_ffffL).tsih(1).initiatorTaskTag(2)
            .statSn(3).expCmdSn(4).maxCmdSn(5).status(LoginResponsePdu.AUTHENTICATION_FAILURE);
        e8(0, 0x23);
        e8(1, 0x80 | 1);
        e8(7, 50);
        e16(8, 0xffff);
        e32(10, -1);
        e16(14, 1);
        e32(16, 2);
        e32(24, 3);
        e32(28, 4);
        e32(32, 5);
        e8(36, 2);
        e8(37, 1);
        assertWire();

        final LoginResponsePdu d = new LoginResponsePdu().wrap(segment, AT);
        assertEquals(Opcode.LOGIN_RESPONSE, d.opcode());
        assertTrue(d.transit());
        assertEquals(0, d.currentStage());
        assertEquals(1, d.nextStage());
        assertEquals(0xffff_ffff_ffffL, d.isid());
        assertEquals(1, d.tsih());
        assertEquals(3, d.statSn());
        assertEquals(4, d.expCmdSn());
        assertEquals(5, d.maxCmdSn());
        assertEquals(LoginResponsePdu.CLASS_INITIATOR_ERROR, d.statusClass());
        assertEquals(1, d.statusDetail());
        assertEquals(0x0201, d.status());
        d.statusClass(3).statusDetail(2);
        assertEquals(LoginResponsePdu.OUT_OF_RESOURCES, d.status());
        assertEquals(0x020b, LoginResponsePdu.INVALID_DURING_LOGIN);
        assertEquals(0x0207, LoginResponsePdu.MISSING_PARAMETER);
    }

    @Test
    void logoutRequestAndResponse()
    {
        garbage();
        new LogoutRequestPdu().wrap(segment, AT).reset().immediate(true)
            .reasonCode(LogoutRequestPdu.REMOVE_CONNECTION_FOR_RECOVERY).initiatorTaskTag(1).cid(2).cmdSn(3).expStatSn(4);
        e8(0, 0x46);
        e8(1, 0x82);
        e32(16, 1);
        e16(20, 2);
        e32(24, 3);
        e32(28, 4);
        assertWire();
        final LogoutRequestPdu q = new LogoutRequestPdu().wrap(segment, AT);
        assertEquals(Opcode.LOGOUT_REQUEST, q.opcode());
        assertEquals(2, q.reasonCode());
        assertEquals(2, q.cid());
        assertEquals(3, q.cmdSn());
        assertEquals(4, q.expStatSn());

        garbage();
        new LogoutResponsePdu().wrap(segment, AT).reset().response(LogoutResponsePdu.CID_NOT_FOUND).initiatorTaskTag(1)
            .statSn(2).expCmdSn(3).maxCmdSn(4).time2Wait(5).time2Retain(20);
        e8(0, 0x26);
        e8(1, 0x80);
        e8(2, 1);
        e32(16, 1);
        e32(24, 2);
        e32(28, 3);
        e32(32, 4);
        e16(40, 5);
        e16(42, 20);
        assertWire();
        final LogoutResponsePdu r = new LogoutResponsePdu().wrap(segment, AT);
        assertEquals(1, r.response());
        assertEquals(2, r.statSn());
        assertEquals(3, r.expCmdSn());
        assertEquals(4, r.maxCmdSn());
        assertEquals(5, r.time2Wait());
        assertEquals(20, r.time2Retain());
    }

    @Test
    void nopOutAndNopIn()
    {
        garbage();
        new NopOutPdu().wrap(segment, AT).reset().immediate(true).lun(0).initiatorTaskTag(0x1000)
            .targetTransferTag(-1).cmdSn(8).expStatSn(9).dataSegmentLength(5);
        e8(0, 0x40);
        e8(1, 0x80);
        e8(7, 5);
        e32(16, 0x1000);
        e32(20, -1);
        e32(24, 8);
        e32(28, 9);
        assertWire();
        final NopOutPdu o = new NopOutPdu().wrap(segment, AT);
        assertEquals(Opcode.NOP_OUT, o.opcode());
        assertEquals(-1, o.targetTransferTag());
        assertEquals(8, o.cmdSn());
        assertEquals(9, o.expStatSn());

        garbage();
        new NopInPdu().wrap(segment, AT).reset().lun(1L << 48).initiatorTaskTag(-1).targetTransferTag(0x77)
            .statSn(1).expCmdSn(2).maxCmdSn(3);
        e8(0, 0x20);
        e8(1, 0x80);
        e64(8, 1L << 48);
        e32(16, -1);
        e32(20, 0x77);
        e32(24, 1);
        e32(28, 2);
        e32(32, 3);
        assertWire();
        final NopInPdu i = new NopInPdu().wrap(segment, AT);
        assertEquals(Opcode.NOP_IN, i.opcode());
        assertEquals(0x77, i.targetTransferTag());
        assertEquals(1, i.statSn());
        assertEquals(2, i.expCmdSn());
        assertEquals(3, i.maxCmdSn());
    }

    @Test
    void reject()
    {
        garbage();
        new RejectPdu().wrap(segment, AT).resetForRejectedHeader().reason(RejectPdu.INVALID_PDU_FIELD).statSn(1)
            .expCmdSn(2).maxCmdSn(3).r2tSn(4);
        e8(0, 0x3f);
        e8(1, 0x80);
        e8(2, 0x09);
        e8(7, 48);
        e32(16, -1);
        e32(24, 1);
        e32(28, 2);
        e32(32, 3);
        e32(36, 4);
        assertWire();
        final RejectPdu d = new RejectPdu().wrap(segment, AT);
        assertEquals(Opcode.REJECT, d.opcode());
        assertEquals(RejectPdu.INVALID_PDU_FIELD, d.reason());
        assertEquals(48, d.dataSegmentLength());
        assertEquals(4, d.dataSn());
        assertEquals(4, d.r2tSn());
        assertEquals(0x04, RejectPdu.PROTOCOL_ERROR);
        assertEquals(0x0c, RejectPdu.WAITING_FOR_LOGOUT);
    }

    @Test
    void snack()
    {
        garbage();
        new SnackPdu().wrap(segment, AT).reset().type(SnackPdu.TYPE_R_DATA).lun(5L << 48).initiatorTaskTag(1)
            .snackTag(2).expStatSn(3).begRun(4).runLength(5);
        e8(0, 0x10);
        e8(1, 0x83);
        e64(8, 5L << 48);
        e32(16, 1);
        e32(20, 2);
        e32(28, 3);
        e32(40, 4);
        e32(44, 5);
        assertWire();
        final SnackPdu d = new SnackPdu().wrap(segment, AT);
        assertEquals(Opcode.SNACK_REQUEST, d.opcode());
        assertEquals(SnackPdu.TYPE_R_DATA, d.type());
        assertEquals(2, d.targetTransferTag());
        assertEquals(3, d.expStatSn());
        assertEquals(4, d.begRun());
        assertEquals(5, d.runLength());
    }

    @Test
    void basicHeaderSegmentGenericView()
    {
        garbage();
        final BasicHeaderSegment bhs = new BasicHeaderSegment().wrap(segment, AT).reset(Opcode.REJECT);
        bhs.immediate(true).finalBit(true).totalAhsLength(255).dataSegmentLength(PduHeader.MAX_DATA_SEGMENT_LENGTH)
            .lun(-2L).initiatorTaskTag(-3);
        e8(0, 0x7f);
        e8(1, 0x80);
        e8(4, 255);
        e8(5, 0xff);
        e8(6, 0xff);
        e8(7, 0xff);
        e64(8, -2L);
        e32(16, -3);
        assertWire();
        assertEquals(Opcode.REJECT, bhs.opcode());
        assertEquals(255, bhs.totalAhsLength());
        assertEquals(0xffffff, bhs.dataSegmentLength());
        assertEquals(-2L, bhs.lun());
        assertEquals(-3, bhs.initiatorTaskTag());
        assertEquals(-2L, BasicHeaderSegment.lun(segment, AT));
        bhs.opcode(Opcode.NOP_OUT);
        assertEquals(0x40, segment.get(ValueLayout.JAVA_BYTE, AT) & 0xff, "opcode() keeps the I bit");
    }

    @Test
    void wrapChecksTheHeaderFitsOnceAndWorksOnHeapSegments()
    {
        final ScsiCommandPdu pdu = new ScsiCommandPdu();
        assertThrows(IndexOutOfBoundsException.class, () -> pdu.wrap(segment, segment.byteSize() - 47));
        assertThrows(IndexOutOfBoundsException.class, () -> pdu.wrap(segment, -1));
        pdu.wrap(segment, segment.byteSize() - 48).reset().cmdSn(0x01020304);
        assertEquals(0x01020304, pdu.cmdSn());

        // A long[]-backed heap segment: the base offset of the array type must be honoured.
        final long[] words = new long[8];
        pdu.wrap(MemorySegment.ofArray(words), 8).reset().initiatorTaskTag(0x11223344).lun(0x0102030405060708L);
        assertEquals(0x11223344, pdu.initiatorTaskTag());
        assertEquals(0x0102030405060708L, pdu.lun());
        assertEquals(0x01, MemorySegment.ofArray(words).get(ValueLayout.JAVA_BYTE, 8), "opcode byte at offset 8");
        assertEquals(0x11, MemorySegment.ofArray(words).get(ValueLayout.JAVA_BYTE, 8 + 16), "ITT big-endian");
    }

    @Test
    void opcodeNames()
    {
        assertEquals("SCSI_COMMAND", Opcode.name(Opcode.SCSI_COMMAND));
        assertEquals("REJECT", Opcode.name(0x3f));
        assertEquals("UNKNOWN", Opcode.name(0x1c));
        assertTrue(Opcode.isInitiatorOpcode(Opcode.SNACK_REQUEST));
        assertFalse(Opcode.isInitiatorOpcode(Opcode.R2T));
    }

    @Test
    void padding()
    {
        assertEquals(0, Padding.pad4(0));
        assertEquals(4, Padding.pad4(1));
        assertEquals(4, Padding.pad4(4));
        assertEquals(8, Padding.pad4(5));
        assertEquals(0, Padding.padding(8));
        assertEquals(3, Padding.padding(5));
        assertEquals(1, Padding.padding(7));
    }

    @Test
    void additionalHeaderSegments()
    {
        final MemorySegment ahs = arena.allocate(64);
        // Extended CDB AHS for a 32-byte CDB: AHSLength = 32 - 15 = 17, 1 + 16 bytes, padded to 20 (RFC 7143 11.2.2.3).
        final AdditionalHeaderSegment a = new AdditionalHeaderSegment().wrap(ahs, 0)
            .ahsLength(17).ahsType(AdditionalHeaderSegment.EXTENDED_CDB);
        for (int i = 0; i < 16; i++)
        {
            ahs.set(ValueLayout.JAVA_BYTE, 4 + i, (byte)(16 + i));
        }
        assertEquals(20, a.totalLength());
        assertEquals(16, a.extendedCdbLength());
        assertEquals(4, a.extendedCdbOffset());
        a.next().bidirectionalReadDataLength(0x10000);
        assertEquals(20, a.offset());
        assertEquals(8, a.totalLength());
        assertEquals(0, ahs.get(ValueLayout.JAVA_BYTE, 20));
        assertEquals(5, ahs.get(ValueLayout.JAVA_BYTE, 21));
        assertEquals(2, ahs.get(ValueLayout.JAVA_BYTE, 22));

        assertTrue(AdditionalHeaderSegment.isWellFormed(ahs, 0, 28));
        assertFalse(AdditionalHeaderSegment.isWellFormed(ahs, 0, 24));
        assertFalse(AdditionalHeaderSegment.isWellFormed(ahs, 0, 32));
        assertEquals(0, AdditionalHeaderSegment.find(ahs, 0, 28, AdditionalHeaderSegment.EXTENDED_CDB));
        final long bidi = AdditionalHeaderSegment.find(ahs, 0, 28,
            AdditionalHeaderSegment.EXPECTED_BIDIRECTIONAL_READ_DATA_LENGTH);
        assertEquals(20, bidi);
        assertEquals(0x10000, new AdditionalHeaderSegment().wrap(ahs, bidi).bidirectionalReadDataLength());
        assertEquals(-1, AdditionalHeaderSegment.find(ahs, 0, 20,
            AdditionalHeaderSegment.EXPECTED_BIDIRECTIONAL_READ_DATA_LENGTH));
        assertEquals(-1, AdditionalHeaderSegment.find(ahs, 0, 16, AdditionalHeaderSegment.EXTENDED_CDB),
            "an AHS overrunning the area is not returned");
    }
}
