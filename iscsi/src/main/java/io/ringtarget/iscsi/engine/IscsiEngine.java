package io.ringtarget.iscsi.engine;

import io.ringtarget.iscsi.loop.LoopConnection;
import io.ringtarget.iscsi.connection.PortalListener;
import io.ringtarget.iscsi.connection.PortalSockets;
import io.ringtarget.iscsi.login.LoginLimits;
import io.ringtarget.iscsi.login.TargetLimits;
import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.iscsi.loop.ConnectionTimer;
import io.ringtarget.iscsi.loop.IscsiContext;
import io.ringtarget.iscsi.loop.LoopContext;
import io.ringtarget.iscsi.node.DiscoveryAuth;
import io.ringtarget.iscsi.node.Portal;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.iscsi.stats.EngineMetrics;
import io.ringtarget.iscsi.stats.IscsiCounter;
import io.ringtarget.iscsi.stats.LoopCounters;
import io.ringtarget.iscsi.stats.LoopMetrics;
import io.ringtarget.ring.Counters;
import io.ringtarget.ring.EventLoop;
import io.ringtarget.ring.EventLoopGroup;
import io.ringtarget.ring.LoopTask;
import io.ringtarget.ring.RingConfig;

import java.io.IOException;
import org.agrona.concurrent.status.CountersReader;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
    private final List<LoopContext> contexts = new ArrayList<>();
    private final List<PortalListener> listeners = new ArrayList<>();
    private final List<String> portals = new ArrayList<>();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private EngineMetrics metrics;
    private boolean closed;

    private IscsiEngine(final IscsiContext server, final EventLoopGroup group)
    {
        this.server = server;
        this.group = group;
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
                settings.nopInIntervalSeconds(), settings.nopInTimeoutSeconds());
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
            engine.startLoops(sockets);
        }
        catch (final IOException | RuntimeException | Error ex)
        {
            // The first failure is what the caller sees; whatever the clean-up meets is attached to it, not lost.
            engine.closeAfterFailedStart(sockets, ex);
            throw ex;
        }
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

    private void startLoops(final PortalSockets sockets) throws IOException
    {
        final List<Portal> unique = sockets.portals();
        final CountDownLatch armed = new CountDownLatch(group.size());
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < group.size(); i++)
        {
            final EventLoop loop = group.loop(i);
            final LoopContext context = new LoopContext(loop, server, 256, 16);
            contexts.add(context);
            final List<PortalListener> mine = new ArrayList<>();
            for (int p = 0; p < unique.size(); p++)
            {
                mine.add(new PortalListener(context, unique.get(p), sockets.take(p, i)));
            }
            listeners.addAll(mine);
            if (!loop.offer(new StartTask(context, mine, armed, failure)))
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
        metrics = new EngineMetrics(server.metricsModel(), loops, loopMetrics, loopCounters);
        server.log().info("engine", group.size() + " event loop(s), " + group.loop(0).ring().describe());
        for (final String p : portals)
        {
            server.log().info("portal", "listening on " + p);
        }
    }

    /** Start-up work a loop runs on its own thread: arm accepts, add the timer worker. */
    private static final class StartTask implements LoopTask
    {
        private final LoopContext context;
        private final List<PortalListener> listeners;
        private final CountDownLatch armed;
        private final AtomicReference<Throwable> failure;

        StartTask(final LoopContext context, final List<PortalListener> listeners, final CountDownLatch armed,
            final AtomicReference<Throwable> failure)
        {
            this.context = context;
            this.listeners = listeners;
            this.armed = armed;
            this.failure = failure;
        }

        @Override
        public void runOnLoop(final EventLoop loop)
        {
            try
            {
                context.registerBuffers();
                for (final PortalListener l : listeners)
                {
                    l.start();
                }
                loop.addWorker(context.readyWorker());
                loop.addWorker(new ConnectionTimer(context));
                loop.addWorker(context.metrics().tcpSampler());
            }
            catch (final Throwable t)
            {
                failure.compareAndSet(null, t);
            }
            finally
            {
                armed.countDown();
            }
        }
    }

    /** Drain on each loop: stop accepting, close every connection once its in-flight I/O completes. */
    private static final class DrainTask implements LoopTask
    {
        private final LoopContext context;
        private final List<PortalListener> listeners;
        private final CountDownLatch done;

        DrainTask(final LoopContext context, final List<PortalListener> listeners, final CountDownLatch done)
        {
            this.context = context;
            this.listeners = listeners;
            this.done = done;
        }

        @Override
        public void runOnLoop(final EventLoop loop)
        {
            for (final PortalListener l : listeners)
            {
                if (l.context() == context)
                {
                    l.close();
                }
            }
            for (final LoopConnection c : context.connections())
            {
                c.requestLogout();   // the loop's timer sends the Async Message, then closes
            }
            done.countDown();
        }
    }

    public List<String> portals()
    {
        return portals;
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
        server.startDraining();
        final CountDownLatch drained = new CountDownLatch(contexts.size());
        for (final LoopContext context : contexts)
        {
            if (!context.loop().offer(new DrainTask(context, listeners, drained)))
            {
                drained.countDown();
            }
        }
        try
        {
            drained.await(2, TimeUnit.SECONDS);
            final long deadline = System.nanoTime() + DRAIN_TIMEOUT_NANOS;
            while (System.nanoTime() < deadline && connectionCount() > 0)
            {
                Thread.sleep(10);
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
