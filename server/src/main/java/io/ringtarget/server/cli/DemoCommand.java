package io.ringtarget.server.cli;

import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.ConfigDefaults;
import io.ringtarget.server.config.ConfigEditor;
import io.ringtarget.server.config.ConfigFiles;
import io.ringtarget.server.config.ConfigProblem;
import io.ringtarget.server.config.ConfigValidator;
import io.ringtarget.server.config.DemoConfig;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.MetricsConfig;
import io.ringtarget.server.config.PortalAddresses;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RbdConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.Sizes;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ringtarget demo}: one target, one LUN, no configuration file. */
@Command(name = "demo", description = "Serves iqn.2026-11.io.ringtarget:demo with LUN 0 (1 GiB of RAM unless " +
    "told), to any initiator, without authentication, until Ctrl-C. Prints how to connect.",
    footer = { "", "Examples:",
        "  ringtarget demo",
        "  ringtarget demo --portal 127.0.0.1:3261 --size 4G",
        "  ringtarget demo --portal 127.0.0.1:3260 --portal 127.0.0.1:3261   # two paths (TPGs 1 and 2, ALUA)",
        "  ringtarget demo --backstore /dev/vg0/lv0        # a block device",
        "  ringtarget demo --backstore /var/tmp/demo.img    # a file (created at --size when missing)",
        "  ringtarget demo --backstore rbd:rbd/vm1 --ceph-conf /etc/ceph/ceph.conf   # a Ceph RBD image" })
final class DemoCommand implements Callable<Integer>
{
    private static final String RBD_PREFIX = "rbd:";

    @Option(names = "--portal", paramLabel = "HOST:PORT",
        description = "Address and port to listen on (default: " + DemoConfig.PORTAL + "; 0.0.0.0:3260 to be " +
            "reachable from other hosts, [::1]:3260 or [::]:3260 for IPv6). Repeat it for several paths: each portal is a " +
            "TPG of its own (tags 1, 2, ...) exporting the same LUN, the first active/optimized and preferred, the " +
            "others active/non-optimized (see --alua).")
    List<String> portals;

    @Option(names = "--alua", paramLabel = "STATE,STATE,...", split = ",",
        description = "With several portals: the ALUA state of each TPG in order (active-optimized, " +
            "active-non-optimized, standby, unavailable).")
    List<String> aluaStates;

    @Option(names = "--size", paramLabel = "SIZE", converter = SizeConverter.class,
        description = "LUN size: 1G, 512M, ... (default 1G; for an existing file or device, its own size).")
    Long size;

    @Option(names = "--backstore", paramLabel = "PATH|rbd:POOL/IMAGE",
        description = "Serve this block device or file instead of RAM, or with rbd: a Ceph RBD image (with " +
            "--ceph-conf; POOL/[NAMESPACE/]IMAGE, with @SNAPSHOT a snapshot of it, read-only).")
    String backstore;

    @Option(names = "--ceph-conf", paramLabel = "FILE",
        description = "With --backstore rbd:POOL/IMAGE: the ceph.conf naming the cluster's monitors.")
    String cephConf;

    @Option(names = "--ceph-id", paramLabel = "ID",
        description = "With --backstore rbd:POOL/IMAGE: the Ceph client to connect as (default: admin).")
    String cephId;

    @Option(names = "--loops", paramLabel = "N", defaultValue = "0",
        description = "Event loops (default 0: one per core).")
    int loops;

    @Option(names = "--idle-strategy", paramLabel = "ring|busy|backoff",
        description = "How a loop waits for work (engine.idleStrategy): ring (default) polls briefly after " +
            "work, then sleeps in io_uring_enter; busy spins, taking one core per loop at 100 %% for the lowest " +
            "latency and the most IOPS per connection (with --loops 1, as a polling target such as SPDK runs on one " +
            "core).")
    String idleStrategy;

    @Option(names = "--idle-spin-micros", paramLabel = "N",
        description = "With the ring idle strategy: how long a loop keeps polling after its last work before it " +
            "sleeps (engine.idleSpinMicros, default 50, up to 4x that while requests come just after it; 0 " +
            "sleeps at once: less CPU per I/O, a longer round trip at queue depth 1).")
    Integer idleSpinMicros;

