package io.ringtarget.ring;

import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

class EventLoopTest
{
    @Test
    void dutyCycleDispatchesByOwnerAndCountsUnknownOwners()
    {
        final CachedNanoClock clock = new CachedNanoClock();
        clock.update(1_000);
        final EventLoop loop = new EventLoop("manual", Ring.open(new RingConfig().entries(16)), clock, 16);
        try
        {
            final Cqes a = new Cqes();
            final Cqes b = new Cqes();
            final int idA = loop.registerOwner(a);
            final int idB = loop.registerOwner(b);
            assertNotEquals(idA, idB);
            assertTrue(idA > 0 && idB > 0, "owner 0 is the loop's own");
            final long[] seen = new long[1];
            loop.addWorker(now ->
            {
                seen[0] = now;
                return 0;
            });
            loop.ring().prepNop(UserData.pack(idA, 1, 10));
            loop.ring().prepNop(UserData.pack(idB, 2, 20));
            loop.ring().prepNop(UserData.pack(idB, 3, 21));
            loop.ring().prepNop(UserData.pack(4242, 1, 0));
            for (int i = 0; i < 1000 && a.count + b.count < 3; i++)
            {
                loop.doWork();
            }
            assertEquals(1000, seen[0], "workers get the duty cycle's clock");
            assertEquals(1000, loop.nowNanos());
            assertEquals(1, a.count);
            assertEquals(2, b.count);
            assertEquals(UserData.pack(idA, 1, 10), a.userData[0]);
            for (int i = 0; i < 100 && loop.unknownOwnerCompletions() == 0; i++)
            {
                loop.doWork();
            }
            assertEquals(1, loop.unknownOwnerCompletions());

            // Ids are reused, oldest freed first; an unregistered owner's late completions are counted, not delivered.
            loop.unregisterOwner(idA);
            loop.ring().prepNop(UserData.pack(idA, 1, 11));
            for (int i = 0; i < 100 && loop.unknownOwnerCompletions() == 1; i++)
            {
                loop.doWork();
            }
            assertEquals(2, loop.unknownOwnerCompletions());
            assertEquals(1, a.count);
            assertEquals(idA, loop.registerOwner(new Cqes()));
            assertThrows(IllegalArgumentException.class, () -> loop.unregisterOwner(0));
        }
        finally
        {
            loop.onClose();
            loop.ring().close();
        }
    }

    @Test
    void handlersQueueingManySqesMakeTheLoopSubmitMidCycle()
    {
        for (final int threshold : new int[] {0, 4})
        {
            final EventLoop loop = new EventLoop("threshold", Ring.open(new RingConfig().entries(64))).submitThreshold(threshold);
            try
            {
                final int[] chained = {0};
                final int[] id = new int[1];
                id[0] = loop.registerOwner((ud, res, flags) ->
                {
                    // Each of the first 32 completions queues one more NOP, as a read completion queues a send.
                    if (UserData.tag(ud) == 0)
                    {
                        chained[0]++;
                        loop.ring().prepNop(UserData.pack(id[0], 0, 1));
                    }
                });
                for (int i = 0; i < 32; i++)
                {
                    loop.ring().prepNop(UserData.pack(id[0], 0, 0));
                }
                loop.ring().submitAndWait(32, 0);
                final long before = loop.submitCalls();
                loop.doWork();
                assertEquals(32, chained[0], "one cycle dispatched the batch");
                final long calls = loop.submitCalls() - before;
                if (threshold == 0)
                {
                    assertEquals(1, calls, "one submit at the end of the cycle");
                }
                else
                {
                    assertEquals(1 + 32 / threshold, calls, "a submit every " + threshold + " queued SQEs, plus the cycle's own");
                }
                assertEquals(0, loop.ring().pendingSubmissions());
            }
            finally
            {
                loop.onClose();
                loop.ring().close();
            }
        }
    }

    @Test
    void taskOfferedFromAnotherThreadRunsOnTheLoopAndItsIoCompletes() throws Exception
    {
        final EventLoop loop = new EventLoop("offer", Ring.open(new RingConfig().entries(32)));
        // A park far longer than the test's wait: only the eventfd wake-up can make the offer run in time.
        final RingIdleStrategy idle = new RingIdleStrategy(loop, 10_000L, 3_600_000_000_000L);
        final AtomicLong errors = new AtomicLong();
        final AgentRunner runner = new AgentRunner(idle, t -> errors.incrementAndGet(), null, loop);
        AgentRunner.startOnThread(runner);
        try
        {
            for (int round = 0; round < 20; round++)
            {
                final CountDownLatch done = new CountDownLatch(1);
                final AtomicReference<Thread> ranOn = new AtomicReference<>();
                final AtomicInteger result = new AtomicInteger(Integer.MIN_VALUE);
                final boolean offered = loop.offer(l ->
                {
                    ranOn.set(Thread.currentThread());
                    assertTrue(l.onLoopThread());
                    final int[] id = new int[1];
                    id[0] = l.registerOwner((ud, res, flags) ->
                    {
                        result.set(res);
                        l.unregisterOwner(id[0]);
                        done.countDown();
                    });
                    l.ring().prepNop(UserData.pack(id[0], 1, 0));
                });
                assertTrue(offered);
                assertTrue(done.await(30, TimeUnit.SECONDS), "round " + round + ": the offered task and its NOP completed");
                assertEquals(0, result.get());
                assertNotEquals(Thread.currentThread(), ranOn.get());
                assertFalse(loop.onLoopThread());
                // Let the loop go idle and park before the next offer.
                for (int i = 0; i < 1000 && loop.parks() <= round; i++)
                {
                    Thread.sleep(1);
                }
            }
            assertTrue(loop.wakeups() > 0, "offers woke a parked loop");
            assertEquals(20, loop.tasksRun());
            assertEquals(0, errors.get());
        }
        finally
        {
            // The loop may be parked for an hour: wake it so that it sees the stop flag.
            loop.wakeup();
            runner.close(100, t -> loop.wakeup());
            loop.ring().close();
        }
    }

    @Test
    void groupRunsLoopsOnTheirOwnThreadsWithEachIdleStrategy() throws Exception
    {
        for (final String idle : new String[] {"ring", "busy", "backoff"})
        {
            try (EventLoopGroup group = new EventLoopGroup("grp-" + idle, 2, new RingConfig().entries(16), idle, true))
            {
                assertEquals(2, group.size());
                final CountDownLatch done = new CountDownLatch(2);
                for (int i = 0; i < group.size(); i++)
                {
                    final EventLoop loop = group.loop(i);
                    assertTrue(loop.offer(l ->
                    {
                        final int id = l.registerOwner((ud, res, flags) -> done.countDown());
                        l.ring().prepNop(UserData.pack(id, 0, 0));
                    }));
                }
                assertTrue(done.await(30, TimeUnit.SECONDS), idle + ": both loops completed their NOP");
                assertEquals(0, group.errors());
            }
            assertThrows(IllegalArgumentException.class,
                () -> new EventLoopGroup("bad", 1, new RingConfig().entries(8), "nope", false));
        }
    }
}
