package io.ringtarget.server.metrics;

import io.ringtarget.server.config.AclConfig;
import io.ringtarget.server.config.AluaConfig;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.ChapConfig;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.MetricsConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;
import io.ringtarget.server.startup.TargetServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A target served from a configuration with {@code metrics.listen}, scraped over HTTP as Prometheus would: the
 * metric families and label sets of docs/admin-guide.md, in the text format, before any initiator came.
 */
class MetricsEndpointTest
{
    private static final String OPEN = "iqn.2026-11.io.ringtarget:metrics-open";
    private static final String CHAP = "iqn.2026-11.io.ringtarget:metrics-chap";
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static TargetServer server;
    private static int iscsiPort;
    private static int metricsPort;
    private static String text;

    @BeforeAll
    static void start() throws Exception
    {
        // A port found free may be taken before the target binds it (another test's outgoing connection gets it as
        // its ephemeral port: a CI run met that); a few fresh pairs, then the failure as it is.
        for (int attempt = 1; ; attempt++)
        {
            iscsiPort = freePort();
            metricsPort = freePort();
            try
            {
                server = TargetServer.start(config(metricsPort), new PrintStream(LOG, true));
                break;
            }
            catch (final java.io.IOException | java.io.UncheckedIOException ex)
            {
                if (attempt == 5 || !String.valueOf(ex.getMessage()).contains("Address already in use"))
                {
                    throw ex;
                }
            }
        }
        text = scrape();
    }

    @AfterAll
    static void stop()
    {
        if (null != server)
        {
            server.close();
        }
    }

    static RingtargetConfig config(final int metrics)
    {
        final List<PortalConfig> portal = List.of(new PortalConfig("127.0.0.1", iscsiPort));
        return new RingtargetConfig(
            List.of(new BackstoreConfig("ram0", "ram", null, 64L << 20, 512, true, false, "metrics0", null),
                new BackstoreConfig("ram1", "ram", null, 16L << 20, 4096, true, false, "metrics1", null)
                    .withSoftThresholdPercent(90),
                new BackstoreConfig("ram2", "ram", null, 16L << 20, 4096, true, false, "metrics2", null)),
            List.of(
                new TargetConfig(OPEN, null, List.of(new TpgConfig(1, true, portal,
                    List.of(new LunConfig(0, "ram0", false), new LunConfig(3, "ram1", false)), List.of(), true,
                    "none"))),
                new TargetConfig(CHAP, null, List.of(new TpgConfig(2, true, portal,
                    List.of(new LunConfig(0, "ram2", false)),
                    List.of(new AclConfig("iqn.2026-11.io.ringtarget.test:c", new ChapConfig("u", "secret-secret", "", ""))),
                    false, "chap").withAlua(new AluaConfig(AluaConfig.STANDBY, false))))),
            new DiscoveryAuthConfig("none", null),
            new EngineConfig(2, false, "ring", 5, 15),
            new MetricsConfig("127.0.0.1:" + metrics), null);
    }

    static int freePort() throws IOException
    {
        try (ServerSocket s = new ServerSocket())
        {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }

    static String scrape() throws Exception
    {
        try (HttpClient client = HttpClient.newHttpClient())
        {
            final HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                r.headers().toString());
            return r.body();
        }
    }

    private static void assertSample(final String sample)
    {
        assertTrue(text.contains("\n" + sample + "\n"), "missing " + sample);
    }

    private static void assertType(final String family, final String type)
    {
        assertTrue(text.contains("# TYPE " + family + " " + type + "\n"), "# TYPE " + family + " " + type);
    }

