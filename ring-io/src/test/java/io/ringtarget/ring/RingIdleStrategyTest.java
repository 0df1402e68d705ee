package io.ringtarget.ring;

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
            assertEquals(1, loop.parks());

            // After work, idle cycles poll (sched_yield) instead of parking, for as long as the budget lasts.
            idle.idle(1);
            for (int i = 0; i < 100; i++)
            {
                idle.idle(0);
            }
            assertEquals(1, loop.parks());
            assertTrue(idle.polling());

            // reset() (AgentRunner's, on start) ends polling: the next idle parks.
            idle.reset();
            idle.idle(0);
            assertEquals(2, loop.parks());
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
            assertEquals(1, loop.parks(), "a read on a disk is waited for asleep");

            loop.deviceIoCompleted();
            idle.idle(1);
            idle.idle(0);
            assertEquals(2, loop.parks(), "a device completed in this busy period: its requests are device-paced");
            assertFalse(loop.deviceIoSincePark(), "cleared by the park");

            idle.idle(1);
            idle.idle(0);
            idle.idle(0);
            assertEquals(2, loop.parks(), "no device I/O since the park: poll for the next request");
            assertEquals(0, loop.deviceIoInFlight());
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
            assertEquals(1, loop.parks());
            assertFalse(idle.polling());
            idle.idle(0);                                   // woke (timeout) with no work: parks again at once
            assertEquals(2, loop.parks());

            // Zero budget: never polls.
            final RingIdleStrategy never = new RingIdleStrategy(loop, 0L, PARK_NANOS);
            never.idle(1);
            assertFalse(never.polling());
            never.idle(0);
            assertEquals(3, loop.parks());
        }
        finally
        {
            loop.onClose();
            loop.ring().close();
        }
    }
}
