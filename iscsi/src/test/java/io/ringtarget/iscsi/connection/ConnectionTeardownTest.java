package io.ringtarget.iscsi.connection;

import io.ringtarget.iscsi.TestInitiator;
import io.ringtarget.iscsi.TestTarget;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A connection always finishes closing, whatever it was doing: its descriptor, memory and slots are given back
 * and it leaves its loop's table. Real sockets, a real ring.
 */
class ConnectionTeardownTest
{
    private static byte[] read10(final int lba, final int blocks)
    {
        return new byte[]{0x28, 0, (byte)(lba >>> 24), (byte)(lba >>> 16), (byte)(lba >>> 8), (byte)lba, 0,
            (byte)(blocks >>> 8), (byte)blocks, 0};
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
