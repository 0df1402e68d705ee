package io.ringtarget.server.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import io.ringtarget.backstore.RamBackstore;
import io.ringtarget.backstore.rbd.RbdBackstore;
import io.ringtarget.iscsi.stats.DisconnectReason;
import io.ringtarget.iscsi.stats.EngineMetrics;
import io.ringtarget.iscsi.stats.IoOp;
import io.ringtarget.iscsi.stats.IscsiCounter;
import io.ringtarget.iscsi.stats.LatencyBuckets;
import io.ringtarget.iscsi.stats.LoginResult;
import io.ringtarget.iscsi.stats.MetricsModel;
import io.ringtarget.iscsi.stats.ProtocolLabels;
import io.ringtarget.iscsi.stats.SenseKeys;
import io.ringtarget.ring.LoopCounter;
import io.ringtarget.scsi.AccessState;
import io.ringtarget.scsi.TargetPortGroup;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a running engine's {@link EngineMetrics} into Prometheus metric families at each scrape, on the scrape's
 * thread: the loops only bump counters they own, and this reads them (sums over the loops) without locks. Names and
 * labels are an interface administrators build dashboards and alerts on: docs/admin-guide.md lists them; change them
 * only with the rule file (monitoring/prometheus/ringtarget-rules.yml) and the dashboard.
 */
public final class RingtargetCollector implements MultiCollector
{
    /**
     * ALUA states (SPC-4 5.15.2.4), as the {@code state} label of {@code ringtarget_alua_state}, in the order of
     * {@link AccessState}'s constants. (Offline and LBA dependent are states ringtarget never takes.)
     */
    static final String[] ALUA_STATES = {
        "active_optimized", "active_nonoptimized", "standby", "unavailable", "transitioning" };
    private static final Labels HEADER = Labels.of("kind", "header");
    private static final Labels DATA = Labels.of("kind", "data");
    private static final Labels OUT_OF_WINDOW = Labels.of("reason", "out_of_window");
    private static final Labels DUPLICATE = Labels.of("reason", "duplicate");
    private static final Labels PLACED = Labels.of("path", "placed");
    private static final Labels ORDERED = Labels.of("attribute", "ordered");
    private static final Labels HEAD_OF_QUEUE = Labels.of("attribute", "head_of_queue");
    private static final Labels ACA = Labels.of("attribute", "aca");
    private static final Labels COPIED = Labels.of("path", "copied");
    private static final Labels UNBUFFERED = Labels.of("path", "unbuffered");
    private static final Labels SCOPE_INITIATOR = Labels.of("scope", "initiator");
    private static final Labels SCOPE_SOURCE = Labels.of("scope", "source");
    private static final Labels PER_SOURCE_LIMIT = Labels.of("reason", "per_source_limit");
    private static final Labels TOTAL_LIMIT = Labels.of("reason", "total_limit");

    private final EngineMetrics engine;
    private final String version;
    // The label sets of the configuration: built when it changes, not per scrape (Labels.of validates and copies).
    private MetricsModel labelled;
    private Labels[] lunLabels;
    private Labels[][] lunOpLabels;
    private Labels[][][] lunErrorLabels;   // filled in at the first failure of each (LUN, op, sense key)
    private Labels[] targetLabels;
    private Labels[][] loginLabels;        // [target + 1][result]
    private Labels[][] disconnectLabels;   // [target][reason]
    private Labels[] portalLabels;
    private final Labels[] rejectLabels;
    private final Labels[][] tmfLabels;          // [function][response]
    private Labels[][] aluaLabels;         // [tpg][state], then the TPG's own labels last
    private TargetPortGroup[] tpgs;
    private final Labels[] loopLabels;
    private final Labels[][] faultLabels;
    private final Labels buildLabels;
    private final double[] bounds = new double[LatencyBuckets.COUNT];
    private final long[] buckets = new long[LatencyBuckets.COUNT];

