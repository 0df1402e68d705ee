package io.ringtarget.ring;

import io.ringtarget.ffi.Libc;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.ringtarget.ffi.IoUringConstants.IORING_SETUP_DEFER_TASKRUN;
import static io.ringtarget.ffi.LibcConstants.SOCK_CLOEXEC;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
            for (int i = 0; i < 100 && loop.counters().unknownOwnerCompletions() == 0; i++)
            {
                loop.doWork();
            }
            assertEquals(1, loop.counters().unknownOwnerCompletions());

            // Ids are reused, oldest freed first; an unregistered owner's late completions are counted, not delivered.
            loop.unregisterOwner(idA);
            loop.ring().prepNop(UserData.pack(idA, 1, 11));
            for (int i = 0; i < 100 && loop.counters().unknownOwnerCompletions() == 1; i++)
            {
                loop.doWork();
            }
            assertEquals(2, loop.counters().unknownOwnerCompletions());
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
    void aRequestCompletedByTheCyclesOwnEnterIsWorkSoTheLoopReapsItWithoutIdlingFirst() throws Exception
    {
        final int listenFd = Sockets.listen("127.0.0.1", 0, false, 8);
        final EventLoop loop =
            new EventLoop("arrival", Ring.open(new RingConfig().entries(16)), new CachedNanoClock(), 16);
        try (Arena arena = Arena.ofConfined())
        {
            // With DEFER_TASKRUN only the loop's own enter (GETEVENTS) completes the RECV of an arrived request.
            assumeTrue((loop.ring().setupFlags() & IORING_SETUP_DEFER_TASKRUN) != 0, "DEFER_TASKRUN: kernel 6.1+");
            final int client = Sockets.connect("127.0.0.1", Sockets.localPort(listenFd));
            final int conn = Libc.check(
                Libc.accept4(listenFd, MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC), "accept4");
            try
            {
                final Cqes c = new Cqes();
                final int owner = loop.registerOwner(c);
                final MemorySegment rx = arena.allocate(64);
                loop.ring().prepRecv(conn, rx.address(), 64, 0, UserData.pack(owner, 1, 0));
                int settled = 0;
                while (loop.doWork() > 0 && settled++ < 100)
                {
                    // the RECV (and the loop's own wake-up read) submitted
                }
                assertEquals(0, c.count, "nothing has arrived");
                assertEquals(0, loop.doWork(), "the loop is idle");

                final MemorySegment request = arena.allocate(48);
                assertEquals(48, Libc.write(client, request, 48));
                int previous = 0;
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (c.count == 0 && System.nanoTime() < deadline)
                {
                    final int work = loop.doWork();
                    if (c.count == 0)
                    {
                        previous = work;
                    }
                }
                assertEquals(1, c.count, "the request is reaped");
                assertEquals(48, c.res[0]);
                assertTrue(previous > 0, "the cycle whose enter completed the RECV reports work, so the idle " +
                    "strategy neither yields nor parks before the next cycle reaps it");
            }
            finally
            {
                Libc.close(conn);
                Libc.close(client);
            }
        }
        finally
        {
            loop.onClose();
            loop.ring().close();
            Sockets.close(listenFd);
        }
    }

    @Test
    void aLoopBusyNearlyAllOfItsTimeIsSaturatedUntilItsBusyShareFallsBelowTheLowerMark()
    {
        final CachedNanoClock clock = new CachedNanoClock();
        final EventLoop loop = new EventLoop("load", Ring.open(new RingConfig().entries(16)), clock, 16);
        try
        {
            final int[] work = {1};
            loop.addWorker(now -> work[0]);
            final long[] t = {1_000_000};
            final Runnable cycle = () ->
            {
                clock.update(t[0] += 100_000);   // each duty cycle 100 us of the loop's clock
                loop.doWork();
            };
            for (int i = 0; i < 15; i++)
            {
                cycle.run();
            }
            assertFalse(loop.saturated(), "not judged on less than half a window");
            for (int i = 0; i < 15; i++)
            {
                cycle.run();
            }
            assertTrue(loop.saturated(), "busy all of its time");
            for (int i = 0; i < 200; i++)
            {
                work[0] = i % 10 < 7 ? 1 : 0;   // busy 70 %: between the marks
                cycle.run();
                assertTrue(loop.saturated(), "stays saturated above the lower mark, cycle " + i);
            }
            work[0] = 0;
            for (int i = 0; i < 20; i++)
            {
                cycle.run();
            }
            assertFalse(loop.saturated(), "idle");
            for (int i = 0; i < 200; i++)
            {
                work[0] = i % 10 < 7 ? 1 : 0;
                cycle.run();
                assertFalse(loop.saturated(), "not saturated again below the upper mark, cycle " + i);
            }
            work[0] = 1;
            for (int i = 0; i < 40; i++)
            {
                cycle.run();
            }
            assertTrue(loop.saturated(), "busy again");
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
                final long before = loop.counters().submitCalls();
                loop.doWork();
                assertEquals(32, chained[0], "one cycle dispatched the batch");
                final long calls = loop.counters().submitCalls() - before;
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
    void aParkedLoopWakesByTheEarliestDeadlineOfItsLastCycleAndNotBefore() throws Exception
    {
        final EventLoop loop = new EventLoop("deadline", Ring.open(new RingConfig().entries(16)));
        // Parks bounded by an hour: only the workers' deadlines end them.
        final RingIdleStrategy idle = new RingIdleStrategy(loop, 0L, 3_600_000_000_000L);
        final AtomicLong runs = new AtomicLong();
        final AtomicLong early = new AtomicLong();
        final long periodNanos = 20_000_000L;
        loop.addWorker(new LoopWorker()
        {
            private long next;

            @Override
            public int doWork(final long nowNanos)
            {
                if (next != 0 && nowNanos - next < 0)
                {
                    early.incrementAndGet();
                    loop.wakeBy(next);
                    return 0;
                }
                runs.incrementAndGet();
                next = nowNanos + periodNanos;
                loop.wakeBy(next + 1_000_000_000L);   // a later deadline does not push back the earlier one
                loop.wakeBy(next);
                return 0;
            }
        });
        final AtomicLong errors = new AtomicLong();
        final AgentRunner runner = new AgentRunner(idle, t -> errors.incrementAndGet(), null, loop);
        AgentRunner.startOnThread(runner);
        try
        {
            final long start = System.nanoTime();
            while (runs.get() < 10 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30))
            {
                Thread.sleep(5);
            }
            final long elapsed = System.nanoTime() - start;
            assertTrue(runs.get() >= 10, "the worker ran " + runs.get() + " times: its deadlines woke the loop");
            assertTrue(elapsed >= 8 * periodNanos, "not before its deadlines: " + elapsed + " ns for 10 runs");
            // Each park ends at the deadline, not before it: hardly any cycle finds its worker early.
            assertTrue(early.get() <= runs.get(), early.get() + " early cycles for " + runs.get() + " runs");
            assertEquals(0, errors.get());
        }
        finally
        {
            loop.wakeup();
            runner.close(100, t -> loop.wakeup());
            loop.ring().close();
        }
    }

    @Test
    void aDeadlineAlreadyDueMeansNoPark()
    {
        final EventLoop loop = new EventLoop("due", Ring.open(new RingConfig().entries(16)));
        try
        {
            final LoopWorker due = now ->
            {
                loop.wakeBy(now);
                return 0;
            };
            loop.addWorker(due);
            loop.doWork();
            assertTrue(loop.hasDeadline());
            loop.park(3_600_000_000_000L);
            assertEquals(0, loop.counters().parks(), "a deadline already due: back to the duty cycle at once");

            // A deadline holds for its duty cycle only: without the worker the next park waits its bound.
            loop.removeWorker(due);
            loop.doWork();
            assertFalse(loop.hasDeadline());
            loop.park(1_000_000L);
            assertEquals(1, loop.counters().parks());
        }
        finally
        {
            loop.onClose();
            loop.ring().close();
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
                for (int i = 0; i < 1000 && loop.counters().parks() <= round; i++)
                {
                    Thread.sleep(1);
                }
            }
            assertTrue(loop.counters().wakeups() > 0, "offers woke a parked loop");
            assertEquals(20, loop.counters().tasksRun());
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

    /** A completion owner whose handler throws, recording what the loop tells it. */
    private static final class Throwing implements CompletionHandler
    {
        final RuntimeException toThrow = new IllegalStateException("handler broke");
        final boolean handles;
        final RuntimeException faultThrows;
        int completions;
        int faults;
        long faultUserData;
        Throwable faultCause;

        Throwing(final boolean handles, final RuntimeException faultThrows)
        {
            this.handles = handles;
            this.faultThrows = faultThrows;
        }

        @Override
        public void onCompletion(final long userData, final int res, final int flags)
        {
            completions++;
            throw toThrow;
        }

        @Override
        public boolean onFault(final long userData, final Throwable cause)
        {
            faults++;
            faultUserData = userData;
            faultCause = cause;
            if (faultThrows != null)
            {
                throw faultThrows;
            }
            return handles;
        }
    }

    @Test
    void aHandlerThatThrowsIsToldOnceCountedReportedAndTheBatchGoesOn()
    {
        final List<Throwable> reported = new ArrayList<>();
        final EventLoop loop = new EventLoop("fault", Ring.open(new RingConfig().entries(16)), new CachedNanoClock(), 16,
            reported::add);
        try
        {
            final Throwing thrower = new Throwing(false, null);
            final Cqes next = new Cqes();
            final int idThrower = loop.registerOwner(thrower);
            final int idNext = loop.registerOwner(next);
            loop.ring().prepNop(UserData.pack(idThrower, 3, 77));
            loop.ring().prepNop(UserData.pack(idNext, 1, 1));
            assertEquals(2, loop.ring().submitAndWait(2, 0));

            assertDoesNotThrow(loop::doWork);
            assertEquals(1, thrower.completions);
            assertEquals(1, thrower.faults, "onFault called once");
            assertEquals(UserData.pack(idThrower, 3, 77), thrower.faultUserData);
            assertSame(thrower.toThrow, thrower.faultCause);
            assertEquals(1, next.count, "the next completion, another owner's, was dispatched in the same cycle");
            assertEquals(1, loop.counters().handlerFaults());
            assertEquals(1, reported.size(), "not handled by the owner: reported");
            assertInstanceOf(LoopFaultException.class, reported.get(0));
            assertSame(thrower.toThrow, reported.get(0).getCause());
            assertTrue(reported.get(0).getMessage().contains("owner " + idThrower), reported.get(0).getMessage());

            // The loop keeps dispatching to the same owners afterwards.
            loop.ring().prepNop(UserData.pack(idNext, 1, 2));
            loop.ring().prepNop(UserData.pack(idThrower, 3, 78));
            loop.ring().prepNop(UserData.pack(idNext, 1, 3));
            assertEquals(3, loop.ring().submitAndWait(3, 0));
            loop.doWork();
            assertEquals(3, next.count);
            assertEquals(2, thrower.faults);
            assertEquals(2, loop.counters().handlerFaults());
            assertEquals(2, reported.size());
            assertEquals(0, loop.counters().unknownOwnerCompletions());
        }
        finally
        {
            loop.onClose();
            loop.ring().close();
        }
    }

    @Test
    void anOwnerThatHandlesItsFaultIsNotReportedAndAThrowingOnFaultIsReportedWithTheCause()
    {
        final List<Throwable> reported = new ArrayList<>();
        final EventLoop loop = new EventLoop("fault", Ring.open(new RingConfig().entries(16)), new CachedNanoClock(), 16,
            reported::add);
        try
        {
            final Throwing handles = new Throwing(true, null);
            final RuntimeException second = new IllegalArgumentException("onFault broke too");
            final Throwing throwsAgain = new Throwing(false, second);
            final Cqes next = new Cqes();
            final int idHandles = loop.registerOwner(handles);
            final int idThrowsAgain = loop.registerOwner(throwsAgain);
            final int idNext = loop.registerOwner(next);
            loop.ring().prepNop(UserData.pack(idHandles, 0, 0));
            loop.ring().prepNop(UserData.pack(idThrowsAgain, 0, 0));
            loop.ring().prepNop(UserData.pack(idNext, 0, 0));
            assertEquals(3, loop.ring().submitAndWait(3, 0));
            loop.doWork();

            assertEquals(1, handles.faults);
            assertEquals(1, throwsAgain.faults);
            assertEquals(1, next.count);
            assertEquals(2, loop.counters().handlerFaults(), "both counted, handled or not");
            assertEquals(1, reported.size(), "only the unhandled one is reported");
            final Throwable cause = reported.get(0).getCause();
            assertSame(throwsAgain.toThrow, cause);
            assertArrayEquals(new Throwable[] {second}, cause.getSuppressed());
        }
        finally
        {
            loop.onClose();
            loop.ring().close();
        }
    }

    @Test
    void throwingTasksAndWorkersAreCountedReportedAndTheOthersStillRun()
    {
        final List<Throwable> reported = new ArrayList<>();
        final EventLoop loop = new EventLoop("fault", Ring.open(new RingConfig().entries(16)), new CachedNanoClock(), 16,
            reported::add);
        try
        {
            final int[] ran = new int[3];
            assertTrue(loop.offer(l ->
            {
                ran[0]++;
                throw new IllegalStateException("task broke");
            }));
            assertTrue(loop.offer(l -> ran[1]++));
            final RuntimeException workerEx = new UnsupportedOperationException("worker broke");
            final int[] workerCalls = new int[1];
            loop.addWorker(now ->
            {
                workerCalls[0]++;
                throw workerEx;
            });
            loop.addWorker(now ->
            {
                ran[2]++;
                return 0;
            });

            for (int i = 0; i < 3; i++)
            {
                assertDoesNotThrow(loop::doWork);
            }
            assertEquals(1, ran[0]);
            assertEquals(1, ran[1], "the task after the throwing one ran in the same cycle");
            assertEquals(2, loop.counters().tasksRun());
            assertEquals(1, loop.counters().taskFaults());
            assertEquals(3, workerCalls[0], "a worker that throws keeps being called");
            assertEquals(3, ran[2], "the worker after it too");
            assertEquals(3, loop.counters().workerFaults());
            assertEquals(4, reported.size());
            assertEquals("task broke", reported.get(0).getCause().getMessage());
            for (int i = 1; i < 4; i++)
            {
                assertSame(workerEx, reported.get(i).getCause());
            }
            assertEquals(0, loop.counters().handlerFaults());
        }
        finally
        {
            loop.onClose();
            loop.ring().close();
        }
    }

    @Test
    void aGroupLoopReportsAHandlerFaultToTheGroupAndKeepsServing() throws Exception
    {
        try (EventLoopGroup group = new EventLoopGroup("grp-fault", 1, new RingConfig().entries(16), "ring", false))
        {
            final EventLoop loop = group.loop(0);
            final CountDownLatch done = new CountDownLatch(1);
            assertTrue(loop.offer(l ->
            {
                final int thrower = l.registerOwner((ud, res, flags) ->
                {
                    throw new IllegalStateException("handler broke on the loop thread");
                });
                final int next = l.registerOwner((ud, res, flags) -> done.countDown());
                l.ring().prepNop(UserData.pack(thrower, 0, 0));
                l.ring().prepNop(UserData.pack(next, 0, 0));
            }));
            assertTrue(done.await(30, TimeUnit.SECONDS), "the completion after the fault was dispatched");
            for (int i = 0; i < 3000 && group.errors() == 0; i++)
            {
                Thread.sleep(1);
            }
            assertEquals(1, group.errors(), "reported to the group's error handler");
            assertEquals(1, loop.counters().handlerFaults());
        }
    }
}
