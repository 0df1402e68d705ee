package io.ringtarget.ring;

import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class CountersTest
{
    @Test
    void countersAllocatedFromManyThreadsAreDistinctLabelledAndReadableElsewhere() throws Exception
    {
        try (Counters counters = new Counters(64))
        {
            final int threads = 4;
            final int perThread = 16;
            final AtomicCounter[][] allocated = new AtomicCounter[threads][perThread];
            final CountDownLatch start = new CountDownLatch(1);
            final Thread[] ts = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                final int tt = t;
                ts[t] = Thread.ofPlatform().start(() ->
                {
                    try
                    {
                        start.await();
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    for (int i = 0; i < perThread; i++)
                    {
                        allocated[tt][i] = counters.allocate("t" + tt + " c" + i, Counters.FIRST_FREE_TYPE_ID + tt);
                        allocated[tt][i].incrementRelease();
                        allocated[tt][i].getAndAddRelease(i);
                    }
                });
            }
            start.countDown();
            for (final Thread t : ts)
            {
                t.join(30_000);
            }
            assertEquals(0, counters.available(), "all 64 allocated");
            assertThrows(IllegalStateException.class, () -> counters.allocate("one too many", 0));

            final CountersReader reader = counters.reader();
            final Set<Integer> ids = new HashSet<>();
            for (int t = 0; t < threads; t++)
            {
                for (int i = 0; i < perThread; i++)
                {
                    final int id = allocated[t][i].id();
                    assertTrue(ids.add(id), "ids are distinct");
                    assertEquals("t" + t + " c" + i, reader.getCounterLabel(id));
                    assertEquals(Counters.FIRST_FREE_TYPE_ID + t, reader.getCounterTypeId(id));
                    assertEquals(1 + i, reader.getCounterValue(id), "written on its thread, read on this one");
                }
            }

            final int freed = allocated[2][5].id();
            allocated[2][5].close();
            assertEquals(CountersReader.RECORD_RECLAIMED, reader.getCounterState(freed));
            assertEquals(1, counters.available());
            final AtomicCounter reused = counters.allocate("reused", 7);
            assertEquals(0, reused.get(), "a new counter starts at 0");
            assertEquals("reused", reader.getCounterLabel(reused.id()));

            counters.close();
            assertThrows(IllegalStateException.class, () -> counters.allocate("after close", 0));
            assertEquals(1 + 3, reader.getCounterValue(allocated[1][3].id()), "still readable after close");
        }
        assertThrows(IllegalArgumentException.class, () -> new Counters(0));
    }

    @Test
    void aLoopPublishesItsCountersInTheRegistryAndFreesThemOnClose()
    {
        final Counters counters = new Counters(64);
        final CachedNanoClock clock = new CachedNanoClock();
        final EventLoop loop = new EventLoop("c-0", Ring.open(new RingConfig().entries(4)), clock, 16,
            t -> fail("no fault expected: " + t), counters);
        final CountersReader reader = counters.reader();
        try
        {
            assertSame(counters, loop.counters().registry());
            final int loopCounters = LoopCounter.values().length - 1;
            assertEquals(64 - loopCounters, counters.available(), "every loop counter but ERRORS (the group's)");
            for (final LoopCounter c : LoopCounter.values())
            {
                if (c == LoopCounter.ERRORS)
                {
                    assertThrows(IllegalArgumentException.class, () -> loop.counters().id(c));
                    continue;
                }
                final int id = loop.counters().id(c);
                assertEquals("loop c-0: " + c.label(), reader.getCounterLabel(id));
                assertEquals(c.typeId(), reader.getCounterTypeId(id));
                assertSame(c, LoopCounter.get(reader.getCounterTypeId(id)));
            }

            // One cycle with work: six NOPs queued by a worker overfill the 4-entry SQ (an SQ-full flush).
            final Cqes cqes = new Cqes();
            final int owner = loop.registerOwner(cqes);
            final LoopWorker sixNops = now ->
            {
                for (int i = 0; i < 6; i++)
                {
                    loop.ring().prepNop(UserData.pack(owner, 0, i));
                }
                return 6;
            };
            loop.addWorker(sixNops);
            clock.update(1_000);
            loop.doWork();
            loop.removeWorker(sixNops);
            clock.update(1_300);
            for (int i = 0; i < 100 && cqes.count < 6; i++)
            {
                loop.doWork();
            }
            assertEquals(6, cqes.count);
            assertTrue(loop.ring().sqFullFlushes() > 0);
            final EventLoopCounters c = loop.counters();
            assertEquals(loop.ring().sqFullFlushes(), reader.getCounterValue(c.id(LoopCounter.SQ_FULL_FLUSHES)));
            assertEquals(c.completions(), reader.getCounterValue(c.id(LoopCounter.COMPLETIONS)));
            assertTrue(c.completions() >= 6);
            assertEquals(c.dutyCycles(), reader.getCounterValue(c.id(LoopCounter.DUTY_CYCLES)));
            assertEquals(c.submitCalls(), reader.getCounterValue(c.id(LoopCounter.SUBMIT_CALLS)));
            assertEquals(300, c.busyNanos(), "the working cycle: from its start (1000) to the next (1300)");

            // Idle cycles: the clock moves 50 per cycle, all of it idle.
            for (int i = 0; i < 100 && loop.doWork() > 0; i++)
            {
                assertEquals(1_300, loop.nowNanos());
            }
            final long busy = loop.counters().busyNanos();
            final long idleBefore = loop.counters().idleNanos();
            for (int i = 1; i <= 4; i++)
            {
                clock.update(1_300 + 50L * i);
                assertEquals(0, loop.doWork());
            }
            assertEquals(busy, loop.counters().busyNanos());
            assertEquals(200, loop.counters().idleNanos() - idleBefore);
        }
        finally
        {
            loop.onClose();
            loop.ring().close();
        }
        assertEquals(64, counters.available(), "the loop's counters were freed when it closed");
    }

    @Test
    void aGroupSharesTheCallersRegistryAndFreesItsLoopsCountersOnClose() throws Exception
    {
        final Counters counters = new Counters(128);
        try (EventLoopGroup group = new EventLoopGroup(
            "shared", 2, new RingConfig().entries(16), "ring", RingIdleStrategy.DEFAULT_SPIN_NANOS, false, counters))
        {
            assertSame(counters, group.counters());
            assertEquals(128 - 2 * LoopCounter.values().length, counters.available());
            // A protocol layer allocates its own counters in the same registry.
            final AtomicCounter protocol = counters.allocate("iscsi logins", Counters.FIRST_FREE_TYPE_ID);
            protocol.close();

            final CountDownLatch done = new CountDownLatch(2);
            for (int i = 0; i < 2; i++)
            {
                assertTrue(group.loop(i).offer(l ->
                {
                    final int id = l.registerOwner((ud, res, flags) -> done.countDown());
                    l.ring().prepNop(UserData.pack(id, 0, 0));
                }));
            }
            assertTrue(done.await(30, TimeUnit.SECONDS));
            final CountersReader reader = counters.reader();
            final int[] seen = new int[2];
            reader.forEach((value, id, label) ->
            {
                if (label.equals("loop shared-0: tasks run") || label.equals("loop shared-1: tasks run"))
                {
                    seen[label.charAt(12) - '0'] = (int)value;
                }
            });
            assertArrayEquals(new int[] {1, 1}, seen, "each loop's task, read from this thread by label");
            assertEquals(0, group.errors());
        }
        assertEquals(128, counters.available(), "the loops' and the group's counters were freed");
        counters.allocate("the caller's registry stays open", Counters.FIRST_FREE_TYPE_ID).close();
    }
}
