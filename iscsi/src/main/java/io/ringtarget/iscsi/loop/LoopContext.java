package io.ringtarget.iscsi.loop;

import io.ringtarget.backstore.Backstore;
import io.ringtarget.iscsi.command.AbortsElsewhere;
import io.ringtarget.iscsi.command.BackstoreDevices;
import io.ringtarget.iscsi.command.DataBuffers;
import io.ringtarget.iscsi.stats.LoopCounters;
import io.ringtarget.iscsi.stats.LoopMetrics;
import io.ringtarget.ring.EventLoop;
import io.ringtarget.ring.LoopWorker;
import io.ringtarget.scsi.BlockDevice;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What one event loop owns besides its ring: the data buffers its commands borrow, its own handle of every
 * backstore (opened on first use, on this loop's ring), its connections, the connections with deferred work, and
 * its protocol counters and metrics. Touched only by the loop thread, except {@link #connectionCount()}, which the
 * loop publishes in the engine's {@link ConnectionBalance} under its {@link #index()}.
 */
public final class LoopContext implements BackstoreDevices, AutoCloseable
{
    /** How often a retired backstore handle still busy is tried again when no completion wakes the loop. */
    static final long RETIREMENT_RETRY_NANOS = 10_000_000L;

    private final EventLoop loop;
    private final int index;
    private final ConnectionBalance balance;
    private final AbortAcknowledgements aborts;
    private final IscsiContext server;
    private final DataBuffers buffers;
    /** The spill region this loop was given, in bytes: a smaller {@link DataBuffers#spillSize()} was refused. */
    private final long spillAsked;
    private final LoopCounters counters;
    private final LoopMetrics metrics;
    private final Map<Backstore, BlockDevice> devices = new IdentityHashMap<>();
    private final List<LoopConnection> connections = new ArrayList<>();
    private LoopConnection[] ready = new LoopConnection[16];
    private int readyCount;
    private LoopConnection[] running = new LoopConnection[16];
    /** Connections whose next receive waits ({@link #readyAt}), and when each is due, in the same order. */
    private LoopConnection[] waiting = new LoopConnection[16];
    private long[] waitingDue = new long[16];
    private int waitingCount;
    private final ReceivingConnections receiving = new ReceivingConnections();
    /**
     * When each connection's timer duty is next due, in the order of {@link #connections}: contiguous, so the timer's
     * tick reads one array rather than every connection object.
     */
    private long[] timerDue = new long[16];
    /**
     * No later than the earliest of {@link #timerDue}: lowered by each new due time, set anew by the timer when it has
     * looked at every connection (a due time moved later, as a PDU received moves a ping, is found at its visit).
     */
    private long earliestTimerDue;
    /** Set by any thread that asked a connection of this loop for something its timer must act on. */
    private final AtomicBoolean timerSweep = new AtomicBoolean();

    /**
     * @param index   this loop's place in the engine's group (and in {@code balance}).
     * @param balance where every loop of the engine publishes its connection count.
     * @param aborts  where every loop of the engine says how far it has carried out other nexuses' abort requests.
     */
    public LoopContext(
        final EventLoop loop, final int index, final ConnectionBalance balance, final AbortAcknowledgements aborts,
        final IscsiContext server,
        final int smallBuffers, final int regionSize)
    {
        this(loop, index, balance, aborts, server, smallBuffers, regionSize,
            (long)regionSize * DataBuffers.DEFAULT_SPILL_FACTOR);
    }

    /** With a spill region of {@code spillSize} bytes (0: none; {@link DataBuffers}). */
    public LoopContext(
        final EventLoop loop, final int index, final ConnectionBalance balance, final AbortAcknowledgements aborts,
        final IscsiContext server,
        final int smallBuffers, final int regionSize, final long spillSize)
    {
        if (index < 0 || index >= balance.loops())
        {
            throw new IllegalArgumentException("loop " + index + " of " + balance.loops());
        }
        this.loop = loop;
        this.index = index;
        this.balance = balance;
        this.aborts = aborts;
        this.server = server;
        this.spillAsked = spillSize;
        this.buffers = new DataBuffers(smallBuffers, regionSize, spillSize);
        this.counters = new LoopCounters(server.counters(), loop.roleName());
        this.metrics = new LoopMetrics(server.metricsModel(), loop);
        balance.register(this);
    }

    public EventLoop loop()
    {
        return loop;
    }

    /** This loop's place in the engine's group. */
    public int index()
    {
        return index;
    }

    /** Where the engine's loops publish their connection counts and hand each other new connections' descriptors. */
    public ConnectionBalance balance()
    {
        return balance;
    }

    /** Every loop's progress with abort requests: what a reset's response waits for ({@link AbortsElsewhere}). */
    public AbortAcknowledgements abortAcknowledgements()
    {
        return aborts;
    }

    public IscsiContext server()
    {
        return server;
    }

    public DataBuffers buffers()
    {
        return buffers;
    }

    public LoopCounters counters()
    {
        return counters;
    }

    /** This loop's labelled metrics (per LUN, portal, target), read by the scrape. */
    public LoopMetrics metrics()
    {
        return metrics;
    }

    /** This loop's handle of a backstore, opened on the loop's ring the first time it is needed. */
    @Override
    public BlockDevice device(final Backstore backstore)
    {
        BlockDevice device = devices.get(backstore);
        if (device == null)
        {
            device = backstore.open(loop);
            devices.put(backstore, device);
        }
        return device;
    }

    /**
     * On the loop: no LUN maps these backstores any more (a live configuration change, after every connection of this
     * loop was rebound). This loop's handles of them are released as soon as their requests in flight have completed;
     * then {@code released} counts down once for this loop.
     */
    public void retire(final List<Backstore> backstores, final CountDownLatch released)
    {
        final List<Backstore> owners = new ArrayList<>();
        final List<BlockDevice> handles = new ArrayList<>();
        for (final Backstore backstore : backstores)
        {
            final BlockDevice handle = devices.remove(backstore);
            if (null != handle && !backstore.release(handle))
            {
                owners.add(backstore);
                handles.add(handle);
            }
        }
        if (handles.isEmpty())
        {
            released.countDown();
            return;
        }
        loop.addWorker(new Retirement(loop, owners, handles, released));
    }

    /**
     * Handles still busy when they were retired: tried again each duty cycle until all are released, and at least
     * every {@link #RETIREMENT_RETRY_NANOS} while the loop would otherwise sleep.
     */
    private static final class Retirement implements LoopWorker
    {
        private final EventLoop loop;
        private final List<Backstore> owners;
        private final List<BlockDevice> handles;
        private final CountDownLatch released;

        Retirement(final EventLoop loop, final List<Backstore> owners, final List<BlockDevice> handles,
            final CountDownLatch released)
        {
            this.loop = loop;
            this.owners = owners;
            this.handles = handles;
            this.released = released;
        }

        @Override
        public int doWork(final long nowNanos)
        {
            for (int i = handles.size() - 1; i >= 0; i--)
            {
                if (owners.get(i).release(handles.get(i)))
                {
                    owners.remove(i);
                    handles.remove(i);
                }
            }
            if (handles.isEmpty())
            {
                loop.removeWorker(this);
                released.countDown();
            }
            else
            {
                loop.wakeBy(nowNanos + RETIREMENT_RETRY_NANOS);
            }
            return 0;
        }
    }

    /**
     * Registers the data buffers with this loop's ring (READ_FIXED/WRITE_FIXED). Call on the loop thread before any
     * I/O. Without the memlock to pin them (or on an old kernel) they stay unregistered: logged, and I/O works as
     * before. A loop without the spill region it was given (the kernel refused to map it) is logged too.
     */
    public boolean registerBuffers()
    {
        if (buffers.spillSize() == 0 && spillAsked != 0)
        {
            server.log().warn("engine", loop.roleName() + ": no spill region (the kernel refused to map it, e.g. " +
                "vm.overcommit_memory=2): commands beyond the registered buffers get dedicated ones");
        }
        final int r = buffers.registerWith(loop.ring());
        if (r < 0)
        {
            server.log().warn("engine", loop.roleName() + ": data buffers not registered with io_uring (errno " + -r +
                "; raise RLIMIT_MEMLOCK to pin them): backstore I/O uses unregistered buffers");
            return false;
        }
        server.log().info("engine", loop.roleName() + ": " + buffers.smallBuffers() + " x 64 KiB + " +
            (buffers.regionSize() >> 20) + " MiB (transfers up to 16 MiB) of data buffers registered with io_uring" +
            " (READ_FIXED/WRITE_FIXED), " + (buffers.spillSize() == 0 ? "no spill region (commands that find them " +
            "all in use get dedicated buffers)" : (buffers.spillSize() >> 20) +
            " MiB to spill into when they are all in use (not registered, taken from memory as first used)"));
        return true;
    }

    public List<LoopConnection> connections()
    {
        return connections;
    }

    /** The connections of this loop that received lately (for holding responses, {@code ReceiveCoalescing}). */
    public ReceivingConnections receiving()
    {
        return receiving;
    }

    /** Connections open on this loop; readable from any thread (shutdown waits on it). */
    public int connectionCount()
    {
        return (int)balance.open(index);
    }

    /** A new connection; the timer visits it at its next tick, which it brings forward to now. */
    public void addConnection(final LoopConnection connection)
    {
        final int slot = connections.size();
        if (slot == timerDue.length)
        {
            timerDue = Arrays.copyOf(timerDue, slot * 2);
        }
        final long now = loop.nowNanos();
        timerDue[slot] = now;
        if (slot == 0 || now - earliestTimerDue < 0)
        {
            earliestTimerDue = now;
        }
        connections.add(connection);
        connection.timerSlot(slot);
        balance.open(index, connections.size());
    }

    public void removeConnection(final LoopConnection connection)
    {
        final int slot = connections.indexOf(connection);
        if (slot >= 0)
        {
            connections.remove(slot);
            connection.timerSlot(-1);
            System.arraycopy(timerDue, slot + 1, timerDue, slot, connections.size() - slot);
            for (int i = slot; i < connections.size(); i++)
            {
                connections.get(i).timerSlot(i);
            }
        }
        balance.open(index, connections.size());
    }

    /** When the timer duty of the connection in {@code slot} is next due (loop clock); the timer reads it each tick. */
    public long timerDue(final int slot)
    {
        return timerDue[slot];
    }

    /** The connection in {@code slot} has a timer duty at {@code nanos} (loop clock) and none before. */
    public void timerDue(final int slot, final long nanos)
    {
        timerDue[slot] = nanos;
        lowerEarliestTimerDue(nanos);
    }

    /** No later than the earliest due time of any connection (loop clock): the timer need not look before then. */
    long earliestTimerDue()
    {
        return earliestTimerDue;
    }

    /** The timer, before it looks at every connection: their due times, as it reads them, lower this again. */
    void resetEarliestTimerDue(final long nanos)
    {
        earliestTimerDue = nanos;
    }

    void lowerEarliestTimerDue(final long nanos)
    {
        if (nanos - earliestTimerDue < 0)
        {
            earliestTimerDue = nanos;
        }
    }

    /**
     * Any thread: the loop's timer visits every connection in its next duty cycle, due or not (a close or logout
     * requested from another thread, or another loop's acknowledgement of an abort request, which a connection's own
     * due time does not know of). Another thread wakes the loop (one eventfd write): the visit does not wait for the
     * loop's next tick, nor, when it is parked, for its next wake-up.
     */
    public void sweepTimers()
    {
        timerSweep.setRelease(true);
        if (!loop.onLoopThread())
        {
            loop.wakeup();   // after the flag: a loop that misses the wake-up in its park sees the flag in its cycle
        }
    }

    /** Loop thread: whether {@link #sweepTimers()} was asked for since the last call. */
    boolean takeTimerSweep()
    {
        return timerSweep.get() && timerSweep.getAndSet(false);
    }

    /** Runs the connection's {@link LoopConnection#onReady()} in the next duty cycle. */
    public void ready(final LoopConnection connection)
    {
        if (readyCount == ready.length)
        {
            final LoopConnection[] grown = new LoopConnection[ready.length * 2];
            System.arraycopy(ready, 0, grown, 0, readyCount);
            ready = grown;
        }
        ready[readyCount++] = connection;
        // Queued after the ready worker ran in this cycle (by a timer or a later worker): the next cycle must come
        // without waiting for I/O, so the loop does not park.
        loop.wakeBy(loop.nowNanos());
    }

    /**
     * Runs the connection's {@link LoopConnection#onReady()} in the first duty cycle from {@code dueNanos} (by the
     * loop's clock) on; the loop parks until then rather than polling when nothing else is to be done. For a receive
     * or responses that wait ({@code ReceiveCoalescing}). At most once per connection at a time.
     */
    public void readyAt(final LoopConnection connection, final long dueNanos)
    {
        if (waitingCount == waiting.length)
        {
            waiting = Arrays.copyOf(waiting, waitingCount * 2);
            waitingDue = Arrays.copyOf(waitingDue, waitingCount * 2);
        }
        waiting[waitingCount] = connection;
        waitingDue[waitingCount++] = dueNanos;
        loop.wakeBy(dueNanos);
        loop.holdPolling();
    }

    /** The worker that runs deferred work once per duty cycle (connections queued while it runs wait a cycle). */
    public LoopWorker readyWorker()
    {
        return new ReadyWorker(this);
    }

    private static final class ReadyWorker implements LoopWorker
    {
        private final LoopContext context;

        ReadyWorker(final LoopContext context)
        {
            this.context = context;
        }

        @Override
        public int doWork(final long nowNanos)
        {
            return context.runReady() + context.runWaiting(nowNanos);
        }
    }

    private int runReady()
    {
        final int count = readyCount;
        if (count == 0)
        {
            return 0;
        }
        if (running.length < ready.length)
        {
            running = new LoopConnection[ready.length];
        }
        final LoopConnection[] batch = ready;
        ready = running;
        running = batch;
        readyCount = 0;
        for (int i = 0; i < count; i++)
        {
            final LoopConnection c = batch[i];
            batch[i] = null;
            c.onReady();
        }
        return count;
    }

    private int runWaiting(final long nowNanos)
    {
        int ran = 0;
        int i = 0;
        while (i < waitingCount)
        {
            final long due = waitingDue[i];
            if (due - nowNanos > 0)
            {
                loop.wakeBy(due);
                loop.holdPolling();
                i++;
                continue;
            }
            final LoopConnection c = waiting[i];
            // The last entry takes this one's place: the order among waiting connections does not matter.
            final int last = --waitingCount;
            waiting[i] = waiting[last];
            waitingDue[i] = waitingDue[last];
            waiting[last] = null;
            c.onReady();
            ran++;
        }
        return ran;
    }

    @Override
    public void close()
    {
        buffers.close();
        counters.close();
    }
}
