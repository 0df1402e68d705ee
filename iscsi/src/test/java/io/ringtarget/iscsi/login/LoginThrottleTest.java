package io.ringtarget.iscsi.login;

import io.ringtarget.iscsi.log.EventLog;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lockout rules on a clock the test moves (nanoseconds), with the log captured. */
class LoginThrottleTest
{
    private static final long SECOND = 1_000_000_000L;
    private static final String NAME = "iqn.1994-05.com.redhat:host1";

    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final EventLog log = EventLog.to(new PrintStream(logged, true, StandardCharsets.UTF_8));

    /** 3 failures per name, 5 per address, within 10 s; locked out for 30 s. */
    private final LoginThrottle throttle = new LoginThrottle(new LoginLimits(15_000, 3, 5, 10_000, 30_000, 0, 0, 0, 0, 0), log);

    @Test
    void aNameIsLockedOutAfterItsLimitAndReleasedAfterTheLockout() throws Exception
    {
        long now = 1_000 * SECOND;
        assertEquals(LoginThrottle.ADMITTED, throttle.onFailure(NAME, "10.0.0.1", true, now));
        assertEquals(LoginThrottle.ADMITTED, throttle.onFailure(NAME, "10.0.0.1", true, now + SECOND));
        assertEquals(LoginThrottle.ADMITTED, throttle.admit(NAME, "10.0.0.1", now + 2 * SECOND));
        assertEquals(LoginThrottle.LOCKED_INITIATOR, throttle.onFailure(NAME, "10.0.0.1", true, now + 2 * SECOND));
        // Refused from any address, and a failure during the lockout does not extend it.
        assertEquals(LoginThrottle.LOCKED_INITIATOR, throttle.admit(NAME, "10.0.0.2", now + 3 * SECOND));
        assertEquals(LoginThrottle.ADMITTED, throttle.onFailure(NAME, "10.0.0.2", true, now + 4 * SECOND));
        assertEquals(LoginThrottle.LOCKED_INITIATOR, throttle.admit(NAME, "10.0.0.3", now + 31 * SECOND));
        assertEquals(LoginThrottle.ADMITTED, throttle.admit(NAME, "10.0.0.1", now + 33 * SECOND));
        log.close();
        final String text = logged.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("initiator " + NAME + " locked out for 30.0 s after 3 failed logins"), text);
        assertTrue(text.contains("initiator " + NAME + ": lockout over; 2 login(s) refused during it"), text);
    }

    @Test
    void failuresOutsideTheWindowDoNotAddUp()
    {
        final long now = 1_000 * SECOND;
        throttle.onFailure(NAME, "10.0.0.1", true, now);
        throttle.onFailure(NAME, "10.0.0.1", true, now + SECOND);
        assertEquals(LoginThrottle.ADMITTED, throttle.onFailure(NAME, "10.0.0.1", true, now + 11 * SECOND));
        assertEquals(LoginThrottle.ADMITTED, throttle.admit(NAME, "10.0.0.1", now + 12 * SECOND));
    }

    @Test
    void aSuccessForgetsTheNamesFailures()
    {
        final long now = 1_000 * SECOND;
        throttle.onFailure(NAME, "10.0.0.1", true, now);
        throttle.onFailure(NAME, "10.0.0.1", true, now);
        throttle.onSuccess(NAME);
        assertEquals(LoginThrottle.ADMITTED, throttle.onFailure(NAME, "10.0.0.1", true, now));
        assertEquals(LoginThrottle.ADMITTED, throttle.admit(NAME, "10.0.0.1", now));
    }

    @Test
    void aGuesserRotatingNamesLocksOutItsAddressOnlyAtTheHigherLimit()
    {
        final long now = 1_000 * SECOND;
        for (int i = 0; i < 4; i++)
        {
            assertEquals(LoginThrottle.ADMITTED, throttle.onFailure("iqn.2000-01.x:guess" + i, "10.0.0.66", true, now));
        }
        // Below the address's limit another initiator behind it is unaffected.
        assertEquals(LoginThrottle.ADMITTED, throttle.admit(NAME, "10.0.0.66", now));
        assertEquals(LoginThrottle.LOCKED_SOURCE, throttle.onFailure("iqn.2000-01.x:guess4", "10.0.0.66", false, now));
        assertEquals(LoginThrottle.LOCKED_SOURCE, throttle.admit(NAME, "10.0.0.66", now + SECOND));
        assertEquals(LoginThrottle.ADMITTED, throttle.admit(NAME, "10.0.0.67", now + SECOND));
    }

    @Test
    void memoryIsBoundedWhateverTheNumberOfNames()
    {
        final long now = 1_000 * SECOND;
        for (int i = 0; i < 3 * LoginThrottle.MAX_TRACKED; i++)
        {
            throttle.onFailure("iqn.2000-01.x:n" + i, "10.1." + (i >> 8 & 0xff) + "." + (i & 0xff), true, now);
        }
        assertTrue(throttle.tracked() <= 2 * LoginThrottle.MAX_TRACKED, "tracked " + throttle.tracked());
    }
}
