package io.ringtarget.nativetests.idle;

import io.ringtarget.nativetests.support.ExternalProcess;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.nativetests.support.Tools;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.startup.TargetServer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A target with no session leaves its event loops asleep: each parks until a deadline it has (none without
 * connections) or its long bound, so the kernel counts a few voluntary context switches a second at most; and a
 * loop asleep still takes a task handed to it from another thread, and a login, at once (the offer's eventfd and the
 * accept's completion wake io_uring_enter). Loops whose sessions have no timer duty due sleep likewise.
 */
class IdleTargetWakeupsTest
{
    private static final String TARGET = "iqn.2026-12.io.ringtarget:idle";
    private static final int LOOPS = 2;
    private static final int WINDOW_SECONDS = 5;
    /** Per loop and second: the bound of the goal ("a few times a second"), far above the ~1 expected. */
    private static final int MAX_SWITCHES_PER_SECOND = 5;
    private static final int SILENT_SESSIONS = 20;

    @Test
    void loopsWithoutSessionsSleepAndStillServeAnOfferAndALoginAtOnce() throws Exception
    {
        Tools.require("iscsi-inq");
        final int port = Ports.free();
        final RingtargetConfig config = IdleTargets.config(TARGET, port, LOOPS);
        final Set<String> before = LoopThreads.ids();
        try (TargetServer server = TargetServer.start(config, new PrintStream(new ByteArrayOutputStream(), true)))
        {
            final Set<String> loops = new HashSet<>(LoopThreads.ids());
            loops.removeAll(before);
            assertEquals(LOOPS, loops.size(), "the loop threads of this target: " + loops);
            Thread.sleep(1_000);   // start-up tasks done

            assertLoopsSleep(loops, "no session");

            // A task offered from this thread reaches each sleeping loop at once (its eventfd wakes it), not when
            // the loop's one-second park bound ends: without the wake-up the median would be about half a second.
            final long[] millis = new long[9];
            for (int i = 0; i < millis.length; i++)
            {
                final long offered = System.nanoTime();
                assertTrue(server.loopsAnswer(10_000), "every loop ran the task handed to it");
                millis[i] = (System.nanoTime() - offered) / 1_000_000;
                Thread.sleep(300 + 100 * i);   // asleep again, at another point of its park
            }
            System.out.println("IdleTargetWakeupsTest: sleeping loops answered offers in " +
                java.util.Arrays.toString(millis) + " ms");
            java.util.Arrays.sort(millis);
            assertTrue(millis[millis.length / 2] < 100, "offers waited for sleeping loops: median " +
                millis[millis.length / 2] + " ms");

            // A login right after: the accept completes in the sleeping loop's ring.
            final long started = System.nanoTime();
            final ExternalProcess.Result inq = ExternalProcess.run(Duration.ofSeconds(30), "iscsi-inq",
                Tools.iscsiUrl(port, TARGET, 0));
            final long loginMillis = (System.nanoTime() - started) / 1_000_000;
            System.out.println("IdleTargetWakeupsTest: a login and INQUIRY served in " + loginMillis + " ms");
            assertEquals(0, inq.exitCode(), inq.output());
            assertTrue(inq.output().contains("RINGTGT"), inq.output());
            assertTrue(loginMillis < 10_000, "iscsi-inq took " + loginMillis + " ms");
        }
    }

    @Test
    void loopsWhoseSessionsHaveNoTimerDutyDueSleepThroughTheTicks() throws Exception
    {
        // Sessions logged in and silent, NOP-In pings off: no connection has a timer duty due, so the loops' timer
        // ticks only at its one-second bound rather than every 100 ms (ten wake-ups a second per loop before).
        final int port = Ports.free();
        final RingtargetConfig pinged = IdleTargets.config(TARGET, port, LOOPS);
        final RingtargetConfig config = pinged.withEngine(new EngineConfig(LOOPS, false, "ring", 50, 0, 0));
        final Set<String> before = LoopThreads.ids();
        final List<Socket> sessions = new ArrayList<>();
        try (TargetServer server = TargetServer.start(config, new PrintStream(new ByteArrayOutputStream(), true)))
        {
            final Set<String> loops = new HashSet<>(LoopThreads.ids());
            loops.removeAll(before);
            assertEquals(LOOPS, loops.size(), "the loop threads of this target: " + loops);
            for (int i = 0; i < SILENT_SESSIONS; i++)
            {
                final Socket s = new Socket();
                sessions.add(s);
                s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                s.setSoTimeout(5_000);
                IdleSessions.login(s, TARGET, "iqn.2026-12.io.ringtarget.test:silent", 0x420000000000L + i);
            }
            assertEquals(SILENT_SESSIONS, server.sessions().size());
            Thread.sleep(1_000);   // the logins' after-effects settle

            assertLoopsSleep(loops, SILENT_SESSIONS + " silent sessions and no pings");
            assertEquals(SILENT_SESSIONS, server.sessions().size(), "every session still logged in");
        }
        finally
        {
            for (final Socket s : sessions)
            {
                s.close();
            }
        }
    }

    /** Over {@link #WINDOW_SECONDS}, each loop thread switches at most {@link #MAX_SWITCHES_PER_SECOND} a second. */
    private static void assertLoopsSleep(final Set<String> loops, final String with) throws Exception
    {
        final Map<String, Long> start = LoopThreads.voluntarySwitches(loops);
        Thread.sleep(WINDOW_SECONDS * 1_000L);
        final Map<String, Long> end = LoopThreads.voluntarySwitches(loops);
        final StringBuilder figures = new StringBuilder();
        for (final String id : loops)
        {
            figures.append(' ').append(end.get(id) - start.get(id));
        }
        System.out.println("IdleTargetWakeupsTest: voluntary context switches per loop over " + WINDOW_SECONDS +
            " s with " + with + ":" + figures);
        for (final String id : loops)
        {
            final long switches = end.get(id) - start.get(id);
            assertTrue(switches <= (long)MAX_SWITCHES_PER_SECOND * WINDOW_SECONDS,
                "loop thread " + id + " switched " + switches + " times in " + WINDOW_SECONDS + " s");
        }
    }
}
