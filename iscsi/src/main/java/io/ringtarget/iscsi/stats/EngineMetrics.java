package io.ringtarget.iscsi.stats;

import io.ringtarget.ring.EventLoop;
import io.ringtarget.ring.EventLoopCounters;
import io.ringtarget.ring.LoopCounter;

import java.util.List;
import java.util.function.IntToLongFunction;

/**
 * The read side of a running engine's metrics, for the scrape thread: every value summed over the loops (each loop
 * writes only its own; see {@link LoopMetrics}, {@link LoopCounters}), plus each loop's own ring-io counters. Reads
 * take no lock and never block a loop; a scrape sees each value whole, and values read a moment apart.
 */
public final class EngineMetrics
{
    private volatile MetricsModel model;
    private final List<EventLoop> loops;
    // Arrays, not lists: a scrape sums over them thousands of times, and a for-each over an array needs no iterator.
    private final LoopMetrics[] metrics;
    private final LoopCounters[] counters;
    private final IntToLongFunction loopConnections;
    private final IntToLongFunction loopHandedOver;

    /**
     * @param loopConnections connections open on a loop (by index), as the loop publishes it.
     * @param loopHandedOver  connections a loop accepted and handed to a loop with fewer, ever.
     */
    public EngineMetrics(
        final MetricsModel model, final List<EventLoop> loops, final List<LoopMetrics> metrics,
        final List<LoopCounters> counters, final IntToLongFunction loopConnections,
        final IntToLongFunction loopHandedOver)
    {
        this.model = model;
        this.loopConnections = loopConnections;
        this.loopHandedOver = loopHandedOver;
        this.loops = List.copyOf(loops);
        this.metrics = metrics.toArray(new LoopMetrics[0]);
        this.counters = counters.toArray(new LoopCounters[0]);
    }

    /** The label sets: read once per scrape, and use that one throughout (a live change replaces it). */
    public MetricsModel model()
    {
        return model;
    }

    /** A live change: every loop has grown its values for {@code next} already. */
    public void model(final MetricsModel next)
    {
        model = next;
    }

    // Per LUN (MetricsModel.lun(key)).

    public long lunReads(final int key)
    {
        long n = 0;
        for (final LoopMetrics m : metrics)
        {
            n += m.lun(key).reads();
        }
        return n;
    }

    public long lunWrites(final int key)
    {
        long n = 0;
        for (final LoopMetrics m : metrics)
        {
            n += m.lun(key).writes();
        }
        return n;
    }

    public long lunReadBytes(final int key)
    {
        long n = 0;
        for (final LoopMetrics m : metrics)
        {
            n += m.lun(key).readBytes();
        }
        return n;
    }

    public long lunWrittenBytes(final int key)
    {
        long n = 0;
        for (final LoopMetrics m : metrics)
        {
            n += m.lun(key).writtenBytes();
        }
        return n;
    }

    public long lunInFlight(final int key)
    {
        long n = 0;
        for (final LoopMetrics m : metrics)
        {
            n += m.lun(key).inFlight();
        }
        return n;
    }

    public long lunErrors(final int key, final int op, final int senseKey)
    {
        long n = 0;
        for (final LoopMetrics m : metrics)
        {
            n += m.lun(key).errors(op, senseKey);
        }
        return n;
    }

    /**
     * The latency histogram of one LUN and {@link IoOp}: counts per {@link LatencyBuckets bucket} (not cumulative),
     * into {@code into} (length {@link LatencyBuckets#COUNT}).
     */
    public void lunBuckets(final int key, final int op, final long[] into)
    {
        java.util.Arrays.fill(into, 0);
        for (final LoopMetrics m : metrics)
        {
            final LunStats s = m.lun(key);
            for (int b = 0; b < LatencyBuckets.COUNT; b++)
            {
                into[b] += s.bucket(op, b);
            }
        }
    }

    public long lunSumNanos(final int key, final int op)
    {
        long n = 0;
        for (final LoopMetrics m : metrics)
        {
            n += m.lun(key).sumNanos(op);
        }
        return n;
    }

    // Sessions, connections and protocol.

    /** Connections open under a portal key (MetricsModel.portal(index)). */
    public long connections(final int portal)
    {
        long n = 0;
        for (final LoopMetrics m : metrics)
        {
            n += m.connections(portal);
        }
        return n;
    }

    public long sessions(final int target)
    {
        long n = 0;
        for (final LoopMetrics m : metrics)
        {
            n += m.sessions(target);
        }
        return n;
    }

    /** @param target a target index, or -1 for logins naming none of ours (and discovery logins). */
    public long logins(final int target, final int result)
    {
        long n = 0;
        for (final LoopMetrics m : metrics)
        {
            n += m.logins(target, result);
        }
        return n;
    }

    public long disconnects(final int target, final DisconnectReason reason)
    {
        long n = 0;
        for (final LoopMetrics m : metrics)
        {
            n += m.disconnects(target, reason);
        }
        return n;
    }

    /** Rejects sent with the reason of {@link ProtocolLabels#rejectLabel(int) index}. */
    public long rejects(final int index)
    {
        long n = 0;
        for (final LoopMetrics m : metrics)
        {
            n += m.rejects(index);
        }
        return n;
    }

    public long taskManagement(final int functionIndex, final int responseIndex)
    {
        long n = 0;
        for (final LoopMetrics m : metrics)
        {
            n += m.taskManagements(functionIndex, responseIndex);
        }
        return n;
    }

    /** Before reading {@link #tcpRetransmits} and {@link #tcpRttSeconds}: the loops keep sampling them. */
    public void tcpHealthRead()
    {
        for (final LoopMetrics m : metrics)
        {
            m.tcpHealthRead();
        }
    }

    public long tcpRetransmits(final int portal)
    {
        long n = 0;
        for (final LoopMetrics m : metrics)
        {
            n += m.tcpRetransmits(portal);
        }
        return n;
    }

    /** The mean smoothed RTT of a portal's connections at the loops' last samples, in seconds; NaN with none. */
    public double tcpRttSeconds(final int portal)
    {
        long sum = 0;
        long samples = 0;
        for (final LoopMetrics m : metrics)
        {
            final long packed = m.tcpRtt(portal);
            sum += LoopMetrics.rttSumMicros(packed);
            samples += LoopMetrics.rttSamples(packed);
        }
        return samples == 0 ? Double.NaN : sum / 1e6 / samples;
    }

    /** A protocol counter summed over the loops. */
    public long protocol(final IscsiCounter counter)
    {
        long n = 0;
        for (final LoopCounters c : counters)
        {
            n += c.get(counter);
        }
        return n;
    }

    // The loops themselves.

    public int loopCount()
    {
        return loops.size();
    }

    public String loopName(final int i)
    {
        return loops.get(i).roleName();
    }

    public long loopBusyNanos(final int i)
    {
        return loops.get(i).counters().busyNanos();
    }

    public long loopIdleNanos(final int i)
    {
        return loops.get(i).counters().idleNanos();
    }

    /** Connections open on the loop now, closing ones included. */
    public long loopConnections(final int i)
    {
        return loopConnections.applyAsLong(i);
    }

    /** Connections the loop accepted and handed to a loop that had fewer, ever. */
    public long loopHandedOver(final int i)
    {
        return loopHandedOver.applyAsLong(i);
    }

    /** One of the loop's ring-io counters ({@link LoopCounter}), read through its registry. */
    public long loopCounter(final int i, final LoopCounter counter)
    {
        final EventLoopCounters counters = loops.get(i).counters();
        return counters.registry().reader().getCounterValue(counters.id(counter));
    }
}
