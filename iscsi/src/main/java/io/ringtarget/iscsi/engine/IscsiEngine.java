package io.ringtarget.iscsi.engine;

import io.ringtarget.ffi.Errno;
import io.ringtarget.iscsi.loop.LoopConnection;
import io.ringtarget.iscsi.connection.PortalListener;
import io.ringtarget.iscsi.connection.PortalSockets;
import io.ringtarget.iscsi.login.LoginLimits;
import io.ringtarget.iscsi.login.TargetLimits;
import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.iscsi.loop.AbortAcknowledgements;
import io.ringtarget.iscsi.loop.ConnectionBalance;
import io.ringtarget.iscsi.loop.IscsiContext;
import io.ringtarget.iscsi.loop.LoopContext;
import io.ringtarget.iscsi.node.DiscoveryAuth;
import io.ringtarget.iscsi.node.Portal;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.iscsi.session.SessionSnapshot;
import io.ringtarget.iscsi.stats.EngineMetrics;
import io.ringtarget.iscsi.stats.IscsiCounter;
import io.ringtarget.iscsi.stats.LoopCounters;
import io.ringtarget.iscsi.stats.LoopMetrics;
import io.ringtarget.iscsi.stats.MetricsModel;
import io.ringtarget.ring.Counters;
import io.ringtarget.ring.EventLoop;
import io.ringtarget.ring.EventLoopGroup;
import io.ringtarget.ring.LoopTask;
import io.ringtarget.ring.RingConfig;
import io.ringtarget.ring.Sockets;
import io.ringtarget.scsi.TransportAborts;