    @Test
    void perLunFamiliesWithTargetLunAndBackstore()
    {
        final String lun0 = "{backstore=\"ram0\",lun=\"0\",target=\"" + OPEN + "\"}";
        assertType("ringtarget_lun_reads_completed_total", "counter");
        assertSample("ringtarget_lun_reads_completed_total" + lun0 + " 0.0");
        assertSample("ringtarget_lun_writes_completed_total" + lun0 + " 0.0");
        assertSample("ringtarget_lun_read_bytes_total" + lun0 + " 0.0");
        assertSample("ringtarget_lun_written_bytes_total" + lun0 + " 0.0");
        assertFalse(text.contains("ringtarget_lun_io_errors_total"), "failures by kind and sense key appear once seen");
        assertType("ringtarget_lun_capacity_bytes", "gauge");
        assertSample("ringtarget_lun_capacity_bytes" + lun0 + " 6.7108864E7");
        assertSample("ringtarget_lun_capacity_bytes{backstore=\"ram1\",lun=\"3\",target=\"" + OPEN + "\"} 1.6777216E7");
        assertSample("ringtarget_lun_capacity_bytes{backstore=\"ram2\",lun=\"0\",target=\"" + CHAP + "\"} 1.6777216E7");
        assertSample("ringtarget_lun_io_now" + lun0 + " 0.0");
        assertType("ringtarget_lun_memory_bytes", "gauge");
        assertSample("ringtarget_lun_memory_bytes" + lun0 + " 0.0");   // a ram LUN nothing was written to
        assertType("ringtarget_lun_sanitize_state", "gauge");
        assertSample("ringtarget_lun_sanitize_state" + lun0 + " 0.0");
        assertType("ringtarget_lun_sanitize_progress_ratio", "gauge");
        assertSample("ringtarget_lun_sanitize_progress_ratio" + lun0 + " 0.0");
        assertType("ringtarget_lun_self_test_running", "gauge");
        assertSample("ringtarget_lun_self_test_running" + lun0 + " 0.0");
        assertType("ringtarget_lun_self_test_failures_total", "counter");
        assertSample("ringtarget_lun_self_test_failures_total" + lun0 + " 0.0");
        // Only the LUN with a soft threshold has the counter.
        assertType("ringtarget_lun_soft_threshold_reached_total", "counter");
        assertSample("ringtarget_lun_soft_threshold_reached_total{backstore=\"ram1\",lun=\"3\",target=\"" + OPEN +
            "\"} 0.0");
        assertFalse(text.contains("ringtarget_lun_soft_threshold_reached_total" + lun0), "ram0 has no threshold");
        assertType("ringtarget_lun_io_duration_seconds", "histogram");
        final String read = "backstore=\"ram0\",lun=\"0\",op=\"read\",target=\"" + OPEN + "\"";
        assertSample("ringtarget_lun_io_duration_seconds_bucket{" + read + ",le=\"1.0E-5\"} 0");
        assertSample("ringtarget_lun_io_duration_seconds_bucket{" + read + ",le=\"10.0\"} 0");
        assertSample("ringtarget_lun_io_duration_seconds_bucket{" + read + ",le=\"+Inf\"} 0");
        assertSample("ringtarget_lun_io_duration_seconds_count{" + read + "} 0");
        assertSample("ringtarget_lun_io_duration_seconds_sum{" + read + "} 0.0");
        final Matcher buckets = Pattern.compile("ringtarget_lun_io_duration_seconds_bucket\\{" + Pattern.quote(read) +
            ",le=\"([^\"]+)\"}").matcher(text);
        int n = 0;
        while (buckets.find())
        {
            n++;
        }
        assertEquals(27, n, "26 bounds from 10 us to 10 s, and +Inf");
        assertFalse(text.contains("op=\"unmap\""), "kinds other than read and write appear once seen");
    }

