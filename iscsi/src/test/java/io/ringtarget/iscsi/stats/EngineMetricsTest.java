package io.ringtarget.iscsi.stats;

import io.ringtarget.iscsi.TestInitiator;
import io.ringtarget.iscsi.TestInitiator.Pdu;
import io.ringtarget.iscsi.TestTarget;
import io.ringtarget.pdu.LogoutRequestPdu;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.pdu.RejectPdu;
import io.ringtarget.pdu.ScsiResponsePdu;
import io.ringtarget.pdu.TaskManagementRequestPdu;
import io.ringtarget.pdu.TaskManagementResponsePdu;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's metrics as the scrape reads them, after a raw test initiator did known things over loopback: logins
 * by result, sessions and connections per portal, reads and writes with their bytes, latency histograms, failures by
 * sense key, Rejects, task management, disconnects by reason, and TCP_INFO samples. The test methods share one
 * target, so each checks the change it caused.
 */
class EngineMetricsTest
{
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static TestTarget server;
    private static EngineMetrics metrics;
    private static int boundPortal;
    private static int unboundPortal;

    @BeforeAll
    static void start() throws IOException
    {
        server = TestTarget.start(16L << 20, 0, new PrintStream(LOG, true));
        metrics = server.engine().metrics();
        final MetricsModel model = metrics.model();
        for (int p = 0; p < model.portalCount(); p++)
        {
            if (model.portal(p).target().equals(TestTarget.IQN))
            {
                boundPortal = p;
            }
            else
            {
                unboundPortal = p;
            }
        }
        assertEquals(2, model.portalCount(), "the portal under the target and under \"\"");
        assertEquals("127.0.0.1:" + server.port(), model.portal(boundPortal).portal());
        assertEquals(1, model.lunCount());
        assertEquals(new MetricsModel.LunKey(TestTarget.IQN, 0, "ram0", model.lun(0).logicalUnit(),
            model.lun(0).storage()), model.lun(0));
        assertEquals("ram0", model.lun(0).storage().name());
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    /** Waits until the loop has published what the test expects (it counts on its own thread). */
    private static void eventually(final long expected, final LongSupplier actual, final String what)
    {
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (actual.getAsLong() != expected && System.nanoTime() < deadline)
        {
            Thread.onSpinWait();
        }
        assertEquals(expected, actual.getAsLong(), what);
    }

    private static TestInitiator loggedIn() throws IOException
    {
        final TestInitiator i = new TestInitiator("127.0.0.1", server.port());
        i.isid = 0x400000000000L | new Random().nextInt(1 << 24);
        assertEquals(0, TestInitiator.loginStatus(i.login(TestTarget.IQN, "ImmediateData=Yes", "InitialR2T=Yes",
            "MaxRecvDataSegmentLength=262144")));
        return i;
    }

    private static byte[] cdb10(final int opcode, final long lba, final int blocks)
    {
        return new byte[]{ (byte)opcode, 0, (byte)(lba >>> 24), (byte)(lba >>> 16), (byte)(lba >>> 8), (byte)lba, 0,
            (byte)(blocks >>> 8), (byte)blocks, 0 };
    }

    /** A command with its immediate data; returns the final status (Data-In with status, or SCSI Response). */
    private static int command(final TestInitiator i, final long lun, final byte[] cdb, final int edtl,
        final boolean read, final byte[] data) throws IOException
    {
        i.send(i.scsiCommand(lun, cdb, edtl, read, data != null), data);
        while (true)
        {
            final Pdu pdu = i.receive();
            if (pdu.opcode() == Opcode.SCSI_RESPONSE)
            {
                final ScsiResponsePdu r = new ScsiResponsePdu().wrap(pdu.header(), 0);
                i.expStatSn = r.statSn() + 1;
                return r.status();
            }
            assertEquals(Opcode.SCSI_DATA_IN, pdu.opcode(), TestInitiator.name(pdu));
            final io.ringtarget.pdu.DataInPdu din = new io.ringtarget.pdu.DataInPdu().wrap(pdu.header(), 0);
            if (din.statusBit())
            {
                i.expStatSn = din.statSn() + 1;
                return din.status();
            }
        }
    }

    private static long histogramCount(final int op)
    {
        final long[] buckets = new long[LatencyBuckets.COUNT];
        metrics.lunBuckets(0, op, buckets);
        long n = 0;
        for (final long b : buckets)
        {
            n += b;
        }
        return n;
    }

    @Test
    void readsWritesBytesLatencyAndFailuresPerLun() throws IOException
    {
        final long reads = metrics.lunReads(0);
        final long writes = metrics.lunWrites(0);
        final long readBytes = metrics.lunReadBytes(0);
        final long written = metrics.lunWrittenBytes(0);
        final long readSamples = histogramCount(IoOp.READ);
        final long writeSamples = histogramCount(IoOp.WRITE);
        final long otherSamples = histogramCount(IoOp.OTHER);
        final long illegal = metrics.lunErrors(0, IoOp.READ, SenseKey.ILLEGAL_REQUEST);
        try (TestInitiator i = loggedIn())
        {
            assertEquals(0, command(i, 0, new byte[6], 0, false, null));   // TEST UNIT READY
            assertEquals(0, command(i, 0, new byte[6], 0, false, null));
            final byte[] data = new byte[8 * TestTarget.BLOCK_SIZE];
            new Random(1).nextBytes(data);
            for (int n = 0; n < 3; n++)
            {
                assertEquals(0, command(i, 0, cdb10(0x2A, 64 + n * 8, 8), data.length, false, data));
            }
            for (int n = 0; n < 5; n++)
            {
                assertEquals(0, command(i, 0, cdb10(0x28, 64, 2), 2 * TestTarget.BLOCK_SIZE, true, null));
            }
            // Past the end of the 16 MiB LUN: CHECK CONDITION, ILLEGAL REQUEST / LBA OUT OF RANGE.
            assertEquals(2, command(i, 0, cdb10(0x28, 1L << 30, 1), TestTarget.BLOCK_SIZE, true, null));
            // A LUN the TPG does not have: answered, counted nowhere per LUN.
            assertEquals(2, command(i, 7L << 48, cdb10(0x28, 0, 1), TestTarget.BLOCK_SIZE, true, null));

            eventually(reads + 5, () -> metrics.lunReads(0), "reads completed GOOD");
            eventually(writes + 3, () -> metrics.lunWrites(0), "writes completed GOOD");
            assertEquals(readBytes + 5 * 2 * TestTarget.BLOCK_SIZE, metrics.lunReadBytes(0));
            assertEquals(written + 3L * data.length, metrics.lunWrittenBytes(0));
            assertEquals(illegal + 1, metrics.lunErrors(0, IoOp.READ, SenseKey.ILLEGAL_REQUEST));
            assertEquals(readSamples + 6, histogramCount(IoOp.READ), "every answered read is timed, failed ones too");
            assertEquals(writeSamples + 3, histogramCount(IoOp.WRITE));
            assertEquals(otherSamples + 2, histogramCount(IoOp.OTHER));
            assertEquals(0, metrics.lunInFlight(0));
            assertTrue(metrics.lunSumNanos(0, IoOp.READ) > 0);
            final long[] buckets = new long[LatencyBuckets.COUNT];
            metrics.lunBuckets(0, IoOp.READ, buckets);
            assertEquals(0, buckets[LatencyBuckets.COUNT - 1], "no 4 KiB RAM read takes more than 10 s");
        }
    }

    @Test
    void loginsSessionsConnectionsAndDisconnects() throws IOException
    {
        final int target = 0;
        final long logouts = metrics.disconnects(target, DisconnectReason.LOGOUT);
        final long closed = metrics.disconnects(target, DisconnectReason.INITIATOR_CLOSED);
        final long successes = metrics.logins(target, LoginResult.SUCCESS);
        final long notFound = metrics.logins(-1, LoginResult.NOT_FOUND);

        try (TestInitiator i = loggedIn())
        {
            eventually(1, () -> metrics.sessions(target), "one session");
            eventually(1, () -> metrics.connections(boundPortal), "its connection under the target's portal");
            assertEquals(0, metrics.connections(unboundPortal));
            assertEquals(successes + 1, metrics.logins(target, LoginResult.SUCCESS));

            final byte[] logout = new byte[48];
            new LogoutRequestPdu().wrap(MemorySegment.ofArray(logout), 0).reset().immediate(true).finalBit(true)
                .reasonCode(LogoutRequestPdu.CLOSE_SESSION).initiatorTaskTag(++i.itt).cmdSn(i.cmdSn)
                .expStatSn(i.expStatSn);
            i.send(logout, null);
            assertEquals(Opcode.LOGOUT_RESPONSE, i.receive().opcode());
            assertTrue(i.closedByTarget(5000));
        }
        eventually(logouts + 1, () -> metrics.disconnects(target, DisconnectReason.LOGOUT), "a logout");
        eventually(0, () -> metrics.sessions(target), "no session");
        eventually(0, () -> metrics.connections(boundPortal), "no connection");

        try (TestInitiator i = loggedIn())
        {
            eventually(1, () -> metrics.sessions(target), "one session");
        }
        eventually(closed + 1, () -> metrics.disconnects(target, DisconnectReason.INITIATOR_CLOSED),
            "closed without logging out");
        eventually(0, () -> metrics.sessions(target), "no session");

        try (TestInitiator i = new TestInitiator("127.0.0.1", server.port()))
        {
            eventually(1, () -> metrics.connections(unboundPortal), "a connection logging in counts under target \"\"");
            assertEquals(0x0203, TestInitiator.loginStatus(i.login("iqn.2026-11.io.ringtarget:nosuch")));
        }
        eventually(notFound + 1, () -> metrics.logins(-1, LoginResult.NOT_FOUND), "a login naming no target of ours");
        eventually(0, () -> metrics.connections(unboundPortal), "gone");
        assertEquals(logouts + 1, metrics.disconnects(target, DisconnectReason.LOGOUT), "failed logins are no disconnects");
    }

    @Test
    void rejectsByReasonAndTaskManagementByFunctionAndResponse() throws IOException
    {
        final int snack = ProtocolLabels.rejectIndex(RejectPdu.SNACK_REJECT);
        final long snacks = metrics.rejects(snack);
        final int abortTask = ProtocolLabels.functionIndex(TaskManagementRequestPdu.ABORT_TASK);
        final int noTask = ProtocolLabels.responseIndex(TaskManagementResponsePdu.TASK_DOES_NOT_EXIST);
        final long aborts = metrics.taskManagement(abortTask, noTask);
        try (TestInitiator i = loggedIn())
        {
            final byte[] bhs = new byte[48];
            bhs[0] = (byte)Opcode.SNACK_REQUEST;
            bhs[1] = (byte)0x80;
            i.send(bhs, null);
            final Pdu reject = i.receive();
            assertEquals(Opcode.REJECT, reject.opcode());
            i.expStatSn = new RejectPdu().wrap(reject.header(), 0).statSn() + 1;

            final byte[] tmf = new byte[48];
            new TaskManagementRequestPdu().wrap(MemorySegment.ofArray(tmf), 0).reset().immediate(true).finalBit(true)
                .function(TaskManagementRequestPdu.ABORT_TASK).initiatorTaskTag(++i.itt).referencedTaskTag(0x7777)
                .refCmdSn(i.cmdSn - 100).cmdSn(i.cmdSn).expStatSn(i.expStatSn);
            i.send(tmf, null);
            final Pdu response = i.receive();
            assertEquals(TaskManagementResponsePdu.TASK_DOES_NOT_EXIST,
                new TaskManagementResponsePdu().wrap(response.header(), 0).response());
        }
        eventually(snacks + 1, () -> metrics.rejects(snack), "a SNACK rejected");
        eventually(aborts + 1, () -> metrics.taskManagement(abortTask, noTask), "ABORT TASK of no task");
        assertEquals("snack_reject", ProtocolLabels.rejectLabel(snack));
        assertEquals("abort_task", ProtocolLabels.functionLabel(abortTask));
        assertEquals("task_does_not_exist", ProtocolLabels.responseLabel(noTask));
    }

    @Test
    void tcpInfoIsSampledOnTheLoopOnceASecondWhileItIsRead() throws Exception
    {
        try (TestInitiator i = loggedIn())
        {
            eventually(1, () -> metrics.connections(boundPortal), "connected");
            // Another test of this class may have read the figures (then the loop samples for 2 minutes): only a
            // fresh engine could show that nothing is sampled before the first read.
            final long deadline = System.nanoTime() + 5_000_000_000L;
            do
            {
                metrics.tcpHealthRead();
                Thread.sleep(50);
            }
            while (Double.isNaN(metrics.tcpRttSeconds(boundPortal)) && System.nanoTime() < deadline);
            final double rtt = metrics.tcpRttSeconds(boundPortal);
            assertTrue(rtt > 0 && rtt < 0.1, "loopback RTT " + rtt);
            assertEquals(0, metrics.tcpRetransmits(boundPortal), "loopback does not lose segments");
        }
    }

    @Test
    void tcpInfoIsNotSampledUntilSomeoneReadsIt() throws Exception
    {
        try (TestTarget fresh = TestTarget.start(1L << 20, 0, new PrintStream(new ByteArrayOutputStream(), true));
            TestInitiator i = new TestInitiator("127.0.0.1", fresh.port()))
        {
            assertEquals(0, TestInitiator.loginStatus(i.login(TestTarget.IQN)));
            final EngineMetrics m = fresh.engine().metrics();
            int portal = 0;
            while (!m.model().portal(portal).target().equals(TestTarget.IQN))
            {
                portal++;
            }
            final int p = portal;
            eventually(1, () -> m.connections(p), "connected");
            Thread.sleep(3 * LoopMetrics.TCP_SAMPLE_PERIOD_NANOS / 1_000_000);
            assertTrue(Double.isNaN(m.tcpRttSeconds(p)), "no sample while nobody reads: " + m.tcpRttSeconds(p));
            m.tcpHealthRead();
            final long deadline = System.nanoTime() + 5_000_000_000L;
            while (Double.isNaN(m.tcpRttSeconds(p)) && System.nanoTime() < deadline)
            {
                Thread.sleep(50);
            }
            assertTrue(m.tcpRttSeconds(p) > 0, "sampled once read: " + m.tcpRttSeconds(p));
        }
    }

    /** The sense keys of SPC-4 the test uses. */
    private static final class SenseKey
    {
        static final int ILLEGAL_REQUEST = 5;
    }
}
