package io.ringtarget.target.engine;

import io.ringtarget.backstore.Backstore;
import io.ringtarget.ring.EventLoop;
import io.ringtarget.ring.EventLoopGroup;
import io.ringtarget.ring.LoopTask;
import io.ringtarget.ring.LoopWorker;
import io.ringtarget.ring.RingConfig;
import io.ringtarget.scsi.LogicalUnit;
import io.ringtarget.scsi.LogicalUnitIdentity;
import io.ringtarget.target.config.AclConfig;
import io.ringtarget.target.config.BackstoreConfig;
import io.ringtarget.target.config.EngineConfig;
import io.ringtarget.target.config.LunConfig;
import io.ringtarget.target.config.PortalConfig;
import io.ringtarget.target.config.RingtargetConfig;
import io.ringtarget.target.config.TargetConfig;
import io.ringtarget.target.config.TpgConfig;
import io.ringtarget.target.login.TargetLimits;
import io.ringtarget.target.session.Connection;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Builds the run-time objects from a configuration (backstores, logical units, targets, TPGs), starts one event
 * loop per core with a listener per portal on each, and shuts all of it down cleanly.
 */
public final class Engine implements AutoCloseable
{
    private static final long TIMER_PERIOD_NANOS = 100_000_000L;
    /** Connections get 2 s to log out after the Async Message, then are closed; this bounds the whole drain. */
    private static final long DRAIN_TIMEOUT_NANOS = 6_000_000_000L;

    private final ServerContext server;
    private final Map<String, Backstore> backstores;
    private final EventLoopGroup group;
    private final List<LoopContext> contexts = new ArrayList<>();
    private final List<PortalListener> listeners = new ArrayList<>();
    private final List<String> portals = new ArrayList<>();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private boolean closed;

    private Engine(final ServerContext server, final Map<String, Backstore> backstores, final EventLoopGroup group)
    {
        this.server = server;
        this.backstores = backstores;
        this.group = group;
    }

    public static Engine start(final RingtargetConfig config, final PrintStream log) throws IOException
    {
        final Map<String, Backstore> backstores = new LinkedHashMap<>();
        try
        {
            for (final BackstoreConfig b : config.backstores())
            {
                backstores.put(b.name(), BackstoreFactory.open(b));
            }
            final TargetRegistry targets = buildTargets(config, backstores);
            final EngineConfig ec = config.engine() != null ? config.engine() :
                new EngineConfig(0, false, "ring", 5, 15);
            final ServerContext server = new ServerContext(targets, config.discoveryAuth(), TargetLimits.defaults(),
                log, ec.nopInIntervalSeconds(), ec.nopInTimeoutSeconds());
            final int loops = ec.loops() > 0 ? ec.loops() : Runtime.getRuntime().availableProcessors();
            final EventLoopGroup group = new EventLoopGroup("ringtarget", loops, new RingConfig(), ec.idleStrategy(),
                ec.idleSpinMicros() * 1_000L, ec.pinCpus());
            final Engine engine = new Engine(server, backstores, group);
            engine.startLoops(config, log);
            return engine;
        }
        catch (final RuntimeException | IOException ex)
        {
            for (final Backstore b : backstores.values())
            {
                b.close();
            }
            throw ex instanceof IOException io ? io : new IOException(ex.getMessage(), ex);
        }
    }

    private static TargetRegistry buildTargets(final RingtargetConfig config, final Map<String, Backstore> backstores)
    {
        final TargetRegistry registry = new TargetRegistry();
        for (final TargetConfig t : config.targets())
        {
            final TargetNode node = new TargetNode(t.iqn(), t.alias());
            for (final TpgConfig tpg : t.tpgs())
            {
                if (!tpg.enabled())
                {
                    continue;
                }
                final List<LunMapping> luns = new ArrayList<>();
                for (final LunConfig l : tpg.luns())
                {
                    final Backstore b = backstores.get(l.backstore());
                    final BackstoreConfig bc = find(config, l.backstore());
                    final LogicalUnitIdentity identity = new LogicalUnitIdentity(
                        LogicalUnitIdentity.DEFAULT_VENDOR, "ringtarget", "0001", serial(bc), naa(bc.wwn()),
                        t.iqn(), tpg.tag(), tpg.tag(), tpg.tag());
                    final LogicalUnit lu = new LogicalUnit(identity, b.blockCount(), b.blockSize(),
                        b.supportsUnmap(), l.readOnly() || b.readOnly())
                        .unmapReadsZeros(b.unmapReadsZeros())
                        .physicalBlockSize(b.physicalBlockSize())
                        .writeCacheEnabled(bc.writeCache());
                    luns.add(new LunMapping(l.lun(), lu, b, l.readOnly()));
                }
                final Map<String, AclConfig> acls = new HashMap<>();
                for (final AclConfig acl : tpg.acls())
                {
                    acls.put(acl.initiatorIqn(), acl);
                }
                node.add(new PortalGroup(node, tpg.tag(), tpg.portals(), luns, acls, tpg.generateNodeAcls(),
                    "chap".equalsIgnoreCase(tpg.authentication())));
            }
            registry.add(node);
        }
        return registry;
    }

