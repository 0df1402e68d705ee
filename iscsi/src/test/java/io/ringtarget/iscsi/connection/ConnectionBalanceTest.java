package io.ringtarget.iscsi.connection;

import io.ringtarget.iscsi.TestInitiator;
import io.ringtarget.iscsi.TestTarget;
import io.ringtarget.iscsi.login.LoginLimits;
import io.ringtarget.iscsi.loop.ConnectionTimer;
import io.ringtarget.iscsi.session.SessionSnapshot;
import io.ringtarget.pdu.LogoutRequestPdu;
import io.ringtarget.pdu.LogoutResponsePdu;
import io.ringtarget.pdu.Opcode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * New connections go to the loop with the fewest (ConnectionBalance, ConnectionHandOff): real sockets on loopback,
 * real loops, sessions logged in and served by the test initiator. Without it the kernel's SO_REUSEPORT hash splits
 * 32 connections over 2 loops binomially (16 +- 1 on each only 40 % of the time).
 */
class ConnectionBalanceTest
{
    private static final long LUN_SIZE = 1L << 20;
    private static final long ISID = 0x400001370000L;
    private static final String LOOP_0 = "ringtarget-0";
    private static final String LOOP_1 = "ringtarget-1";

    private static byte[] read10(final int lba, final int blocks)
    {
        return new byte[]{0x28, 0, (byte)(lba >>> 24), (byte)(lba >>> 16), (byte)(lba >>> 8), (byte)lba, 0,
            (byte)(blocks >>> 8), (byte)blocks, 0};
    }

    /** A logged-in session with a distinct ISID that has read one block (its loop serves it). */
    private static TestInitiator session(final TestTarget target, final int n) throws IOException
    {
        final TestInitiator i = new TestInitiator("127.0.0.1", target.port());
        i.isid = ISID + n;
        assertEquals(0, TestInitiator.loginStatus(i.login(TestTarget.IQN)), "login " + n);
        final TestInitiator.ScsiResult r = i.command(0, read10(n, 1), null, new byte[TestTarget.BLOCK_SIZE]);
        assertEquals(0, r.status(), "READ(10) on session " + n);
        return i;
    }

    private static Map<Long, String> loopByIsid(final TestTarget target) throws IOException
    {
        final Map<Long, String> loops = new HashMap<>();
        for (final SessionSnapshot s : target.engine().sessions(5_000))
        {
            loops.put(s.isid(), s.loop());
        }
        return loops;
    }

    private static long on(final Map<Long, String> loops, final String loop)
    {
        return loops.values().stream().filter(loop::equals).count();
    }