    @Test
    void sessionsProtocolTcpAluaAndRuntime()
    {
        assertSample("ringtarget_sessions{target=\"" + OPEN + "\"} 0.0");
        assertSample("ringtarget_connections{portal=\"127.0.0.1:" + iscsiPort + "\",target=\"" + CHAP + "\"} 0.0");
        assertSample("ringtarget_connections{portal=\"127.0.0.1:" + iscsiPort + "\",target=\"\"} 0.0");
        assertSample("ringtarget_logins_total{result=\"auth_failure\",target=\"" + CHAP + "\"} 0.0");
        assertSample("ringtarget_logins_total{result=\"not_found\",target=\"\"} 0.0");
        assertSample("ringtarget_session_disconnects_total{reason=\"nop_timeout\",target=\"" + OPEN + "\"} 0.0");
        assertSample("ringtarget_digest_errors_total{kind=\"header\"} 0.0");
        assertSample("ringtarget_digest_errors_total{kind=\"data\"} 0.0");
        assertSample("ringtarget_write_data_bytes_total{path=\"placed\"} 0.0");
        assertSample("ringtarget_write_data_bytes_total{path=\"copied\"} 0.0");
        assertSample("ringtarget_write_data_bytes_total{path=\"unbuffered\"} 0.0");
        assertSample("ringtarget_pdu_rejects_total{reason=\"protocol_error\"} 0.0");
        assertSample("ringtarget_task_management_total{function=\"abort_task\",response=\"function_complete\"} 0.0");
        assertSample("ringtarget_tcp_retransmits_total{portal=\"127.0.0.1:" + iscsiPort + "\",target=\"" + OPEN + "\"} 0.0");
        assertFalse(text.contains("ringtarget_tcp_rtt_seconds{"), "no RTT without a connection");
        assertSample("ringtarget_alua_state{state=\"active_optimized\",target=\"" + OPEN + "\",tpg=\"1\"} 1.0");
        assertSample("ringtarget_alua_state{state=\"standby\",target=\"" + OPEN + "\",tpg=\"1\"} 0.0");
        assertSample("ringtarget_alua_state{state=\"standby\",target=\"" + CHAP + "\",tpg=\"2\"} 1.0");
        assertSample("ringtarget_alua_state{state=\"active_optimized\",target=\"" + CHAP + "\",tpg=\"2\"} 0.0");
        assertSample("ringtarget_alua_transitions_total{target=\"" + CHAP + "\",tpg=\"2\"} 0.0");
        assertTrue(text.contains("\nringtarget_loop_busy_seconds_total{loop=\"ringtarget-0\"} "), "busy");
        assertTrue(text.contains("\nringtarget_loop_idle_seconds_total{loop=\"ringtarget-1\"} "), "idle");
        // A loop with nothing to do sleeps (io_uring_enter waiting for a completion) at once when it starts.
        final Matcher parks = Pattern.compile("(?m)^ringtarget_loop_parks_total\\{loop=\"ringtarget-1\"} (\\S+)$")
            .matcher(text);
        assertTrue(parks.find(), "parks");
        assertTrue(Double.parseDouble(parks.group(1)) >= 1, parks.group());
        assertType("ringtarget_loop_parks_total", "counter");
        // The ring idle strategy's poll window: the default 50 us, up to 4 times that.
        final Matcher window =
            Pattern.compile("(?m)^ringtarget_loop_poll_window_seconds\\{loop=\"ringtarget-0\"} (\\S+)$").matcher(text);
        assertTrue(window.find(), "poll window");
        final double windowSeconds = Double.parseDouble(window.group(1));
        assertTrue(windowSeconds >= 50e-6 && windowSeconds <= 200e-6, window.group());
        assertType("ringtarget_loop_poll_window_seconds", "gauge");
        assertSample("ringtarget_ring_sq_full_flushes_total{loop=\"ringtarget-0\"} 0.0");
        assertSample("ringtarget_ring_cq_overflow_flushes_total{loop=\"ringtarget-1\"} 0.0");
        assertSample("ringtarget_loop_connections{loop=\"ringtarget-0\"} 0.0");
        assertSample("ringtarget_loop_connections{loop=\"ringtarget-1\"} 0.0");
        assertSample("ringtarget_loop_connections_handed_over_total{loop=\"ringtarget-1\"} 0.0");
        assertType("ringtarget_loop_connections", "gauge");
        assertSample("ringtarget_buffer_pool_exhausted_total 0.0");
        assertTrue(text.contains("\nringtarget_build_info{java_version=\""), "build info");
        assertType("jvm_memory_used_bytes", "gauge");
        assertTrue(text.contains("\njvm_gc_collection_seconds_count{"), "GC metrics of the Java client");
    }

