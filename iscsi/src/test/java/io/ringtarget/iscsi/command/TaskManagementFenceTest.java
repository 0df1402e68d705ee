package io.ringtarget.iscsi.command;

import io.ringtarget.backstore.FileBackstore;
import io.ringtarget.iscsi.TestInitiator;
import io.ringtarget.iscsi.TestInitiator.Pdu;
import io.ringtarget.iscsi.TestTarget;
import io.ringtarget.iscsi.login.LoginLimits;
import io.ringtarget.iscsi.loop.ConnectionTimer;
import io.ringtarget.iscsi.stats.IscsiCounter;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.pdu.ScsiResponsePdu;
import io.ringtarget.pdu.TaskManagementRequestPdu;
import io.ringtarget.pdu.TaskManagementResponsePdu;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The task management response fence: a function that aborted a WRITE whose backstore I/O is still in flight is
 * answered only once that I/O has ended, so an initiator never rewrites those blocks while the old data can still
 * land after the new; and the same for a login that reinstates a session (RFC 7143 6.3.5) whose write is in flight,
 * and for a LOGICAL UNIT RESET that aborted another session's write (SAM-5 7.7: every nexus' tasks; TAS 1: that
 * write ends with TASK ABORTED).
 * The I/O is held for real: a fileio LUN on an ext4 filesystem (on a loop device) frozen with fsfreeze, which blocks
 * writes in the kernel until it is thawed. Needs root, losetup, mkfs.ext4 and fsfreeze (a CI machine has them: there
 * the test fails rather than skips without them).
 */
class TaskManagementFenceTest
{
    private static final int BLOCK = TestTarget.BLOCK_SIZE;
    private static final long FILEIO_LUN = 1L << 48;
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static Path image;
    private static Path mountPoint;
    private static String device;
    private static boolean mounted;
    private static FileBackstore file;
    private static TestTarget server;

    @BeforeAll
    static void start() throws Exception
    {
        final boolean ci = "true".equals(System.getenv("CI"));
        assumeTrue(ci || "root".equals(System.getProperty("user.name")), "needs root for losetup, mount, fsfreeze");
        assumeTrue(ci || Files.isExecutable(Path.of("/usr/sbin/fsfreeze")), "fsfreeze not installed");
        assumeTrue(ci || Files.isExecutable(Path.of("/usr/sbin/mkfs.ext4")), "mkfs.ext4 not installed");
        final String unique = ProcessHandle.current().pid() + "-" + System.nanoTime();
        image = Path.of("/var/tmp", "ringtarget-fence-" + unique + ".img");
        mountPoint = Files.createDirectories(Path.of("/var/tmp", "ringtarget-fence-" + unique));
        exec("truncate", "-s", "64M", image.toString());
        device = exec("losetup", "-f", "--show", image.toString());
        exec("mkfs.ext4", "-q", device);
        exec("mount", device, mountPoint.toString());
        mounted = true;
        file = FileBackstore.fileio("f", mountPoint.resolve("lun1.img"), 16L << 20, BLOCK, true, false);
        // Two loops: a second session goes to the other one, so a reset's fence spans loops.
        server = TestTarget.start(2, LoginLimits.defaults(), 16L << 20, 30, new PrintStream(LOG, true), file);
    }

    @AfterAll
    static void stop() throws Exception
    {
        if (mounted)
        {
            execQuietly("fsfreeze", "-u", mountPoint.toString());   // a failed test may have left it frozen
        }
        if (server != null)
        {
            server.close();
        }
        if (file != null)
        {
            file.close();
        }
        if (mounted)
        {
            exec("umount", mountPoint.toString());
        }
        if (device != null)
        {
            exec("losetup", "-d", device);
        }
        if (mountPoint != null)
        {
            Files.deleteIfExists(mountPoint);
        }
        if (image != null)
        {
            Files.deleteIfExists(image);
        }
    }

    @Test
    void abortTaskIsAnsweredOnceTheAbortedWriteHasReachedTheFile() throws Exception
    {
        fencedWhileTheWriteIsHeld(TaskManagementRequestPdu.ABORT_TASK, 0);
    }

