package io.ringtarget.iscsi.login;

import java.util.HashMap;
import java.util.Map;

/**
 * Counts open connections, in total and per source address, so that a flood of idle connections from one address
 * cannot take every descriptor ({@link LoginLimits#maxConnectionsPerSource()},
 * {@link LoginLimits#maxConnections()}). Shared by every loop's listeners; taken once per
 * accepted connection and released once when it closes, behind one monitor (not on the I/O path). Entries exist
 * only for addresses with open connections, so memory is bounded by the connection limit.
 */
public final class ConnectionAdmission
{
    /** Admitted: {@link #release} it when the connection closes. */
    public static final int ADMITTED = 0;
    /** Refused: its source address has {@code maxPerSource} connections open. */
    public static final int SOURCE_LIMIT = 1;
    /** Refused: {@code maxTotal} connections are open. */
    public static final int TOTAL_LIMIT = 2;

    private final int maxPerSource;
    private final int maxTotal;
    private final Map<String, int[]> bySource = new HashMap<>();
    private int total;

    /** @param maxPerSource 0: no limit. @param maxTotal 0: no limit. */
    public ConnectionAdmission(final int maxPerSource, final int maxTotal)
    {
        this.maxPerSource = maxPerSource;
        this.maxTotal = maxTotal;
    }

    /** @return {@link #ADMITTED}, {@link #SOURCE_LIMIT} or {@link #TOTAL_LIMIT}. */
    public synchronized int admit(final String sourceIp)
    {
        if (maxTotal > 0 && total >= maxTotal)
        {
            return TOTAL_LIMIT;
        }
        final int[] count = bySource.computeIfAbsent(sourceIp, k -> new int[1]);
        if (maxPerSource > 0 && count[0] >= maxPerSource)
        {
            return SOURCE_LIMIT;
        }
        count[0]++;
        total++;
        return ADMITTED;
    }

    /** An admitted connection closed. */
    public synchronized void release(final String sourceIp)
    {
        final int[] count = bySource.get(sourceIp);
        if (count == null)
        {
            return;
        }
        total--;
        if (--count[0] == 0)
        {
            bySource.remove(sourceIp);
        }
    }

    /** Connections open now. */
    public synchronized int open()
    {
        return total;
    }

    public int maxPerSource()
    {
        return maxPerSource;
    }

    public int maxTotal()
    {
        return maxTotal;
    }
}