    public RingtargetCollector(final EngineMetrics engine, final String version)
    {
        this.engine = engine;
        this.version = version;
        label(engine.model());
        rejectLabels = new Labels[ProtocolLabels.REJECT_REASONS];
        for (int i = 0; i < rejectLabels.length; i++)
        {
            rejectLabels[i] = Labels.of("reason", ProtocolLabels.rejectLabel(i));
        }
        tmfLabels = new Labels[ProtocolLabels.TMF_FUNCTIONS][ProtocolLabels.TMF_RESPONSES];
        for (int f = 0; f < ProtocolLabels.TMF_FUNCTIONS; f++)
        {
            for (int r = 0; r < ProtocolLabels.TMF_RESPONSES; r++)
            {
                tmfLabels[f][r] = Labels.of("function", ProtocolLabels.functionLabel(f), "response",
                    ProtocolLabels.responseLabel(r));
            }
        }
        loopLabels = new Labels[engine.loopCount()];
        faultLabels = new Labels[engine.loopCount()][];
        for (int i = 0; i < engine.loopCount(); i++)
        {
            loopLabels[i] = Labels.of("loop", engine.loopName(i));
            faultLabels[i] = new Labels[]{ loopLabels[i].add("kind", "handler"), loopLabels[i].add("kind", "task"),
                loopLabels[i].add("kind", "worker") };
        }
        for (int b = 0; b < bounds.length; b++)
        {
            bounds[b] = LatencyBuckets.upperBoundSeconds(b);
        }
        buildLabels = Labels.of("version", version, "java_version", Runtime.version().toString());
    }

    /**
     * The label sets of {@code model}: at start, and after a live configuration change (the model's label sets keep
     * their indexes; those no longer configured are left out of the scrape).
     */
    private void label(final MetricsModel model)
    {
        lunLabels = new Labels[model.lunCount()];
        lunOpLabels = new Labels[model.lunCount()][IoOp.COUNT];
        lunErrorLabels = new Labels[model.lunCount()][IoOp.COUNT][SenseKeys.COUNT];
        for (int key = 0; key < model.lunCount(); key++)
        {
            final MetricsModel.LunKey lun = model.lun(key);
            lunLabels[key] = Labels.of("target", lun.target(), "lun", Integer.toString(lun.lun()),
                "backstore", lun.backstore());
            for (int op = 0; op < IoOp.COUNT; op++)
            {
                lunOpLabels[key][op] = lunLabels[key].add("op", IoOp.label(op));
            }
        }
        targetLabels = new Labels[model.targetCount()];
        disconnectLabels = new Labels[model.targetCount()][DisconnectReason.values().length];
        loginLabels = new Labels[model.targetCount() + 1][LoginResult.COUNT];
        for (int t = -1; t < model.targetCount(); t++)
        {
            final String target = t < 0 ? "" : model.target(t);
            for (int r = 0; r < LoginResult.COUNT; r++)
            {
                loginLabels[t + 1][r] = Labels.of("target", target, "result", LoginResult.label(r));
            }
            if (t >= 0)
            {
                targetLabels[t] = Labels.of("target", target);
                for (final DisconnectReason reason : DisconnectReason.values())
                {
                    disconnectLabels[t][reason.ordinal()] = targetLabels[t].add("reason", reason.label());
                }
            }
        }
        portalLabels = new Labels[model.portalCount()];
        for (int p = 0; p < model.portalCount(); p++)
        {
            portalLabels[p] = Labels.of("target", model.portal(p).target(), "portal", model.portal(p).portal());
        }
        aluaLabels = new Labels[model.tpgs().size()][ALUA_STATES.length + 1];
        tpgs = new TargetPortGroup[model.tpgs().size()];
        for (int i = 0; i < model.tpgs().size(); i++)
        {
            final MetricsModel.TpgKey tpg = model.tpgs().get(i);
            tpgs[i] = tpg.group();
            final Labels labels = Labels.of("target", tpg.target(), "tpg", Integer.toString(tpg.tag()));
            for (int st = 0; st < ALUA_STATES.length; st++)
            {
                aluaLabels[i][st] = labels.add("state", ALUA_STATES[st]);
            }
            aluaLabels[i][ALUA_STATES.length] = labels;
        }
        labelled = model;
    }

    /** One scrape at a time: the label caches and the scratch arrays are the collector's. */
    @Override
    public synchronized MetricSnapshots collect()
    {
        final List<MetricSnapshot> out = new ArrayList<>();
        final MetricsModel model = engine.model();
        if (model != labelled)
        {
            label(model);
        }
        luns(model, out);
        sessions(model, out);
        protocol(out);
        tcp(model, out);
        alua(out);
        runtime(out);
        return new MetricSnapshots(out);
    }