    @Test
    void logicalUnitResetIsAnsweredOnceTheAbortedWriteHasReachedTheFile() throws Exception
    {
        fencedWhileTheWriteIsHeld(TaskManagementRequestPdu.LOGICAL_UNIT_RESET, 8);
    }

    @Test
    void aLogicalUnitResetAbortsAnotherSessionsWriteAndIsAnsweredOnceItHasEnded() throws Exception
    {
        abortsAnotherSessionsWrite(TaskManagementRequestPdu.LOGICAL_UNIT_RESET, "LOGICAL UNIT RESET on LUN 1", 24);
    }

    @Test
    void aTargetWarmResetAbortsAnotherSessionsWriteAndIsAnsweredOnceItHasEnded() throws Exception
    {
        abortsAnotherSessionsWrite(TaskManagementRequestPdu.TARGET_WARM_RESET, "TARGET WARM RESET", 40);
    }

    @Test
    void preemptAndAbortIsAnsweredOnceThePreemptedSessionsWriteHasEnded() throws Exception
    {
        final int register = 0x00;
        final int reserve = 0x01;
        final int clear = 0x03;
        final int preemptAndAbort = 0x05;
        final int writeExclusiveRegistrantsOnly = 0x05;
        try (TestInitiator fenced = loggedIn(); TestInitiator survivor = loggedIn())
        {
            try
            {
                assertEquals(0, fenced.persistentReserveOut(FILEIO_LUN, register, 0, 0, 0xa1).status(), LOG::toString);
                assertEquals(0, survivor.persistentReserveOut(FILEIO_LUN, register, 0, 0, 0xb2).status(),
                    LOG::toString);
                assertEquals(0, fenced.persistentReserveOut(FILEIO_LUN, reserve, writeExclusiveRegistrantsOnly, 0xa1,
                    0).status());
                final byte[] data = TestInitiator.pattern(8 * BLOCK, 93);
                final int writeItt;
                exec("fsfreeze", "-f", mountPoint.toString());
                try
                {
                    fenced.send(fenced.scsiCommand(FILEIO_LUN, TestInitiator.cdb16(0x8A, 72, 8), data.length, false,
                        true), data);
                    writeItt = fenced.itt;
                    assertNopAnswered(fenced);   // the WRITE is in, and held
                    // fence_scsi on the surviving node: PREEMPT AND ABORT the other node's registration.
                    final byte[] parameters = TestInitiator.persistentReserveOutParameters(0xb2, 0xa1);
                    survivor.send(survivor.scsiCommand(FILEIO_LUN, TestInitiator.persistentReserveOutCdb(
                        preemptAndAbort, writeExclusiveRegistrantsOnly), parameters.length, false, true), parameters);
                    assertNull(survivor.receiveWithin(1_500),
                        "the PREEMPT AND ABORT's status waits for the preempted session's aborted WRITE");
                }
                finally
                {
                    exec("fsfreeze", "-u", mountPoint.toString());
                }
                assertScsiResponse(fenced, writeItt, 0x40, "the preempted WRITE is answered TASK ABORTED");
                assertScsiResponse(survivor, ANY_ITT, 0, "PR OUT's status, GOOD");
                awaitLog("status held until the preempted sessions' aborted tasks have ended");
                awaitLog("GOOD, sent after");
                // The survivor reads what the fenced node's write left: it had ended before the preemption did.
                final byte[] read = new byte[data.length];
                assertEquals(0, survivor.command(FILEIO_LUN, TestInitiator.cdb16(0x88, 72, 8), null, read).status());
                assertArrayEquals(data, read, "the preempted WRITE's I/O had ended before PREEMPT AND ABORT's GOOD");
            }
            finally
            {
                survivor.persistentReserveOut(FILEIO_LUN, clear, 0, 0xb2, 0);   // the other tests write unregistered
            }
        }
    }

