package io.ringtarget.iscsi.command;

import io.ringtarget.backstore.RamBackstore;
import io.ringtarget.iscsi.TestInitiator;
import io.ringtarget.iscsi.TestInitiator.Pdu;
import io.ringtarget.iscsi.TestTarget;
import io.ringtarget.iscsi.stats.IscsiCounter;
import io.ringtarget.pdu.DataInPdu;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.pdu.R2tPdu;
import io.ringtarget.pdu.ScsiCommandPdu;
import io.ringtarget.pdu.ScsiResponsePdu;
import io.ringtarget.pdu.TaskManagementRequestPdu;
import io.ringtarget.pdu.TaskManagementResponsePdu;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Task attributes (SAM-5 8.6) over real sockets and a real ring: a task set per I_T nexus and logical unit (TST 001b),
 * HEAD OF QUEUE at once and ahead of everything, ORDERED after every older task, SIMPLE after the older ORDERED ones.
 * A write whose data the test withholds (InitialR2T=Yes, no immediate data: it waits for its R2T's Data-Out) is a task
 * that stays in the task set as long as the test likes, so what waits for it shows: a command that must wait is not
 * answered within 300 ms, and is answered, after the write, once the test sends the data. RAM LUNs.
 */
class TaskAttributeTest
{
    private static final int BLOCK = TestTarget.BLOCK_SIZE;
    private static final long LUN0 = 0;
    private static final long LUN1 = 1L << 48;
    private static final int GOOD = 0;
    private static final int CHECK_CONDITION = 2;
    private static final int TASK_ABORTED = 0x40;
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static RamBackstore second;
    private static TestTarget server;

    @BeforeAll
    static void start() throws IOException
    {
        second = new RamBackstore("ram1", 16L << 20, BLOCK);
        server = TestTarget.start(16L << 20, 0, new PrintStream(LOG, true), second);
    }

    @AfterAll
    static void stop()
    {
        if (server != null)
        {
            server.close();
        }
        if (second != null)
        {
            second.close();
        }
    }

    @Test
    void anOrderedReadWaitsForAnOlderSimpleWriteAndReadsWhatItWrote() throws IOException
    {
        try (TestInitiator i = loggedIn())
        {
            final long dormant = server.counter(IscsiCounter.TASKS_DORMANT);
            final long ordered = server.counter(IscsiCounter.TASKS_ORDERED);
            final byte[] data = TestInitiator.pattern(BLOCK, 1);
            final Pending write = startWrite(i, LUN0, 100, ScsiCommandPdu.ATTR_SIMPLE);
            final int read = sendRead(i, LUN0, 100, ScsiCommandPdu.ATTR_ORDERED);
            assertNull(i.receiveWithin(300), "the ORDERED READ waits for the older WRITE to complete");
            assertEquals(dormant + 1, server.counter(IscsiCounter.TASKS_DORMANT));
            assertEquals(ordered + 1, server.counter(IscsiCounter.TASKS_ORDERED));
            write.finish(data);
            final Map<Integer, Result> results = receive(i, 2);
            assertEquals(GOOD, results.get(write.itt).status);
            assertEquals(GOOD, results.get(read).status);
            assertArrayEquals(data, results.get(read).data, "the READ ran after the WRITE");
            assertEquals(write.itt, results.get(read).before, "the WRITE's status came first");
        }
    }

    @Test
    void simpleTasksWaitForAnOlderOrderedWriteButOnlyOnItsLogicalUnitAndSession() throws IOException
    {
        try (TestInitiator i = loggedIn(); TestInitiator other = loggedIn())
        {
            final byte[] data = TestInitiator.pattern(BLOCK, 2);
            final Pending write = startWrite(i, LUN0, 200, ScsiCommandPdu.ATTR_ORDERED);
            final int read = sendRead(i, LUN0, 200, ScsiCommandPdu.ATTR_SIMPLE);
            // Another logical unit's task set, and another nexus' task set of the same logical unit: not held.
            final int otherLun = sendRead(i, LUN1, 200, ScsiCommandPdu.ATTR_SIMPLE);
            final Map<Integer, Result> first = receive(i, 1);
            assertEquals(GOOD, first.get(otherLun).status, "LUN 1's READ is answered while LUN 0's waits");
            assertEquals(GOOD, other.command(LUN0, read10(200, 1), null, new byte[BLOCK]).status(),
                "another session's READ of LUN 0 is answered (its own task set, TST 001b)");
            assertNull(i.receiveWithin(300), "the SIMPLE READ waits for the older ORDERED WRITE");
            write.finish(data);
            final Map<Integer, Result> results = receive(i, 2);
            assertEquals(GOOD, results.get(write.itt).status);
            assertArrayEquals(data, results.get(read).data, "the READ ran after the ORDERED WRITE");
        }
    }

    @Test
    void headOfQueueRunsAheadOfAWaitingOrderedTaskAndLaterTasksWaitForIt() throws IOException
    {
        try (TestInitiator i = loggedIn())
        {
            final long headOfQueue = server.counter(IscsiCounter.TASKS_HEAD_OF_QUEUE);
            final byte[] data = TestInitiator.pattern(BLOCK, 3);
            final byte[] old = new byte[BLOCK];
            assertEquals(GOOD, i.command(LUN0, read10(300, 1), null, old).status());
            final Pending simple = startWrite(i, LUN0, 350, ScsiCommandPdu.ATTR_SIMPLE);
            final Pending ordered = startWrite(i, LUN0, 300, ScsiCommandPdu.ATTR_ORDERED);
            // The ORDERED WRITE is still receiving its data; a HEAD OF QUEUE READ of its block runs at once.
            final int head = sendRead(i, LUN0, 300, ScsiCommandPdu.ATTR_HEAD_OF_QUEUE);
            final Map<Integer, Result> first = receive(i, 1);
            assertArrayEquals(old, first.get(head).data, "HEAD OF QUEUE ran before the ORDERED WRITE");
            assertEquals(headOfQueue + 1, server.counter(IscsiCounter.TASKS_HEAD_OF_QUEUE));
            ordered.finish(data);
            assertNull(i.receiveWithin(300), "the ORDERED WRITE, its data in, waits for the older SIMPLE one");
            simple.finish(TestInitiator.pattern(BLOCK, 33));
            final Map<Integer, Result> writes = receive(i, 2);
            assertEquals(GOOD, writes.get(simple.itt).status);
            assertEquals(GOOD, writes.get(ordered.itt).status);
            assertEquals(simple.itt, writes.get(ordered.itt).before, "the ORDERED WRITE ran after the older one");

            // A HEAD OF QUEUE WRITE waiting for its data: a later SIMPLE READ waits for it.
            final Pending headWrite = startWrite(i, LUN0, 310, ScsiCommandPdu.ATTR_HEAD_OF_QUEUE);
            final int read = sendRead(i, LUN0, 310, ScsiCommandPdu.ATTR_SIMPLE);
            assertNull(i.receiveWithin(300), "the SIMPLE READ waits for the HEAD OF QUEUE WRITE");
            headWrite.finish(data);
            final Map<Integer, Result> results = receive(i, 2);
            assertArrayEquals(data, results.get(read).data, "the READ ran after the HEAD OF QUEUE WRITE");
        }
    }

    @Test
    void abortTaskOfADormantOrderedTaskLetsTheTasksBehindItRun() throws IOException
    {
        try (TestInitiator i = loggedIn())
        {
            final Pending write = startWrite(i, LUN0, 400, ScsiCommandPdu.ATTR_SIMPLE);
            final int ordered = sendRead(i, LUN0, 400, ScsiCommandPdu.ATTR_ORDERED);
            final int behind = sendRead(i, LUN0, 401, ScsiCommandPdu.ATTR_SIMPLE);
            assertNull(i.receiveWithin(300), "the ORDERED READ waits, and the SIMPLE READ behind it");
            i.send(i.taskManagement(TaskManagementRequestPdu.ABORT_TASK, LUN0, ordered), null);
            final int abort = i.itt;
            final Map<Integer, Result> results = receive(i, 2);
            assertEquals(TaskManagementResponsePdu.FUNCTION_COMPLETE, results.get(abort).status);
            assertEquals(GOOD, results.get(behind).status, "the SIMPLE READ no longer waits for anything");
            write.finish(TestInitiator.pattern(BLOCK, 4));
            assertEquals(GOOD, receive(i, 1).get(write.itt).status);
            assertNull(i.receiveWithin(300), "the aborted ORDERED READ gets no response");
        }
    }

    @Test
    void clearTaskSetClearsOnlyTheIssuersTaskSet() throws IOException
    {
        try (TestInitiator issuer = loggedIn(); TestInitiator other = loggedIn())
        {
            final long aborted = server.counter(IscsiCounter.TASKS_ABORTED);
            final Pending mine = startWrite(issuer, LUN0, 500, ScsiCommandPdu.ATTR_SIMPLE);
            final int dormant = sendRead(issuer, LUN0, 500, ScsiCommandPdu.ATTR_ORDERED);
            final Pending theirs = startWrite(other, LUN0, 510, ScsiCommandPdu.ATTR_SIMPLE);
            issuer.send(issuer.taskManagement(TaskManagementRequestPdu.CLEAR_TASK_SET, LUN0, 0xffffffff), null);
            final int clear = issuer.itt;
            assertEquals(TaskManagementResponsePdu.FUNCTION_COMPLETE, receive(issuer, 1).get(clear).status);
            assertEquals(aborted + 2, server.counter(IscsiCounter.TASKS_ABORTED), "the issuer's WRITE and READ");
            final byte[] data = TestInitiator.pattern(BLOCK, 5);
            theirs.finish(data);
            assertEquals(GOOD, receive(other, 1).get(theirs.itt).status, "the other session's WRITE is untouched");
            final byte[] read = new byte[BLOCK];
            assertEquals(GOOD, other.command(LUN0, read10(510, 1), null, read).status());
            assertArrayEquals(data, read);
            assertNull(issuer.receiveWithin(300), "the cleared tasks get no response (" + mine.itt + ", " +
                dormant + ")");
        }
    }

    @Test
    void anotherSessionsResetEndsADormantTaskWithTaskAborted() throws IOException
    {
        try (TestInitiator i = loggedIn(); TestInitiator resetter = loggedIn())
        {
            final Pending write = startWrite(i, LUN0, 600, ScsiCommandPdu.ATTR_SIMPLE);
            final int ordered = sendRead(i, LUN0, 600, ScsiCommandPdu.ATTR_ORDERED);
            assertNull(i.receiveWithin(300));
            resetter.send(resetter.taskManagement(TaskManagementRequestPdu.LOGICAL_UNIT_RESET, LUN0, 0xffffffff), null);
            final int reset = resetter.itt;
            assertEquals(TaskManagementResponsePdu.FUNCTION_COMPLETE, receive(resetter, 1).get(reset).status);
            assertEquals(TASK_ABORTED, receive(i, 1).get(ordered).status, "the dormant READ ends TASK ABORTED");
            write.finish(TestInitiator.pattern(BLOCK, 6));
            assertEquals(TASK_ABORTED, receive(i, 1).get(write.itt).status, "the WRITE takes its data and ends");
        }
    }

    @Test
    void anAcaTaskIsRefusedAndAReservedAttributeIsTakenAsOrdered() throws IOException
    {
        try (TestInitiator i = loggedIn())
        {
            final long aca = server.counter(IscsiCounter.TASKS_ACA);
            final long ordered = server.counter(IscsiCounter.TASKS_ORDERED);
            i.send(i.scsiCommand(LUN0, new byte[6], 0, false, false, ScsiCommandPdu.ATTR_ACA), null);
            final Result refused = receive(i, 1).get(i.itt);
            assertEquals(CHECK_CONDITION, refused.status);
            assertEquals(0x05, refused.sense[2] & 0x0F, "ILLEGAL REQUEST");
            assertEquals(0x49, refused.sense[12] & 0xFF, "INVALID MESSAGE ERROR: no ACA condition is in effect");
            assertEquals(0x00, refused.sense[13] & 0xFF);
            assertEquals(aca + 1, server.counter(IscsiCounter.TASKS_ACA));

            final Pending write = startWrite(i, LUN0, 700, ScsiCommandPdu.ATTR_SIMPLE);
            final int reserved = sendRead(i, LUN0, 700, 7);
            assertNull(i.receiveWithin(300), "attribute 7 (reserved) waits as an ORDERED task would");
            assertEquals(ordered + 1, server.counter(IscsiCounter.TASKS_ORDERED));
            final byte[] data = TestInitiator.pattern(BLOCK, 7);
            write.finish(data);
            assertArrayEquals(data, receive(i, 2).get(reserved).data);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** A WRITE of one block sent without data: its R2T has come, and its Data-Out waits for {@link #finish}. */
    private record Pending(TestInitiator i, long lun, int itt, Pdu r2t)
    {
        void finish(final byte[] data) throws IOException
        {
            i.answerR2t(r2t, lun, itt, data, i::send);
        }
    }

    private static Pending startWrite(final TestInitiator i, final long lun, final int lba, final int attribute)
        throws IOException
    {
        final byte[] cdb = read10(lba, 1);
        cdb[0] = 0x2a;
        i.send(i.scsiCommand(lun, cdb, BLOCK, false, true, attribute), null);
        final int itt = i.itt;
        final Pdu r2t = i.receiveWithin(5_000);
        assertNotNull(r2t, "no R2T for the WRITE: " + LOG);
        assertEquals(Opcode.R2T, r2t.opcode(), TestInitiator.name(r2t));
        assertEquals(itt, new R2tPdu().wrap(r2t.header(), 0).initiatorTaskTag());
        return new Pending(i, lun, itt, r2t);
    }

    private static int sendRead(final TestInitiator i, final long lun, final int lba, final int attribute)
        throws IOException
    {
        i.send(i.scsiCommand(lun, read10(lba, 1), BLOCK, true, false, attribute), null);
        return i.itt;
    }

    private static byte[] read10(final int lba, final int blocks)
    {
        return new byte[]{0x28, 0, (byte)(lba >>> 24), (byte)(lba >>> 16), (byte)(lba >>> 8), (byte)lba, 0,
            (byte)(blocks >>> 8), (byte)blocks, 0};
    }

    /**
     * How a task ended: its SCSI status (or a task management response's code), its Data-In, its sense data, and the
     * ITT of the task whose status came just before it on the connection (0 for the first).
     */
    private record Result(int status, byte[] data, byte[] sense, int before)
    {
    }

    /** The next {@code count} task endings (SCSI or task management responses), by ITT; each within 5 s. */
    private static Map<Integer, Result> receive(final TestInitiator i, final int count) throws IOException
    {
        final Map<Integer, Result> results = new HashMap<>();
        final Map<Integer, byte[]> data = new HashMap<>();
        int previous = 0;
        while (results.size() < count)
        {
            final Pdu pdu = i.receiveWithin(5_000);
            assertNotNull(pdu, "only " + results.size() + " of " + count + " responses came: " + LOG);
            final int itt = pdu.itt();
            switch (pdu.opcode())
            {
                case Opcode.SCSI_DATA_IN ->
                {
                    final DataInPdu din = new DataInPdu().wrap(pdu.header(), 0);
                    final byte[] into = data.computeIfAbsent(itt, k -> new byte[BLOCK]);
                    System.arraycopy(pdu.data(), 0, into, din.bufferOffset(), pdu.data().length);
                    if (din.statusBit())
                    {
                        i.expStatSn = din.statSn() + 1;
                        results.put(itt, new Result(din.status(), into, new byte[0], previous));
                        previous = itt;
                    }
                }
                case Opcode.SCSI_RESPONSE ->
                {
                    final ScsiResponsePdu response = new ScsiResponsePdu().wrap(pdu.header(), 0);
                    i.expStatSn = response.statSn() + 1;
                    final byte[] d = pdu.data();
                    final byte[] sense = d.length < 2 ? new byte[0] :
                        java.util.Arrays.copyOfRange(d, 2, 2 + ((d[0] & 0xFF) << 8 | d[1] & 0xFF));
                    results.put(itt, new Result(response.status(), data.get(itt), sense, previous));
                    previous = itt;
                }
                case Opcode.TASK_MANAGEMENT_RESPONSE ->
                {
                    final TaskManagementResponsePdu response = new TaskManagementResponsePdu().wrap(pdu.header(), 0);
                    i.expStatSn = response.statSn() + 1;
                    results.put(itt, new Result(response.response(), null, null, previous));
                }
                default -> throw new AssertionError("unexpected " + TestInitiator.name(pdu));
            }
        }
        return results;
    }


    private static TestInitiator loggedIn() throws IOException
    {
        final TestInitiator i = new TestInitiator("127.0.0.1", server.port());
        i.isid = 0x400000000000L | new Random().nextInt(1 << 24);
        final Pdu response = i.login(TestTarget.IQN, "ImmediateData=No", "InitialR2T=Yes");
        assertEquals(0, TestInitiator.loginStatus(response), "login failed: " + LOG);
        i.clearUnitAttention(LUN0);
        i.clearUnitAttention(LUN1);
        return i;
    }
}