    // ---------------------------------------------------------------------------------------------------------

    private void luns(final MetricsModel model, final List<MetricSnapshot> out)
    {
        final Family reads = new Family("ringtarget_lun_reads_completed", "READ commands answered GOOD.");
        final Family writes = new Family("ringtarget_lun_writes_completed",
            "WRITE, WRITE AND VERIFY and WRITE ATOMIC commands answered GOOD.");
        final Family readBytes = new Family("ringtarget_lun_read_bytes", "Bytes sent by READ commands answered GOOD.");
        final Family written = new Family("ringtarget_lun_written_bytes",
            "Bytes received by WRITE commands answered GOOD.");
        final Family errors = new Family("ringtarget_lun_io_errors",
            "Commands answered with a status other than GOOD, by kind and sense key (none: BUSY, RESERVATION " +
                "CONFLICT, TASK SET FULL and other statuses without sense data).");
        final GaugeSnapshot.Builder capacity = GaugeSnapshot.builder().name("ringtarget_lun_capacity_bytes")
            .help("Size of the LUN as READ CAPACITY reports it.").unit(Unit.BYTES);
        final GaugeSnapshot.Builder memory = GaugeSnapshot.builder().name("ringtarget_lun_memory_bytes")
            .help("Memory a ram LUN's data holds: the pages with blocks written and not unmapped since (ram LUNs " +
                "only).")
            .unit(Unit.BYTES);
        final GaugeSnapshot.Builder inFlight = GaugeSnapshot.builder().name("ringtarget_lun_io_now")
            .help("Commands received and not yet answered.");
        final GaugeSnapshot.Builder sanitizeState = GaugeSnapshot.builder().name("ringtarget_lun_sanitize_state")
            .help("SANITIZE (SBC-4 4.11): 0 none, 1 a sanitize operation in progress (commands answered NOT READY), " +
                "2 the last one failed (MEDIUM ERROR until one completes).");
        final GaugeSnapshot.Builder sanitizeProgress = GaugeSnapshot.builder()
            .name("ringtarget_lun_sanitize_progress_ratio")
            .help("Part done of the sanitize operation in progress, 0 to 1; 0 when none runs.").unit(Unit.RATIO);
        final GaugeSnapshot.Builder formatState = GaugeSnapshot.builder().name("ringtarget_lun_format_state")
            .help("FORMAT UNIT (SBC-4 5.3): 0 none, 1 a format operation in progress (commands answered NOT READY), " +
                "2 the last one failed (MEDIUM ERROR, MEDIUM FORMAT CORRUPTED until one completes).");
        final GaugeSnapshot.Builder selfTestRunning = GaugeSnapshot.builder().name("ringtarget_lun_self_test_running")
            .help("1 while a self-test (SEND DIAGNOSTIC) reads the LUN's backstore, else 0.");
        final Family softThresholds = new Family("ringtarget_lun_soft_threshold_reached",
            "Times a thin LUN reached a soft threshold and its initiators were told: the blocks its backstore holds " +
            "storage for reached softThresholdPercent, or the blocks the storage beneath can still take fell below " +
            "availableThresholdPercent; LUNs with a threshold only.");
        final Family selfTestFailures = new Family("ringtarget_lun_self_test_failures",
            "Self-tests (SEND DIAGNOSTIC) that found a block the backstore could not read; the LBA is in the LUN's " +
                "Self-Test Results log page (smartctl -l selftest on the initiator).");
        final GaugeSnapshot.Builder rbdLockOwner = GaugeSnapshot.builder().name("ringtarget_lun_rbd_lock_owner")
            .help("1 while this gateway holds the rbd image's exclusive lock (it writes the image), else 0; rbd LUNs " +
                "only.");
        final GaugeSnapshot.Builder rbdFenced = GaugeSnapshot.builder().name("ringtarget_lun_rbd_fenced")
            .help("1 while another gateway has taken the rbd image over and this one, blocklisted, has not opened it " +
                "again yet (its reads and writes answered NOT READY, its target port groups unavailable), else 0.");
        final Family rbdTakeovers = new Family("ringtarget_lun_rbd_lock_takeovers",
            "Times this gateway took the rbd image's exclusive lock for a write, breaking and blocklisting the " +
                "holder when there was one.");
        final Family rbdFencings = new Family("ringtarget_lun_rbd_fencings",
            "Times another gateway took the rbd image over and this one was fenced (blocklisted).");
        final Family rbdReopens = new Family("ringtarget_lun_rbd_reopens",
            "Times this gateway opened the rbd image again as a new Ceph client after a fencing, serving it again.");
        final HistogramSnapshot.Builder latency = HistogramSnapshot.builder().name("ringtarget_lun_io_duration_seconds")
            .help("Time from a command's arrival (the loop cycle that received it) to its status being queued for " +
                "sending, by kind: read, write, flush, unmap, other.")
            .unit(Unit.SECONDS);
        for (int key = 0; key < model.lunCount(); key++)
        {
            if (!model.lunServed(key))
            {
                continue;
            }
            final MetricsModel.LunKey lun = model.lun(key);
            final Labels labels = lunLabels[key];
            reads.add(labels, engine.lunReads(key));
            writes.add(labels, engine.lunWrites(key));
            readBytes.add(labels, engine.lunReadBytes(key));
            written.add(labels, engine.lunWrittenBytes(key));
            capacity.dataPoint(GaugeDataPointSnapshot.builder().labels(labels)
                .value((double)lun.logicalUnit().blockCount() * lun.logicalUnit().blockSize()).build());
            if (lun.storage() instanceof RamBackstore ram)
            {
                memory.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(ram.memoryBytes()).build());
            }
            if (lun.storage() instanceof RbdBackstore rbd)
            {
                rbdLockOwner.dataPoint(GaugeDataPointSnapshot.builder().labels(labels)
                    .value(rbd.lockOwner() ? 1 : 0).build());
                rbdFenced.dataPoint(GaugeDataPointSnapshot.builder().labels(labels)
                    .value(rbd.fenced() ? 1 : 0).build());
                rbdTakeovers.add(labels, rbd.takeovers());
                rbdFencings.add(labels, rbd.fencings());
                rbdReopens.add(labels, rbd.reopens());
            }
            inFlight.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(engine.lunInFlight(key)).build());
            final int sanitizing = lun.logicalUnit().status().sanitizeState();
            sanitizeState.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(sanitizing).build());
            sanitizeProgress.dataPoint(GaugeDataPointSnapshot.builder().labels(labels)
                .value(sanitizing == 1 ? lun.logicalUnit().status().sanitizeProgress() / 65536.0 : 0).build());
            formatState.dataPoint(GaugeDataPointSnapshot.builder().labels(labels)
                .value(lun.logicalUnit().status().formatState()).build());
            selfTestRunning.dataPoint(GaugeDataPointSnapshot.builder().labels(labels)
                .value(lun.logicalUnit().status().selfTestRunning() ? 1 : 0).build());
            selfTestFailures.add(labels, lun.logicalUnit().status().selfTestFailureCount());
            if (lun.logicalUnit().softThresholdPercent() > 0 || lun.logicalUnit().availableThresholdPercent() > 0)
            {
                softThresholds.add(labels, lun.logicalUnit().status().softThresholdReachedCount());
            }
            for (int op = 0; op < IoOp.COUNT; op++)
            {
                for (int sk = 0; sk < SenseKeys.COUNT; sk++)
                {
                    final long n = engine.lunErrors(key, op, sk);
                    if (n > 0)
                    {
                        if (null == lunErrorLabels[key][op][sk])
                        {
                            lunErrorLabels[key][op][sk] = lunOpLabels[key][op].add("sense_key", SenseKeys.label(sk));
                        }
                        errors.add(lunErrorLabels[key][op][sk], n);
                    }
                }
                engine.lunBuckets(key, op, buckets);
                long count = 0;
                for (final long b : buckets)
                {
                    count += b;
                }
                if (count == 0 && op != IoOp.READ && op != IoOp.WRITE)
                {
                    continue;   // reads and writes always, the rest once seen
                }
                latency.dataPoint(HistogramDataPointSnapshot.builder()
                    .labels(lunOpLabels[key][op])
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, buckets))   // copies both
                    .sum(engine.lunSumNanos(key, op) / 1e9)
                    .build());
            }
        }
        out.add(reads.build());
        out.add(writes.build());
        out.add(readBytes.build());
        out.add(written.build());
        out.add(errors.build());
        out.add(capacity.build());
        out.add(memory.build());
        out.add(inFlight.build());
        out.add(sanitizeState.build());
        out.add(sanitizeProgress.build());
        out.add(formatState.build());
        out.add(selfTestRunning.build());
        out.add(selfTestFailures.build());
        out.add(softThresholds.build());
        out.add(rbdLockOwner.build());
        out.add(rbdFenced.build());
        out.add(rbdTakeovers.build());
        out.add(rbdFencings.build());
        out.add(rbdReopens.build());
        out.add(latency.build());
    }

    private void sessions(final MetricsModel model, final List<MetricSnapshot> out)
    {
        final GaugeSnapshot.Builder sessions = GaugeSnapshot.builder().name("ringtarget_sessions")
            .help("Logged-in normal sessions (discovery sessions not included).");
        final GaugeSnapshot.Builder connections = GaugeSnapshot.builder().name("ringtarget_connections")
            .help("Open connections by configured portal; target is empty while a connection logs in and for " +
                "discovery sessions.");
        final Family logins = new Family("ringtarget_logins",
            "Completed and refused logins by result; target is empty for discovery sessions and for logins " +
                "naming no configured target.");
        final Family disconnects = new Family("ringtarget_session_disconnects",
            "Connections of logged-in normal sessions that ended, by reason.");
        for (int t = 0; t < model.targetCount(); t++)
        {
            if (!model.targetServed(t))
            {
                continue;
            }
            sessions.dataPoint(GaugeDataPointSnapshot.builder().labels(targetLabels[t]).value(engine.sessions(t)).build());
            for (final DisconnectReason reason : DisconnectReason.values())
            {
                disconnects.add(disconnectLabels[t][reason.ordinal()], engine.disconnects(t, reason));
            }
        }
        for (int t = -1; t < model.targetCount(); t++)
        {
            if (t >= 0 && !model.targetServed(t))
            {
                continue;
            }
            for (int r = 0; r < LoginResult.COUNT; r++)
            {
                logins.add(loginLabels[t + 1][r], engine.logins(t, r));
            }
        }
        for (int p = 0; p < model.portalCount(); p++)
        {
            if (!model.portalServed(p))
            {
                continue;
            }
            connections.dataPoint(GaugeDataPointSnapshot.builder().labels(portalLabels[p]).value(engine.connections(p))
                .build());
        }
        out.add(sessions.build());
        out.add(connections.build());
        out.add(logins.build());
        out.add(disconnects.build());
    }

    private void protocol(final List<MetricSnapshot> out)
    {
        final Family digests = new Family("ringtarget_digest_errors",
            "PDUs with a bad CRC32C digest: header (the connection is dropped) or data (the PDU is rejected).");
        digests.add(HEADER, engine.protocol(IscsiCounter.HEADER_DIGEST_ERRORS));
        digests.add(DATA, engine.protocol(IscsiCounter.DATA_DIGEST_ERRORS));
        out.add(digests.build());

        final Family rejects = new Family("ringtarget_pdu_rejects", "Reject PDUs sent, by reason (RFC 7143 11.17.1).");
        for (int i = 0; i < ProtocolLabels.REJECT_REASONS; i++)
        {
            if (ProtocolLabels.rejectIndexUsed(i))
            {
                rejects.add(rejectLabels[i], engine.rejects(i));
            }
        }
        out.add(rejects.build());

        final Family tmf = new Family("ringtarget_task_management",
            "Task management functions answered, by function and response.");
        for (int f = 1; f < ProtocolLabels.TMF_FUNCTIONS; f++)
        {
            for (int r = 0; r < ProtocolLabels.TMF_RESPONSES; r++)
            {
                final long n = engine.taskManagement(f, r);
                if (n > 0 || r == 0)
                {
                    tmf.add(tmfLabels[f][r], n);
                }
            }
        }
        for (int r = 0; r < ProtocolLabels.TMF_RESPONSES; r++)
        {
            final long n = engine.taskManagement(0, r);
            if (n > 0)
            {
                tmf.add(tmfLabels[0][r], n);
            }
        }
        out.add(tmf.build());

        final Family ignored = new Family("ringtarget_cmdsn_ignored",
            "Commands dropped silently for their CmdSN (RFC 7143 4.2.2.1): outside the window, or a duplicate.");
        ignored.add(OUT_OF_WINDOW, engine.protocol(IscsiCounter.CMDSN_OUT_OF_WINDOW));
        ignored.add(DUPLICATE, engine.protocol(IscsiCounter.CMDSN_DUPLICATES));
        out.add(ignored.build());
        out.add(single("ringtarget_cmdsn_held", "SCSI commands that came after a gap in the CmdSN sequence and " +
            "waited for the missing CmdSN before running (RFC 7143 4.2.2.1): an initiator that skips CmdSNs.",
            engine.protocol(IscsiCounter.CMDSN_HELD)));
        final Family attributes = new Family("ringtarget_task_attributes",
            "SCSI commands received with a task attribute other than SIMPLE (SAM-5 8.6): ordered (a reserved value " +
                "counts as ordered), head_of_queue, aca (refused: no ACA condition is ever in effect).");
        attributes.add(ORDERED, engine.protocol(IscsiCounter.TASKS_ORDERED));
        attributes.add(HEAD_OF_QUEUE, engine.protocol(IscsiCounter.TASKS_HEAD_OF_QUEUE));
        attributes.add(ACA, engine.protocol(IscsiCounter.TASKS_ACA));
        out.add(attributes.build());
        out.add(single("ringtarget_tasks_dormant", "Commands that waited in their session's task set for an older " +
            "task, as their own or an older task's attribute (ORDERED, HEAD OF QUEUE) asks (SAM-5 8.6).",
            engine.protocol(IscsiCounter.TASKS_DORMANT)));

        out.add(single("ringtarget_connections_accepted", "TCP connections accepted on the portals.",
            engine.protocol(IscsiCounter.CONNECTIONS_ACCEPTED)));
        security(out);
        out.add(single("ringtarget_pdus_received", "iSCSI PDUs received.", engine.protocol(IscsiCounter.PDUS_RECEIVED)));
        out.add(single("ringtarget_scsi_commands", "SCSI Command PDUs received.",
            engine.protocol(IscsiCounter.SCSI_COMMANDS)));
        final Family writeData = new Family("ringtarget_write_data_bytes",
            "Write data (immediate and Data-Out) by the way it reached the command's buffer: placed (received there " +
                "by the kernel), copied (from the connection's receive buffer), or unbuffered (a RAM LUN's WRITE whose " +
                "data all came with it, copied from the receive buffer straight into the LUN).");
        writeData.add(PLACED, engine.protocol(IscsiCounter.WRITE_DATA_PLACED_BYTES));
        writeData.add(COPIED, engine.protocol(IscsiCounter.WRITE_DATA_COPIED_BYTES));
        writeData.add(UNBUFFERED, engine.protocol(IscsiCounter.WRITE_DATA_UNBUFFERED_BYTES));
        out.add(writeData.build());
        out.add(single("ringtarget_receives_coalesced", "Receives that waited engine.receiveCoalescingMicros so that " +
            "an initiator keeping many commands in flight had its next ones taken and answered as a batch.",
            engine.protocol(IscsiCounter.RECEIVES_COALESCED)));
        out.add(single("ringtarget_responses_held", "Sends of responses that waited engine.receiveCoalescingMicros " +
            "on a loop saturated by several initiators, so that they left with the responses to the initiator's " +
            "next commands.", engine.protocol(IscsiCounter.RESPONSES_HELD)));
        out.add(single("ringtarget_protocol_errors", "Protocol errors that closed a connection.",
            engine.protocol(IscsiCounter.PROTOCOL_ERRORS)));
        out.add(single("ringtarget_nop_in_pings", "NOP-In pings sent to idle connections.",
            engine.protocol(IscsiCounter.NOP_IN_PINGS)));
        out.add(single("ringtarget_tasks_aborted", "Commands aborted by task management.",
            engine.protocol(IscsiCounter.TASKS_ABORTED)));
        out.add(single("ringtarget_data_out_ignored", "Data-Out PDUs dropped because their task had ended (an abort " +
            "racing an R2T already sent).", engine.protocol(IscsiCounter.DATA_OUT_IGNORED)));
        out.add(single("ringtarget_task_management_fenced", "Task management responses held until aborted I/O ended.",
            engine.protocol(IscsiCounter.TASK_MANAGEMENT_RESPONSES_FENCED)));
    }

    /** Login defences: lockouts, the logins they refused, login timeouts, connections over a limit. */
    private void security(final List<MetricSnapshot> out)
    {
        final Family throttled = new Family("ringtarget_logins_throttled",
            "Logins refused (0x0301) because their initiator name or source address is locked out after failed logins.");
        throttled.add(SCOPE_INITIATOR, engine.protocol(IscsiCounter.LOGINS_THROTTLED_INITIATOR));
        throttled.add(SCOPE_SOURCE, engine.protocol(IscsiCounter.LOGINS_THROTTLED_SOURCE));
        out.add(throttled.build());
        final Family lockouts = new Family("ringtarget_login_lockouts",
            "Lockouts begun: an initiator name or a source address reached its limit of failed logins.");
        lockouts.add(SCOPE_INITIATOR, engine.protocol(IscsiCounter.LOCKOUTS_INITIATOR));
        lockouts.add(SCOPE_SOURCE, engine.protocol(IscsiCounter.LOCKOUTS_SOURCE));
        out.add(lockouts.build());
        out.add(single("ringtarget_login_timeouts", "Connections closed because their login did not finish in time.",
            engine.protocol(IscsiCounter.LOGIN_TIMEOUTS)));
        final Family refused = new Family("ringtarget_connections_refused",
            "TCP connections closed when accepted: their source address, or the target, had its most connections open.");
        refused.add(PER_SOURCE_LIMIT, engine.protocol(IscsiCounter.CONNECTIONS_REFUSED_SOURCE));
        refused.add(TOTAL_LIMIT, engine.protocol(IscsiCounter.CONNECTIONS_REFUSED_TOTAL));
        out.add(refused.build());
    }

    private void tcp(final MetricsModel model, final List<MetricSnapshot> out)
    {
        engine.tcpHealthRead();
        final Family retransmits = new Family("ringtarget_tcp_retransmits",
            "TCP segments retransmitted on the portal's connections (TCP_INFO tcpi_total_retrans, sampled every " +
                "second while scraped and when a connection closes).");
        final GaugeSnapshot.Builder rtt = GaugeSnapshot.builder().name("ringtarget_tcp_rtt_seconds")
            .help("Mean smoothed round-trip time of the portal's open connections (TCP_INFO tcpi_rtt, sampled every " +
                "second while scraped); absent while none is open.")
            .unit(Unit.SECONDS);
        for (int p = 0; p < model.portalCount(); p++)
        {
            if (!model.portalServed(p))
            {
                continue;
            }
            final Labels labels = portalLabels[p];
            retransmits.add(labels, engine.tcpRetransmits(p));
            final double seconds = engine.tcpRttSeconds(p);
            if (!Double.isNaN(seconds))
            {
                rtt.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(seconds).build());
            }
        }
        out.add(retransmits.build());
        out.add(rtt.build());
    }

    private void alua(final List<MetricSnapshot> out)
    {
        final GaugeSnapshot.Builder state = GaugeSnapshot.builder().name("ringtarget_alua_state")
            .help("ALUA access state of each target port group: 1 for the current state, 0 for the others.");
        final Family transitions = new Family("ringtarget_alua_transitions", "ALUA state changes of the TPG.");
        for (int i = 0; i < aluaLabels.length; i++)
        {
            final TargetPortGroup group = tpgs[i];
            final int current = group.accessState().ordinal();
            for (int s = 0; s < ALUA_STATES.length; s++)
            {
                state.dataPoint(GaugeDataPointSnapshot.builder().labels(aluaLabels[i][s]).value(s == current ? 1 : 0).build());
            }
            transitions.add(aluaLabels[i][ALUA_STATES.length], group.transitionCount());
        }
        out.add(state.build());
        out.add(transitions.build());
    }

    private void runtime(final List<MetricSnapshot> out)
    {
        final Family busy = new Family("ringtarget_loop_busy_seconds",
            "Time each event loop spent in duty cycles that did work.");
        final Family idle = new Family("ringtarget_loop_idle_seconds",
            "Time each event loop spent in duty cycles that found nothing to do, polling or parked.");
        final Family parks = new Family("ringtarget_loop_parks",
            "Times each event loop went to sleep in io_uring_enter for want of work; a request that finds it asleep " +
                "waits for it to wake.");
        final GaugeSnapshot.Builder pollWindow = GaugeSnapshot.builder().name("ringtarget_loop_poll_window_seconds")
            .help("How long each event loop polls after its work before it sleeps, now: the ring idle strategy's " +
                "window, idleSpinMicros up to 4 times that as requests come just after it ends; 0 with another " +
                "strategy or idleSpinMicros 0.");
        final Family sqFull = new Family("ringtarget_ring_sq_full_flushes",
            "Times an SQE could not be queued because the io_uring submission queue was full, and it was submitted " +
                "first.");
        final Family cqOverflow = new Family("ringtarget_ring_cq_overflow_flushes",
            "Times the kernel's completion-queue overflow backlog was flushed.");
        final Family faults = new Family("ringtarget_loop_faults",
            "Exceptions caught at an event loop's fault boundary, by kind (handler, task, worker).");
        final GaugeSnapshot.Builder connections = GaugeSnapshot.builder().name("ringtarget_loop_connections")
            .help("Connections open on each event loop, logging in and closing ones included.");
        final Family handedOver = new Family("ringtarget_loop_connections_handed_over",
            "Connections the loop accepted and handed to a loop with fewer connections open.");
        for (int i = 0; i < engine.loopCount(); i++)
        {
            final Labels loop = loopLabels[i];
            busy.add(loop, engine.loopBusyNanos(i) / 1e9);
            idle.add(loop, engine.loopIdleNanos(i) / 1e9);
            parks.add(loop, engine.loopCounter(i, LoopCounter.PARKS));
            pollWindow.dataPoint(GaugeDataPointSnapshot.builder().labels(loop)
                .value(engine.loopCounter(i, LoopCounter.POLL_WINDOW_NANOS) / 1e9).build());
            connections.dataPoint(
                GaugeDataPointSnapshot.builder().labels(loop).value(engine.loopConnections(i)).build());
            handedOver.add(loop, engine.loopHandedOver(i));
            sqFull.add(loop, engine.loopCounter(i, LoopCounter.SQ_FULL_FLUSHES));
            cqOverflow.add(loop, engine.loopCounter(i, LoopCounter.CQ_OVERFLOW_FLUSHES));
            faults.add(faultLabels[i][0], engine.loopCounter(i, LoopCounter.HANDLER_FAULTS));
            faults.add(faultLabels[i][1], engine.loopCounter(i, LoopCounter.TASK_FAULTS));
            faults.add(faultLabels[i][2], engine.loopCounter(i, LoopCounter.WORKER_FAULTS));
        }
        out.add(busy.build());
        out.add(idle.build());
        out.add(parks.build());
        out.add(pollWindow.build());
        out.add(sqFull.build());
        out.add(cqOverflow.build());
        out.add(faults.build());
        out.add(connections.build());
        out.add(handedOver.build());
        out.add(single("ringtarget_buffer_pool_exhausted",
            "Commands (of at most 16 MiB) that found the loop's registered data buffers all in use and took its " +
                "spill region's or a dedicated buffer.", engine.protocol(IscsiCounter.BUFFER_POOL_EXHAUSTED)));
        out.add(single("ringtarget_dedicated_buffers",
            "Commands given a dedicated (allocated) data buffer: the loop's registered buffers and spill region were " +
                "all in use.",
            engine.protocol(IscsiCounter.DEDICATED_BUFFERS)));
        out.add(InfoSnapshot.builder().name("ringtarget_build").help("The ringtarget build serving: version and JVM.")
            .dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder().labels(buildLabels).build())
            .build());
    }

    private static MetricSnapshot single(final String name, final String help, final long value)
    {
        final Family f = new Family(name, help);
        f.add(Labels.EMPTY, value);
        return f.build();
    }

    /** A counter family being built. */
    private static final class Family
    {
        private final CounterSnapshot.Builder builder;

        Family(final String name, final String help)
        {
            builder = CounterSnapshot.builder().name(name).help(help);
            if (name.endsWith("_bytes"))
            {
                builder.unit(Unit.BYTES);
            }
            else if (name.endsWith("_seconds"))
            {
                builder.unit(Unit.SECONDS);
            }
        }

        void add(final Labels labels, final double value)
        {
            builder.dataPoint(CounterDataPointSnapshot.builder().labels(labels).value(value).build());
        }

        MetricSnapshot build()
        {
            return builder.build();
        }
    }
}