    /**
     * Another session's WRITE is held in the frozen filesystem when this session sends {@code function}: that WRITE
     * is aborted on its own loop and ends with TASK ABORTED once its I/O has ended, and only then is the function
     * answered (its log line names it, {@code logged}).
     */
    private static void abortsAnotherSessionsWrite(final int function, final String logged, final long lba)
        throws Exception
    {
        try (TestInitiator issuer = loggedIn(); TestInitiator other = loggedIn())
        {
            final byte[] data = TestInitiator.pattern(8 * BLOCK, function);
            final long fenced = server.counter(IscsiCounter.TASK_MANAGEMENT_RESPONSES_FENCED);
            final long aborted = server.counter(IscsiCounter.TASKS_ABORTED);
            final int writeItt;
            final int tmfItt;
            exec("fsfreeze", "-f", mountPoint.toString());
            try
            {
                other.send(other.scsiCommand(FILEIO_LUN, TestInitiator.cdb16(0x8A, lba, 8), data.length, false,
                    true), data);
                writeItt = other.itt;
                assertNopAnswered(other);   // the WRITE went in before the NOP-Out, and is held
                issuer.send(issuer.taskManagement(function, FILEIO_LUN, 0xffffffff), null);
                tmfItt = issuer.itt;
                assertNull(issuer.receiveWithin(1_500), "the function waits for the other session's aborted WRITE");
                assertEquals(aborted + 1, server.counter(IscsiCounter.TASKS_ABORTED),
                    "the other session's loop aborted its WRITE: " + LOG);
                assertNull(other.receiveWithin(200), "the aborted WRITE ends once its I/O has");
                assertNopAnswered(issuer);
            }
            finally
            {
                exec("fsfreeze", "-u", mountPoint.toString());
            }
            assertScsiResponse(other, writeItt, 0x40, "the aborted WRITE is answered TASK ABORTED (TAS 1)");
            assertTmfResponse(issuer.receiveWithin(10_000), TaskManagementResponsePdu.FUNCTION_COMPLETE);
            assertEquals(fenced + 1, server.counter(IscsiCounter.TASK_MANAGEMENT_RESPONSES_FENCED),
                "counted as a fence: it waited for the other session's I/O");
            awaitLog("1 command(s) aborted by another session's reset or PREEMPT AND ABORT");
            awaitLog(logged + " (ITT 0x" + Integer.toHexString(tmfItt) + "): FUNCTION COMPLETE, answered after");
            // Both nexuses learn of the reset from a unit attention; the write had ended before the response.
            issuer.clearUnitAttention(FILEIO_LUN);
            other.clearUnitAttention(FILEIO_LUN);
            final byte[] read = new byte[data.length];
            assertEquals(0, issuer.command(FILEIO_LUN, TestInitiator.cdb16(0x88, lba, 8), null, read).status());
            assertArrayEquals(data, read, "the aborted WRITE's I/O had ended before the function was answered");
        }
    }

