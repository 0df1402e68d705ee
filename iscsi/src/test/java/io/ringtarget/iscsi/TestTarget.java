package io.ringtarget.iscsi;

import io.ringtarget.backstore.Backstore;
import io.ringtarget.backstore.RamBackstore;
import io.ringtarget.iscsi.connection.PortalSockets;
import io.ringtarget.iscsi.engine.EngineSettings;
import io.ringtarget.iscsi.engine.IscsiEngine;
import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.iscsi.login.LoginLimits;
import io.ringtarget.iscsi.login.TargetLimits;
import io.ringtarget.iscsi.node.DiscoveryAuth;
import io.ringtarget.iscsi.node.LunMapping;
import io.ringtarget.iscsi.node.Portal;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.iscsi.stats.IscsiCounter;
import io.ringtarget.scsi.AccessState;
import io.ringtarget.scsi.LogicalUnit;
import io.ringtarget.scsi.LogicalUnitIdentity;
import io.ringtarget.scsi.TargetPort;
import io.ringtarget.scsi.TargetPortGroup;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * A real iSCSI engine on loopback serving one target with LUN 0 on a RAM backstore, any initiator admitted: what
 * the protocol tests log into. Built from the run-time model directly (no configuration file).
 */
public final class TestTarget implements AutoCloseable
{
    public static final String IQN = "iqn.2026-11.io.ringtarget:test";
    public static final int BLOCK_SIZE = 512;

    private final RamBackstore backstore;
    private final IscsiEngine engine;
    private final EventLog log;
    private final int port;

    private TestTarget(final RamBackstore backstore, final IscsiEngine engine, final EventLog log, final int port)
    {
        this.backstore = backstore;
        this.engine = engine;
        this.log = log;
        this.port = port;
    }

    /**
     * @param sizeBytes          the LUN's size.
     * @param nopInIntervalSeconds NOP-In ping interval (0 = none); the answer timeout is twice that.
     * @param log                where the engine logs.
     */
    public static TestTarget start(final long sizeBytes, final int nopInIntervalSeconds, final PrintStream log)
        throws IOException
    {
        return start(sizeBytes, nopInIntervalSeconds, log, new Backstore[0]);
    }

    /** As {@link #start(long, int, PrintStream)}, with {@code more} as LUNs 1, 2, ... */
    public static TestTarget start(
        final long sizeBytes, final int nopInIntervalSeconds, final PrintStream log, final Backstore... more)
        throws IOException
    {
        return start(1, LoginLimits.defaults(), sizeBytes, nopInIntervalSeconds, log, more);
    }

    /** As {@link #start(long, int, PrintStream)}, on {@code loops} event loops with these login limits. */
    public static TestTarget start(
        final int loops, final LoginLimits loginLimits, final long sizeBytes, final int nopInIntervalSeconds,
        final PrintStream log, final Backstore... more) throws IOException
    {
        return start(new EngineSettings(loops, false, "ring", 50_000, nopInIntervalSeconds, 2 * nopInIntervalSeconds),
            loginLimits, sizeBytes, log, more);
    }

    /** As {@link #start(long, int, PrintStream)}, with these engine settings and login limits. */
    public static TestTarget start(
        final EngineSettings settings, final LoginLimits loginLimits, final long sizeBytes, final PrintStream log,
        final Backstore... more) throws IOException
    {
        final int loops = settings.loopCount();
        final int port = freePort();
        final RamBackstore ram = new RamBackstore("ram0", sizeBytes, BLOCK_SIZE);
        final EventLog eventLog = new EventLog(log, false, EventLog.Level.DEBUG);
        try
        {
            final TargetRegistry registry = new TargetRegistry();
            final TargetNode node = new TargetNode(IQN, "test target");
            final TargetPort targetPort = new TargetPort(1, IQN, 1,
                new TargetPortGroup(1, AccessState.ACTIVE_OPTIMIZED, true));
            final LogicalUnit lu = new LogicalUnit(new LogicalUnitIdentity(LogicalUnitIdentity.DEFAULT_VENDOR,
                "ringtarget", "0001", "testserial0", 0, IQN), ram.blockCount(), ram.blockSize(),
                ram.supportsUnmap(), false).unmapReadsZeros(ram.unmapReadsZeros()).targetPorts(targetPort);
            final List<LunMapping> luns = new ArrayList<>();
            luns.add(new LunMapping(0, lu, ram, false));
            for (int i = 0; i < more.length; i++)
            {
                luns.add(new LunMapping(i + 1, new LogicalUnit(new LogicalUnitIdentity(LogicalUnitIdentity.DEFAULT_VENDOR,
                    "ringtarget", "0001", "testserial" + (i + 1), 0, IQN), more[i].blockCount(),
                    more[i].blockSize(), false, false).targetPorts(targetPort), more[i], false));
            }
            node.add(new PortalGroup(node, 1, List.of(new Portal("127.0.0.1", port)), luns, List.of(), true, false,
                targetPort, PortalGroup.ENGINE_NOP_IN, PortalGroup.ENGINE_NOP_IN));
            registry.add(node);
            final IscsiEngine engine = IscsiEngine.start(registry, DiscoveryAuth.NONE, TargetLimits.defaults(),
                loginLimits, settings, PortalSockets.open(IscsiEngine.portals(registry), loops), eventLog);
            return new TestTarget(ram, engine, eventLog, port);
        }
        catch (final IOException | RuntimeException ex)
        {
            ram.close();
            eventLog.close();
            throw ex;
        }
    }

    public int port()
    {
        return port;
    }

    public IscsiEngine engine()
    {
        return engine;
    }

    /** An engine counter summed over the loops (each loop counts its own). */
    public long counter(final IscsiCounter counter)
    {
        final CountersReader reader = engine.counters();
        final long[] sum = new long[1];
        reader.forEach((value, id, label) ->
        {
            if (reader.getCounterTypeId(id) == counter.typeId())
            {
                sum[0] += value;
            }
        });
        return sum[0];
    }

    /** Writes out everything logged so far (the log is written by a thread of its own). */
    public void flushLog()
    {
        log.flush();
    }

    @Override
    public void close()
    {
        engine.close();
        backstore.close();
        log.close();
    }

    private static int freePort()
    {
        try (ServerSocket s = new ServerSocket(0))
        {
            return s.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
