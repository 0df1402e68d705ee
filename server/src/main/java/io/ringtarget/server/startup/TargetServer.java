package io.ringtarget.server.startup;

import io.ringtarget.backstore.Backstore;
import io.ringtarget.backstore.RamBackstore;
import io.ringtarget.backstore.rbd.RbdBackstore;
import io.ringtarget.iscsi.connection.PortalSockets;
import io.ringtarget.iscsi.engine.EngineSettings;
import io.ringtarget.iscsi.engine.IscsiEngine;
import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.iscsi.login.TargetLimits;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.ConfigDefaults;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.MetricsConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.metrics.MetricsServer;

import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.iscsi.session.SessionSnapshot;
import io.ringtarget.scsi.LogicalUnit;
import io.ringtarget.scsi.LogicalUnitStatus;

import java.io.IOException;
import java.util.ArrayList;
import java.nio.file.Path;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * A running target built from a configuration: binds the portals, opens the backstores, builds the targets, TPGs
 * and logical units, and starts the iSCSI engine on them and, when configured, the metrics endpoint. {@link #start}
 * returns once every portal is listening; {@link #apply} changes it to serve another configuration without stopping
 * ({@link LiveChange}); {@link #close} stops the metrics endpoint, shuts down cleanly (in-flight I/O completes,
 * sessions end) and then closes the backstores.
 * <p>
 * The portals are bound first ({@link PortalSockets}: one process per portal address), so that a start that cannot
 * serve them — the same configuration served already, another target on the port — opens no backstore at all.
 */
public final class TargetServer implements AutoCloseable
{
    private final IscsiEngine engine;
    private final TargetRegistryBuilder builder;
    private final int loops;
    private final EventLog ownLog;
    // Replaced by each live change, under this object's monitor.
    private Map<String, Backstore> backstores;
    private RingtargetConfig config;
    private final MetricsServer metrics;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private boolean closed;

    private TargetServer(
        final IscsiEngine engine, final TargetRegistryBuilder builder, final int loops,
        final Map<String, Backstore> backstores, final RingtargetConfig config, final EventLog ownLog,
        final MetricsServer metrics)
    {
        this.engine = engine;
        this.builder = builder;
        this.loops = loops;
        this.metrics = metrics;
        this.backstores = backstores;
        this.config = config;
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

    /**
     * Starts with the metrics endpoint {@code metrics} instead of the configuration's ({@code serve --metrics}): the
     * configuration served, and saved by live changes, keeps its own.
     */
    public static TargetServer start(final RingtargetConfig config, final MetricsConfig metrics, final EventLog log)
        throws IOException
    {
        final TargetServer server = start(null == metrics ? config : config.withMetrics(metrics), log, null);
        synchronized (server)
        {
            server.config = config;
        }
        return server;
    }

    private static TargetServer start(final RingtargetConfig config, final EventLog log, final EventLog ownLog)
        throws IOException
    {
        final EngineConfig ec = config.engine() != null ? config.engine() : ConfigDefaults.engine();
        final EngineSettings settings = new EngineSettings(ec.loops(), ec.pinCpus(), ec.idleStrategy(),
            ec.idleSpinMicros() * 1_000L, ec.nopInIntervalSeconds(), ec.nopInTimeoutSeconds(),
            ec.tcpCongestionControl(), ec.dataBuffersOrDefault(), ec.largeTransferRegionMiBOrDefault() << 20,
            ec.spillBytesPerLoop(), ec.receiveCoalescingMicrosOrDefault() * 1_000L);
        final Path stateDirectory = StateDirectory.prepare(config.stateDirectory());
        final PortalSockets sockets = PortalSockets.open(TargetRegistryBuilder.portals(config), settings.loopCount());
        final Map<String, Backstore> backstores = new LinkedHashMap<>();
        try
        {
            for (final BackstoreConfig b : config.backstores())
            {
                final Backstore opened = BackstoreFactory.open(b);
                backstores.put(b.name(), opened);
                final String atomic = BackstoreFactory.atomicWrites(opened);
                if (null != atomic)
                {
                    log.info("backstore", atomic);
                }
            }
            final String memory = BackstoreFactory.ramCommitment(backstores.values());
            if (null != memory)
            {
                log.warn("backstore", memory);
            }
            final TargetRegistryBuilder builder = new TargetRegistryBuilder(stateDirectory, log);
            final TargetRegistryBuilder.Built built = builder.build(config, backstores);
            builder.commit(built);
            final TargetRegistry targets = built.registry();
            // The engine takes the sockets over: it closes them if it fails to start.
            final IscsiEngine engine = IscsiEngine.start(targets,
                TargetRegistryBuilder.discoveryAuth(config.discoveryAuth(), config.securityOrDefault()),
                TargetLimits.defaults(), TargetRegistryBuilder.loginLimits(config.securityOrDefault()), settings,
                sockets, log);
            final MetricsServer metrics;
            try
            {
                metrics = startMetrics(config, engine, log);
            }
            catch (final RuntimeException | IOException ex)
            {
                engine.close();   // its loops and portals: a start that fails leaves nothing running
                throw ex;
            }
            return new TargetServer(engine, builder, settings.loopCount(), backstores, config, ownLog, metrics);
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
            final MetricsServer metrics = MetricsServer.start(config.metrics(), engine.metrics(), version(), log);
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

    /** The configuration served now (the one started with, or the last applied). */
    public synchronized RingtargetConfig config()
    {
        return config;
    }

    /**
     * Serves {@code next} from now on without stopping (a live change): validated beforehand by the caller. Everything
     * that can fail is done first; then {@code save} keeps it; then the loops take it. A change that is refused or
     * cannot be saved changes nothing, in memory or on disk. One change at a time.
     *
     * @throws IllegalArgumentException when the change cannot be made while the target runs (changing a served
     *                                  backstore's path or type, shrinking it, a file still served under another
     *                                  name): the message says why and what to do.
     * @throws IOException              when a backstore, a file or a portal could not be opened, grown or bound, or
     *                                  the configuration could not be saved (nothing changed).
     * @throws ChangeNotTakenException  when the change was saved but the loops did not take it in time.
     */
    public synchronized AppliedChange apply(final RingtargetConfig next, final ConfigSaver save) throws IOException
    {
        if (closed)
        {
            throw new IOException("the target has stopped");
        }
        final List<String> summary = ChangeSummary.of(config, next);
        final LiveChange change = new LiveChange(config, next, backstores);
        change.prepare(builder, loops);
        try
        {
            save.save(next);
        }
        catch (final IOException | RuntimeException ex)
        {
            change.abandon();
            throw ex;
        }
        final AppliedChange applied;
        try
        {
            applied = change.publish(engine, builder, engine.log());
        }
        catch (final IOException ex)
        {
            backstores = change.backstores();
            config = next;
            throw new ChangeNotTakenException("saved, but the event loops did not take the change: " +
                ex.getMessage() + " (restart the target to serve the file)", ex);
        }
        backstores = change.backstores();
        config = next;
        final List<String> done = new ArrayList<>(summary);
        done.addAll(applied.done());
        return new AppliedChange(done, applied.warnings(), applied.sessionsEnded());
    }

    /**
     * Whether {@link #apply} would take {@code next}: everything that can fail is done and taken back, nothing is saved
     * or applied.
     *
     * @throws IllegalArgumentException or IOException as {@link #apply} would.
     */
    public synchronized void check(final RingtargetConfig next) throws IOException
    {
        final LiveChange change = new LiveChange(config, next, backstores);
        change.prepare(builder, loops);
        change.abandon();
    }

    /** The registry the engine serves now (tests: what a live change built). */
    TargetRegistry served()
    {
        return engine.server().targets();
    }

    /** The receive coalescing the engine applies now (tests: what a live change set). */
    long receiveCoalescingNanos()
    {
        return engine.server().receiveCoalescingNanos();
    }

    /** Whether every event loop runs a task it is handed within {@code timeoutMillis} (the watchdog's question). */
    public boolean loopsAnswer(final long timeoutMillis)
    {
        return engine.loopsAnswer(timeoutMillis);
    }

    /** The sessions logged in now, each taken on its loop. */
    public List<SessionSnapshot> sessions() throws IOException
    {
        return engine.sessions(5_000);
    }

    /**
     * Ends normal sessions ({@code ringtarget sessions logout}): each is asked to log out (an Async Message; closed if
     * it has not within 2 s) or, {@code now}, closed at once.
     *
     * @param initiator only this initiator's sessions; null: every initiator's (then {@code target} is given).
     * @param target  only its sessions of this target; null: of every target.
     * @param isidHex only the session of this ISID (12 hex digits, with or without 0x); null: every ISID.
     * @return the sessions told, as they were just before.
     */
    public List<SessionSnapshot> logout(final String initiator, final String target, final String isidHex,
        final boolean now) throws IOException
    {
        final String isid = null == isidHex ? null : isidHex.toLowerCase(Locale.ROOT).replaceFirst("^0x", "");
        final List<SessionSnapshot> told = new ArrayList<>();
        for (final SessionSnapshot s : sessions())
        {
            if (!s.discovery() && (null == initiator || s.initiatorName().equalsIgnoreCase(initiator)) &&
                (null == target || target.equalsIgnoreCase(s.targetName())) &&
                (null == isid || isid.equals(s.isidHex())) &&
                engine.server().sessions().requestAdminLogout(s.tsih(), now))
            {
                told.add(s);
            }
        }
        return told;
    }

    /**
     * The ALUA state of a TPG now (an initiator may have changed it), spelt as the configuration spells it
     * ("active-optimized"), or null when it is not served.
     */
    public String aluaState(final String iqn, final int tag)
    {
        final TargetNode node = engine.server().targets().find(iqn);
        final PortalGroup tpg = null == node ? null : node.portalGroup(tag);
        return null == tpg ? null : tpg.targetPort().group().accessState().label().replace('/', '-');
    }

    /** The block count a backstore serves now, or -1 when none of that name is open. */
    public synchronized long blocks(final String backstore)
    {
        final Backstore b = backstores.get(backstore);
        return null == b ? -1 : b.blockCount();
    }

    /** The size in bytes a backstore serves now, or -1 when none of that name is open. */
    public synchronized long sizeBytes(final String backstore)
    {
        final Backstore b = backstores.get(backstore);
        return null == b ? -1 : b.sizeBytes();
    }

    /** The memory a RAM backstore holds now (what was written to it), in bytes; -1 for other backstores or none. */
    public synchronized long memoryBytes(final String backstore)
    {
        return backstores.get(backstore) instanceof RamBackstore ram ? ram.memoryBytes() : -1;
    }

    /**
     * What is being done to a backstore's medium now, as {@code ringtarget ls} shows it: a sanitize or format operation
     * and its progress, the failure mode one left, a self-test; else for a writable rbd image whether this gateway
     * holds its exclusive lock, or is fenced; null when nothing (or no backstore of that name).
     */
    public synchronized String mediumState(final String backstore)
    {
        final String state = firstOfServedUnits(backstore, TargetServer::mediumState);
        return null == state && backstores.get(backstore) instanceof RbdBackstore rbd ? lockState(rbd) : state;
    }

    /** What {@code what} says of the first of a backstore's served logical units it says something of; or null. */
    private String firstOfServedUnits(final String backstore, final Function<LogicalUnit, String> what)
    {
        final Backstore b = backstores.get(backstore);
        if (null == b)
        {
            return null;
        }
        for (final LogicalUnit lu : builder.servedUnitsOf(b))
        {
            final String said = what.apply(lu);
            if (null != said)
            {
                return said;
            }
        }
        return null;
    }

    /** Whether this gateway writes an rbd image (docs/ceph.md, "Fencing"). */
    private static String lockState(final RbdBackstore rbd)
    {
        if (rbd.fenced())
        {
            return "fenced: another gateway took the image over; it opens it again as a new Ceph client " +
                RbdBackstore.REOPEN_DELAY_SECONDS + " s after the fencing (the log says when)";
        }
        if (rbd.readOnly())
        {
            return null;
        }
        return rbd.lockOwner() ? "exclusive lock held" : "exclusive lock not held (the next write takes it)";
    }

    /**
     * What initiators set on a backstore's logical unit by MODE SELECT that differs from its configuration ("write
     * cache enabled (saved), write-protected by SWP"), as {@code ringtarget ls} shows it; null when nothing.
     */
    public synchronized String initiatorSettings(final String backstore)
    {
        return firstOfServedUnits(backstore, LogicalUnit::modeParametersChanged);
    }

    /**
     * The persistent reservations of a backstore's logical unit, as {@code ringtarget ls} shows them; null when nothing
     * is registered (or no backstore of that name).
     */
    public synchronized String reservations(final String backstore)
    {
        return firstOfServedUnits(backstore, LogicalUnit::persistentReservationSummary);
    }

    private static String mediumState(final LogicalUnit lu)
    {
        final LogicalUnitStatus status = lu.status();
        final int percent = (int)(status.sanitizeProgress() * 100L / 65536);
        if (status.sanitizeState() == 1)
        {
            return "sanitize in progress " + percent + "%";
        }
        if (status.sanitizeState() == 2)
        {
            return "sanitize failed: MEDIUM ERROR until a SANITIZE completes";
        }
        if (status.formatState() == 1)
        {
            return "format in progress " + percent + "%";
        }
        if (status.formatState() == 2)
        {
            return "medium format corrupted: MEDIUM ERROR until a FORMAT UNIT or SANITIZE completes";
        }
        if (!status.selfTestRunning())
        {
            return null;
        }
        return (status.selfTestInForeground() ? "foreground self-test (the LUN answers NOT READY) " : "self-test ") +
            (int)(status.selfTestProgress() * 100L / 65536) + "%";
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
        // The loops stopped: what a logical unit still had to save (the error counters of the last second).
        for (final Backstore b : backstores.values())
        {
            for (final LogicalUnit lu : builder.servedUnitsOf(b))
            {
                lu.stateFiles().saveUnsavedState();
            }
        }
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
