package io.ringtarget.iscsi.command;

import io.ringtarget.iscsi.TestInitiator;
import io.ringtarget.iscsi.TestInitiator.Pdu;
import io.ringtarget.iscsi.TestTarget;
import io.ringtarget.pdu.DataInPdu;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.pdu.R2tPdu;
import io.ringtarget.pdu.ScsiResponsePdu;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PERSISTENT RESERVE OUT with PREEMPT AND ABORT across two sessions (SPC-4 5.12.11.2.6): the preempted nexus' task
 * that is waiting for its Data-Out is aborted, takes the Data-Out its initiator still sends without writing it and
 * ends with TASK ABORTED status (TAS 1, SAM-5 5.6), and the nexus' next command reports REGISTRATIONS PREEMPTED.
 */
class PreemptAndAbortOverIscsiTest
{
    private static final int BLOCK = TestTarget.BLOCK_SIZE;
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static TestTarget server;

    @BeforeAll
    static void start() throws IOException
    {
        server = TestTarget.start(16L << 20, 5, new PrintStream(LOG, true));
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    private static TestInitiator session(final long isid, final String... keys) throws IOException
    {
        final TestInitiator i = new TestInitiator("127.0.0.1", server.port());
        i.isid = isid;
        assertEquals(0, TestInitiator.loginStatus(i.login(TestTarget.IQN, keys)), "login: " + LOG);
        command(i, new byte[6], null);   // the POWER ON unit attention of a new nexus
        return i;
    }

    /** Sends a command (with its parameter list as immediate data) and returns its SCSI Response. */
    private static Pdu command(final TestInitiator i, final byte[] cdb, final byte[] data) throws IOException
    {
        i.send(i.scsiCommand(0, cdb, null == data ? 0 : data.length, false, null != data), data);
        final Pdu response = i.receive();
        assertEquals(Opcode.SCSI_RESPONSE, response.opcode(), TestInitiator.name(response));
        i.expStatSn = new ScsiResponsePdu().wrap(response.header(), 0).statSn() + 1;
        return response;
    }

    private static int status(final Pdu response)
    {
        return new ScsiResponsePdu().wrap(response.header(), 0).status();
    }

    /** ASC and ASCQ of the fixed-format sense data in a response's data segment (after its 2-byte length). */
    private static int ascq(final Pdu response)
    {
        final byte[] d = response.data();
        return ((d[2 + 12] & 0xff) << 8) | (d[2 + 13] & 0xff);
    }

    private static Pdu prOut(final TestInitiator i, final int serviceAction, final int type, final long key, final long sark)
        throws IOException
    {
        return command(i, TestInitiator.persistentReserveOutCdb(serviceAction, type),
            TestInitiator.persistentReserveOutParameters(key, sark));
    }

    @Test
    void thePreemptedNexusTaskWaitingForDataEndsTaskAbortedAndItsNextCommandLearnsWhy() throws Exception
    {
        final int register = 0x00;
        final int reserve = 0x01;
        final int preemptAndAbort = 0x05;
        final int clear = 0x03;
        final int writeExclusiveRegistrantsOnly = 0x05;
        // No unsolicited Data-Out (InitialR2T=Yes) and a WRITE sent without immediate data: it waits for an R2T's.
        try (TestInitiator a = session(0x400000a10000L, "ImmediateData=Yes", "InitialR2T=Yes");
             TestInitiator b = session(0x400000b20000L))
        {
            assertEquals(0, status(prOut(a, register, 0, 0, 0xa1)), LOG.toString());
            assertEquals(0, status(prOut(b, register, 0, 0, 0xb2)), LOG.toString());
            assertEquals(0, status(prOut(a, reserve, writeExclusiveRegistrantsOnly, 0xa1, 0)), LOG.toString());

            final byte[] write = {0x2a, 0, 0, 0, 0, 8, 0, 0, 1, 0};   // WRITE(10), LBA 8, one block
            a.send(a.scsiCommand(0, write, BLOCK, false, true), null);
            final int writeItt = a.itt;
            final Pdu r2t = a.receive();
            assertEquals(Opcode.R2T, r2t.opcode(), TestInitiator.name(r2t));
            final int ttt = new R2tPdu().wrap(r2t.header(), 0).targetTransferTag();

            assertEquals(0, status(prOut(b, preemptAndAbort, writeExclusiveRegistrantsOnly, 0xb2, 0xa1)), LOG.toString());
            Thread.sleep(1_000);   // A's loop aborts the task on its connection timer (every 100 ms)

            // The data for the aborted task: the WRITE ends with TASK ABORTED, without writing it.
            final byte[] block = new byte[BLOCK];
            java.util.Arrays.fill(block, (byte)0x5a);
            a.send(a.dataOut(0, writeItt, ttt, 0, 0, true), block);
            final Pdu aborted = a.receive();
            assertEquals(Opcode.SCSI_RESPONSE, aborted.opcode(), TestInitiator.name(aborted));
            assertEquals(writeItt, aborted.itt());
            assertEquals(0x40, status(aborted), "TASK ABORTED");
            a.expStatSn = new ScsiResponsePdu().wrap(aborted.header(), 0).statSn() + 1;
            // TEST UNIT READY: REGISTRATIONS PREEMPTED, and no COMMANDS CLEARED BY ANOTHER INITIATOR (TAS 1).
            final List<Integer> unitAttentions = new ArrayList<>();
            for (int n = 0; n < 2; n++)
            {
                final Pdu p = command(a, new byte[6], null);
                if (status(p) == 0)
                {
                    break;
                }
                assertEquals(2, status(p), "CHECK CONDITION");
                assertEquals(6, p.data()[2 + 2] & 0x0f, "UNIT ATTENTION");
                unitAttentions.add(ascq(p));
            }
            assertEquals(List.of(0x2a05), unitAttentions, "REGISTRATIONS PREEMPTED, got " + unitAttentions);
            // Nothing was written: LBA 8 still reads as zeros (B, the holder, reads it).
            b.send(b.scsiCommand(0, new byte[]{0x28, 0, 0, 0, 0, 8, 0, 0, 1, 0}, BLOCK, true, false), null);
            // One block: one Data-In carrying the status too (phase collapse, RFC 7143 11.7.3).
            final Pdu p = b.receive();
            assertEquals(Opcode.SCSI_DATA_IN, p.opcode(), TestInitiator.name(p));
            final DataInPdu din = new DataInPdu().wrap(p.header(), 0);
            assertTrue(din.statusBit());
            assertEquals(0, din.status());
            b.expStatSn = din.statSn() + 1;
            final byte[] read = p.data();
            assertEquals(BLOCK, read.length);
            for (final byte x : read)
            {
                assertEquals(0, x, "the aborted WRITE's data reached the medium");
            }
            assertEquals(0, status(prOut(b, clear, 0, 0xb2, 0)), LOG.toString());
        }
    }
}
