package io.ringtarget.iscsi.stats;

import io.ringtarget.ffi.Libc;
import io.ringtarget.ffi.LibcConstants;
import io.ringtarget.ffi.TcpInfo;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.ring.EventLoop;
import io.ringtarget.ring.LoopWorker;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics one event loop keeps beside its {@link LoopCounters}: per LUN ({@link LunStats}), and per label set of
 * {@link MetricsModel} connections and sessions (gauges), logins by result, session disconnects by
 * {@link DisconnectReason}, Rejects by reason, task management by function and response, and the TCP health of its
 * connections (retransmitted segments, smoothed RTT) read with {@code getsockopt(TCP_INFO)} by {@link #tcpSampler()}
 * once a second on the loop's own thread, so that no other thread ever touches a descriptor the loop may have closed
 * and the kernel reused. The loop thread is the only writer ({@link SingleWriterLongs}); the scrape reads every
 * loop's values and adds them up ({@link EngineMetrics}).
 */
public final class LoopMetrics
{
    /** How often the loop samples TCP_INFO of its connections. */
    public static final long TCP_SAMPLE_PERIOD_NANOS = 1_000_000_000L;
    /** The RTT gauge packs the sum of the RTTs (µs) and the number of connections sampled into one long. */
    static final int RTT_COUNT_BITS = 20;
    private static final long RTT_COUNT_MASK = (1L << RTT_COUNT_BITS) - 1;
    private static final long RTT_SUM_MAX = (1L << (63 - RTT_COUNT_BITS)) - 1;

    private final MetricsModel model;
    private final EventLoop loop;
    private final LunStats[] luns;
    private final Map<PortalGroup, LunStats[]> lunsByTpg = new IdentityHashMap<>();
    private final SingleWriterLongs values;
    private final int connections;
    private final int sessions;
    private final int logins;
    private final int disconnects;
    private final int rejects;
    private final int taskManagement;
    private final int tcpRetransmits;
    private final int tcpRtt;

    private final List<ConnectionMetrics> open = new ArrayList<>();
    private final long[] rttSum;
    private final long[] rttCount;
    private final MemorySegment tcpInfo;
    private final MemorySegment tcpInfoLength;
    private final MemorySegment errno;

    /**
     * @param model the label sets.
     * @param loop  the loop that writes (its clock times commands); null for metrics nobody reads (unit tests).
     */
    public LoopMetrics(final MetricsModel model, final EventLoop loop)
    {
        this.model = model;
        this.loop = loop;
        this.luns = new LunStats[model.lunCount()];
        for (int i = 0; i < luns.length; i++)
        {
            luns[i] = new LunStats(loop);
        }
        final int portals = model.portalCount();
        final int targets = model.targetCount();
        int n = 0;
        connections = n;
        n += portals;
        sessions = n;
        n += targets;
        logins = n;
        n += (targets + 1) * LoginResult.COUNT;
        disconnects = n;
        n += (targets + 1) * DisconnectReason.count();
        rejects = n;
        n += ProtocolLabels.REJECT_REASONS;
        taskManagement = n;
        n += ProtocolLabels.TMF_FUNCTIONS * ProtocolLabels.TMF_RESPONSES;
        tcpRetransmits = n;
        n += portals;
        tcpRtt = n;
        n += portals;
        values = new SingleWriterLongs(n);
        rttSum = new long[portals];
        rttCount = new long[portals];
        final Arena arena = Arena.ofAuto();
        tcpInfo = arena.allocate(TcpInfo.LAYOUT);
        tcpInfoLength = arena.allocate(ValueLayout.JAVA_INT);
        errno = Libc.allocateErrnoState(arena);
    }

    /** Metrics of a loop with no targets that nobody reads: for code under test without an engine. */
    public static LoopMetrics detached()
    {
        return new LoopMetrics(new MetricsModel(new TargetRegistry()), null);
    }

    public MetricsModel model()
    {
        return model;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Writer side: the loop thread.

    /** A connection was accepted on {@code localIp:localPort}; {@code fd} is its socket (-1: none to sample). */
    public ConnectionMetrics connectionOpened(final int fd, final String localIp, final int localPort)
    {
        final ConnectionMetrics c = new ConnectionMetrics(this, fd, model.unboundPortal(localIp, localPort));
        if (c.portal >= 0)
        {
            values.increment(connections + c.portal);
        }
        open.add(c);
        return c;
    }

    /** The LUN counters of a TPG by LUN number (null where it has no LUN); at login. */
    LunStats[] lunTable(final PortalGroup tpg)
    {
        LunStats[] table = lunsByTpg.get(tpg);
        if (table == null)
        {
            final int[] keys = model.lunKeys(tpg);
            table = new LunStats[keys == null ? 0 : keys.length];
            for (int i = 0; i < table.length; i++)
            {
                table[i] = keys[i] < 0 ? null : luns[keys[i]];
            }
            lunsByTpg.put(tpg, table);
        }
        return table;
    }

    /** A Reject PDU was sent with this reason code. */
    public void reject(final int reason)
    {
        values.increment(rejects + ProtocolLabels.rejectIndex(reason));
    }

    /** A task management function was answered. */
    public void taskManagement(final int function, final int response)
    {
        values.increment(taskManagement + ProtocolLabels.functionIndex(function) * ProtocolLabels.TMF_RESPONSES +
            ProtocolLabels.responseIndex(response));
    }

    void login(final int target, final int result)
    {
        values.increment(logins + (target + 1) * LoginResult.COUNT + result);
    }

    void movePortal(final int from, final int to)
    {
        if (from >= 0)
        {
            values.decrement(connections + from);
        }
        if (to >= 0)
        {
            values.increment(connections + to);
        }
    }

    void sessionStarted(final int target)
    {
        values.increment(sessions + target);
    }

    void sessionEnded(final int target, final DisconnectReason reason)
    {
        values.decrement(sessions + target);
        values.increment(disconnects + (target + 1) * DisconnectReason.count() + reason.ordinal());
    }

    void connectionClosed(final ConnectionMetrics c)
    {
        sampleTcp(c, false);
        movePortal(c.portal, -1);
        open.remove(c);
    }

    /** Samples TCP_INFO of every open connection: what {@link #tcpSampler()} runs once a second. */
    int sampleTcp()
    {
        java.util.Arrays.fill(rttSum, 0);
        java.util.Arrays.fill(rttCount, 0);
        for (int i = 0; i < open.size(); i++)
        {
            sampleTcp(open.get(i), true);
        }
        for (int p = 0; p < rttSum.length; p++)
        {
            values.set(tcpRtt + p, Math.min(rttSum[p], RTT_SUM_MAX) << RTT_COUNT_BITS | Math.min(rttCount[p], RTT_COUNT_MASK));
        }
        return open.size();
    }

    private void sampleTcp(final ConnectionMetrics c, final boolean rtt)
    {
        if (c.fd < 0)
        {
            return;
        }
        tcpInfoLength.set(ValueLayout.JAVA_INT, 0, (int)TcpInfo.SIZEOF);
        if (Libc.getsockopt(errno, c.fd, LibcConstants.IPPROTO_TCP, LibcConstants.TCP_INFO, tcpInfo, tcpInfoLength) < 0)
        {
            return;
        }
        final long total = Integer.toUnsignedLong(TcpInfo.tcpi_total_retrans(tcpInfo));
        if (total > c.lastTotalRetrans && c.portal >= 0)
        {
            values.add(tcpRetransmits + c.portal, total - c.lastTotalRetrans);
        }
        c.lastTotalRetrans = Math.max(total, c.lastTotalRetrans);
        if (rtt && c.portal >= 0)
        {
            rttSum[c.portal] += Integer.toUnsignedLong(TcpInfo.tcpi_rtt(tcpInfo));
            rttCount[c.portal]++;
        }
    }

    /** The worker that samples TCP_INFO of the loop's connections every {@link #TCP_SAMPLE_PERIOD_NANOS}. */
    public LoopWorker tcpSampler()
    {
        return new LoopWorker()
        {
            private long next;

            @Override
            public int doWork(final long nowNanos)
            {
                if (nowNanos - next < 0)
                {
                    return 0;
                }
                next = nowNanos + TCP_SAMPLE_PERIOD_NANOS;
                sampleTcp();
                return 0;   // bookkeeping, not work: the idle strategy may still park
            }
        };
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reader side: any thread.

    public LunStats lun(final int key)
    {
        return luns[key];
    }

    public long connections(final int portal)
    {
        return values.get(connections + portal);
    }

    public long sessions(final int target)
    {
        return values.get(sessions + target);
    }

    /** Logins of target {@code target} (-1: none of ours, or discovery) with {@code result}. */
    public long logins(final int target, final int result)
    {
        return values.get(logins + (target + 1) * LoginResult.COUNT + result);
    }

    public long disconnects(final int target, final DisconnectReason reason)
    {
        return values.get(disconnects + (target + 1) * DisconnectReason.count() + reason.ordinal());
    }

    public long rejects(final int index)
    {
        return values.get(rejects + index);
    }

    public long taskManagements(final int functionIndex, final int responseIndex)
    {
        return values.get(taskManagement + functionIndex * ProtocolLabels.TMF_RESPONSES + responseIndex);
    }

    public long tcpRetransmits(final int portal)
    {
        return values.get(tcpRetransmits + portal);
    }

    /** The smoothed RTTs of the portal's connections at the last sample, packed: read with {@link #rttSumMicros}
     * and {@link #rttSamples} (one load, so the two always belong to the same sample). */
    public long tcpRtt(final int portal)
    {
        return values.get(tcpRtt + portal);
    }

    /** The sum of the RTTs (µs) in a {@link #tcpRtt} value. */
    public static long rttSumMicros(final long packed)
    {
        return packed >>> RTT_COUNT_BITS;
    }

    /** How many connections a {@link #tcpRtt} value covers. */
    public static long rttSamples(final long packed)
    {
        return packed & RTT_COUNT_MASK;
    }

    EventLoop loop()
    {
        return loop;
    }
}