    @Test
    void aLogicalUnitResetWithNothingElsewhereIsAnsweredWithoutWaitingForTimerTicksAndNotCountedAsFenced()
        throws Exception
    {
        try (TestInitiator issuer = loggedIn(); TestInitiator other = loggedIn())
        {
            final long fenced = server.counter(IscsiCounter.TASK_MANAGEMENT_RESPONSES_FENCED);
            // The other session's loop is woken to acknowledge, and its acknowledgement wakes the issuer's loop:
            // ten resets take a few milliseconds. Waiting for the loops' 100 ms timer ticks instead took one to two
            // ticks each (about 1.5 s for ten), which the bound below (a third of that) would not let pass.
            final int resets = 10;
            final long start = System.nanoTime();
            for (int i = 0; i < resets; i++)
            {
                issuer.send(issuer.taskManagement(TaskManagementRequestPdu.LOGICAL_UNIT_RESET, FILEIO_LUN, 0xffffffff),
                    null);
                assertTmfResponse(issuer.receiveWithin(2_000), TaskManagementResponsePdu.FUNCTION_COMPLETE);
            }
            final long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < resets * ConnectionTimer.PERIOD_NANOS / 1_000_000 / 2,
                resets + " resets took " + millis + " ms: " + LOG);
            assertEquals(fenced, server.counter(IscsiCounter.TASK_MANAGEMENT_RESPONSES_FENCED));
            issuer.clearUnitAttention(FILEIO_LUN);
            other.clearUnitAttention(FILEIO_LUN);
        }
    }

    @Test
    void aLoginReinstatingTheSessionWaitsForItsHeldWrite() throws Exception
    {
        final TestInitiator old = loggedIn();
        try (TestInitiator reinstating = new TestInitiator("127.0.0.1", server.port()))
        {
            final byte[] data = TestInitiator.pattern(8 * BLOCK, 77);
            final java.util.concurrent.CompletableFuture<Pdu> login;
            exec("fsfreeze", "-f", mountPoint.toString());
            try
            {
                old.send(old.scsiCommand(FILEIO_LUN, TestInitiator.cdb16(0x8A, 16, 8), data.length, false, true),
                    data);
                assertNopAnswered(old);   // the WRITE went in before the NOP-Out, and is held
                // The initiator gave up on the connection (as after an abort's timeout) and logs in again with the same
                // ISID: RFC 7143 6.3.5 session reinstatement.
                reinstating.isid = old.isid;
                login = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                {
                    try
                    {
                        return reinstating.login(TestTarget.IQN);
                    }
                    catch (final IOException ex)
                    {
                        throw new java.io.UncheckedIOException(ex);
                    }
                });
                Thread.sleep(1_500);
                assertFalse(login.isDone(), "the new session waits while the old one's write may still land");
            }
            finally
            {
                exec("fsfreeze", "-u", mountPoint.toString());
            }
            assertEquals(0, TestInitiator.loginStatus(login.get(10, java.util.concurrent.TimeUnit.SECONDS)),
                "the login completes once the held write has ended: " + LOG);
            // The old connection was closed at once; its socket goes once its write has ended.
            assertTrue(old.closedByTarget(5_000), "the old session's connection is closed");
            reinstating.clearUnitAttention(FILEIO_LUN);
            final byte[] read = new byte[data.length];
            assertEquals(0, reinstating.command(FILEIO_LUN, TestInitiator.cdb16(0x88, 16, 8), null, read).status());
            assertArrayEquals(data, read, "the old session's write had landed before the new session could write");
            awaitLog("its final response waits for the old session's I/O to end");
        }
        finally
        {
            old.close();
        }
    }

    @Test
    void aFunctionWithNothingInFlightIsAnsweredAtOnce() throws Exception
    {
        try (TestInitiator i = loggedIn())
        {
            final long fenced = server.counter(IscsiCounter.TASK_MANAGEMENT_RESPONSES_FENCED);
            i.send(i.taskManagement(TaskManagementRequestPdu.ABORT_TASK_SET, FILEIO_LUN, 0xffffffff), null);
            final Pdu response = i.receiveWithin(5_000);
            assertTmfResponse(response, TaskManagementResponsePdu.FUNCTION_COMPLETE);
            assertEquals(fenced, server.counter(IscsiCounter.TASK_MANAGEMENT_RESPONSES_FENCED));
        }
    }

    /**
     * Freezes the filesystem, sends a 4 KiB WRITE (all immediate data) to the fileio LUN, then the function: while the
     * write is held its response does not come, though the session still answers other commands; once thawed the
     * response comes, the aborted write gets none, and a READ right after the response finds the write's data.
     */
    private static void fencedWhileTheWriteIsHeld(final int function, final long lba) throws Exception
    {
        try (TestInitiator i = loggedIn())
        {
            final byte[] data = TestInitiator.pattern(8 * BLOCK, function);
            final int writeItt;
            final int tmfItt;
            final long fenced = server.counter(IscsiCounter.TASK_MANAGEMENT_RESPONSES_FENCED);
            exec("fsfreeze", "-f", mountPoint.toString());
            try
            {
                i.send(i.scsiCommand(FILEIO_LUN, TestInitiator.cdb16(0x8A, lba, 8), data.length, false, true), data);
                writeItt = i.itt;
                // The write has reached the backstore (and the frozen filesystem) before the function arrives:
                // its Data-Out was immediate, so it starts as soon as the PDU is in. A NOP-Out answered after it
                // shows the PDU was processed.
                assertNopAnswered(i);
                assertNull(i.receiveWithin(200), "no response to the WRITE while the filesystem is frozen");

                i.send(i.taskManagement(function, FILEIO_LUN, writeItt), null);
                tmfItt = i.itt;
                assertNull(i.receiveWithin(1_000), "the function's response waits for the aborted WRITE's I/O");
                assertEquals(fenced + 1, server.counter(IscsiCounter.TASK_MANAGEMENT_RESPONSES_FENCED));
                // The connection is not blocked: a NOP-Out is still answered.
                assertNopAnswered(i);
            }
            finally
            {
                exec("fsfreeze", "-u", mountPoint.toString());
            }
            assertTmfResponse(i.receiveWithin(10_000), TaskManagementResponsePdu.FUNCTION_COMPLETE);
            // The log lines an administrator reads: the hold and the answer.
            awaitLog((function == TaskManagementRequestPdu.ABORT_TASK ? "ABORT TASK of ITT 0x" +
                Integer.toHexString(writeItt) : "LOGICAL UNIT RESET") + " on LUN 1 (ITT 0x" +
                Integer.toHexString(tmfItt) + "): response held until the backstore I/O of 1 aborted command(s) ends");
            awaitLog("ITT 0x" + Integer.toHexString(tmfItt) + ": FUNCTION COMPLETE, answered after");
            if (function == TaskManagementRequestPdu.LOGICAL_UNIT_RESET)
            {
                i.clearUnitAttention(FILEIO_LUN);   // the reset's POWER ON, RESET unit attention
            }
            final byte[] read = new byte[data.length];
            final TestInitiator.ScsiResult r = i.command(FILEIO_LUN, TestInitiator.cdb16(0x88, lba, 8), null, read);
            assertEquals(0, r.status(), "READ after the response");
            assertArrayEquals(data, read, "the aborted WRITE had reached the file before the function was answered");
            assertNull(i.receiveWithin(300), "an aborted task gets no response");
        }
    }

    /** Waits (up to 5 s) for a line of the target's log that contains {@code text}: the log is written by a thread. */
    private static void awaitLog(final String text) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!LOG.toString().contains(text) && System.nanoTime() < deadline)
        {
            server.flushLog();
            Thread.sleep(20);
        }
        assertTrue(LOG.toString().contains(text), "the log has \"" + text + "\": " + LOG);
    }

    private static TestInitiator loggedIn() throws IOException
    {
        final TestInitiator i = new TestInitiator("127.0.0.1", server.port());
        i.isid = 0x400000000000L | new Random().nextInt(1 << 24);
        assertEquals(0, TestInitiator.loginStatus(i.login(TestTarget.IQN)), "login failed: " + LOG);
        i.clearUnitAttention(0);
        i.clearUnitAttention(FILEIO_LUN);
        return i;
    }


    private static final int ANY_ITT = -1;

    /** The next PDU within 10 s is a SCSI Response (for {@code itt}, unless ANY_ITT) with {@code status}. */
    private static void assertScsiResponse(final TestInitiator i, final int itt, final int status, final String what)
        throws IOException
    {
        final Pdu p = i.receiveWithin(10_000);
        assertTrue(p != null && p.opcode() == Opcode.SCSI_RESPONSE && (itt == ANY_ITT || p.itt() == itt),
            what + ": " + (p == null ? "nothing" : TestInitiator.name(p)));
        final ScsiResponsePdu response = new ScsiResponsePdu().wrap(p.header(), 0);
        assertEquals(status, response.status(), what);
        i.expStatSn = response.statSn() + 1;
    }

    private static void assertTmfResponse(final Pdu pdu, final int expected)
    {
        assertTrue(pdu != null, "a Task Management Function Response: " + LOG);
        assertEquals(Opcode.TASK_MANAGEMENT_RESPONSE, pdu.opcode(), TestInitiator.name(pdu));
        assertEquals(expected, new TaskManagementResponsePdu().wrap(pdu.header(), 0).response());
    }

    private static void assertNopAnswered(final TestInitiator i) throws IOException
    {
        i.send(i.nopOut(++i.itt, 0xffffffff, true), null);
        final Pdu nopIn = i.receiveWithin(5_000);
        assertTrue(nopIn != null && nopIn.opcode() == Opcode.NOP_IN,
            "a NOP-In: " + (nopIn == null ? "none" : TestInitiator.name(nopIn)));
        assertEquals(i.itt, nopIn.itt());
    }

    private static String exec(final String... command) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes()).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + String.join(" ", command));
        if (p.exitValue() != 0)
        {
            throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
        }
        return out;
    }

    private static void execQuietly(final String... command)
    {
        try
        {
            exec(command);
        }
        catch (final IOException | InterruptedException | AssertionError ex)
        {
            // not frozen: nothing to thaw
        }
    }
}
