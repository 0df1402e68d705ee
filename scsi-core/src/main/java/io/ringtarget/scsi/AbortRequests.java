package io.ringtarget.scsi;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the logical unit asks the transport to abort for other I_T nexuses than the one whose command or task
 * management function asked for it (SAM-5 5.6): PREEMPT AND ABORT the tasks of the nexuses whose registrations it
 * removed (SPC-4 5.12.11.2.6); a LOGICAL UNIT RESET or TARGET RESET every nexus' tasks but the issuer's, which its
 * own transport aborts at once (SAM-5 7.7: all task sets, whatever TST says; a CLEAR TASK SET, with TST 001b, is the
 * issuer's task set only and never comes here). The
 * logical unit cannot reach into another loop's connections, so it records the (initiator port, relative target
 * port) pairs here under a generation, and each transport loop asks, on its connection timer,
 * {@link LogicalUnit#abortRequested(ItNexus)} for the nexuses it runs.
 * <p>
 * Written under the persistent reservations' monitor (rare); read without a lock: the entries are an immutable
 * snapshot behind a volatile reference, at most {@link #MAX} of the latest.
 */
final class AbortRequests
{
    static final int MAX = 64;

    /**
     * Abort requests on every logical unit of the process: a transport loop compares it
     * on each timer tick and asks its connections only when it moved, rather than every connection on every tick.
     * Process-wide rather than per engine: a second engine in the process (tests) only causes a needless check.
     */
    private static final AtomicLong ANY_LOGICAL_UNIT = new AtomicLong();

    static long anyLogicalUnit()
    {
        return ANY_LOGICAL_UNIT.get();
    }

    private static final class Snapshot
    {
        final String[] port;
        final boolean[] device;
        /** The entry names the one nexus it spares (a reset's issuer), not one it aborts. */
        final boolean[] allBut;
        final int[] rtpi;
        final long[] generation;

        Snapshot(final int n)
        {
            port = new String[n];
            device = new boolean[n];
            allBut = new boolean[n];
            rtpi = new int[n];
            generation = new long[n];
        }
    }

    private volatile Snapshot snapshot = new Snapshot(0);
    private volatile long generation;

    long generation()
    {
        return generation;
    }

    /** Records one PREEMPT AND ABORT's preempted I_T nexuses under a new generation. */
    synchronized void add(final String[] ports, final int[] rtpis, final int count)
    {
        if (count > 0)
        {
            append(ports, rtpis, count, false);
        }
    }

    /** Records an abort of every I_T nexus' tasks but those of {@code issuer} under a new generation. */
    synchronized void addAllBut(final ItNexus issuer)
    {
        append(new String[] {issuer.initiatorPortName()}, new int[] {issuer.relativeTargetPortId()}, 1, true);
    }

    private void append(final String[] ports, final int[] rtpis, final int count, final boolean allBut)
    {
        final long g = generation + 1;
        final Snapshot old = snapshot;
        final int keep = Math.min(old.port.length, MAX - Math.min(MAX, count));
        final int n = keep + Math.min(MAX, count);
        final Snapshot s = new Snapshot(n);
        final int from = old.port.length - keep;
        System.arraycopy(old.port, from, s.port, 0, keep);
        System.arraycopy(old.device, from, s.device, 0, keep);
        System.arraycopy(old.allBut, from, s.allBut, 0, keep);
        System.arraycopy(old.rtpi, from, s.rtpi, 0, keep);
        System.arraycopy(old.generation, from, s.generation, 0, keep);
        for (int i = keep, j = count - (n - keep); i < n; i++, j++)
        {
            s.port[i] = ports[j];
            s.device[i] = !allBut && TransportIds.isDevice(ports[j]);
            s.allBut[i] = allBut;
            s.rtpi[i] = rtpis[j];
            s.generation[i] = g;
        }
        snapshot = s;
        generation = g; // published after the entries: a reader that sees g sees them
        ANY_LOGICAL_UNIT.incrementAndGet();
    }

    /**
     * Was an abort of the nexus' tasks requested under a generation in (seen, upTo]? Allocation-free.
     */
    boolean requested(final ItNexus nexus, final long seen, final long upTo)
    {
        final Snapshot s = snapshot;
        for (int i = s.port.length - 1; i >= 0 && s.generation[i] > seen; i--)
        {
            if (s.generation[i] > upTo)
            {
                continue;
            }
            final boolean named = s.rtpi[i] == nexus.relativeTargetPortId() &&
                TransportIds.covers(s.port[i], s.device[i], nexus.initiatorPortName());
            if (named != s.allBut[i])
            {
                return true;
            }
        }
        return false;
    }
}
