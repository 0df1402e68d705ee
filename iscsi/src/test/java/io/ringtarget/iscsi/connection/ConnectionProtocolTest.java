package io.ringtarget.iscsi.connection;

import io.ringtarget.pdu.AsyncMessagePdu;
import io.ringtarget.pdu.DataInPdu;
import io.ringtarget.pdu.LoginResponsePdu;
import io.ringtarget.pdu.LogoutRequestPdu;
import io.ringtarget.pdu.LogoutResponsePdu;
import io.ringtarget.pdu.NopInPdu;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.pdu.RejectPdu;
import io.ringtarget.pdu.ScsiResponsePdu;
import io.ringtarget.pdu.TaskManagementRequestPdu;
import io.ringtarget.pdu.TaskManagementResponsePdu;
import io.ringtarget.pdu.TextResponsePdu;
import io.ringtarget.iscsi.TestInitiator;
import io.ringtarget.iscsi.TestInitiator.Pdu;
import io.ringtarget.iscsi.TestTarget;
import io.ringtarget.iscsi.stats.IscsiCounter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The iSCSI engine over real loopback sockets and a real io_uring ring, driven PDU by PDU by a raw test
 * initiator: login, data movement in every mode (immediate, unsolicited, solicited by R2T, Data-In split),
 * digests, NOP, text, task management, logout, and malformed input that must end only its own connection.
 */
class ConnectionProtocolTest
{
    private static final String TARGET = TestTarget.IQN;
    private static final int BLOCK = 512;
    private static TestTarget server;
    private static int port;
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