    /** Each connection goes to the loop with the fewest, and the scrape shows how many each loop holds. */
    @Test
    void connectionsPerLoop() throws Exception
    {
        final Pattern perLoop = Pattern.compile("(?m)^ringtarget_loop_connections\\{loop=\"(ringtarget-[01])\"} (\\S+)$");
        final List<Socket> open = new ArrayList<>();
        try
        {
            for (int n = 1; n <= 6; n++)
            {
                final Socket s = new Socket();
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), iscsiPort), 5_000);
                open.add(s);
                // One at a time: each is counted before the next arrives, so the split is exact.
                final int expected = n;
                awaitScrape(perLoop, counts -> counts[0] + counts[1] == expected);
            }
            final double[] counts = awaitScrape(perLoop, c -> true);
            assertEquals(3.0, counts[0], "loop 0");
            assertEquals(3.0, counts[1], "loop 1");
        }
        finally
        {
            for (final Socket s : open)
            {
                s.close();
            }
        }
        awaitScrape(perLoop, counts -> counts[0] + counts[1] == 0);
    }

    private static double[] awaitScrape(final Pattern perLoop, final Predicate<double[]> done) throws Exception
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (true)
        {
            final double[] counts = new double[2];
            final Matcher m = perLoop.matcher(scrape());
            while (m.find())
            {
                counts[m.group(1).endsWith("0") ? 0 : 1] = Double.parseDouble(m.group(2));
            }
            if (done.test(counts))
            {
                return counts;
            }
            assertTrue(System.nanoTime() < deadline, "connections per loop: " + counts[0] + " / " + counts[1]);
            Thread.sleep(20);
        }
    }

    @Test
    void aSecondScrapeSeesTheLoopsRunAndTheLogSaysWhere() throws Exception
    {
        final Pattern busy = Pattern.compile("\nringtarget_loop_idle_seconds_total\\{loop=\"ringtarget-0\"} (\\S+)\n");
        final Matcher first = busy.matcher(text);
        assertTrue(first.find());
        // An idle loop publishes its idle time when it wakes, at least once per park bound (1 s).
        final long deadline = System.nanoTime() + 5_000_000_000L;
        Matcher second;
        do
        {
            Thread.sleep(50);
            second = busy.matcher(scrape());
            assertTrue(second.find());
        }
        while (Double.parseDouble(second.group(1)) <= Double.parseDouble(first.group(1)) && System.nanoTime() < deadline);
        assertTrue(Double.parseDouble(second.group(1)) > Double.parseDouble(first.group(1)), "idle time grows");
        assertTrue(server.metricsUrl().equals("http://127.0.0.1:" + metricsPort + "/metrics"), server.metricsUrl());
    }

    /**
     * The metric list of docs/admin-guide.md is the one served, and the shipped alert rules and dashboard use only
     * metrics that exist.
     */
    @Test
    void theAdminGuideListsEveryMetricAndTheRulesAndDashboardUseOnlyThose() throws IOException
    {
        final java.util.Set<String> served = new java.util.TreeSet<>();
        final Matcher type = Pattern.compile("\n# TYPE (ringtarget_\\w+) (\\w+)").matcher(text);
        while (type.find())
        {
            served.add(type.group(1));
        }
        // Families without samples are not written: failures appear with the first, RTTs while connected.
        served.add("ringtarget_lun_io_errors_total");
        served.add("ringtarget_tcp_rtt_seconds");
        // rbd LUNs only (a Ceph cluster: RbdGatewayFailoverTest scrapes them).
        served.addAll(List.of("ringtarget_lun_rbd_lock_owner", "ringtarget_lun_rbd_fenced",
            "ringtarget_lun_rbd_lock_takeovers_total", "ringtarget_lun_rbd_fencings_total",
            "ringtarget_lun_rbd_reopens_total"));
        final String guide = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "admin-guide.md"));
        final java.util.Set<String> documented = new java.util.TreeSet<>();
        final Matcher row = Pattern.compile("\n\\| (`ringtarget_[^|]+)\\|").matcher(guide);
        while (row.find())
        {
            final Matcher name = Pattern.compile("`(ringtarget_\\w+)`").matcher(row.group(1));
            while (name.find())
            {
                documented.add(name.group(1));
            }
        }
        assertEquals(served, documented, "docs/admin-guide.md's metric table");
        for (final String file : List.of("monitoring/prometheus/ringtarget-rules.yml",
            "monitoring/grafana/ringtarget-dashboard.json"))
        {
            final Matcher used = Pattern.compile("\\b(ringtarget_[a-z_]+)").matcher(
                java.nio.file.Files.readString(java.nio.file.Path.of("..").resolve(file)));
            while (used.find())
            {
                final String family = used.group(1).replaceAll("_(bucket|count|sum)$", "");
                assertTrue(served.contains(used.group(1)) || served.contains(family), file + " uses " + used.group(1));
            }
        }
    }

    @Test
    void aTakenAddressFailsTheStart() throws Exception
    {
        final IOException ex = assertThrows(IOException.class,
            () -> TargetServer.start(configOnOtherIscsiPort(), new PrintStream(new ByteArrayOutputStream(), true)));
        assertTrue(ex.getMessage().startsWith("cannot serve metrics on 127.0.0.1:" + metricsPort), ex.getMessage());
    }

    private static RingtargetConfig configOnOtherIscsiPort() throws IOException
    {
        final int saved = iscsiPort;
        iscsiPort = freePort();
        try
        {
            return config(metricsPort);
        }
        finally
        {
            iscsiPort = saved;
        }
    }
}
