package io.ringtarget.iscsi.login;

import io.ringtarget.iscsi.log.EventLog;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Limits password guessing (docs/admin-guide.md, "Security"): after {@link LoginLimits#maxFailuresPerInitiator()}
 * failed authentications by one InitiatorName within {@link LoginLimits#failureWindowMillis()}, that name's logins
 * are refused for {@link LoginLimits#lockoutMillis()}, even with the right secret; a higher limit per source
 * address ({@link LoginLimits#maxFailuresPerSource()}) catches a guesser that rotates names. Other names, also
 * from the same address while it is below its limit, are unaffected. A lockout is logged once when it begins and
 * once, with the number of logins refused, when it is found over.
 * <p>
 * Shared by every loop (logins run on the loops of their connections) behind one monitor: a login is not on the I/O
 * path. Memory is bounded: at most {@link #MAX_TRACKED} names and as many addresses are remembered, the least
 * recently seen forgotten first.
 */
public final class LoginThrottle
{
    /** The login may go on. */
    public static final int ADMITTED = 0;
    /** Refused: its InitiatorName is locked out. */
    public static final int LOCKED_INITIATOR = 1;
    /** Refused: its source address is locked out. */
    public static final int LOCKED_SOURCE = 2;

    /** Names (and, separately, addresses) remembered at most: a flood of made-up names cannot grow memory. */
    public static final int MAX_TRACKED = 4096;

    private final LoginLimits limits;
    private final EventLog log;
    private final Map<String, Record> byInitiator = newTable();
    private final Map<String, Record> bySource = newTable();

    public LoginThrottle(final LoginLimits limits, final EventLog log)
    {
        this.limits = limits;
        this.log = log;
    }

    /**
     * Whether a login by {@code initiatorName} from {@code sourceIp} may authenticate now.
     *
     * @return {@link #ADMITTED}, {@link #LOCKED_INITIATOR} or {@link #LOCKED_SOURCE}.
     */
    public synchronized int admit(final String initiatorName, final String sourceIp, final long nowNanos)
    {
        if (locked(bySource, sourceIp, "source address", nowNanos))
        {
            return LOCKED_SOURCE;
        }
        if (locked(byInitiator, initiatorName, "initiator", nowNanos))
        {
            return LOCKED_INITIATOR;
        }
        return ADMITTED;
    }

    /**
     * A login failed authentication ({@code countInitiator}: a wrong CHAP name or response) or authorization (a name
     * the TPG does not admit: counted for the address only).
     *
     * @return {@link #LOCKED_INITIATOR} or {@link #LOCKED_SOURCE} when this failure began a lockout, else
     *         {@link #ADMITTED}.
     */
    public synchronized int onFailure(
        final String initiatorName, final String sourceIp, final boolean countInitiator, final long nowNanos)
    {
        int result = ADMITTED;
        if (countInitiator && initiatorName != null &&
            fail(byInitiator, initiatorName, limits.maxFailuresPerInitiator(), "initiator", sourceIp, nowNanos))
        {
            result = LOCKED_INITIATOR;
        }
        if (sourceIp != null && fail(bySource, sourceIp, limits.maxFailuresPerSource(), "source address", sourceIp, nowNanos))
        {
            result = LOCKED_SOURCE;
        }
        return result;
    }

    /** A login authenticated: the name's failures are forgotten (its address's are not: another name may guess). */
    public synchronized void onSuccess(final String initiatorName)
    {
        final Record r = byInitiator.get(initiatorName);
        if (r != null && r.lockedUntilNanos == 0)
        {
            byInitiator.remove(initiatorName);
        }
    }

    /** Names and addresses remembered now (for tests of the bound). */
    public synchronized int tracked()
    {
        return byInitiator.size() + bySource.size();
    }

    private boolean locked(final Map<String, Record> table, final String key, final String what, final long nowNanos)
    {
        if (key == null)
        {
            return false;
        }
        final Record r = table.get(key);
        if (r == null || r.lockedUntilNanos == 0)
        {
            return false;
        }
        if (nowNanos - r.lockedUntilNanos >= 0)
        {
            table.remove(key);
            log.info("login", what + " " + key + ": lockout over; " + r.refused + " login(s) refused during it");
            return false;
        }
        r.refused++;
        return true;
    }

    private boolean fail(
        final Map<String, Record> table, final String key, final int limit, final String what, final String sourceIp,
        final long nowNanos)
    {
        if (limit <= 0)
        {
            return false;
        }
        Record r = table.get(key);
        if (r == null || nowNanos - r.windowStartNanos > limits.failureWindowMillis() * 1_000_000L)
        {
            if (r != null && r.lockedUntilNanos != 0)
            {
                return false;   // already locked out; admit() refuses it until the lockout is over
            }
            r = new Record(nowNanos);
            table.put(key, r);
        }
        if (r.lockedUntilNanos != 0)
        {
            return false;
        }
        r.failures++;
        if (r.failures < limit)
        {
            return false;
        }
        r.lockedUntilNanos = nowNanos + Math.max(1, limits.lockoutMillis() * 1_000_000L);
        log.warn("login", what + " " + key + " locked out for " + limits.lockoutMillis() / 1000.0 + " s after " +
            r.failures + " failed logins within " + limits.failureWindowMillis() / 1000.0 + " s (last from " +
            sourceIp + ")");
        return true;
    }

    private static Map<String, Record> newTable()
    {
        return new LinkedHashMap<>(64, 0.75f, true)
        {
            @Override
            protected boolean removeEldestEntry(final Map.Entry<String, Record> eldest)
            {
                return size() > MAX_TRACKED;
            }
        };
    }

    /** Failures of one name or address in the current window, and its lockout (0: none). */
    private static final class Record
    {
        final long windowStartNanos;
        int failures;
        long lockedUntilNanos;
        long refused;

        Record(final long windowStartNanos)
        {
            this.windowStartNanos = windowStartNanos;
        }
    }
}
