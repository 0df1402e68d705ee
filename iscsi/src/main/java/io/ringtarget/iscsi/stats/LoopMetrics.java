package io.ringtarget.iscsi.stats;

import io.ringtarget.ffi.Libc;
import io.ringtarget.ffi.LibcConstants;
import io.ringtarget.ffi.TcpInfo;
import io.ringtarget.iscsi.node.LunView;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.ring.EventLoop;
import io.ringtarget.ring.LoopWorker;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
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
 * <p>
 * A live configuration change gives the loop the next {@link MetricsModel} ({@link #model(MetricsModel)}, on the loop
 * thread): its arrays grow for the new label sets, with every value kept under its index, and are published with a
 * volatile write, so a scrape reads either the old arrays or the new ones, each whole.
 */
public final class LoopMetrics
{
    /** How often the loop samples TCP_INFO of its connections (while someone reads it). */
    public static final long TCP_SAMPLE_PERIOD_NANOS = 1_000_000_000L;
    /**
     * How long after a read of the TCP figures ({@link #tcpHealthRead}, a scrape) the loop goes on sampling them:
     * longer than any usual scrape interval. Nobody scraping, nothing sampled: with 1,000 idle sessions the
     * getsockopt calls were a third of what the loops spent.
     */
    public static final long TCP_WANTED_NANOS = 120_000_000_000L;
    /** The RTT gauge packs the sum of the RTTs (µs) and the number of connections sampled into one long. */
    static final int RTT_COUNT_BITS = 20;
    private static final long RTT_COUNT_MASK = (1L << RTT_COUNT_BITS) - 1;
    private static final long RTT_SUM_MAX = (1L << (63 - RTT_COUNT_BITS)) - 1;
    private static final LunStats[] NO_LUNS = new LunStats[0];

    /**
     * The values of the per-portal and per-target label sets in one array, with where each section starts: read and
     * replaced together, so that a reader never combines one layout's offsets with another's array.
     */
    private static final class Values
    {
        final int portals;
        final int targets;
        final int connections;
        final int sessions;
        final int logins;
        final int disconnects;
        final int rejects;
        final int taskManagement;
        final int tcpRetransmits;
        final int tcpRtt;
        final SingleWriterLongs longs;

        Values(final int portals, final int targets)
        {
            this.portals = portals;
            this.targets = targets;
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
            longs = new SingleWriterLongs(n);
        }

        /** Writer thread: a layout for more label sets, holding every value of this one under the same index. */
        Values grown(final int newPortals, final int newTargets)
        {
            final Values g = new Values(newPortals, newTargets);
            for (int p = 0; p < portals; p++)
            {
                g.longs.set(g.connections + p, longs.get(connections + p));
                g.longs.set(g.tcpRetransmits + p, longs.get(tcpRetransmits + p));
                g.longs.set(g.tcpRtt + p, longs.get(tcpRtt + p));
            }
            for (int t = 0; t < targets; t++)
            {
                g.longs.set(g.sessions + t, longs.get(sessions + t));
            }
            for (int i = 0; i < (targets + 1) * LoginResult.COUNT; i++)
            {
                g.longs.set(g.logins + i, longs.get(logins + i));
            }
            for (int i = 0; i < (targets + 1) * DisconnectReason.count(); i++)
            {
                g.longs.set(g.disconnects + i, longs.get(disconnects + i));
            }
            for (int i = 0; i < ProtocolLabels.REJECT_REASONS; i++)
            {
                g.longs.set(g.rejects + i, longs.get(rejects + i));
            }
            for (int i = 0; i < ProtocolLabels.TMF_FUNCTIONS * ProtocolLabels.TMF_RESPONSES; i++)
            {
                g.longs.set(g.taskManagement + i, longs.get(taskManagement + i));
            }
            return g;
        }
    }

    private final EventLoop loop;
    private volatile MetricsModel model;
    private volatile LunStats[] luns;
    private volatile Values values;
    private final Map<LunView, LunStats[]> lunsByView = new IdentityHashMap<>();

    private final List<ConnectionMetrics> open = new ArrayList<>();
    private long[] rttSum;
    private long[] rttCount;
    private final MemorySegment tcpInfo;
    private final MemorySegment tcpInfoLength;
    private final MemorySegment errno;
    /** Until when (the loop's clock) the TCP figures are wanted; written by the reading thread. */
    private volatile long tcpWantedUntilNanos;

    /**
     * @param model the label sets.
     * @param loop  the loop that writes (its clock times commands); null for metrics nobody reads (unit tests).
     */
    public LoopMetrics(final MetricsModel model, final EventLoop loop)
    {
        this.model = model;
        this.loop = loop;
        this.luns = grow(NO_LUNS, model.lunCount());
        this.values = new Values(model.portalCount(), model.targetCount());
        rttSum = new long[model.portalCount()];
        rttCount = new long[model.portalCount()];
        final Arena arena = Arena.ofAuto();
        tcpInfo = arena.allocate(TcpInfo.LAYOUT);
        tcpInfoLength = arena.allocate(ValueLayout.JAVA_INT);
        errno = Libc.allocateErrnoState(arena);
        tcpWantedUntilNanos = null == loop ? 0 : loop.clock().nanoTime();
    }

    /**
     * Any thread (a scrape, before it reads {@link #tcpRetransmits} and {@link #tcpRtt}): the TCP figures are wanted,
     * so the loop samples them every {@link #TCP_SAMPLE_PERIOD_NANOS} for the next {@link #TCP_WANTED_NANOS}.
     * The first read after a pause sees the retransmits counted until the pause and at closes since, and no RTT;
     * the next one is current.
     */
    public void tcpHealthRead()
    {
        if (null != loop)
        {
            tcpWantedUntilNanos = loop.clock().nanoTime() + TCP_WANTED_NANOS;
        }
    }

    private LunStats[] grow(final LunStats[] from, final int length)
    {
        final LunStats[] grown = java.util.Arrays.copyOf(from, Math.max(from.length, length));
        for (int i = from.length; i < grown.length; i++)
        {
            grown[i] = new LunStats(loop);
        }
        return grown;
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

    /**
     * A live configuration change: the label sets of {@code next} ({@link MetricsModel#next} of this loop's model).
     * Loop thread; before its connections are rebound to the new TPGs ({@link #lunTable} builds their tables).
     */
    public void model(final MetricsModel next)
    {
        luns = grow(luns, next.lunCount());
        final Values v = values;
        if (next.portalCount() != v.portals || next.targetCount() != v.targets)
        {
            values = v.grown(next.portalCount(), next.targetCount());
            rttSum = java.util.Arrays.copyOf(rttSum, next.portalCount());
            rttCount = java.util.Arrays.copyOf(rttCount, next.portalCount());
        }
        lunsByView.clear();
        model = next;
    }

    /** A connection was accepted on {@code localIp:localPort}; {@code fd} is its socket (-1: none to sample). */
    public ConnectionMetrics connectionOpened(final int fd, final String localIp, final int localPort)
    {
        final ConnectionMetrics c = new ConnectionMetrics(this, fd, model.unboundPortal(localIp, localPort));
        if (c.portal >= 0)
        {
            final Values v = values;
            v.longs.increment(v.connections + c.portal);
        }
        open.add(c);
        return c;
    }

    /**
     * The LUN counters a session of {@code tpg} reaches through {@code view}, by the LUN numbers it sees (null where it
     * has no LUN): each its TPG LUN's counters, also when a node ACL shows that LUN under another number. At login and
     * when a change rebinds.
     */
    LunStats[] lunTable(final PortalGroup tpg, final LunView view)
    {
        LunStats[] table = lunsByView.get(view);
        if (table == null)
        {
            final int[] keys = model.lunKeys(tpg);
            final LunStats[] all = luns;
            final long[] numbers = view.lunNumbers();
            table = new LunStats[numbers.length == 0 ? 0 : (int)numbers[numbers.length - 1] + 1];
            for (final long n : numbers)
            {
                final int tpgLun = view.lun((int)n).tpgLun();
                final int key = keys == null || tpgLun >= keys.length ? -1 : keys[tpgLun];
                table[(int)n] = key < 0 ? null : all[key];
            }
            lunsByView.put(view, table);
        }
        return table;
    }

    /** A Reject PDU was sent with this reason code. */
    public void reject(final int reason)
    {
        final Values v = values;
        v.longs.increment(v.rejects + ProtocolLabels.rejectIndex(reason));
    }

    /** A task management function was answered. */
    public void taskManagement(final int function, final int response)
    {
        final Values v = values;
        v.longs.increment(v.taskManagement + ProtocolLabels.functionIndex(function) * ProtocolLabels.TMF_RESPONSES +
            ProtocolLabels.responseIndex(response));
    }

    void login(final int target, final int result)
    {
        final Values v = values;
        v.longs.increment(v.logins + (target + 1) * LoginResult.COUNT + result);
    }

    void movePortal(final int from, final int to)
    {
        final Values v = values;
        if (from >= 0)
        {
            v.longs.decrement(v.connections + from);
        }
        if (to >= 0)
        {
            v.longs.increment(v.connections + to);
        }
    }

    void sessionStarted(final int target)
    {
        final Values v = values;
        v.longs.increment(v.sessions + target);
    }

    void sessionEnded(final int target, final DisconnectReason reason)
    {
        final Values v = values;
        v.longs.decrement(v.sessions + target);
        v.longs.increment(v.disconnects + (target + 1) * DisconnectReason.count() + reason.ordinal());
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
        Arrays.fill(rttSum, 0);
        Arrays.fill(rttCount, 0);
        for (int i = 0; i < open.size(); i++)
        {
            sampleTcp(open.get(i), true);
        }
        publishRtt();
        return open.size();
    }

    /** No RTT sampled: the gauge has none until the next sample. */
    private void clearRtt()
    {
        Arrays.fill(rttSum, 0);
        Arrays.fill(rttCount, 0);
        publishRtt();
    }

    private void publishRtt()
    {
        final Values v = values;
        for (int p = 0; p < rttSum.length; p++)
        {
            v.longs.set(v.tcpRtt + p, Math.min(rttSum[p], RTT_SUM_MAX) << RTT_COUNT_BITS | Math.min(rttCount[p], RTT_COUNT_MASK));
        }
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
            final Values v = values;
            v.longs.add(v.tcpRetransmits + c.portal, total - c.lastTotalRetrans);
        }
        c.lastTotalRetrans = Math.max(total, c.lastTotalRetrans);
        if (rtt && c.portal >= 0)
        {
            rttSum[c.portal] += Integer.toUnsignedLong(TcpInfo.tcpi_rtt(tcpInfo));
            rttCount[c.portal]++;
        }
    }

    /**
     * The worker that samples TCP_INFO of the loop's connections every {@link #TCP_SAMPLE_PERIOD_NANOS} while they are
     * read ({@link #tcpHealthRead}), and asks the loop to wake for it ({@link EventLoop#wakeBy}) only while there is
     * something to sample: once more after the last connection closed (its RTT leaves the gauge), then not until a
     * connection opens. When nobody has read them for {@link #TCP_WANTED_NANOS} it stops and clears the RTTs (not to
     * show a stale one later); a connection's retransmits are still counted when it closes.
     */
    public LoopWorker tcpSampler()
    {
        return new LoopWorker()
        {
            private long next;
            private int sampled;

            @Override
            public int doWork(final long nowNanos)
            {
                if (open.isEmpty() && sampled == 0)
                {
                    return 0;
                }
                if (nowNanos - tcpWantedUntilNanos >= 0)
                {
                    if (sampled != 0)
                    {
                        clearRtt();
                        sampled = 0;
                    }
                    return 0;
                }
                if (nowNanos - next >= 0)
                {
                    next = nowNanos + TCP_SAMPLE_PERIOD_NANOS;
                    sampled = sampleTcp();
                }
                if (!open.isEmpty() || sampled != 0)
                {
                    loop.wakeBy(next);
                }
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
        final Values v = values;
        return v.longs.get(v.connections + portal);
    }

    public long sessions(final int target)
    {
        final Values v = values;
        return v.longs.get(v.sessions + target);
    }

    /** Logins of target {@code target} (-1: none of ours, or discovery) with {@code result}. */
    public long logins(final int target, final int result)
    {
        final Values v = values;
        return v.longs.get(v.logins + (target + 1) * LoginResult.COUNT + result);
    }

    public long disconnects(final int target, final DisconnectReason reason)
    {
        final Values v = values;
        return v.longs.get(v.disconnects + (target + 1) * DisconnectReason.count() + reason.ordinal());
    }

    public long rejects(final int index)
    {
        final Values v = values;
        return v.longs.get(v.rejects + index);
    }

    public long taskManagements(final int functionIndex, final int responseIndex)
    {
        final Values v = values;
        return v.longs.get(v.taskManagement + functionIndex * ProtocolLabels.TMF_RESPONSES + responseIndex);
    }

    public long tcpRetransmits(final int portal)
    {
        final Values v = values;
        return v.longs.get(v.tcpRetransmits + portal);
    }

    /** The smoothed RTTs of the portal's connections at the last sample, packed: read with {@link #rttSumMicros}
     * and {@link #rttSamples} (one load, so the two always belong to the same sample). */
    public long tcpRtt(final int portal)
    {
        final Values v = values;
        return v.longs.get(v.tcpRtt + portal);
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