    @BeforeAll
    static void start() throws IOException
    {
        // NOP-In every 1 s, connection dropped after 2 s without an answer.
        server = TestTarget.start(64L << 20, 1, new PrintStream(LOG, true));
        port = server.port();
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    private static TestInitiator loggedIn(final String... keys) throws IOException
    {
        final TestInitiator i = new TestInitiator("127.0.0.1", port);
        i.isid = 0x400000000000L | new Random().nextInt(1 << 24);
        final Pdu response = i.login(TARGET, keys);
        assertEquals(0, TestInitiator.loginStatus(response), "login failed: " + LOG);
        i.clearUnitAttention(0);
        return i;
    }

    private static byte[] write10(final int lba, final int blocks)
    {
        return new byte[]{0x2a, 0, (byte)(lba >>> 24), (byte)(lba >>> 16), (byte)(lba >>> 8), (byte)lba, 0,
            (byte)(blocks >>> 8), (byte)blocks, 0};
    }

    private static byte[] read10(final int lba, final int blocks)
    {
        final byte[] cdb = write10(lba, blocks);
        cdb[0] = 0x28;
        return cdb;
    }

    private static int status(final Pdu response)
    {
        return new ScsiResponsePdu().wrap(response.header(), 0).status();
    }

    /** Reads by READ(10) and gathers the Data-In PDUs; asserts GOOD status. */
    private static byte[] read(final TestInitiator i, final int lba, final int blocks) throws IOException
    {
        final int length = blocks * BLOCK;
        i.send(i.scsiCommand(0, read10(lba, blocks), length, true, false), null);
        final byte[] data = new byte[length];
        int got = 0;
        while (true)
        {
            final Pdu pdu = i.receive();
            if (pdu.opcode() == Opcode.SCSI_RESPONSE)
            {
                assertEquals(0, status(pdu), "read failed with sense " + Arrays.toString(pdu.data()));
                break;
            }
            assertEquals(Opcode.SCSI_DATA_IN, pdu.opcode());
            final DataInPdu din = new DataInPdu().wrap(pdu.header(), 0);
            System.arraycopy(pdu.data(), 0, data, din.bufferOffset(), pdu.data().length);
            got += pdu.data().length;
            if (din.statusBit())
            {
                assertEquals(0, din.status());
                i.expStatSn = din.statSn() + 1;
                break;
            }
        }
        assertEquals(length, got);
        return data;
    }

    /** Writes with whatever data phase the negotiated keys call for, answering R2Ts. */
    private static void write(final TestInitiator i, final int lba, final byte[] data, final int immediate,
        final int unsolicited) throws IOException
    {
        final int itt = i.itt + 1;
        final byte[] imm = immediate > 0 ? Arrays.copyOf(data, immediate) : null;
        i.send(i.scsiCommand(0, write10(lba, data.length / BLOCK), data.length, false, true), imm);
        int offset = immediate;
        int dataSn = 0;
        while (offset < unsolicited)
        {
            final int n = Math.min(i.targetMaxRecv, unsolicited - offset);
            i.send(i.dataOut(0, itt, 0xffffffff, dataSn++, offset, offset + n == unsolicited),
                Arrays.copyOfRange(data, offset, offset + n));
            offset += n;
        }
        while (true)
        {
            final Pdu pdu = i.receive();
            if (pdu.opcode() == Opcode.R2T)
            {
                i.answerR2t(pdu, 0, itt, data, i::send);
                continue;
            }
            assertEquals(Opcode.SCSI_RESPONSE, pdu.opcode(), TestInitiator.name(pdu));
            assertEquals(0, status(pdu), "write failed, sense " + Arrays.toString(pdu.data()));
            i.expStatSn = new ScsiResponsePdu().wrap(pdu.header(), 0).statSn() + 1;
            return;
        }
    }

    @Test
    void writeWithImmediateDataThenReadBack() throws IOException
    {
        try (TestInitiator i = loggedIn("ImmediateData=Yes", "InitialR2T=Yes", "MaxRecvDataSegmentLength=262144"))
        {
            final byte[] data = TestInitiator.pattern(8 * BLOCK, 1);
            write(i, 100, data, data.length, 0);
            assertArrayEquals(data, read(i, 100, 8));
        }
    }

    @Test
    void writeSolicitedByR2TsAndReadSplitOverManyDataIns() throws IOException
    {
        // ImmediateData=No + InitialR2T=Yes: every byte is solicited; small segments force many PDUs each way.
        try (TestInitiator i = loggedIn("ImmediateData=No", "InitialR2T=Yes", "MaxRecvDataSegmentLength=4096",
            "MaxBurstLength=65536", "MaxOutstandingR2T=1"))
        {
            final byte[] data = TestInitiator.pattern(512 * 1024, 2);
            write(i, 2048, data, 0, 0);
            assertArrayEquals(data, read(i, 2048, 1024));
        }
    }

    @Test
    void unsolicitedDataOutUpToFirstBurst() throws IOException
    {
        try (TestInitiator i = loggedIn("ImmediateData=Yes", "InitialR2T=No", "FirstBurstLength=65536",
            "MaxRecvDataSegmentLength=8192", "MaxBurstLength=262144"))
        {
            final byte[] data = TestInitiator.pattern(256 * 1024, 3);
            write(i, 4096, data, 8192, 65536);
            assertArrayEquals(data, read(i, 4096, 512));
        }
    }

    @Test
    void openIscsiLoginKeysAndItsUnsolicitedWrites() throws IOException
    {
        // The operational keys iscsid sends with the stock iscsid.conf, in its order.
        try (TestInitiator i = loggedIn("HeaderDigest=None", "DataDigest=None", "DefaultTime2Wait=2",
            "DefaultTime2Retain=0", "IFMarker=No", "OFMarker=No", "ErrorRecoveryLevel=0", "InitialR2T=No",
            "ImmediateData=Yes", "MaxBurstLength=16776192", "FirstBurstLength=262144", "MaxOutstandingR2T=1",
            "MaxConnections=1", "DataPDUInOrder=Yes", "DataSequenceInOrder=Yes", "MaxRecvDataSegmentLength=262144"))
        {
            // 512 KiB: 256 KiB immediate, the rest of the first burst none, then R2Ts for the remainder.
            final byte[] data = TestInitiator.pattern(512 * 1024, 6);
            write(i, 8192, data, 262144, 262144);
            assertArrayEquals(data, read(i, 8192, 1024));
        }
    }

    @Test
    void digestsProtectHeadersAndData() throws IOException
    {
        try (TestInitiator i = loggedIn("HeaderDigest=CRC32C,None", "DataDigest=CRC32C,None"))
        {
            assertTrue(i.headerDigest && i.dataDigest);
            final byte[] data = TestInitiator.pattern(16 * BLOCK, 4);
            write(i, 300, data, data.length, 0);
            assertArrayEquals(data, read(i, 300, 16));
        }
    }

    @Test
    void corruptDataDigestIsRejectedAndTheConnectionLives() throws IOException
    {
        try (TestInitiator i = loggedIn("HeaderDigest=None", "DataDigest=CRC32C"))
        {
            final byte[] bhs = i.nopOut(0x77, 0xffffffff, true);
            // Build the PDU by hand with a wrong data digest.
            final byte[] ping = {1, 2, 3, 4};
            final byte[] pdu = new byte[48 + 4 + 4];
            System.arraycopy(bhs, 0, pdu, 0, 48);
            pdu[7] = 4;   // DataSegmentLength = 4
            System.arraycopy(ping, 0, pdu, 48, 4);
            pdu[52] = 0x55;   // bogus digest
            i.sendRaw(pdu);
            final Pdu reject = i.receive();
            assertEquals(Opcode.REJECT, reject.opcode());
            assertEquals(RejectPdu.DATA_DIGEST_ERROR, new RejectPdu().wrap(reject.header(), 0).reason());
            // Still alive: a good NOP-Out is answered.
            i.send(i.nopOut(0x78, 0xffffffff, true), ping);
            final Pdu nopIn = i.receive();
            assertEquals(Opcode.NOP_IN, nopIn.opcode());
            assertArrayEquals(ping, nopIn.data());
        }
    }

    @Test
    void aWriteWhoseImmediateDataHasABadDigestEndsInCheckConditionAndNoCmdSnIsLost() throws IOException
    {
        try (TestInitiator i = loggedIn("HeaderDigest=None", "DataDigest=CRC32C", "ImmediateData=Yes"))
        {
            final byte[] data = TestInitiator.pattern(4 * BLOCK, 9);
            final byte[] before = read(i, 420, 4);
            final byte[] write = i.pdu(i.scsiCommand(0, write10(420, 4), data.length, false, true), data);
            write[write.length - 1] ^= 0x5A;   // the data digest
            i.sendRaw(write);
            expectReject(i, RejectPdu.DATA_DIGEST_ERROR);
            // RFC 7143 7.8 b: the command is taken, its data lost; all of it is in, so it ends at once.
            final Pdu pdu = i.receive();
            assertEquals(Opcode.SCSI_RESPONSE, pdu.opcode(), TestInitiator.name(pdu));
            final ScsiResponsePdu response = new ScsiResponsePdu().wrap(pdu.header(), 0);
            assertEquals(2, response.status(), "CHECK CONDITION");
            assertEquals(i.cmdSn, response.expCmdSn(), "its CmdSN was taken");
            i.expStatSn = response.statSn() + 1;
            final byte[] sense = Arrays.copyOfRange(pdu.data(), 2, pdu.data().length);
            assertArrayEquals(new int[]{0x0B, 0x47, 0x05}, new int[]{sense[2] & 0x0F, sense[12] & 0xFF,
                sense[13] & 0xFF}, "ABORTED COMMAND, PROTOCOL SERVICE CRC ERROR");
            assertArrayEquals(before, read(i, 420, 4), "nothing written");

            // A non-immediate NOP-Out whose ping data is corrupted: dropped, but its CmdSN is not left as a gap.
            final byte[] ping = {1, 2, 3, 4};
            final byte[] nop = i.pdu(i.nopOut(0x79, 0xffffffff, false), ping);
            nop[nop.length - 1] ^= 0x5A;
            i.sendRaw(nop);
            expectReject(i, RejectPdu.DATA_DIGEST_ERROR);
            i.send(i.nopOut(0x7A, 0xffffffff, false), ping);
            final Pdu nopIn = i.receive();
            assertEquals(Opcode.NOP_IN, nopIn.opcode(), TestInitiator.name(nopIn));
            assertEquals(i.cmdSn, new NopInPdu().wrap(nopIn.header(), 0).expCmdSn(), "ExpCmdSN moved past both");

            // The initiator's retry of the write.
            write(i, 420, data, data.length, 0);
            assertArrayEquals(data, read(i, 420, 4));
            // sessions -v shows the session's tallies (the Rejects count as protocol errors, as in the close line).
            final String errors = server.engine().sessions(10_000).stream().filter(s -> s.isid() == i.isid)
                .findFirst().orElseThrow().errors();
            assertEquals("digest errors 2, protocol errors 2, ignored commands 0, ignored Data-Out 0", errors);
        }
    }

    private static void expectReject(final TestInitiator i, final int reason) throws IOException
    {
        final Pdu reject = i.receive();
        assertEquals(Opcode.REJECT, reject.opcode(), TestInitiator.name(reject));
        assertEquals(reason, new RejectPdu().wrap(reject.header(), 0).reason());
    }

    @Test
    void nopOutPingIsEchoed() throws IOException
    {
        try (TestInitiator i = loggedIn())
        {
            final byte[] ping = TestInitiator.pattern(100, 5);
            i.send(i.nopOut(0x1234, 0xffffffff, false), ping);
            final Pdu pdu = i.receive();
            assertEquals(Opcode.NOP_IN, pdu.opcode());
            assertEquals(0x1234, pdu.itt());
            assertArrayEquals(ping, pdu.data());
            final NopInPdu nopIn = new NopInPdu().wrap(pdu.header(), 0);
            assertEquals(i.cmdSn, nopIn.expCmdSn(), "a non-immediate NOP-Out consumes a CmdSN");
        }
    }

    @Test
    void targetPingsAnIdleConnectionAndDropsItWhenUnanswered() throws IOException
    {
        // Engine configured with NOP-In every 1 s and a 2 s timeout.
        try (TestInitiator i = loggedIn())
        {
            final Pdu ping = i.receive();
            assertEquals(Opcode.NOP_IN, ping.opcode());
            assertEquals(0xffffffff, ping.itt());
            final int ttt = new NopInPdu().wrap(ping.header(), 0).targetTransferTag();
            assertTrue(ttt != 0xffffffff);
            // Answer it once: the connection stays.
            i.send(i.nopOut(0xffffffff, ttt, true), null);
            // Then stay silent: the target gives up on us.
            assertTrue(i.closedByTarget(8000), "connection not dropped after unanswered NOP-In");
        }
    }

    @Test
    void commandOutsideTheCmdSnWindowIsIgnored() throws IOException
    {
        try (TestInitiator i = loggedIn())
        {
            i.cmdSn += 1000;   // far beyond MaxCmdSN
            i.send(i.scsiCommand(0, new byte[6], 0, false, false), null);
            i.cmdSn -= 1001;   // back to the expected CmdSN
            i.send(i.scsiCommand(0, new byte[6], 0, false, false), null);   // TEST UNIT READY
            final Pdu pdu = i.receive();
            assertEquals(Opcode.SCSI_RESPONSE, pdu.opcode());
            assertEquals(i.itt, pdu.itt(), "only the in-window command is answered");
        }
    }

    @Test
    void commandsAfterACmdSnGapWaitForItAndRunInCmdSnOrder() throws IOException
    {
        try (TestInitiator i = loggedIn("ImmediateData=Yes", "InitialR2T=Yes"))
        {
            final long heldBefore = server.counter(IscsiCounter.CMDSN_HELD);
            final int missing = i.cmdSn;
            final byte[] filler = TestInitiator.pattern(BLOCK, 21);
            final byte[] earlier = TestInitiator.pattern(BLOCK, 22);
            final byte[] later = TestInitiator.pattern(BLOCK, 23);
            // Three one-block writes of LBA 300: CmdSN missing + 2 on the wire first, then missing + 1, then missing.
            i.cmdSn = missing + 2;
            final byte[] laterWrite = i.scsiCommand(0, write10(300, 1), BLOCK, false, true);
            final int laterItt = i.itt;
            i.cmdSn = missing + 1;
            final byte[] earlierWrite = i.scsiCommand(0, write10(300, 1), BLOCK, false, true);
            final int earlierItt = i.itt;
            i.send(laterWrite, later);
            i.send(earlierWrite, earlier);
            // Neither runs while CmdSN `missing` has not come (RFC 7143 4.2.2.1), and ExpCmdSN stays at it.
            i.send(i.nopOut(0x777, 0xffffffff, true), null);
            final Pdu nop = i.receive();
            assertEquals(Opcode.NOP_IN, nop.opcode(), "answered before the gap filled: " + TestInitiator.name(nop));
            assertEquals(missing, new NopInPdu().wrap(nop.header(), 0).expCmdSn());
            assertEquals(heldBefore + 2, server.counter(IscsiCounter.CMDSN_HELD));

            i.cmdSn = missing;
            i.send(i.scsiCommand(0, write10(300, 1), BLOCK, false, true), filler);
            final int fillerItt = i.itt;
            for (final int itt : new int[]{fillerItt, earlierItt, laterItt})
            {
                final Pdu response = i.receive();
                assertEquals(Opcode.SCSI_RESPONSE, response.opcode(), TestInitiator.name(response));
                assertEquals(itt, response.itt(), "the writes run in CmdSN order");
                assertEquals(0, status(response));
                assertEquals(missing + 3, new ScsiResponsePdu().wrap(response.header(), 0).expCmdSn());
                i.expStatSn = new ScsiResponsePdu().wrap(response.header(), 0).statSn() + 1;
            }
            i.cmdSn = missing + 3;
            assertArrayEquals(later, read(i, 300, 1), "the write of the highest CmdSN ran last");
        }
    }

    @Test
    void aLogoutThatFillsACmdSnGapEndsTheSessionAndTheCommandsHeldBehindItNeverRun() throws IOException
    {
        final byte[] before = TestInitiator.pattern(BLOCK, 31);
        final long heldBefore;
        try (TestInitiator i = loggedIn("ImmediateData=Yes", "InitialR2T=Yes"))
        {
            write(i, 310, before, BLOCK, BLOCK);
            heldBefore = server.counter(IscsiCounter.CMDSN_HELD);
            final int missing = i.cmdSn;
            // A one-block WRITE of LBA 310 after the gap, its data immediate: held.
            i.cmdSn = missing + 1;
            i.send(i.scsiCommand(0, write10(310, 1), BLOCK, false, true), TestInitiator.pattern(BLOCK, 32));
            // The gap filled by a Logout, not immediate: CmdSN order puts the WRITE after it, so the session ends
            // first and the WRITE is never run (the connection decides, as it is no longer in Full Feature Phase).
            final byte[] logout = new byte[48];
            new LogoutRequestPdu().wrap(MemorySegment.ofArray(logout), 0).reset().immediate(false).finalBit(true)
                .reasonCode(LogoutRequestPdu.CLOSE_SESSION).initiatorTaskTag(++i.itt).cmdSn(missing)
                .expStatSn(i.expStatSn);
            i.send(logout, null);
            final Pdu response = i.receive();
            assertEquals(Opcode.LOGOUT_RESPONSE, response.opcode(), TestInitiator.name(response));
            assertEquals(LogoutResponsePdu.CONNECTION_OR_SESSION_CLOSED_SUCCESSFULLY,
                new LogoutResponsePdu().wrap(response.header(), 0).response());
            assertThrows(EOFException.class, () -> fail("after the Logout Response: " +
                TestInitiator.name(i.receive())), "the connection ends after the Logout Response");
            assertEquals(heldBefore + 1, server.counter(IscsiCounter.CMDSN_HELD));
        }
        try (TestInitiator i = loggedIn())
        {
            assertArrayEquals(before, read(i, 310, 1), "the held WRITE reached the LUN after the session ended");
        }
    }

    @Test
    void abortTaskOfTheMissingCmdSnRunsTheCommandsHeldBehindIt() throws IOException
    {
        try (TestInitiator i = loggedIn())
        {
            final int missing = i.cmdSn;
            i.cmdSn = missing + 1;
            i.send(i.scsiCommand(0, new byte[6], 0, false, false), null);   // TEST UNIT READY, held
            final int heldItt = i.itt;
            i.send(i.scsiCommand(0, new byte[6], 0, false, false), null);   // and another
            final int abortedItt = i.itt;
            // The initiator gives up on the second: a held command is freed at once and never answered.
            assertEquals(TaskManagementResponsePdu.FUNCTION_COMPLETE, abortTask(i, abortedItt, missing + 2));
            // And on the one that never came: its RefCmdSN, below the request's CmdSN, counts as received (RFC 7143
            // 11.5.1 b), so ExpCmdSN moves past the gap and the first TEST UNIT READY runs.
            assertEquals(TaskManagementResponsePdu.FUNCTION_COMPLETE, abortTask(i, 0x999, missing));
            final Pdu tur = i.receive();
            assertEquals(Opcode.SCSI_RESPONSE, tur.opcode(), TestInitiator.name(tur));
            assertEquals(heldItt, tur.itt());
            assertEquals(0, status(tur));
            assertEquals(missing + 3, new ScsiResponsePdu().wrap(tur.header(), 0).expCmdSn());
            i.expStatSn = new ScsiResponsePdu().wrap(tur.header(), 0).statSn() + 1;
            i.send(i.nopOut(0x778, 0xffffffff, true), null);
            final Pdu nop = i.receive();
            assertEquals(Opcode.NOP_IN, nop.opcode(), "nothing for the aborted command: " + TestInitiator.name(nop));
            assertEquals("digest errors 0, protocol errors 0, ignored commands 0, ignored Data-Out 0",
                server.engine().sessions(10_000).stream().filter(s -> s.isid() == i.isid).findFirst().orElseThrow()
                    .errors());
        }
    }

    @Test
    void unknownOpcodeIsRejected() throws IOException
    {
        try (TestInitiator i = loggedIn())
        {
            final byte[] bhs = new byte[48];
            bhs[0] = 0x1c;   // not an initiator opcode
            bhs[1] = (byte)0x80;
            i.send(bhs, null);
            final Pdu reject = i.receive();
            assertEquals(Opcode.REJECT, reject.opcode());
            assertEquals(48, reject.data().length, "the rejected header is returned");
        }
    }

    @Test
    void malformedFramingEndsOnlyThatConnection() throws IOException
    {
        try (TestInitiator bad = loggedIn(); TestInitiator good = loggedIn())
        {
            final byte[] bhs = bad.scsiCommand(0, new byte[6], 0, false, false);
            bhs[5] = (byte)0xff;   // DataSegmentLength 16 MiB, far over MaxRecvDataSegmentLength
            bhs[6] = (byte)0xff;
            bhs[7] = (byte)0xff;
            bad.sendRaw(bhs);
            assertTrue(bad.closedByTarget(5000));
            good.send(good.scsiCommand(0, new byte[6], 0, false, false), null);
            assertEquals(Opcode.SCSI_RESPONSE, good.receive().opcode());
        }
    }

    @Test
    void scsiCommandBeforeLoginClosesTheConnection() throws IOException
    {
        try (TestInitiator i = new TestInitiator("127.0.0.1", port))
        {
            i.send(i.scsiCommand(0, new byte[6], 0, false, false), null);
            assertTrue(i.closedByTarget(5000));
        }
    }

    @Test
    void unknownTargetGetsNotFound() throws IOException
    {
        try (TestInitiator i = new TestInitiator("127.0.0.1", port))
        {
            final Pdu pdu = i.loginStep(true, 0, 1, "InitiatorName=" + TestInitiator.INITIATOR,
                "TargetName=iqn.2026-11.io.ringtarget:nope", "AuthMethod=None");
            assertEquals(LoginResponsePdu.NOT_FOUND, TestInitiator.loginStatus(pdu));
            assertTrue(i.closedByTarget(5000));
        }
    }

    @Test
    void discoverySessionListsTheTarget() throws IOException
    {
        try (TestInitiator i = new TestInitiator("127.0.0.1", port))
        {
            i.loginStep(true, 0, 1, "InitiatorName=" + TestInitiator.INITIATOR, "SessionType=Discovery", "AuthMethod=None");
            final Pdu op = i.loginStep(true, 1, 3, "HeaderDigest=None", "DataDigest=None");
            assertEquals(0, TestInitiator.loginStatus(op));
            i.send(i.textRequest(0xffffffff), TestInitiator.keys("SendTargets=All"));
            final Pdu text = i.receive();
            assertEquals(Opcode.TEXT_RESPONSE, text.opcode());
            final Map<String, String> keys = text.keys();
            assertEquals(TARGET, keys.get("TargetName"));
            assertEquals("127.0.0.1:" + port + ",1", keys.get("TargetAddress"));
        }
    }

    @Test
    void textRequestContinuedOverTwoPdus() throws IOException
    {
        try (TestInitiator i = loggedIn())
        {
            final byte[] first = i.textRequest(0xffffffff);
            first[1] = (byte)0x40;   // C=1, F=0: more text follows
            i.send(first, "SendTar".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            final Pdu ack = i.receive();
            assertEquals(Opcode.TEXT_RESPONSE, ack.opcode());
            assertEquals(0, ack.data().length);
            assertEquals(0, ack.bhs()[1] & 0x80, "not final");
            final int ttt = new TextResponsePdu().wrap(ack.header(), 0).targetTransferTag();
            assertTrue(ttt != 0xffffffff);
            i.itt--;   // the continuation keeps the task's ITT
            i.send(i.textRequest(ttt), "gets=All\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            final Pdu text = i.receive();
            assertEquals(Opcode.TEXT_RESPONSE, text.opcode());
            assertEquals(TARGET, text.keys().get("TargetName"));
        }
    }

    @Test
    void fullFeaturePhaseTextTakesDeclarativeKeysAndRefusesTheOthers() throws IOException
    {
        try (TestInitiator i = loggedIn("MaxRecvDataSegmentLength=262144"))
        {
            final byte[] data = TestInitiator.pattern(64 * BLOCK, 31);
            write(i, 500, data, 0, 0);
            assertEquals(1, dataInSizes(i, 500, 64).length, "32 KiB in one Data-In at 256 KiB");

            // RFC 7143 13.12 and 13.6: declarative, allowed in any phase, no answer due; MaxBurstLength is
            // leading-only (Reject), and a key no RFC defines is NotUnderstood (6.2).
            i.send(i.textRequest(0xffffffff), TestInitiator.keys("MaxRecvDataSegmentLength=4096",
                "InitiatorAlias=db-host-1", "MaxBurstLength=65536", "X-com.example.Tuning=7"));
            final Pdu text = i.receive();
            assertEquals(Opcode.TEXT_RESPONSE, text.opcode(), TestInitiator.name(text));
            assertEquals(Map.of("MaxBurstLength", "Reject", "X-com.example.Tuning", "NotUnderstood"), text.keys());
            i.expStatSn = new TextResponsePdu().wrap(text.header(), 0).statSn() + 1;

            // The target's Data-In now fits 4 KiB segments.
            final int[] sizes = dataInSizes(i, 500, 64);
            assertEquals(8, sizes.length, Arrays.toString(sizes));
            for (final int size : sizes)
            {
                assertEquals(4096, size);
            }
            assertArrayEquals(data, read(i, 500, 64));

            i.send(i.textRequest(0xffffffff), TestInitiator.keys("MaxRecvDataSegmentLength=100"));
            final Pdu refused = i.receive();
            assertEquals(Map.of("MaxRecvDataSegmentLength", "Reject"), refused.keys(), "below 512 (13.12)");
            i.expStatSn = new TextResponsePdu().wrap(refused.header(), 0).statSn() + 1;
            assertEquals(8, dataInSizes(i, 500, 64).length, "the refused value left the declared one in force");
        }
    }

    /** The data segment lengths of the Data-In PDUs of a READ(10). */
    private static int[] dataInSizes(final TestInitiator i, final int lba, final int blocks) throws IOException
    {
        i.send(i.scsiCommand(0, read10(lba, blocks), blocks * BLOCK, true, false), null);
        final java.util.List<Integer> sizes = new java.util.ArrayList<>();
        while (true)
        {
            final Pdu pdu = i.receive();
            if (pdu.opcode() == Opcode.SCSI_RESPONSE)
            {
                i.expStatSn = new ScsiResponsePdu().wrap(pdu.header(), 0).statSn() + 1;
                break;
            }
            assertEquals(Opcode.SCSI_DATA_IN, pdu.opcode());
            sizes.add(pdu.data().length);
            final DataInPdu din = new DataInPdu().wrap(pdu.header(), 0);
            if (din.statusBit())
            {
                i.expStatSn = din.statSn() + 1;
                break;
            }
        }
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void targetColdResetIsAnsweredAndClosesEverySessionOfTheTarget() throws Exception
    {
        final TestTarget own = TestTarget.start(16L << 20, 5, new PrintStream(new ByteArrayOutputStream(), true));
        try (TestInitiator issuer = new TestInitiator("127.0.0.1", own.port());
             TestInitiator other = new TestInitiator("127.0.0.1", own.port()))
        {
            issuer.isid = 0x400000000001L;
            other.isid = 0x400000000002L;
            assertEquals(0, TestInitiator.loginStatus(issuer.login(TARGET)));
            assertEquals(0, TestInitiator.loginStatus(other.login(TARGET)));
            final byte[] bhs = new byte[48];
            new TaskManagementRequestPdu().wrap(MemorySegment.ofArray(bhs), 0).reset().immediate(true).finalBit(true)
                .function(TaskManagementRequestPdu.TARGET_COLD_RESET).initiatorTaskTag(++issuer.itt)
                .referencedTaskTag(0xffffffff).cmdSn(issuer.cmdSn).expStatSn(issuer.expStatSn);
            issuer.send(bhs, null);
            final Pdu tmf = issuer.receive();
            assertEquals(Opcode.TASK_MANAGEMENT_RESPONSE, tmf.opcode());
            assertEquals(TaskManagementResponsePdu.FUNCTION_COMPLETE,
                new TaskManagementResponsePdu().wrap(tmf.header(), 0).response());
            assertTrue(issuer.closedByTarget(5000), "the issuer's connection closes after the response");
            assertTrue(other.closedByTarget(5000), "RFC 7143 11.5.1: every other session of the target ends too");
        }
        finally
        {
            own.close();
        }
    }

    @Test
    void abortTaskAnswersPerRefCmdSnAndLogoutCloses() throws IOException
    {
        try (TestInitiator i = loggedIn())
        {
            // The TEST UNIT READY of loggedIn() was answered: aborting it finds no task (RFC 7143 11.5.1 c).
            assertEquals(TaskManagementResponsePdu.TASK_DOES_NOT_EXIST, abortTask(i, i.itt, i.cmdSn - 1));
            // A RefCmdSN inside the window names a command not received yet: FUNCTION COMPLETE (11.5.1 b).
            assertEquals(TaskManagementResponsePdu.FUNCTION_COMPLETE, abortTask(i, 0x999, i.cmdSn));

            final byte[] logout = new byte[48];
            new LogoutRequestPdu().wrap(MemorySegment.ofArray(logout), 0).reset().immediate(true).finalBit(true)
                .reasonCode(LogoutRequestPdu.CLOSE_SESSION).initiatorTaskTag(++i.itt).cmdSn(i.cmdSn).expStatSn(i.expStatSn);
            i.send(logout, null);
            final Pdu response = i.receive();
            assertEquals(Opcode.LOGOUT_RESPONSE, response.opcode());
            assertEquals(LogoutResponsePdu.CONNECTION_OR_SESSION_CLOSED_SUCCESSFULLY,
                new LogoutResponsePdu().wrap(response.header(), 0).response());
            assertTrue(i.closedByTarget(5000));
        }
    }

    @Test
    void aWriteAbortedInTheSameReceiveGetsNoR2t() throws IOException
    {
        try (TestInitiator i = loggedIn("ImmediateData=No", "InitialR2T=Yes"))
        {
            // The WRITE and the ABORT TASK for it in one segment, as libiscsi's AbortTaskSimpleAsync sends them: the
            // R2T the WRITE called for is still queued when the abort is answered and must not go out after all.
            final byte[] write = i.pdu(i.scsiCommand(0, write10(64, 8), 8 * BLOCK, false, true), null);
            final int writeItt = i.itt;
            final byte[] abort = new byte[48];
            new TaskManagementRequestPdu().wrap(MemorySegment.ofArray(abort), 0).reset().immediate(true)
                .finalBit(true).function(TaskManagementRequestPdu.ABORT_TASK).initiatorTaskTag(++i.itt)
                .referencedTaskTag(writeItt).refCmdSn(i.cmdSn - 1).cmdSn(i.cmdSn).expStatSn(i.expStatSn);
            final byte[] both = Arrays.copyOf(write, write.length + 48);
            System.arraycopy(i.pdu(abort, null), 0, both, write.length, 48);
            i.sendRaw(both);
            final Pdu tmf = i.receive();
            assertEquals(Opcode.TASK_MANAGEMENT_RESPONSE, tmf.opcode(), "no R2T before the abort's response: " +
                TestInitiator.name(tmf));
            assertEquals(TaskManagementResponsePdu.FUNCTION_COMPLETE,
                new TaskManagementResponsePdu().wrap(tmf.header(), 0).response());
            i.send(i.nopOut(0x4321, 0xffffffff, true), null);
            final Pdu next = i.receive();
            assertEquals(Opcode.NOP_IN, next.opcode(), "nothing for the aborted write: " + TestInitiator.name(next));
            // Data-Out for the aborted write, as from an initiator that had read an R2T before the abort's response:
            // dropped without an answer, and tallied as ignored Data-Out, not as a protocol error.
            i.send(i.dataOut(0, writeItt, 0x77, 0, 0, true), TestInitiator.pattern(BLOCK, 3));
            i.send(i.nopOut(0x4322, 0xffffffff, true), null);
            final Pdu afterDataOut = i.receive();
            assertEquals(Opcode.NOP_IN, afterDataOut.opcode(), "no answer to it: " + TestInitiator.name(afterDataOut));
            assertEquals("digest errors 0, protocol errors 0, ignored commands 0, ignored Data-Out 1",
                server.engine().sessions(10_000).stream().filter(s -> s.isid() == i.isid).findFirst().orElseThrow()
                    .errors());
            // The connection goes on: a write through an R2T and its read-back.
            final byte[] data = TestInitiator.pattern(8 * BLOCK, 11);
            write(i, 64, data, 0, 0);
            assertArrayEquals(data, read(i, 64, 8));
        }
    }

    private static int abortTask(final TestInitiator i, final int referencedItt, final int refCmdSn) throws IOException
    {
        final byte[] bhs = new byte[48];
        new TaskManagementRequestPdu().wrap(MemorySegment.ofArray(bhs), 0).reset().immediate(true).finalBit(true)
            .function(TaskManagementRequestPdu.ABORT_TASK).initiatorTaskTag(++i.itt).referencedTaskTag(referencedItt)
            .refCmdSn(refCmdSn).cmdSn(i.cmdSn).expStatSn(i.expStatSn);
        i.send(bhs, null);
        final Pdu tmf = i.receive();
        assertEquals(Opcode.TASK_MANAGEMENT_RESPONSE, tmf.opcode());
        return new TaskManagementResponsePdu().wrap(tmf.header(), 0).response();
    }

    @Test
    void sameIsidReinstatesTheSession() throws IOException
    {
        try (TestInitiator first = loggedIn())
        {
            try (TestInitiator second = new TestInitiator("127.0.0.1", port))
            {
                second.isid = first.isid;
                assertEquals(0, TestInitiator.loginStatus(second.login(TARGET)));
                assertTrue(first.closedByTarget(5000), "the old connection of a reinstated session is closed");
                second.send(second.scsiCommand(0, new byte[6], 0, false, false), null);
                assertEquals(Opcode.SCSI_RESPONSE, second.receive().opcode());
            }
        }
    }

    @Test
    void shutdownAsksTheInitiatorToLogOut() throws Exception
    {
        final TestTarget own = TestTarget.start(16L << 20, 5, new PrintStream(new ByteArrayOutputStream(), true));
        try (TestInitiator i = new TestInitiator("127.0.0.1", own.port()))
        {
            assertEquals(0, TestInitiator.loginStatus(i.login(TARGET)));
            final Thread stopper = new Thread(own::close);
            stopper.start();
            final Pdu async = i.receive();
            assertEquals(Opcode.ASYNC_MESSAGE, async.opcode());
            assertEquals(AsyncMessagePdu.LOGOUT_REQUEST, new AsyncMessagePdu().wrap(async.header(), 0).asyncEvent());
            final byte[] logout = new byte[48];
            new LogoutRequestPdu().wrap(MemorySegment.ofArray(logout), 0).reset().immediate(true).finalBit(true)
                .reasonCode(LogoutRequestPdu.CLOSE_SESSION).initiatorTaskTag(++i.itt).cmdSn(i.cmdSn).expStatSn(i.expStatSn);
            i.send(logout, null);
            assertEquals(Opcode.LOGOUT_RESPONSE, i.receive().opcode());
            assertTrue(i.closedByTarget(5000));
            stopper.join(10_000);
            assertFalse(stopper.isAlive(), "close() returns once the session logged out");
        }
    }

    @Test
    void readBeyondTheEndIsLbaOutOfRange() throws IOException
    {
        try (TestInitiator i = loggedIn())
        {
            final int blocks = (64 << 20) / BLOCK;
            i.send(i.scsiCommand(0, read10(blocks - 1, 2), 2 * BLOCK, true, false), null);
            final Pdu pdu = i.receive();
            assertEquals(Opcode.SCSI_RESPONSE, pdu.opcode());
            assertEquals(2, status(pdu), "CHECK CONDITION");
            // Sense data: 2-byte length then fixed-format sense; key ILLEGAL REQUEST (5), ASC 0x21.
            final byte[] sense = pdu.data();
            assertEquals(0x05, sense[2 + 2] & 0x0f);
            assertEquals(0x21, sense[2 + 12] & 0xff);
            assertFalse(sense.length < 14);
        }
    }
}
