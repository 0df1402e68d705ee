package io.ringtarget.iscsi.connection;

import io.ringtarget.iscsi.TestInitiator;
import io.ringtarget.iscsi.TestTarget;
import io.ringtarget.iscsi.command.ResponseSender;
import io.ringtarget.iscsi.stats.IscsiCounter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A connection always finishes closing, whatever it was doing: its descriptor, memory and slots are given back
 * and it leaves its loop's table. Real sockets, a real ring.
 */
class ConnectionTeardownTest
{
    private static byte[] read10(final int lba, final int blocks)
    {
        return TestInitiator.cdb10(0x28, lba, blocks);
    }

    private static byte[] write10(final int lba, final int blocks)
    {
        return TestInitiator.cdb10(0x2a, lba, blocks);
    }

    private static void awaitNoConnections(final TestTarget target, final ByteArrayOutputStream log)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (target.engine().connectionCount() > 0 && System.nanoTime() < deadline)
        {
            Thread.sleep(20);
        }
        target.flushLog();
        assertEquals(0, target.engine().connectionCount(),
            "every connection finished closing: " + log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aResetWhileDataInIsInFlightStillClosesTheConnection() throws Exception
    {
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (TestTarget target = TestTarget.start(64L << 20, 0, new PrintStream(log, true)))
        {
            final TestInitiator i = new TestInitiator("127.0.0.1", target.port());
            i.login(TestTarget.IQN, "MaxRecvDataSegmentLength=262144");
            // 1 MiB reads the initiator never reads back: the socket buffers fill and a SENDMSG stays in flight.
            for (int n = 0; n < 24; n++)
            {
                i.send(i.scsiCommand(0, read10(n * 2048, 2048), 1 << 20, true, false), null);
            }
            Thread.sleep(300);
            i.reset();
            awaitNoConnections(target, log);
        }
    }

    @Test
    void aCommandWhoseResponseOverflowsTheSendQueueEndsTheConnectionAndTheCommandsHeldBehindItNeverRun()
        throws Exception
    {
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final int block = 512;
        final byte[] before = TestInitiator.pattern(block, 41);
        try (TestTarget target = TestTarget.start(64L << 20, 0, new PrintStream(log, true)))
        {
            try (TestInitiator i = new TestInitiator("127.0.0.1", target.port()))
            {
                i.login(TestTarget.IQN, "ImmediateData=Yes");
                i.clearUnitAttention(0);
                assertEquals(0, i.command(0, write10(310, 1), before, null).status());
                final long overflowsBefore = target.counter(IscsiCounter.SEND_QUEUE_OVERFLOWS);
                final long heldBefore = target.counter(IscsiCounter.CMDSN_HELD);
                // A 16 MiB READ the initiator never reads back, in 8 KiB Data-In PDUs (its MaxRecvDataSegmentLength
                // by default): the socket buffers fill, a SENDMSG stays in flight, and the Data-In left waits with
                // the send queue full but for the entries it keeps for other PDUs.
                i.send(i.scsiCommand(0, read10(0, 32768), 16 << 20, true, false), null);
                Thread.sleep(500);
                final int missing = i.cmdSn;
                // A one-block WRITE of LBA 310 after a CmdSN gap, its data immediate: held.
                i.cmdSn = missing + 1;
                final ByteArrayOutputStream burst = new ByteArrayOutputStream();
                burst.write(i.pdu(i.scsiCommand(0, write10(310, 1), block, false, true),
                    TestInitiator.pattern(block, 42)));
                // Immediate pings, handled at once whatever the gap: their NOP-Ins take the entries kept free.
                for (int n = 0; n < ResponseSender.SEND_QUEUE_RESERVE; n++)
                {
                    burst.write(i.pdu(i.nopOut(0x5000 + n, 0xffffffff, true), null));
                }
                // The gap filled by a TEST UNIT READY: it completes at once, its SCSI Response finds no room, and the
                // connection closes (its initiator does not read) inside the request. The WRITE held behind it must not
                // run: the close aborts it with the other commands, and the connection, no longer in Full Feature
                // Phase, does not release held commands (either alone keeps it from the LUN; without both it runs).
                i.cmdSn = missing;
                burst.write(i.pdu(i.scsiCommand(0, new byte[6], 0, false, false), null));
                i.sendRaw(burst.toByteArray());
                awaitNoConnections(target, log);
                assertEquals(overflowsBefore + 1, target.counter(IscsiCounter.SEND_QUEUE_OVERFLOWS),
                    "closed for the send queue's overflow: " + log.toString(StandardCharsets.UTF_8));
                assertEquals(heldBefore + 1, target.counter(IscsiCounter.CMDSN_HELD));
            }
            try (TestInitiator i = new TestInitiator("127.0.0.1", target.port()))
            {
                i.isid = 0x400000000042L;
                i.login(TestTarget.IQN);
                i.clearUnitAttention(0);
                final byte[] after = new byte[block];
                assertEquals(0, i.command(0, read10(310, 1), null, after).status());
                assertArrayEquals(before, after, "the held WRITE reached the LUN after its connection closed");
            }
        }
    }

    @Test
    void aPeerThatGoesAwayMidLoginIsClosed() throws Exception
    {
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (TestTarget target = TestTarget.start(16L << 20, 0, new PrintStream(log, true)))
        {
            final TestInitiator i = new TestInitiator("127.0.0.1", target.port());
            i.send(i.loginRequest(false, 0, 1), TestInitiator.keys("InitiatorName=" + TestInitiator.INITIATOR));
            i.receive();
            i.reset();
            awaitNoConnections(target, log);
        }
    }
}
