package io.ringtarget.iscsi.connection;

import io.ringtarget.backstore.Backstore;
import io.ringtarget.iscsi.TestInitiator;
import io.ringtarget.iscsi.TestInitiator.Pdu;
import io.ringtarget.iscsi.TestTarget;
import io.ringtarget.iscsi.stats.IscsiCounter;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.ring.EventLoop;
import io.ringtarget.scsi.BlockDevice;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An unexpected exception while handling one connection closes that connection, logged and counted, and nothing
 * else: the loop and the other connections carry on. Real sockets and a real ring; the fault comes from a
 * backstore whose handle cannot be opened on the loop.
 */
class FaultBoundaryTest
{
    /** A backstore that throws when a loop asks for its handle: a bug or resource failure on the command path. */
    private static final class BrokenBackstore implements Backstore
    {
        @Override
        public String name()
        {
            return "broken";
        }

        @Override
        public int blockSize()
        {
            return 512;
        }

        @Override
        public long blockCount()
        {
            return 2048;
        }

        @Override
        public boolean supportsUnmap()
        {
            return false;
        }

        @Override
        public boolean unmapReadsZeros()
        {
            return false;
        }

        @Override
        public boolean readOnly()
        {
            return false;
        }

        @Override
        public BlockDevice open(final EventLoop loop)
        {
            throw new IllegalStateException("broken backstore: no handle for " + loop.roleName());
        }

        @Override
        public void close()
        {
        }
    }

    private static byte[] read10(final int lba, final int blocks)
    {
        return new byte[]{0x28, 0, (byte)(lba >>> 24), (byte)(lba >>> 16), (byte)(lba >>> 8), (byte)lba, 0, 0,
            (byte)blocks, 0};
    }

    private static TestInitiator loggedIn(final TestTarget target) throws Exception
    {
        final TestInitiator i = new TestInitiator("127.0.0.1", target.port());
        i.isid = 0x400000000000L | new Random().nextInt(1 << 24);
        assertEquals(0, TestInitiator.loginStatus(i.login(TestTarget.IQN)));
        return i;
    }

    private static long counter(final TestTarget target, final IscsiCounter counter)
    {
        return target.counter(counter);
    }

    @Test
    void aFaultClosesOnlyItsConnection() throws Exception
    {
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (TestTarget target = TestTarget.start(16L << 20, 0, new PrintStream(log, true), new BrokenBackstore());
             TestInitiator healthy = loggedIn(target);
             TestInitiator victim = loggedIn(target))
        {
            victim.send(victim.scsiCommand(1L << 48, read10(0, 1), 512, true, false), null);   // LUN 1: broken
            final boolean closed = victim.closedByTarget(5000);
            target.flushLog();
            assertTrue(closed, "the connection that hit the fault is closed: " + log.toString(StandardCharsets.UTF_8));

            // The other connection, on the same loop (the test target has one), still works.
            healthy.send(healthy.scsiCommand(0, read10(0, 8), 4096, true, false), null);
            Pdu pdu = healthy.receive();
            while (pdu.opcode() == Opcode.SCSI_DATA_IN && (pdu.bhs()[1] & 0x01) == 0)
            {
                pdu = healthy.receive();
            }
            assertTrue(pdu.opcode() == Opcode.SCSI_DATA_IN || pdu.opcode() == Opcode.SCSI_RESPONSE);
            assertEquals(1, counter(target, IscsiCounter.CONNECTION_FAULTS));

            // A new connection is served too.
            try (TestInitiator later = loggedIn(target))
            {
                later.send(later.scsiCommand(0, new byte[6], 0, false, false), null);
                assertEquals(Opcode.SCSI_RESPONSE, later.receive().opcode());
            }
            target.flushLog();
            final String text = log.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("internal error") && text.contains("broken backstore"), text);
        }
    }
}