import java.io.IOException;
import org.agrona.concurrent.status.CountersReader;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Collections;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Serves a {@link TargetRegistry}: starts one event loop per core with a listener per portal on each, and shuts
 * all of it down cleanly (initiators are asked to log out, in-flight I/O completes). The backstores beneath the
 * LUNs belong to the caller, who closes them after {@link #close()}.
 */
public final class IscsiEngine implements AutoCloseable
{
    /** Room in the counters registry per loop: ring-io's counters, the protocol's, and spare. */
    private static final int COUNTERS_PER_LOOP = 32 + IscsiCounter.values().length;
    /** Connections get 2 s to log out after the Async Message, then are closed; this bounds the whole drain. */
    private static final long DRAIN_TIMEOUT_NANOS = 6_000_000_000L;

    private final IscsiContext server;
    private final EventLoopGroup group;
    /** Where the loops publish their connection counts and hand each other new connections. */
    private final ConnectionBalance balance;
    /** Where the loops say how far they have carried out other nexuses' abort requests (a reset's fence). */
    private final AbortAcknowledgements aborts;
    private final List<LoopContext> contexts = new ArrayList<>();
    /** Per loop, its listeners (one per portal served): touched on that loop's thread only. */
    private final List<List<PortalListener>> loopListeners = new ArrayList<>();
    // Changed by live reconfiguration (under this engine's monitor) while loops and the drain read them.
    private final List<PortalListener> listeners = new CopyOnWriteArrayList<>();
    private final List<String> portals = new CopyOnWriteArrayList<>();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private EngineMetrics metrics;
    private boolean closed;

    private IscsiEngine(final IscsiContext server, final EventLoopGroup group)
    {
        this.server = server;
        this.group = group;
        this.balance = new ConnectionBalance(group.size());
        this.aborts = new AbortAcknowledgements(balance);
    }

    /**
     * The TCP congestion control every connection gets, tried on a socket of its own first so that a name this
     * host does not have stops the start with the reason rather than being refused per connection.
     */
    private static String congestionControl(final String name)
    {
        if (null == name)
        {
            return null;
        }
        final int r = Sockets.probeCongestionControl(name);
        if (r < 0)
        {
            throw new IllegalArgumentException("TCP congestion control \"" + name + "\" is not available here (" +
                Errno.describe(r) + "; see /proc/sys/net/ipv4/tcp_available_congestion_control)");
        }
        return name;
    }

    /**
     * Binds the portals of every TPG in {@code targets} ({@link PortalSockets}), starts the loops and returns once
     * every portal is listening.
     *
     * @throws IOException when a portal cannot be bound or a loop cannot start, with a message naming the portal
     *                     and the OS error; nothing is left running or open.
     */
    public static IscsiEngine start(
        final TargetRegistry targets, final DiscoveryAuth discoveryAuth, final TargetLimits limits,
        final EngineSettings settings, final EventLog log) throws IOException
    {
        final PortalSockets sockets = PortalSockets.open(portals(targets), settings.loopCount());
        return start(targets, discoveryAuth, limits, settings, sockets, log);
    }

    /**
     * Starts the loops on portals bound beforehand, and returns once they accept connections. The engine takes over
     * {@code sockets} (one per loop, {@link EngineSettings#loopCount()}): they are closed when it closes, and when it
     * fails to start.
     *
     * @throws IOException when a loop cannot start; nothing is left running or open.
     */
    public static IscsiEngine start(
        final TargetRegistry targets, final DiscoveryAuth discoveryAuth, final TargetLimits limits,
        final EngineSettings settings, final PortalSockets sockets, final EventLog log) throws IOException
    {
        return start(targets, discoveryAuth, limits, LoginLimits.defaults(), settings, sockets, log);
    }

    /**
     * As {@link #start(TargetRegistry, DiscoveryAuth, TargetLimits, EngineSettings, PortalSockets, EventLog)}, with
     * these login defences and limits.
     */
    public static IscsiEngine start(
        final TargetRegistry targets, final DiscoveryAuth discoveryAuth, final TargetLimits limits,
        final LoginLimits loginLimits, final EngineSettings settings, final PortalSockets sockets, final EventLog log)
        throws IOException
    {
        final int loops = settings.loopCount();
        final String congestionControl;
        try
        {
            congestionControl = congestionControl(settings.tcpCongestionControl());
        }
        catch (final RuntimeException ex)
        {
            sockets.close();
            throw new IOException(ex.getMessage(), ex);
        }
        final EventLoopGroup group;
        final IscsiContext server;
        try
        {
            if (sockets.loops() != loops)
            {
                throw new IllegalArgumentException("portal sockets for " + sockets.loops() + " loops, engine of " + loops);
            }
            // One registry for the loops' own counters and their iSCSI counters: what a metrics thread reads.
            final Counters counters = new Counters(loops * COUNTERS_PER_LOOP + 64);
            server = new IscsiContext(targets, discoveryAuth, limits, loginLimits, log, counters,
                settings.nopInIntervalSeconds(), settings.nopInTimeoutSeconds())
                .tcpCongestionControl(congestionControl).receiveCoalescingNanos(settings.receiveCoalescingNanos());
            group = new EventLoopGroup("ringtarget", loops, new RingConfig(), settings.idleStrategy(),
                settings.idleSpinNanos(), settings.pinCpus(), counters);
        }
        catch (final RuntimeException ex)
        {
            sockets.close();
            throw new IOException("cannot start the event loops: " + ex.getMessage(), ex);
        }
        final IscsiEngine engine = new IscsiEngine(server, group);
        try
        {
            engine.startLoops(sockets, settings);
        }
        catch (final IOException | RuntimeException | Error ex)
        {
            // The first failure is what the caller sees; whatever the clean-up meets is attached to it, not lost.
            engine.closeAfterFailedStart(sockets, ex);
            throw ex;
        }
        TransportAborts.carriedOutBy(engine.aborts);   // another gateway's PREEMPT AND ABORT waits for them too
        return engine;
    }

    /** The distinct portals of every TPG, in order: what {@link PortalSockets#open} binds for these targets. */
    public static List<Portal> portals(final TargetRegistry targets)
    {
        final Set<Portal> unique = new LinkedHashSet<>();
        for (final TargetNode t : targets.all())
        {
            for (final PortalGroup tpg : t.portalGroups())
            {
                unique.addAll(tpg.portals());
            }
        }
        return List.copyOf(unique);
    }

    public EventLog log()
    {
        return server.log();
    }

    /** Every loop's counters and metrics, summed for the scrape thread (lock-free reads). */
    public EngineMetrics metrics()
    {
        return metrics;
    }

    /** The counters of every loop, ring-io's and the protocol's, for reading (metrics, tests). */
    public CountersReader counters()
    {
        return server.counters().reader();
    }

    private void startLoops(final PortalSockets sockets, final EngineSettings settings) throws IOException
    {
        final List<Portal> unique = sockets.portals();
        final CountDownLatch armed = new CountDownLatch(group.size());
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        // Every context exists before any loop accepts: the first loop to accept may hand a connection to the last.
        for (int i = 0; i < group.size(); i++)
        {
            contexts.add(new LoopContext(group.loop(i), i, balance, aborts, server, settings.dataBuffers(),
                settings.largeTransferRegionBytes(), settings.spillRegionBytes()));
        }
        for (int i = 0; i < group.size(); i++)
        {
            final EventLoop loop = group.loop(i);
            final LoopContext context = contexts.get(i);
            final List<PortalListener> mine = new ArrayList<>();
            for (int p = 0; p < unique.size(); p++)
            {
                mine.add(new PortalListener(context, unique.get(p), sockets.take(p, i)));
            }
            listeners.addAll(mine);
            final List<PortalListener> ofLoop = new ArrayList<>();
            loopListeners.add(ofLoop);
            if (!loop.offer(new StartTask(context, mine, ofLoop, armed, failure)))
            {
                throw new IOException("event loop " + loop.roleName() + " refused its start-up task (queue full)");
            }
        }
        try
        {
            if (!armed.await(10, TimeUnit.SECONDS))
            {
                throw new IOException("event loops did not start within 10 s");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting", ex);
        }
        if (failure.get() != null)
        {
            throw new IOException("event loop start failed: " + failure.get(), failure.get());
        }
        for (final Portal p : unique)
        {
            portals.add(p.toString());
        }
        final List<EventLoop> loops = new ArrayList<>();
        final List<LoopMetrics> loopMetrics = new ArrayList<>();
        final List<LoopCounters> loopCounters = new ArrayList<>();
        for (final LoopContext context : contexts)
        {
            loops.add(context.loop());
            loopMetrics.add(context.metrics());
            loopCounters.add(context.counters());
        }
        metrics = new EngineMetrics(server.metricsModel(), loops, loopMetrics, loopCounters, balance::open,
            balance::handedOver);
        server.log().info("engine", group.size() + " event loop(s), " + group.loop(0).ring().describe());
        for (final String p : portals)
        {
            server.log().info("portal", "listening on " + p);
        }
    }

    /** The portals listening now, as ip:port (live changes add and remove some). */
    public List<String> portals()
    {
        return Collections.unmodifiableList(portals);
    }

    /**
     * Applies a live configuration change to the running loops without stopping them: the registry is published
     * (logins and SendTargets see it at once), then each loop, between two duty cycles, starts the listeners of the new
     * portals, closes those of removed portals, moves every session to its TPG in the new registry or ends it when
     * nothing admits it any more ({@link io.ringtarget.iscsi.loop.LoopConnection#onTargetsChanged}), gives every
     * connection the receive coalescing of the change, and retires its handles of backstores no LUN maps. Returns
     * once every loop has done so; in-flight commands of removed LUNs complete normally.
     *
     * @throws IOException when the engine is stopped, or a loop did not take the change within {@code timeoutMillis}.
     */
    public synchronized Reconfigured reconfigure(final EngineChange change, final long timeoutMillis) throws IOException
    {
        if (closed)
        {
            if (null != change.newPortals())
            {
                change.newPortals().close();
            }
            throw new IOException("the engine has stopped");
        }
        final MetricsModel model = server.metricsModel().next(change.registry());
        final TargetRegistry before = server.targets();
        server.served().publish(change.registry(), change.discoveryAuth());
        server.nopIn(change.nopInIntervalSeconds(), change.nopInTimeoutSeconds());
        server.receiveCoalescingNanos(change.receiveCoalescingNanos());   // before the loops read it for theirs
        final List<Portal> added = null == change.newPortals() ? List.of() : change.newPortals().portals();
        final CountDownLatch applied = new CountDownLatch(contexts.size());
        final CountDownLatch released = new CountDownLatch(contexts.size());
        final CountDownLatch unlistened = new CountDownLatch(contexts.size() * change.removedPortals().size());
        final AtomicInteger ended = new AtomicInteger();
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (int i = 0; i < contexts.size(); i++)
        {
            final LoopContext context = contexts.get(i);
            final List<PortalListener> mine = new ArrayList<>();
            for (int p = 0; p < added.size(); p++)
            {
                mine.add(new PortalListener(context, added.get(p), change.newPortals().take(p, i)));
            }
            listeners.addAll(mine);
            offer(context, new ReconfigureTask(context, loopListeners.get(i), change, model, mine, applied, released,
                unlistened, ended, failures), deadline);
        }
        try
        {
            if (!applied.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS))
            {
                throw new IOException("an event loop did not apply the change within " + timeoutMillis + " ms");
            }
            // A removed portal refuses connections only once its sockets are closed for good.
            if (!unlistened.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS))
            {
                server.log().warn("portal", "a removed portal's listening socket was not closed within " +
                    timeoutMillis + " ms");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the loops applied the change", ex);
        }
        server.metricsModel(model);
        metrics.model(model);
        // Only now: an initiator that asks REPORT LUNS or MODE SENSE because of a unit attention gets the new answer.
        ChangeUnitAttentions.report(before, change.registry());
        for (final Portal p : change.removedPortals())
        {
            listeners.removeIf(l -> l.portal().equals(p));
            portals.remove(p.toString());
        }
        for (final Portal p : added)
        {
            portals.add(p.toString());
            server.log().info("portal", "listening on " + p);
        }
        for (final Portal p : change.removedPortals())
        {
            server.log().info("portal", "no longer listening on " + p);
        }
        for (final Throwable failure : failures)
        {
            server.log().error("engine", "applying a configuration change on an event loop failed", failure);
        }
        return new Reconfigured(ended.get(), released);
    }

    /** Hands a task to a loop, waiting while its queue is full (a loop drains at most 64 tasks a cycle). */
    private static void offer(final LoopContext context, final LoopTask task, final long deadlineNanos)
        throws IOException
    {
        while (!context.loop().offer(task))
        {
            if (System.nanoTime() - deadlineNanos >= 0)
            {
                throw new IOException("event loop " + context.loop().roleName() + " refused a task (queue full)");
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Whether every loop runs: each is handed a task, which it runs between two duty cycles; all must have run it
     * within {@code timeoutMillis} (a loop stuck in a handler, or dead, does not). For a service manager's watchdog.
     */
    public boolean loopsAnswer(final long timeoutMillis)
    {
        if (closed)
        {
            return false;
        }
        final CountDownLatch answered = new CountDownLatch(contexts.size());
        for (final LoopContext context : contexts)
        {
            if (!context.loop().offer(loop -> answered.countDown()))
            {
                return false;
            }
        }
        try
        {
            return answered.await(timeoutMillis, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The logged-in sessions of every loop, each taken on its own loop between two duty cycles (what
     * {@code ringtarget sessions} shows), in no particular order.
     *
     * @throws IOException when a loop did not answer within {@code timeoutMillis}.
     */
    public List<SessionSnapshot> sessions(final long timeoutMillis) throws IOException
    {
        final ConcurrentLinkedQueue<SessionSnapshot> all = new ConcurrentLinkedQueue<>();
        final CountDownLatch answered = new CountDownLatch(contexts.size());
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (final LoopContext context : contexts)
        {
            offer(context, loop ->
            {
                for (final LoopConnection c : context.connections())
                {
                    final SessionSnapshot snapshot = c.snapshot();
                    if (null != snapshot)
                    {
                        all.add(snapshot);
                    }
                }
                answered.countDown();
            }, deadline);
        }
        try
        {
            if (!answered.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS))
            {
                throw new IOException("an event loop did not list its sessions within " + timeoutMillis + " ms");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while listing sessions", ex);
        }
        return List.copyOf(all);
    }

    public IscsiContext server()
    {
        return server;
    }

    public void awaitTermination() throws InterruptedException
    {
        terminated.await();
    }

    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        TransportAborts.noLongerCarriedOutBy(aborts);
        server.startDraining();
        final CountDownLatch drained = new CountDownLatch(contexts.size());
        int listening = 0;
        for (final List<PortalListener> ofLoop : loopListeners)
        {
            listening += ofLoop.size();
        }
        // A listening socket with an accept request in the ring stays bound until that request's cancellation
        // completes: the loops must see it before they stop, or the port stays taken a while after close returns
        // (the ring's teardown cancels it later, on a kernel worker), and a start right after finds it in use.
        final CountDownLatch unlistened = new CountDownLatch(listening);
        for (final LoopContext context : contexts)
        {
            final List<PortalListener> ofLoop = loopListeners.get(contexts.indexOf(context));
            if (!context.loop().offer(new DrainTask(context, ofLoop, drained, unlistened)))
            {
                drained.countDown();
                for (int i = 0; i < ofLoop.size(); i++)
                {
                    unlistened.countDown();   // closed by release() below, its loop never ran the drain
                }
            }
        }
        try
        {
            drained.await(2, TimeUnit.SECONDS);
            if (!unlistened.await(2, TimeUnit.SECONDS))
            {
                server.log().warn("engine", "a portal's listening socket was not closed within 2 s");
            }
            final long deadline = System.nanoTime() + DRAIN_TIMEOUT_NANOS;
            // A descriptor handed between loops before the drain is closed by the loop it went to: wait for it too,
            // or it would be left in a stopped loop's task queue, open.
            while (System.nanoTime() < deadline && (connectionCount() > 0 || balance.inFlight() > 0))
            {
                Thread.sleep(10);
            }
            if (balance.inFlight() > 0)
            {
                server.log().warn("engine", balance.inFlight() + " connection(s) handed between loops were not taken " +
                    "over before the loops stopped: their descriptors stay open until the process exits");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        release();
        server.log().info("engine", "stopped");
        terminated.countDown();
    }

    /**
     * After a failed start: stops what was started and closes every socket, attaching anything that goes wrong on
     * the way to {@code cause} (suppressed), so the failure the caller reports is the first one.
     */
    private synchronized void closeAfterFailedStart(final PortalSockets sockets, final Throwable cause)
    {
        closed = true;
        server.startDraining();
        try
        {
            release();
        }
        catch (final RuntimeException ex)
        {
            cause.addSuppressed(ex);
        }
        sockets.close();
        terminated.countDown();
    }

    /** Stops the loops, then closes what they owned: sockets they did not close themselves, buffers, counters. */
    private void release()
    {
        group.close();
        for (final PortalListener l : listeners)
        {
            l.closeFromAnyThread();   // the loops have stopped: a listener whose DrainTask never ran is closed here
        }
        for (final LoopContext context : contexts)
        {
            context.close();
        }
        server.counters().close();
    }

    /** Connections open on loop {@code loop} (its index in the group), closing ones included; any thread. */
    public int connectionCount(final int loop)
    {
        return contexts.get(loop).connectionCount();
    }

    /**
     * Hands {@code task} to loop {@code loop}'s thread, to run between two duty cycles (tests put real work on a
     * serving loop so); any thread.
     *
     * @return false when the loop's task queue is full.
     */
    public boolean offer(final int loop, final LoopTask task)
    {
        return contexts.get(loop).loop().offer(task);
    }

    /** Connections accepted by loop {@code loop} and handed to a loop with fewer, ever; any thread. */
    public long handedOver(final int loop)
    {
        return balance.handedOver(loop);
    }

    /** Connections open on all loops, closing ones included (they hold memory and a descriptor); any thread. */
    public int connectionCount()
    {
        int n = 0;
        for (final LoopContext context : contexts)
        {
            n += context.connectionCount();
        }
        return n;
    }
}