    @Option(names = "--receive-coalescing-micros", paramLabel = "N",
        description = "How long a connection's receive waits when its initiator is 12 or more responses behind (a " +
            "deep queue), so that its next commands are taken and answered in batches, and how long ready responses " +
            "wait for an initiator's next commands on a loop saturated by several initiators " +
            "(engine.receiveCoalescingMicros, default 50; 0 never waits).")
    Integer receiveCoalescingMicros;

    @Option(names = "--parameter", paramLabel = "KEY=VALUE",
        description = "An operational key the demo's TPGs offer its logins, as iscsi tpg set --parameter " +
            "(repeatable): e.g. FirstBurstLength=16384 or ImmediateData=No.")
    List<String> parameters;

    @Option(names = "--tcp-congestion-control", paramLabel = "NAME",
        description = "The TCP congestion control of every connection (engine.tcpCongestionControl): cubic, dctcp, " +
            "bbr, ... (default: the host's net.ipv4.tcp_congestion_control).")
    String tcpCongestionControl;

    @Option(names = "--write-cache",
        description = "Report a volatile write cache (WCE=1), as tgt and a local disk do: a write completes once the " +
            "backstore has it and is durable after SYNCHRONIZE CACHE. Without it every write is written through (FUA).")
    boolean writeCache;

    @Option(names = "--grow", description = "With --backstore FILE and --size: extend an existing smaller file to " +
        "--size (refused without it).")
    boolean grow;

    @Option(names = "--no-huge-pages", description = "The RAM LUN's memory in 4 KiB pages instead of 2 MiB " +
        "transparent huge pages (slower random I/O; memory taken page by page): a ram backstore's hugePages false.")
    boolean noHugePages;

    @Mixin
    LogLevelOption logLevel;

    @Option(names = "--dry-run", description = "Print the configuration and how to connect, without starting.")
    boolean dryRun;

