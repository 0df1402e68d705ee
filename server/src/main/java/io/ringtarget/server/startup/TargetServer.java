package io.ringtarget.server.startup;

import io.ringtarget.backstore.Backstore;
import io.ringtarget.iscsi.connection.PortalSockets;
import io.ringtarget.iscsi.engine.EngineSettings;
import io.ringtarget.iscsi.engine.IscsiEngine;
import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.iscsi.login.TargetLimits;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.ConfigDefaults;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.metrics.MetricsServer;

import java.io.IOException;
import java.nio.file.Path;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A running target built from a configuration: binds the portals, opens the backstores, builds the targets, TPGs
 * and logical units, and starts the iSCSI engine on them and, when configured, the metrics endpoint. {@link #start}
 * returns once every portal is listening; {@link #close} stops the metrics endpoint, shuts down cleanly (in-flight
 * I/O completes, sessions end) and then closes the backstores.
 * <p>
 * The portals are bound first ({@link PortalSockets}: one process per portal address), so that a start that cannot
 * serve them — the same configuration served already, another target on the port — opens no backstore at all.
 */
public final class TargetServer implements AutoCloseable
{
    private final IscsiEngine engine;
    private final Map<String, Backstore> backstores;
    private final EventLog ownLog;
    private final MetricsServer metrics;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private boolean closed;

    private TargetServer(
        final IscsiEngine engine, final Map<String, Backstore> backstores, final EventLog ownLog,
        final MetricsServer metrics)
    {
        this.engine = engine;
        this.metrics = metrics;
        this.backstores = backstores;
        this.ownLog = ownLog;
    }

    /** Starts with a log of its own writing to {@code out} (closed with the server). */
    public static TargetServer start(final RingtargetConfig config, final PrintStream out) throws IOException
    {
        final EventLog log = EventLog.to(out);
        try
        {
            return start(config, log, log);
        }
        catch (final IOException | RuntimeException ex)
        {
            log.close();
            throw ex;
        }
    }

    /** Starts, logging to {@code log}, which stays the caller's. */
    public static TargetServer start(final RingtargetConfig config, final EventLog log) throws IOException
    {
        return start(config, log, null);
    }

    private static TargetServer start(final RingtargetConfig config, final EventLog log, final EventLog ownLog)
        throws IOException
    {
        final EngineConfig ec = config.engine() != null ? config.engine() : ConfigDefaults.engine();
        final EngineSettings settings = new EngineSettings(ec.loops(), ec.pinCpus(), ec.idleStrategy(),
            ec.idleSpinMicros() * 1_000L, ec.nopInIntervalSeconds(), ec.nopInTimeoutSeconds());
        final Path stateDirectory = StateDirectory.prepare(config.stateDirectory());
        final PortalSockets sockets = PortalSockets.open(TargetRegistryBuilder.portals(config), settings.loopCount());
        final Map<String, Backstore> backstores = new LinkedHashMap<>();
        try
        {
            for (final BackstoreConfig b : config.backstores())
            {
                backstores.put(b.name(), BackstoreFactory.open(b));
            }
            final TargetRegistry targets = TargetRegistryBuilder.build(config, backstores, stateDirectory, log);
            // The engine takes the sockets over: it closes them if it fails to start.
            final IscsiEngine engine = IscsiEngine.start(targets,
                TargetRegistryBuilder.discoveryAuth(config.discoveryAuth()), TargetLimits.defaults(), settings,
                sockets, log);
            return new TargetServer(engine, backstores, ownLog, startMetrics(config, engine, log));
        }
        catch (final RuntimeException | IOException ex)
        {
            sockets.close();
            closeAll(backstores, ex);
            throw ex instanceof IOException io ? io : new IOException(ex.getMessage(), ex);
        }
    }

    private static MetricsServer startMetrics(final RingtargetConfig config, final IscsiEngine engine, final EventLog log)
        throws IOException
    {
        if (null == config.metrics() || !config.metrics().enabled())
        {
            return null;
        }
        try
        {
            final MetricsServer metrics = MetricsServer.start(config.metrics().listen(), engine.metrics(),
                version());
            log.info("metrics", "Prometheus metrics on " + metrics.url());
            return metrics;
        }
        catch (final IOException | RuntimeException ex)
        {
            engine.close();
            throw new IOException("cannot serve metrics on " + config.metrics().listen() + ": " + ex.getMessage(), ex);
        }
    }

    /** The build's version (the jar manifest's), or "development" when run from classes. */
    public static String version()
    {
        final String v = TargetServer.class.getPackage().getImplementationVersion();
        return null == v ? "development" : v;
    }

    /** Where the metrics are served ({@code http://HOST:PORT/metrics}), or null when they are not. */
    public String metricsUrl()
    {
        return null == metrics ? null : metrics.url();
    }

    /** Blocks until {@link #close} has finished (from another thread or a shutdown hook). */
    public void awaitTermination() throws InterruptedException
    {
        terminated.await();
    }

    /** Writes out everything logged so far (the log is written by a thread of its own). */
    public void flushLog()
    {
        engine.log().flush();
    }

    /** The portals actually listening, as ip:port (useful when a config asks for port 0). */
    public List<String> portals()
    {
        return engine.portals();
    }

    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (null != metrics)
        {
            metrics.close();
        }
        engine.close();
        final RuntimeException failed = new IllegalStateException("closing the backstores");
        closeAll(backstores, failed);
        if (failed.getSuppressed().length > 0)
        {
            engine.log().error("engine", "a backstore did not close cleanly", failed);
        }
        if (ownLog != null)
        {
            ownLog.close();
        }
        terminated.countDown();
    }

    /** Closes every backstore; one that fails does not keep the others open, and its failure goes to {@code into}. */
    private static void closeAll(final Map<String, Backstore> backstores, final Throwable into)
    {
        for (final Backstore b : backstores.values())
        {
            try
            {
                b.close();
            }
            catch (final RuntimeException ex)
            {
                into.addSuppressed(ex);
            }
        }
    }
}
