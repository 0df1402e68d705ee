package io.ringtarget.server.startup;

import io.ringtarget.backstore.Backstore;
import io.ringtarget.backstore.FileBackstore;
import io.ringtarget.backstore.RamBackstore;
import io.ringtarget.iscsi.connection.PortalSockets;
import io.ringtarget.iscsi.engine.EngineChange;
import io.ringtarget.iscsi.engine.IscsiEngine;
import io.ringtarget.iscsi.engine.Reconfigured;
import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.iscsi.node.LunMapping;
import io.ringtarget.iscsi.node.Portal;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.scsi.LogicalUnit;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.ConfigDefaults;
import io.ringtarget.server.config.ConfigEditor;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.Sizes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One live configuration change of a running target, from the configuration it serves to the next one (validated).
 * In three steps, so that a change that cannot be made changes nothing, in memory or on disk:
 * <ol>
 * <li>{@link #prepare}: everything that can fail — new backstores opened, fileio files grown, new portals bound, the
 * next registry built (reusing every logical unit and target port that stays) — or a refusal with the reason
 * ({@link IllegalArgumentException}: changing what a served LUN depends on; {@link IOException}: the system said
 * no). {@link #abandon} takes it back.</li>
 * <li>the caller saves the configuration;</li>
 * <li>{@link #publish}: the engine serves the next registry (sessions move to it between two duty cycles of their
 * loop, or end when nothing admits them any more), then the unit attentions (new capacities, ALUA settings), then
 * the backstores no longer configured are closed once the loops let go of them.</li>
 * </ol>
 * Engine settings, the metrics endpoint and the state directory are the process's: a change of them is saved and
 * applies at the next start (a warning says so).
 */
final class LiveChange
{
    /** How long a retired backstore's requests in flight may take before the change gives up closing it. */
    private static final long RELEASE_TIMEOUT_MILLIS = 30_000;
    private static final long ENGINE_TIMEOUT_MILLIS = 10_000;

    private final RingtargetConfig before;
    private final RingtargetConfig after;
    private final Map<String, Backstore> served;
    private final Map<String, Backstore> next = new LinkedHashMap<>();
    private final List<Backstore> opened = new ArrayList<>();
    /** Files a backstore of this change created (opening a fileio backstore creates its missing file). */
    private final List<Path> created = new ArrayList<>();
    private final List<Backstore> closedEarly = new ArrayList<>();
    private final Map<String, BackstoreConfig> closedEarlyConfigs = new LinkedHashMap<>();
    private final List<Backstore> toClose = new ArrayList<>();
    private final List<Runnable> undo = new ArrayList<>();
    private final Map<Backstore, String> resized = new IdentityHashMap<>();
    private final List<String> done = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private PortalSockets newPortals;
    private List<Portal> removedPortals = List.of();
    private TargetRegistryBuilder.Built built;

    /**
     * @param served the open backstores of {@code before}, by name.
     */
    LiveChange(final RingtargetConfig before, final RingtargetConfig after, final Map<String, Backstore> served)
    {
        this.before = before;
        this.after = after;
        this.served = served;
    }

    /** The open backstores of the next configuration, by name (after {@link #prepare}). */
    Map<String, Backstore> backstores()
    {
        return next;
    }

    /**
     * Does everything of the change that can fail.
     *
     * @param builder the builder of the served registry (it is not changed until {@link #publish}).
     * @param loops   the engine's event loops (new portals get a socket per loop).
     * @throws IllegalArgumentException when the change cannot be made while the target runs (the message says why).
     * @throws IOException              when opening a backstore, growing a file or binding a portal failed.
     */
    void prepare(final TargetRegistryBuilder builder, final int loops) throws IOException
    {
        try
        {
            backstoresToClose();
            for (final BackstoreConfig b : after.backstores())
            {
                prepare(b);
            }
            refreshSizes();
            if (opened.stream().anyMatch(RamBackstore.class::isInstance))
            {
                final String memory = BackstoreFactory.ramCommitment(next.values());
                if (null != memory)
                {
                    warnings.add(memory);
                }
            }
            built = builder.build(after, next);
            ports(loops);
            settings();
        }
        catch (final UncheckedIOException ex)
        {
            // ftruncate, a size read again, a reservation state file: what the system refused, with its reason.
            abandon();
            throw ex.getCause();
        }
        catch (final IOException | RuntimeException ex)
        {
            abandon();
            throw ex;
        }
    }

    /** Backstores that go: those no LUN maps are closed now (their files free for a backstore this change opens). */
    private void backstoresToClose()
    {
        for (final BackstoreConfig b : before.backstores())
        {
            final BackstoreConfig kept = ConfigEditor.findBackstore(after, b.name());
            if (null != kept && (kept.equals(b) || resizable(b, kept)))
            {
                continue;
            }
            if (mapped(before, b.name()))
            {
                if (null != kept)
                {
                    throw new IllegalArgumentException("backstore " + b.name() + ": its " + differences(b, kept) +
                        " cannot change while " + String.join(", ", ConfigEditor.lunsUsing(before, b.name())) +
                        " maps it (delete that LUN first, or restart the target)");
                }
                toClose.add(served.get(b.name()));   // after the loops have let go of it
                done.add("backstore " + b.name() + " deleted");
                continue;
            }
            final Backstore open = served.get(b.name());
            open.close();
            closedEarly.add(open);
            closedEarlyConfigs.put(b.name(), b);
            if (null == kept)
            {
                done.add("backstore " + b.name() + " deleted");
            }
        }
    }

    private void prepare(final BackstoreConfig b) throws IOException
    {
        final BackstoreConfig old = ConfigEditor.findBackstore(before, b.name());
        if (null != old && old.equals(b))
        {
            next.put(b.name(), served.get(b.name()));
            return;
        }
        if (null != old && resizable(old, b))
        {
            final Backstore open = served.get(b.name());
            if (open instanceof FileBackstore file && file.kind() == FileBackstore.Kind.FILEIO && b.sizeBytes() > 0)
            {
                final long sizeBefore = file.grow(b.sizeBytes());
                if (sizeBefore != file.sizeBytes())
                {
                    undo.add(() -> file.undoGrow(sizeBefore));
                    resized.put(file, b.name() + " grown from " + Sizes.format(sizeBefore) + " to " +
                        Sizes.format(file.sizeBytes()));
                }
            }
            next.put(b.name(), open);
            return;
        }
        for (final Backstore going : toClose)
        {
            final BackstoreConfig goingConfig = ConfigEditor.findBackstore(before, going.name());
            if (null != goingConfig.path() && goingConfig.path().equals(b.path()))
            {
                throw new IllegalArgumentException("backstore " + b.name() + ": " + b.path() + " is still served as " +
                    "backstore " + going.name() + " until this change is applied: delete " + going.name() + " first, " +
                    "then create " + b.name());
            }
        }
        final boolean exists = null == b.path() || Files.exists(Path.of(b.path()));
        final Backstore open = BackstoreFactory.open(b);
        opened.add(open);
        if (!exists)
        {
            created.add(Path.of(b.path()));
        }
        next.put(b.name(), open);
        if (null == old)
        {
            final String atomic = BackstoreFactory.atomicWrites(open);
            done.add("backstore " + b.name() + " opened (" + Sizes.format(open.sizeBytes()) + ")" +
                (null == atomic ? "" : "; " + atomic));
        }
        else
        {
            done.add("backstore " + b.name() + " opened again (" + differences(old, b) + " changed)");
        }
    }

    /**
     * The size of every file and device that stays, read again: one grown by another program (lvextend, truncate)
     * is served at its new size from now on, and its logical units report it.
     */
    private void refreshSizes()
    {
        for (final Map.Entry<String, Backstore> e : next.entrySet())
        {
            if (e.getValue() instanceof FileBackstore file && !opened.contains(file) && !resized.containsKey(file))
            {
                final long blocks = file.blockCount();
                if (file.refreshSize() != blocks)
                {
                    resized.put(file, e.getKey() + " is now " + Sizes.format(file.sizeBytes()) + " (was " +
                        Sizes.format(blocks * file.blockSize()) + ")");
                }
            }
        }
    }

    /** Portals no TPG had are bound now (failing here changes nothing); those no TPG has any more close. */
    private void ports(final int loops) throws IOException
    {
        final Set<Portal> was = new LinkedHashSet<>(TargetRegistryBuilder.portals(before));
        final Set<Portal> will = new LinkedHashSet<>(TargetRegistryBuilder.portals(after));
        final List<Portal> added = new ArrayList<>(will);
        added.removeAll(was);
        final List<Portal> removed = new ArrayList<>(was);
        removed.removeAll(will);
        if (!added.isEmpty())
        {
            newPortals = PortalSockets.open(added, loops);
            done.add("listening on " + String.join(", ", added.stream().map(Portal::toString).toList()));
        }
        removedPortals = List.copyOf(removed);
        if (!removed.isEmpty())
        {
            done.add("no longer listening on " + String.join(", ", removed.stream().map(Portal::toString).toList()));
        }
    }

    /** What is the process's and applies at the next start; the engine's receive coalescing applies at once. */
    private void settings()
    {
        if (!Objects.equals(engineAtStart(before.engine()), engineAtStart(after.engine())))
        {
            warnings.add("engine loops, CPU pinning, idle strategy, TCP congestion control and data buffers apply at " +
                "the next start");
        }
        final int wasCoalescing = engineOrDefaults(before.engine()).receiveCoalescingMicrosOrDefault();
        final int coalescing = engineOrDefaults(after.engine()).receiveCoalescingMicrosOrDefault();
        if (wasCoalescing != coalescing)
        {
            done.add((0 == coalescing ? "no receive coalescing" : "receives coalesced " + coalescing + " us") +
                " (was " + (0 == wasCoalescing ? "none" : wasCoalescing + " us") + "), on every connection");
        }
        if (!Objects.equals(before.metrics(), after.metrics()))
        {
            warnings.add("the metrics endpoint changes at the next start");
        }
        if (!Objects.equals(before.stateDirectory(), after.stateDirectory()))
        {
            warnings.add("the state directory changes at the next start");
        }
    }

    /** The engine settings that apply at the next start only: not the NOP-In defaults nor receive coalescing. */
    private static EngineConfig engineAtStart(final EngineConfig engine)
    {
        final EngineConfig e = engineOrDefaults(engine);
        return new EngineConfig(e.loops(), e.pinCpus(), e.idleStrategy(), e.idleSpinMicros(), 0, 0,
            e.tcpCongestionControl(), e.dataBuffersOrDefault(), e.largeTransferRegionMiBOrDefault(),
            (int)(e.spillBytesPerLoop() >> 20), 0);
    }

    private static EngineConfig engineOrDefaults(final EngineConfig engine)
    {
        return null == engine ? ConfigDefaults.engine() : engine;
    }

    /** Takes back what {@link #prepare} did: the change was refused, or could not be saved. */
    void abandon()
    {
        if (null != newPortals)
        {
            newPortals.close();
            newPortals = null;
        }
        for (final Backstore b : opened)
        {
            b.close();
        }
        opened.clear();
        for (final Path path : created)
        {
            try
            {
                Files.deleteIfExists(path);   // a change that did not happen leaves no file behind
            }
            catch (final IOException ex)
            {
                warnings.add("cannot delete " + path + ", created for a change that was not made: " + ex.getMessage());
            }
        }
        created.clear();
        for (int i = undo.size() - 1; i >= 0; i--)
        {
            undo.get(i).run();
        }
        undo.clear();
        for (final BackstoreConfig b : closedEarlyConfigs.values())
        {
            try
            {
                served.put(b.name(), BackstoreFactory.open(b));
            }
            catch (final IOException | RuntimeException ex)
            {
                // Nothing maps it (that is why it could close early): the file is served again at the next start.
                warnings.add("backstore " + b.name() + " could not be opened again: " + ex.getMessage());
            }
        }
        closedEarlyConfigs.clear();
    }

    /**
     * Serves the prepared change: the engine's loops take the next registry, then the logical units get their new
     * capacities (CAPACITY DATA HAS CHANGED, SBC-3 4.10) and ALUA settings, and retired backstores close.
     *
     * @throws IOException when a loop did not take the change in time (the engine has stopped, or is stuck): the
     *                     registry is published all the same, retired backstores stay open.
     */
    AppliedChange publish(final IscsiEngine engine, final TargetRegistryBuilder builder, final EventLog log)
        throws IOException
    {
        final TargetRegistry registry = built.registry();
        final EngineConfig engineConfig = engineOrDefaults(after.engine());
        final List<Backstore> retired = unmapped(engine.server().targets(), registry);
        // A self-test of a LUN going away ends at its next read, so its loops can release the backstore.
        for (final LogicalUnit lu : unitsOf(engine.server().targets(), retired))
        {
            lu.retired();
        }
        final Reconfigured reconfigured;
        try
        {
            reconfigured = engine.reconfigure(new EngineChange(registry,
                TargetRegistryBuilder.discoveryAuth(after.discoveryAuth()), engineConfig.nopInIntervalSeconds(),
                engineConfig.nopInTimeoutSeconds(), engineConfig.receiveCoalescingMicrosOrDefault() * 1_000L,
                newPortals, removedPortals, retired), ENGINE_TIMEOUT_MILLIS);
        }
        finally
        {
            // The engine owns the new portals' sockets now, and serves the registry (a loop may take it late): the
            // next change builds on it. Retired backstores stay open: a late loop may still use them.
            newPortals = null;
            builder.commit(built);
        }
        for (final Map.Entry<Backstore, String> e : resized.entrySet())
        {
            for (final LogicalUnit lu : built.unitsOf(e.getKey()))
            {
                if (lu.blockCount() != e.getKey().blockCount())
                {
                    lu.blockCount(e.getKey().blockCount());
                }
            }
            done.add(e.getValue());
        }
        if (reconfigured.sessionsEnded() > 0)
        {
            done.add(reconfigured.sessionsEnded() + (reconfigured.sessionsEnded() == 1 ? " session" : " sessions") +
                " ended (what admitted it is gone)");
        }
        closeRetired(reconfigured, log);
        return new AppliedChange(done, warnings, reconfigured.sessionsEnded());
    }

    private void closeRetired(final Reconfigured reconfigured, final EventLog log)
    {
        try
        {
            if (!reconfigured.awaitReleased(RELEASE_TIMEOUT_MILLIS))
            {
                warnings.add("a request of a removed LUN did not complete within " + RELEASE_TIMEOUT_MILLIS / 1000 +
                    " s: its backstore stays open until the target stops");
                return;
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return;
        }
        for (final Backstore b : toClose)
        {
            try
            {
                b.close();
            }
            catch (final RuntimeException ex)
            {
                log.error("config", "backstore " + b.name() + " did not close cleanly", ex);
            }
        }
    }

    /** The backstores the served registry maps that {@code next} does not: the loops release their handles. */
    private static List<Backstore> unmapped(final TargetRegistry served, final TargetRegistry next)
    {
        final Set<Backstore> unmapped = mapped(served);
        unmapped.removeAll(mapped(next));
        return List.copyOf(unmapped);
    }

    /** The logical units a registry serves from these backstores. */
    private static Set<LogicalUnit> unitsOf(final TargetRegistry registry, final List<Backstore> backstores)
    {
        final Set<LogicalUnit> units = Collections.newSetFromMap(new IdentityHashMap<>());
        for (final TargetNode node : registry.all())
        {
            for (final PortalGroup tpg : node.portalGroups())
            {
                for (final long n : tpg.lunNumbers())
                {
                    final LunMapping mapping = tpg.lun((int)n);
                    if (backstores.contains(mapping.backstore()))
                    {
                        units.add(mapping.logicalUnit());
                    }
                }
            }
        }
        return units;
    }

    /** The backstores a registry's LUNs map (the same backstore object once). */
    private static Set<Backstore> mapped(final TargetRegistry registry)
    {
        final Set<Backstore> mapped = Collections.newSetFromMap(new IdentityHashMap<>());
        for (final TargetNode node : registry.all())
        {
            for (final PortalGroup tpg : node.portalGroups())
            {
                for (final long n : tpg.lunNumbers())
                {
                    mapped.add(tpg.lun((int)n).backstore());
                }
            }
        }
        return mapped;
    }

    /** Whether a LUN of an enabled TPG maps the backstore: its logical unit is served. */
    private static boolean mapped(final RingtargetConfig config, final String backstore)
    {
        return config.targets().stream().flatMap(t -> t.tpgs().stream()).filter(tpg -> tpg.enabled())
            .flatMap(tpg -> tpg.luns().stream()).anyMatch(l -> l.backstore().equals(backstore));
    }

    /**
     * Equal but for the size (and whether the target may grow the file), for a backstore whose size can change while
     * it is served: a file grows; a block device has its own size. A ram disk's memory is allocated once: another
     * size is another backstore.
     */
    private static boolean resizable(final BackstoreConfig a, final BackstoreConfig b)
    {
        return new BackstoreConfig(a.name(), a.type(), a.path(), b.sizeBytes(), a.blockSize(), a.directIo(),
            a.writeCache(), a.serial(), a.wwn(), b.grow(), null, a.softThresholdPercent(),
            a.availableThresholdPercent(), a.hugePages()).equals(b) &&
            (!ConfigDefaults.TYPE_RAM.equals(a.type()) || a.sizeBytes() == b.sizeBytes());
    }

    /** The fields of a backstore that differ, as the file names them (the record's components are its fields). */
    private static String differences(final BackstoreConfig a, final BackstoreConfig b)
    {
        final List<String> fields = new ArrayList<>();
        for (final RecordComponent field : BackstoreConfig.class.getRecordComponents())
        {
            try
            {
                if (!Objects.equals(field.getAccessor().invoke(a), field.getAccessor().invoke(b)))
                {
                    fields.add(field.getName());
                }
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new IllegalStateException("a record's accessor is public", ex);
            }
        }
        return String.join(", ", fields);
    }
}
