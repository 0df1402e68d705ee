package io.ringtarget.ring;

import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class RingIdleStrategyTest
{
    private static final long HOUR_NANOS = 3_600_000_000_000L;
    private static final long PARK_NANOS = 1_000_000L;

    @Test
    void pollsAfterWorkWithinItsBudgetAndParksOtherwise()
    {
        final EventLoop loop = new EventLoop("idle", Ring.open(new RingConfig().entries(16)));
        try
        {
            final RingIdleStrategy idle = new RingIdleStrategy(loop, HOUR_NANOS, PARK_NANOS);

            // Before any work there is nothing to poll for: the first idle parks (and times out: nothing pending).
            idle.idle(0);
            assertEquals(1, loop.counters().parks());

            // After work, idle cycles poll (sched_yield) instead of parking, for as long as the budget lasts.
            idle.idle(1);
            for (int i = 0; i < 100; i++)
            {
                idle.idle(0);
            }
            assertEquals(1, loop.counters().parks());
            assertTrue(idle.polling());

            // reset() (AgentRunner's, on start) ends polling: the next idle parks.
            idle.reset();
            idle.idle(0);
            assertEquals(2, loop.counters().parks());
        }
        finally
        {
            loop.onClose();
            loop.ring().close();
        }
    }

    @Test
    void parksInsteadOfPollingWhileDeviceIoIsInFlight()
    {
        final EventLoop loop = new EventLoop("idle", Ring.open(new RingConfig().entries(16)));
        try
        {
            final RingIdleStrategy idle = new RingIdleStrategy(loop, HOUR_NANOS, PARK_NANOS);
            loop.deviceIoStarted();
            idle.idle(1);
            idle.idle(0);
            assertEquals(1, loop.counters().parks(), "a read on a disk is waited for asleep");

            loop.deviceIoCompleted();
            idle.idle(1);
            idle.idle(0);
            assertEquals(2, loop.counters().parks(),
                "a device completed in this busy period: its requests are device-paced");
            assertFalse(loop.deviceIoSincePark(), "cleared by the park");

            idle.idle(1);
            idle.idle(0);
            idle.idle(0);
            assertEquals(2, loop.counters().parks(), "no device I/O since the park: poll for the next request");
            assertEquals(0, loop.deviceIoInFlight());
        }
        finally
        {
            loop.onClose();
            loop.ring().close();
        }
    }

    @Test
    void parksInsteadOfPollingWhenPollingIsHeldAndNotKeptUntilTheNextPark()
    {
        final EventLoop loop = new EventLoop("idle", Ring.open(new RingConfig().entries(16)));
        try
        {
            final RingIdleStrategy idle = new RingIdleStrategy(loop, HOUR_NANOS, PARK_NANOS);
            idle.idle(1);
            loop.holdPolling();
            idle.idle(0);
            assertEquals(1, loop.counters().parks(), "a receive that waits on purpose is waited for asleep");
            assertFalse(loop.pollingHeld(), "cleared by the park");

            idle.idle(1);
            idle.idle(0);
            idle.idle(0);
            assertEquals(1, loop.counters().parks(), "not held since the park: polls for the next request");

            idle.idle(1);
            loop.holdPolling();
            loop.keepPolling();
            assertFalse(loop.pollingHeld(), "a peer that waits for each response keeps the polling");
            idle.idle(0);
            idle.idle(0);
            assertEquals(1, loop.counters().parks(), "held and kept: polls");
            loop.holdPolling();
            idle.idle(0);
            assertEquals(1, loop.counters().parks(), "kept until the next park, whatever is held after it");
            loop.park(PARK_NANOS);
            assertFalse(loop.pollingKept(), "cleared by the park");
            idle.idle(1);
            loop.holdPolling();
            idle.idle(0);
            assertEquals(3, loop.counters().parks(), "held, not kept since the park: parks");
        }
        finally
        {
            loop.onClose();
            loop.ring().close();
        }
    }

    @Test
    void anExhaustedBudgetParksAndAParkWithoutWorkDoesNotPollAgain() throws InterruptedException
    {
        final EventLoop loop = new EventLoop("idle", Ring.open(new RingConfig().entries(16)));
        try
        {
            final RingIdleStrategy idle = new RingIdleStrategy(loop, 1_000L, PARK_NANOS);
            idle.idle(1);
            idle.idle(0);                                   // starts the 1 us budget
            Thread.sleep(1);
            idle.idle(0);                                   // budget spent: parks
            assertEquals(1, loop.counters().parks());
            assertFalse(idle.polling());
            idle.idle(0);                                   // woke (timeout) with no work: parks again at once
            assertEquals(2, loop.counters().parks());

            // Zero budget: never polls.
            final RingIdleStrategy never = new RingIdleStrategy(loop, 0L, PARK_NANOS);
            never.idle(1);
            assertFalse(never.polling());
            never.idle(0);
            assertEquals(3, loop.counters().parks());
        }
        finally
        {
            loop.onClose();
            loop.ring().close();
        }
    }

    @Test
    void pollsWhileTheLoopWaitsForEachRequestAndNotWhileItIsBusy()
    {
        final CachedNanoClock clock = new CachedNanoClock();
        clock.update(1_000_000_000L);
        final EventLoop loop = new EventLoop("idle", Ring.open(new RingConfig().entries(16)), clock, 64);
        try
        {
            final RingIdleStrategy idle = new RingIdleStrategy(loop, HOUR_NANOS, PARK_NANOS);
            idle.idle(0);                                   // a new loop has nothing to do: it parks
            clock.advance(100_000L);

            // Queue depth 1: each request takes an 8 us duty cycle, then the loop waits 24 us for the next one.
            for (int i = 0; i < 1000; i++)
            {
                cycle(loop, idle, clock, 8_000L);
                clock.advance(24_000L);
                idle.idle(0);
            }
            assertEquals(25, idle.busyPercent(), 3);
            assertTrue(idle.polling());
            assertEquals(1, loop.counters().parks(), "a loop waiting for each request polls for it");

            // A deep queue: 8 us of work, then 2 us until the next batch of requests.
            for (int i = 0; i < 1000; i++)
            {
                cycle(loop, idle, clock, 8_000L);
                clock.advance(2_000L);
            }
            assertEquals(80, idle.busyPercent(), 3);
            assertFalse(idle.polling());
            idle.idle(0);
            assertEquals(2, loop.counters().parks(), "a busy loop goes to io_uring_enter at once");

            // Back to queue depth 1: within a window the loop polls again.
            for (int i = 0; i < 200; i++)
            {
                cycle(loop, idle, clock, 8_000L);
                clock.advance(24_000L);
            }
            assertTrue(idle.busyPercent() < RingIdleStrategy.MAX_BUSY_PERCENT_TO_POLL, "busy " + idle.busyPercent());
            assertTrue(idle.polling());
        }
        finally
        {
            loop.onClose();
            loop.ring().close();
        }
    }

    @Test
    void thePollWindowGrowsForWaitsALongerOneWouldCatchAndShrinksForLongerOnes()
    {
        final CachedNanoClock clock = new CachedNanoClock();
        clock.update(1_000_000_000L);
        final EventLoop loop = new EventLoop("idle", Ring.open(new RingConfig().entries(16)), clock, 64);
        try
        {
            final long spin = 50_000L;
            final RingIdleStrategy idle = new RingIdleStrategy(loop, spin, PARK_NANOS);
            idle.idle(0);
            clock.advance(100_000L);
            cycle(loop, idle, clock, 8_000L);
            assertWindow(spin, idle, loop);

            // Requests 120 us apart: each of the first two outlasts the window, parks, and doubles it.
            wait(idle, clock, 120_000L);
            assertEquals(2, loop.counters().parks(), "120 us is past the 50 us window");
            cycle(loop, idle, clock, 8_000L);
            assertWindow(2 * spin, idle, loop);
            wait(idle, clock, 120_000L);
            assertEquals(3, loop.counters().parks(), "and past 100 us");
            cycle(loop, idle, clock, 8_000L);
            assertWindow(4 * spin, idle, loop);
            wait(idle, clock, 120_000L);
            assertEquals(3, loop.counters().parks(), "a 200 us window polls through the wait");
            cycle(loop, idle, clock, 8_000L);
            assertWindow(RingIdleStrategy.MAX_SPIN_GROWTH * spin, idle, loop, "at its bound");

            // Requests a millisecond apart (pings, a client that thinks): no window would catch them; back to 50 us.
            wait(idle, clock, 1_000_000L);
            cycle(loop, idle, clock, 8_000L);
            assertWindow(2 * spin, idle, loop);
            wait(idle, clock, 1_000_000L);
            cycle(loop, idle, clock, 8_000L);
            wait(idle, clock, 1_000_000L);
            cycle(loop, idle, clock, 8_000L);
            assertWindow(spin, idle, loop, "never below the configured window");

            // A wait that does not poll (held off by a receive that waits on purpose) says nothing about the window.
            loop.holdPolling();
            idle.idle(0);
            assertEquals(7, loop.counters().parks(), "held: parks at once");
            clock.advance(120_000L);
            cycle(loop, idle, clock, 8_000L);
            assertWindow(spin, idle, loop);

            // A reset (the loop's agent run again) goes back to the configured window.
            wait(idle, clock, 120_000L);
            cycle(loop, idle, clock, 8_000L);
            assertWindow(2 * spin, idle, loop);
            idle.reset();
            assertWindow(spin, idle, loop, "reset");
        }
        finally
        {
            loop.onClose();
            loop.ring().close();
        }
    }

    /** The window, and the loop's counter that publishes it (the poll-window gauge of the metrics). */
    private static void assertWindow(
        final long nanos, final RingIdleStrategy idle, final EventLoop loop, final String... message)
    {
        assertEquals(nanos, idle.spinLimitNanos(), String.join("", message));
        assertEquals(nanos, loop.counters().pollWindowNanos(), "the counter: " + String.join("", message));
    }

    /** The loop runs out of work, and its next work comes {@code nanos} later. */
    private static void wait(final RingIdleStrategy idle, final CachedNanoClock clock, final long nanos)
    {
        idle.idle(0);
        clock.advance(nanos);
        idle.idle(0);
    }

    /** One productive duty cycle of {@code nanos}, as AgentRunner runs it: doWork, then idle(work). */
    private static void cycle(final EventLoop loop, final RingIdleStrategy idle, final CachedNanoClock clock,
        final long nanos)
    {
        loop.doWork();
        clock.advance(nanos);
        idle.idle(1);
    }
}