    @Option(names = "--metrics", paramLabel = "HOST:PORT|off",
        description = "Serve Prometheus metrics on http://HOST:PORT/metrics (default: " + MetricsConfig.DEMO_LISTEN +
            "; off: none). When the default port is taken, the demo serves without metrics and says so.")
    String metrics;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final RingtargetConfig demo = config();
        final List<ConfigProblem> problems = ConfigValidator.validate(demo, true);
        if (ConfigProblem.hasErrors(problems))
        {
            err.println("ringtarget demo: cannot serve this:");
            problems.forEach(p -> err.println("  " + p));
            return ExitCodes.INVALID;
        }
        if (dryRun)
        {
            out.print(ConfigFiles.toJson(demo));
            out.print(instructions(demo));
            return ExitCodes.OK;
        }
        final RingtargetConfig served = null == metrics && !DemoMetrics.available(MetricsConfig.DEMO_LISTEN) ?
            DemoMetrics.without(demo, err) : demo;
        return ServerRunner.run(served, null, logLevel.level, err, null, () ->
        {
            out.print(instructions(served));
            out.println("Stop with Ctrl-C.");
            out.flush();
        });
    }

    RingtargetConfig config()
    {
        final RingtargetConfig demo;
        try
        {
            final List<String> hostPorts = null == portals || portals.isEmpty() ? List.of(DemoConfig.PORTAL) : portals;
            final List<String> states = null == aluaStates ? List.of() : aluaStates;
            if (states.size() > hostPorts.size())
            {
                throw new CliException(ExitCodes.INVALID, "--alua: " + states.size() + " states for " +
                    hostPorts.size() + " portal(s): give one per --portal");
            }
            demo = DemoConfig.create(hostPorts, states, null == size ? 0 : size, rbdImage() == null ? backstore : null);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CliException(ExitCodes.INVALID, "--portal: " + ex.getMessage());
        }
        final EngineConfig engine = demo.engine();
        final BackstoreConfig b = null == rbdImage() ? demo.backstores().getFirst() : rbdBackstore();
        if (noHugePages && !ConfigDefaults.TYPE_RAM.equals(b.type()))
        {
            throw new CliException(ExitCodes.INVALID, "--no-huge-pages: only the RAM LUN's memory is the target's " +
                "own (leave out --backstore)");
        }
        final BackstoreConfig backstore = b.withWriteCache(writeCache)
            .withGrow(grow && ConfigDefaults.TYPE_FILEIO.equals(b.type()))
            .withHugePages(noHugePages ? Boolean.FALSE : b.hugePages());
        RingtargetConfig tuned = demo;
        if (null != parameters)
        {
            final Map<String, String> keys = TpgParameterOptions.parse(parameters);
            for (final TargetConfig target : demo.targets())
            {
                for (final TpgConfig tpg : target.tpgs())
                {
                    tuned = ConfigEditor.setTpgParameters(tuned, target.iqn(), tpg.tag(), keys);
                }
            }
        }
        return tuned.withBackstores(List.of(backstore))
            .withEngine(new EngineConfig(loops, engine.pinCpus(),
                null == idleStrategy ? engine.idleStrategy() : idleStrategy,
                null == idleSpinMicros ? engine.idleSpinMicros() : idleSpinMicros,
                engine.nopInIntervalSeconds(), engine.nopInTimeoutSeconds(), tcpCongestionControl)
                .withReceiveCoalescingMicros(receiveCoalescingMicros))
            .withMetrics(new MetricsConfig(null == metrics ? MetricsConfig.DEMO_LISTEN : metrics));
    }

    /** The POOL/IMAGE of {@code --backstore rbd:POOL/IMAGE}, or null. */
    private String rbdImage()
    {
        return null != backstore && backstore.startsWith(RBD_PREFIX) ? backstore.substring(RBD_PREFIX.length()) : null;
    }

    /** The demo's LUN on an RBD image: its identity comes from the image (the same through every gateway). */
    private BackstoreConfig rbdBackstore()
    {
        if (null == cephConf)
        {
            throw new CliException(ExitCodes.INVALID, "--backstore rbd:POOL/IMAGE needs --ceph-conf FILE");
        }
        return BackstoreConfig.rbd(DemoConfig.BACKSTORE, new RbdConfig(rbdImage(),
                Path.of(cephConf).toAbsolutePath().normalize().toString(),
                null == cephId ? RbdConfig.DEFAULT_CEPH_ID : cephId, null),
            ConfigDefaults.DEFAULT_BLOCK_SIZE, false, null, null);
    }

    /** How to reach the demo target with open-iscsi, libiscsi's tools and fio. */
    static String instructions(final RingtargetConfig demo)
    {
        final TargetConfig target = demo.targets().getFirst();
        final PortalConfig portal = target.tpgs().getFirst().portals().getFirst();
        final StringBuilder paths = new StringBuilder();
        if (target.tpgs().size() > 1)
        {
            for (final var tpg : target.tpgs())
            {
                paths.append("  path:        TPG ").append(tpg.tag()).append(" on ")
                    .append(ConfigEditor.portalName(tpg.portals().getFirst())).append(", ALUA ")
                    .append(tpg.aluaOrDefault().state()).append(tpg.aluaOrDefault().preferred() ? ", preferred" : "")
                    .append(System.lineSeparator());
            }
        }
        final BackstoreConfig backstore = demo.backstores().getFirst();
        // Clients connect to a real address: the wildcard means "this host".
        final String ip = switch (portal.ip())
        {
            case "0.0.0.0" -> "127.0.0.1";
            case "::" -> "::1";
            default -> portal.ip();
        };
        final String hostPort = PortalAddresses.hostPort(ip, portal.port());
        final String url = "iscsi://" + hostPort + "/" + target.iqn() + "/0";
        // fio splits file names at ':', so every colon of the URL is escaped (fio's libiscsi engine docs).
        final String fioName = url.replace(":", "\\:");
        final String nl = System.lineSeparator();
        return "ringtarget demo: " + target.iqn() + " on " + ConfigEditor.portalName(portal) + ", LUN 0 = " +
            (backstore.sizeBytes() > 0 ? Sizes.format(backstore.sizeBytes()) + " " : "") + backstore.type() +
            (null == backstore.path() ? "" : " " + backstore.path()) +
            (null == backstore.rbd() ? "" : " " + backstore.rbd().image()) + nl +
            paths +
            "  open-iscsi:  iscsiadm -m discovery -t sendtargets -p " + hostPort + nl +
            "               iscsiadm -m node -T " + target.iqn() + " -p " + hostPort + " --login" + nl +
            "  libiscsi:    " + url + nl +
            "  inquiry:     iscsi-inq " + url + nl +
            "  fio:         fio --name=demo --ioengine=libiscsi --filename='" + fioName + "' --rw=randread --bs=4k " +
            "--iodepth=32 --runtime=10 --time_based" + nl +
            (null != demo.metrics() && demo.metrics().enabled() ?
                "  metrics:     curl http://" + demo.metrics().listen().strip() + "/metrics" + nl : "");
    }
}