    /**
     * The unit serial number (VPD 0x80): the configured one, or one derived from the backstore's name and path,
     * so the same backstore keeps its identity across restarts (multipath and udev key on it).
     */
    private static String serial(final BackstoreConfig b)
    {
        if (b.serial() != null && !b.serial().isBlank())
        {
            return b.serial();
        }
        final String key = "ringtarget serial " + b.name() + "|" + b.type() + "|" + (b.path() == null ? "" : b.path());
        return java.util.UUID.nameUUIDFromBytes(key.getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .toString().replace("-", "");
    }

    /** The configured 16-hex-digit WWN as the NAA designator; 0 lets the identity derive one. */
    private static long naa(final String wwn)
    {
        return wwn == null || wwn.isBlank() ? 0 : Long.parseUnsignedLong(wwn.replace(":", "").replace("-", ""), 16);
    }

    private static BackstoreConfig find(final RingtargetConfig config, final String name)
    {
        for (final BackstoreConfig b : config.backstores())
        {
            if (b.name().equals(name))
            {
                return b;
            }
        }
        throw new IllegalArgumentException("no backstore named " + name);
    }

    private void startLoops(final RingtargetConfig config, final PrintStream log) throws IOException
    {
        final Set<String> unique = new LinkedHashSet<>();
        for (final TargetConfig t : config.targets())
        {
            for (final TpgConfig tpg : t.tpgs())
            {
                if (tpg.enabled())
                {
                    for (final PortalConfig p : tpg.portals())
                    {
                        unique.add(p.ip() + "|" + p.port());
                    }
                }
            }
        }
        final CountDownLatch armed = new CountDownLatch(group.size());
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < group.size(); i++)
        {
            final EventLoop loop = group.loop(i);
            final LoopContext context = new LoopContext(loop, server, 256, 16);
            contexts.add(context);
            final List<PortalListener> mine = new ArrayList<>();
            try
            {
                for (final String key : unique)
                {
                    final String ip = key.substring(0, key.lastIndexOf('|'));
                    final int port = Integer.parseInt(key.substring(key.lastIndexOf('|') + 1));
                    mine.add(new PortalListener(context, ip, port));
                }
            }
            catch (final RuntimeException ex)
            {
                for (final PortalListener l : mine)
                {
                    l.closeFromAnyThread();
                }
                close();
                throw new IOException("cannot listen: " + ex.getMessage(), ex);
            }
            listeners.addAll(mine);
            loop.offer(new StartTask(context, mine, armed, failure));
        }
        try
        {
            if (!armed.await(10, TimeUnit.SECONDS))
            {
                close();
                throw new IOException("event loops did not start within 10 s");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            close();
            throw new IOException("interrupted while starting", ex);
        }
        if (failure.get() != null)
        {
            close();
            throw new IOException("event loop start failed: " + failure.get(), failure.get());
        }
        for (final String key : unique)
        {
            portals.add(key.replace('|', ':'));
        }
        log.println("ringtarget: " + group.size() + " event loop(s), " + group.loop(0).ring().describe());
        for (final String p : portals)
        {
            log.println("ringtarget: listening on " + p);
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
                loop.addWorker(new ConnectionTimer(context));
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

    /** Periodic per-loop duties: NOP-In pings, dead connections, requested closes. */
    private static final class ConnectionTimer implements LoopWorker
    {
        private final LoopContext context;
        private long nextRunNanos;

        ConnectionTimer(final LoopContext context)
        {
            this.context = context;
        }

        @Override
        public int doWork(final long nowNanos)
        {
            if (nowNanos - nextRunNanos < 0)
            {
                return 0;
            }
            nextRunNanos = nowNanos + TIMER_PERIOD_NANOS;
            final List<Connection> connections = context.connections();
            int work = 0;
            for (int i = connections.size() - 1; i >= 0; i--)
            {
                if (i < connections.size())
                {
                    work += connections.get(i).onTimer(nowNanos);
                }
            }
            return work;
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
            for (final Connection c : context.connections())
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

    public ServerContext server()
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
            while (System.nanoTime() < deadline && openConnections() > 0)
            {
                Thread.sleep(10);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        group.close();
        for (final LoopContext context : contexts)
        {
            context.close();
        }
        for (final Backstore b : backstores.values())
        {
            b.close();
        }
        server.log("ringtarget: stopped");
        terminated.countDown();
    }

    private int openConnections()
    {
        int n = 0;
        for (final LoopContext context : contexts)
        {
            n += context.connectionCount();
        }
        return n;
    }
}