    private static void await(final BooleanSupplier condition, final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < deadline)
        {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), what);
    }

    @Test
    void thirtyTwoSessionsOnTwoLoopsAreSplitEvenlyAndNewOnesFillTheEmptierLoop() throws Exception
    {
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (TestTarget target = TestTarget.start(2, LoginLimits.defaults(), LUN_SIZE, 0, new PrintStream(log, true)))
        {
            final List<TestInitiator> sessions = new ArrayList<>();
            try
            {
                for (int n = 0; n < 32; n++)
                {
                    sessions.add(session(target, n));
                }
                Map<Long, String> loops = loopByIsid(target);
                assertEquals(32, loops.size(), "sessions listed");
                final long first = on(loops, LOOP_0);
                assertTrue(Math.abs(first - 16) <= 1, "sessions per loop: " + first + " / " + on(loops, LOOP_1));
                assertTrue(Math.abs(target.engine().connectionCount(0) - 16) <= 1,
                    "connections on loop 0: " + target.engine().connectionCount(0));
                assertTrue(Math.abs(target.engine().connectionCount(1) - 16) <= 1,
                    "connections on loop 1: " + target.engine().connectionCount(1));
                assertTrue(target.engine().handedOver(0) + target.engine().handedOver(1) > 0,
                    "the kernel's hash alone did not choose every loop right");

                // Six sessions of loop 0 go away: loop 0 has the fewest, so the next six all go there.
                int closed = 0;
                for (int n = 0; n < sessions.size() && closed < 6; n++)
                {
                    if (LOOP_0.equals(loops.get(ISID + n)))
                    {
                        sessions.get(n).close();
                        closed++;
                    }
                }
                final long before = first;
                await(() -> target.engine().connectionCount(0) == before - 6,
                    "loop 0 closed six connections: " + target.engine().connectionCount(0));
                final long onLoop1 = target.engine().connectionCount(1);
                for (int n = 32; n < 38; n++)
                {
                    sessions.add(session(target, n));
                }
                loops = loopByIsid(target);
                for (int n = 32; n < 38; n++)
                {
                    assertEquals(LOOP_0, loops.get(ISID + n), "session " + n + " went to the emptier loop");
                }
                assertEquals(onLoop1, target.engine().connectionCount(1), "loop 1 took none");
                assertEquals(before, target.engine().connectionCount(0), "loop 0 is back where it was");
            }
            finally
            {
                for (final TestInitiator i : sessions)
                {
                    i.close();
                }
            }
            await(() -> target.engine().connectionCount() == 0, "every connection closed");
        }
        finally
        {
            System.out.print(log.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("ERROR") || l.contains("WARN")).reduce("", (a, b) -> a + b + "\n"));
        }
    }

    /**
     * 32 connections opened at once: a loop that accepts several in one duty cycle counts those it handed over and
     * that are not yet taken, so it does not send all of them to the same loop.
     */
    @Test
    void aBurstOfConnectionsIsSplitEvenly() throws Exception
    {
        try (TestTarget target = TestTarget.start(2, LoginLimits.defaults(), LUN_SIZE, 0,
            new PrintStream(new ByteArrayOutputStream(), true));
            ExecutorService pool = Executors.newFixedThreadPool(8))
        {
            final CountDownLatch go = new CountDownLatch(1);
            final List<Future<Socket>> sockets = new ArrayList<>();
            for (int n = 0; n < 32; n++)
            {
                sockets.add(pool.submit(() ->
                {
                    go.await();
                    final Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", target.port()), 5_000);
                    return s;
                }));
            }
            go.countDown();
            final List<Socket> open = new ArrayList<>();
            try
            {
                for (final Future<Socket> f : sockets)
                {
                    open.add(f.get(10, TimeUnit.SECONDS));
                }
                await(() -> target.engine().connectionCount() == 32, "32 connections open: " +
                    target.engine().connectionCount());
                final int zero = target.engine().connectionCount(0);
                final int one = target.engine().connectionCount(1);
                assertTrue(Math.abs(zero - one) <= 2, "connections per loop: " + zero + " / " + one);
            }
            finally
            {
                for (final Socket s : open)
                {
                    s.close();
                }
            }
            await(() -> target.engine().connectionCount() == 0, "every connection closed");
        }
    }

    /**
     * The per-source limit counts the process's connections wherever they live: a connection refused on either loop,
     * and a slot given back by the loop that owned the connection, not the one that admitted it.
     */
    @Test
    void theConnectionLimitsHoldAcrossLoops() throws Exception
    {
        final LoginLimits d = LoginLimits.defaults();
        final LoginLimits limits = new LoginLimits(d.loginTimeoutMillis(), d.maxFailuresPerInitiator(),
            d.maxFailuresPerSource(), d.failureWindowMillis(), d.lockoutMillis(), d.lockedResponseDelayMillis(),
            d.maxSessionsPerTarget(), d.maxSessionsPerInitiator(), 4, d.maxConnections());
        try (TestTarget target = TestTarget.start(2, limits, LUN_SIZE, 0,
            new PrintStream(new ByteArrayOutputStream(), true)))
        {
            final List<TestInitiator> sessions = new ArrayList<>();
            try
            {
                for (int n = 0; n < 4; n++)
                {
                    sessions.add(session(target, n));
                }
                assertEquals(2, target.engine().connectionCount(0), "loop 0");
                assertEquals(2, target.engine().connectionCount(1), "loop 1");
                for (int n = 0; n < 3; n++)
                {
                    try (TestInitiator refused = new TestInitiator("127.0.0.1", target.port()))
                    {
                        assertTrue(refused.closedByTarget(5_000), "a fifth connection is refused");
                    }
                }
                // Close every session of loop 1 (one of them, at least, admitted by loop 0 and handed over).
                final Map<Long, String> loops = loopByIsid(target);
                for (int n = 0; n < 4; n++)
                {
                    if (LOOP_1.equals(loops.get(ISID + n)))
                    {
                        sessions.get(n).close();
                    }
                }
                await(() -> target.engine().connectionCount() == 2, "two connections left");
                for (int n = 4; n < 6; n++)
                {
                    sessions.add(session(target, n));
                }
                assertEquals(4, target.engine().server().admission().open(), "admitted connections");
                try (TestInitiator refused = new TestInitiator("127.0.0.1", target.port()))
                {
                    assertTrue(refused.closedByTarget(5_000), "over the limit again");
                }
                assertEquals(2, target.engine().connectionCount(0), "loop 0");
                assertEquals(2, target.engine().connectionCount(1), "loop 1");
            }
            finally
            {
                for (final TestInitiator i : sessions)
                {
                    i.close();
                }
            }
            await(() -> target.engine().connectionCount() == 0, "every connection closed");
            await(() -> target.engine().server().admission().open() == 0, "every admission released");
        }
    }

    /**
     * Reinstatement across loops does not wait for timer ticks: the new login asks the old connection's loop to close
     * it (which wakes that loop), and the old session's end wakes the loop of the login that waits for it. Ten
     * reinstatements in a row take milliseconds; waiting for the loops' 100 ms ticks took one to two ticks each.
     */
    @Test
    void reinstatementsAcrossLoopsDoNotWaitForTimerTicks() throws Exception
    {
        final TestTarget target = TestTarget.start(2, LoginLimits.defaults(), LUN_SIZE, 0,
            new PrintStream(new ByteArrayOutputStream(), true));
        TestInitiator current = session(target, 7);
        try
        {
            final int reinstatements = 10;
            long loginNanos = 0;
            for (int i = 0; i < reinstatements; i++)
            {
                final TestInitiator next = new TestInitiator("127.0.0.1", target.port());
                next.isid = current.isid;
                final long start = System.nanoTime();
                assertEquals(0, TestInitiator.loginStatus(next.login(TestTarget.IQN)), "reinstating login " + i);
                loginNanos += System.nanoTime() - start;
                assertTrue(current.closedByTarget(5_000), "the reinstated session's connection is closed");
                current.close();
                current = next;
            }
            final long millis = loginNanos / 1_000_000;
            assertTrue(millis < reinstatements * ConnectionTimer.PERIOD_NANOS / 1_000_000 / 2,
                reinstatements + " reinstating logins took " + millis + " ms");
            assertEquals(0, current.command(0, read10(7, 1), null, new byte[TestTarget.BLOCK_SIZE]).status());
        }
        finally
        {
            current.close();
            target.close();
        }
    }

    /**
     * A session reinstated from a connection that went to the other loop (RFC 7143 6.3.5: same ISID, TSIH 0): the old
     * connection is closed by its own loop, the new one serves and logs out; closing the target ends sessions of both
     * loops, handed-over ones included.
     */
    @Test
    void reinstatementLogoutAndShutdownWorkAcrossLoops() throws Exception
    {
        final TestTarget target = TestTarget.start(2, LoginLimits.defaults(), LUN_SIZE, 0,
            new PrintStream(new ByteArrayOutputStream(), true));
        boolean stopped = false;
        try (TestInitiator first = session(target, 0))
        {
            try (TestInitiator other = session(target, 1))
            {
                assertEquals(0, other.command(0, read10(2, 1), null, new byte[TestTarget.BLOCK_SIZE]).status());
                assertTrue(target.engine().connectionCount(0) == 1 && target.engine().connectionCount(1) == 1,
                    "one session on each loop");
            }
            final String firstLoop = loopByIsid(target).get(ISID);
            await(() -> target.engine().connectionCount() == 1, "the other session closed");
            try (TestInitiator second = session(target, 0))
            {
                assertTrue(first.closedByTarget(5_000), "the old connection of the reinstated session is closed");
                await(() -> target.engine().connectionCount() == 1, "only the new connection is open");
                final Map<Long, String> loops = loopByIsid(target);
                assertEquals(1, loops.size(), "one session");
                assertFalse(firstLoop.equals(loops.get(ISID)), "the new connection went to the loop that had none");

                final byte[] logout = new byte[48];
                new LogoutRequestPdu().wrap(MemorySegment.ofArray(logout), 0).reset().immediate(true).finalBit(true)
                    .reasonCode(LogoutRequestPdu.CLOSE_SESSION).initiatorTaskTag(++second.itt).cmdSn(second.cmdSn)
                    .expStatSn(second.expStatSn);
                second.send(logout, null);
                final TestInitiator.Pdu response = second.receive();
                assertEquals(Opcode.LOGOUT_RESPONSE, response.opcode());
                assertEquals(LogoutResponsePdu.CONNECTION_OR_SESSION_CLOSED_SUCCESSFULLY,
                    new LogoutResponsePdu().wrap(response.header(), 0).response());
                assertTrue(second.closedByTarget(5_000), "closed after the logout");
            }
            await(() -> target.engine().connectionCount() == 0, "every connection closed");
            assertTrue(target.engine().sessions(5_000).isEmpty(), "no session left");

            try (TestInitiator a = session(target, 2);
                TestInitiator b = session(target, 3))
            {
                assertTrue(target.engine().connectionCount(0) == 1 && target.engine().connectionCount(1) == 1,
                    "one session on each loop");
                stopped = true;
                target.close();
                assertTrue(a.closedByTarget(10_000), "closed by the shutdown");
                assertTrue(b.closedByTarget(10_000), "closed by the shutdown");
                assertEquals(0, target.engine().connectionCount(), "drained");
            }
        }
        finally
        {
            if (!stopped)
            {
                target.close();
            }
        }
    }

    @Test
    void oneLoopKeepsEveryConnection() throws Exception
    {
        try (TestTarget target = TestTarget.start(LUN_SIZE, 0, new PrintStream(new ByteArrayOutputStream(), true)))
        {
            final List<TestInitiator> sessions = new ArrayList<>();
            try
            {
                for (int n = 0; n < 8; n++)
                {
                    sessions.add(session(target, n));
                }
                final Map<Long, String> loops = loopByIsid(target);
                assertEquals(8, on(loops, LOOP_0), "every session on the one loop");
                assertEquals(8, target.engine().connectionCount(0));
                assertEquals(0, target.engine().handedOver(0), "nothing handed over");
                assertFalse(loops.containsValue(LOOP_1));
            }
            finally
            {
                for (final TestInitiator i : sessions)
                {
                    i.close();
                }
            }
            await(() -> target.engine().connectionCount() == 0, "every connection closed");
        }
    }
}
