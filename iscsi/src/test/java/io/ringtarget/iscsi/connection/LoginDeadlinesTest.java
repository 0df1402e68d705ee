package io.ringtarget.iscsi.connection;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The login timeout and a refused login's delayed failure, with a clock driven by hand. */
class LoginDeadlinesTest
{
    private static final long MS = 1_000_000L;
    private static final long NEVER = Long.MAX_VALUE;

    private final LoginDeadlines deadlines = new LoginDeadlines();

    @Test
    void aLoginNotFinishedInTimeTimesOut()
    {
        deadlines.start(-5 * MS, 3_000);
        assertEquals(2_995 * MS, deadlines.dueNanos(3_000, NEVER));
        assertEquals(LoginDeadlines.NOTHING, deadlines.onTimer(2_995 * MS - 1, 3_000));
        assertEquals(LoginDeadlines.TIMED_OUT, deadlines.onTimer(2_995 * MS, 3_000));
    }

    @Test
    void noTimeoutWhenItIsOff()
    {
        deadlines.start(0, 0);
        assertEquals(NEVER, deadlines.dueNanos(0, NEVER));
        assertEquals(LoginDeadlines.NOTHING, deadlines.onTimer(3_600_000 * MS, 0));
    }

    @Test
    void aDeferredFailureGoesOutOnceWhenDueAndHoldsTheTimeoutMeanwhile()
    {
        deadlines.start(0, 1_000);
        deadlines.deferFailure(900 * MS, 500);
        assertTrue(deadlines.failureDeferred());
        assertEquals(1_400 * MS, deadlines.dueNanos(1_000, NEVER), "the failure, not the timeout");
        assertEquals(LoginDeadlines.NOTHING, deadlines.onTimer(1_200 * MS, 1_000), "no timeout while it waits");
        assertEquals(LoginDeadlines.SEND_FAILURE, deadlines.onTimer(1_400 * MS, 1_000));
        assertFalse(deadlines.failureDeferred());
    }

    @Test
    void aDeferredFailureWithoutDelayStillWaitsForTheNextTick()
    {
        deadlines.start(0, 0);
        deadlines.deferFailure(0, 0);
        assertEquals(LoginDeadlines.NOTHING, deadlines.onTimer(0, 0));
        assertEquals(LoginDeadlines.SEND_FAILURE, deadlines.onTimer(1, 0));
    }
}
