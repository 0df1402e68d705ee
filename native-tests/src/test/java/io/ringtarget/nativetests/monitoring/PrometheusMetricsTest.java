package io.ringtarget.nativetests.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.ringtarget.nativetests.support.ExternalProcess;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.nativetests.support.SelfSignedCertificate;
import io.ringtarget.nativetests.support.Tools;
import io.ringtarget.server.config.AclConfig;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.ChapConfig;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.BcryptHash;
import io.ringtarget.server.config.MetricsBasicAuthConfig;
import io.ringtarget.server.config.MetricsConfig;
import io.ringtarget.server.config.MetricsTlsConfig;
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
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Debian's Prometheus server scraping a running target once a second while fio drives I/O through libiscsi, read
 * back through Prometheus' HTTP API: the read and write counters and bytes rose by what fio did (within 1 %), the
 * latency histogram holds those commands in the buckets fio's own latencies allow, a failed CHAP login shows in
 * ringtarget_logins_total and fires the authentication alert of the shipped rules, {@code promtool check metrics}
 * finds nothing to say about a scrape taken under load, and every expression of the Grafana dashboard evaluates. The
 * endpoint is served over HTTPS with a password given to the target as its bcrypt hash (a self-signed certificate
 * for 127.0.0.1), which Prometheus scrapes with {@code tls_config} and {@code basic_auth} as the admin guide shows;
 * without the password it answers 401.
 */
class PrometheusMetricsTest
{
    private static final String OPEN = "iqn.2026-11.io.ringtarget:prom-open";
    private static final String CHAP = "iqn.2026-11.io.ringtarget:prom-chap";
    private static final String METRICS_USER = "prometheus";
    private static final String METRICS_PASSWORD = "metrics-Secret-26";
    private static final String CHAP_INITIATOR = "iqn.2026-11.io.ringtarget.test:prom-client";
    private static final int FIO_SECONDS = 8;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Path dir;
    private static TargetServer server;
    private static ExternalProcess prometheus;
    private static int iscsiPort;
    private static int metricsPort;
    private static int prometheusPort;
    private static SelfSignedCertificate certificate;
    private static HttpClient https;

    @BeforeAll
    static void start() throws Exception
    {
        final Path promBinary = Tools.require("prometheus");
        Tools.require("promtool");
        Tools.require("iscsi-inq");
        Tools.fio();
        dir = Files.createTempDirectory("ringtarget-prometheus");
        iscsiPort = Ports.free();
        metricsPort = Ports.free();
        prometheusPort = Ports.free();
        certificate = SelfSignedCertificate.create(dir, "metrics", Ports.LOOPBACK);
        https = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(certificate.trustingIt())
            .build();
        final Path passwordFile = dir.resolve("metrics.password");
        Files.writeString(passwordFile, METRICS_PASSWORD);
        final List<PortalConfig> portal = List.of(new PortalConfig(Ports.LOOPBACK, iscsiPort));
        server = TargetServer.start(new RingtargetConfig(
            List.of(new BackstoreConfig("ram0", "ram", null, 256L << 20, 512, true, true, "promram0", null),
                new BackstoreConfig("ram1", "ram", null, 16L << 20, 512, true, false, "promram1", null)),
            List.of(
                new TargetConfig(OPEN, null, List.of(new TpgConfig(1, true, portal,
                    List.of(new LunConfig(0, "ram0", false)), List.of(), true, "none"))),
                new TargetConfig(CHAP, null, List.of(new TpgConfig(1, true, portal,
                    List.of(new LunConfig(0, "ram1", false)),
                    List.of(new AclConfig(CHAP_INITIATOR, new ChapConfig("promuser", "prom-Secret-26", "", ""))),
                    false, "chap")))),
            new DiscoveryAuthConfig("none", null),
            new EngineConfig(2, false, "ring", 5, 15),
            new MetricsConfig(Ports.LOOPBACK + ":" + metricsPort,
                new MetricsTlsConfig(certificate.certificate().toString(), certificate.key().toString()),
                // The password as a bcrypt hash, as the admin guide suggests: Prometheus sends the password itself.
                MetricsBasicAuthConfig.hashed(METRICS_USER,
                    BcryptHash.hash(METRICS_PASSWORD, BcryptHash.DEFAULT_COST))),
                null), new PrintStream(LOG, true));

        final Path rules = Tools.repoRoot().resolve("monitoring/prometheus/ringtarget-rules.yml");
        final Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:
              - %s
            scrape_configs:
              - job_name: ringtarget
                scheme: https
                tls_config:
                  ca_file: %s
                basic_auth:
                  username: %s
                  password_file: %s
                static_configs:
                  - targets: ['%s:%d']
            """.formatted(rules, certificate.certificate(), METRICS_USER, passwordFile, Ports.LOOPBACK, metricsPort));
        prometheus = ExternalProcess.start(dir.resolve("prometheus.log"), promBinary.toString(),
            "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
            "--web.listen-address=" + Ports.LOOPBACK + ":" + prometheusPort);
        assertTrue(Ports.awaitListening(prometheusPort, 30_000, prometheus), "prometheus did not start: " + promLog());
        awaitReady(30);
        awaitValue("up{job=\"ringtarget\"}", 1, 30);
    }

    @AfterAll
    static void stop() throws IOException
    {
        if (null != prometheus)
        {
            prometheus.close();
        }
        if (null != server)
        {
            server.close();
        }
        if (null != dir)
        {
            try (var paths = Files.walk(dir))
            {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String promLog()
    {
        try
        {
            return Files.readString(dir.resolve("prometheus.log"));
        }
        catch (final IOException ex)
        {
            return ex.toString();
        }
    }

    private static String get(final String url) throws IOException, InterruptedException
    {
        final HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url + ": " + r.body());
        return r.body();
    }

    /** GET of the metrics endpoint over HTTPS with {@code authorization} (null: none): status and body. */
    private static HttpResponse<String> metrics(final String path, final String authorization)
        throws IOException, InterruptedException
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://" + Ports.LOOPBACK + ":" +
            metricsPort + path)).timeout(Duration.ofSeconds(10));
        if (null != authorization)
        {
            request.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                authorization.getBytes(StandardCharsets.UTF_8)));
        }
        return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A scrape as Prometheus makes it: HTTPS, with the password. */
    private static String scrape() throws IOException, InterruptedException
    {
        final HttpResponse<String> r = metrics("/metrics", METRICS_USER + ":" + METRICS_PASSWORD);
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static JsonNode api(final String path, final Map<String, String> params) throws IOException, InterruptedException
    {
        final StringBuilder url = new StringBuilder("http://" + Ports.LOOPBACK + ":" + prometheusPort + path + "?");
        params.forEach((k, v) -> url.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&'));
        final JsonNode body = JSON.readTree(get(url.toString()));
        assertEquals("success", body.path("status").asText(), body.toString());
        return body.path("data");
    }

    /** The instant vector of {@code query} at {@code time} (seconds since the epoch). */
    private static JsonNode query(final String query, final double time) throws IOException, InterruptedException
    {
        return api("/api/v1/query", Map.of("query", query, "time", Double.toString(time))).path("result");
    }

    /** The single value {@code query} has at {@code time}; fails when it has none or several. */
    private static double value(final String query, final double time) throws IOException, InterruptedException
    {
        final JsonNode result = query(query, time);
        assertEquals(1, result.size(), query + " at " + time + ": " + result);
        return result.get(0).path("value").get(1).asDouble();
    }

    private static double now()
    {
        return System.currentTimeMillis() / 1000.0;
    }

    /**
     * Waits until Prometheus answers queries: it listens before its storage is open and answers 503 meanwhile
     * (GET /-/ready says when it is done).
     */
    private static void awaitReady(final int seconds) throws Exception
    {
        final long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        int status = -1;
        while (System.nanoTime() < deadline)
        {
            status = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + Ports.LOOPBACK + ":" + prometheusPort +
                "/-/ready")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
            if (status == 200)
            {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("prometheus not ready in " + seconds + " s (last status " + status + "): " +
            promLog());
    }

    /** Waits until Prometheus has a sample of {@code query} equal to {@code expected}. */
    private static void awaitValue(final String query, final double expected, final int seconds) throws Exception
    {
        final long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        JsonNode last = null;
        while (System.nanoTime() < deadline)
        {
            last = query(query, now());
            if (last.size() == 1 && last.get(0).path("value").get(1).asDouble() == expected)
            {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(query + " did not become " + expected + " in " + seconds + " s: " + last + "\n" + promLog());
    }

    /** Waits until Prometheus has scraped the target after {@code time}. */
    private static void awaitScrapeAfter(final double time) throws Exception
    {
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline)
        {
            final JsonNode r = query("timestamp(up{job=\"ringtarget\"})", now());
            if (r.size() == 1 && r.get(0).path("value").get(1).asDouble() > time + 0.1)
            {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no scrape after " + time + "\n" + promLog());
    }

    private static String lun(final String name)
    {
        return name + "{target=\"" + OPEN + "\",lun=\"0\",backstore=\"ram0\"}";
    }

    @Test
    void countersAndHistogramAgreeWithFioAndTheScrapeIsClean() throws Exception
    {
        awaitScrapeAfter(now());
        final double before = now();
        final double readsBefore = value(lun("ringtarget_lun_reads_completed_total"), before);
        final double writesBefore = value(lun("ringtarget_lun_writes_completed_total"), before);
        final double readBytesBefore = value(lun("ringtarget_lun_read_bytes_total"), before);
        final double writtenBefore = value(lun("ringtarget_lun_written_bytes_total"), before);
        final double readCountBefore = value("ringtarget_lun_io_duration_seconds_count{target=\"" + OPEN + "\",op=\"read\"}", before);

        final Path fioJson = dir.resolve("fio.json");
        final CompletableFuture<ExternalProcess.Result> fio = CompletableFuture.supplyAsync(() -> ExternalProcess.run(
            Duration.ofSeconds(120), Tools.fio().toString(), "--name=metrics", "--ioengine=libiscsi",
            "--filename=" + Tools.fioFilename(Tools.iscsiUrl(iscsiPort, OPEN, 0)), "--rw=randrw", "--rwmixread=60",
            "--bs=4k", "--iodepth=8", "--size=128m", "--time_based", "--runtime=" + FIO_SECONDS, "--norandommap",
            "--output-format=json", "--output=" + fioJson));
        Thread.sleep(FIO_SECONDS * 500L);
        final String underLoad = scrape();
        final ExternalProcess.Result run = fio.get();
        assertEquals(0, run.exitCode(), run.output() + LOG);
        final double after = now();
        awaitScrapeAfter(after);

        final JsonNode job = JSON.readTree(Files.readString(fioJson)).path("jobs").get(0);
        final long fioReads = job.path("read").path("total_ios").asLong();
        final long fioWrites = job.path("write").path("total_ios").asLong();
        final long fioReadBytes = job.path("read").path("io_bytes").asLong();
        final long fioWritten = job.path("write").path("io_bytes").asLong();
        assertTrue(fioReads > 1000 && fioWrites > 1000, "fio did I/O: " + fioReads + " reads, " + fioWrites + " writes");

        final double t = now();
        assertWithinOnePercent(fioReads, value(lun("ringtarget_lun_reads_completed_total"), t) - readsBefore, "reads");
        assertWithinOnePercent(fioWrites, value(lun("ringtarget_lun_writes_completed_total"), t) - writesBefore, "writes");
        assertWithinOnePercent(fioReadBytes, value(lun("ringtarget_lun_read_bytes_total"), t) - readBytesBefore, "read bytes");
        assertWithinOnePercent(fioWritten, value(lun("ringtarget_lun_written_bytes_total"), t) - writtenBefore, "written bytes");
        // The RAM LUN took memory for what was written: at least one page, at most its 256 MiB.
        final double memory = value(lun("ringtarget_lun_memory_bytes"), t);
        assertTrue(memory >= 4096 && memory <= 256 << 20 && memory % 4096 == 0, "ram0 holds " + memory + " bytes");

        // Prometheus saw the counters move while fio ran, not only after.
        final JsonNode range = api("/api/v1/query_range", Map.of("query", lun("ringtarget_lun_reads_completed_total"),
            "start", Double.toString(before), "end", Double.toString(after), "step", "1")).path("result").get(0).path("values");
        long distinct = 0;
        double previous = -1;
        for (final JsonNode point : range)
        {
            final double v = point.get(1).asDouble();
            assertTrue(v >= previous, "a counter never goes back: " + range);
            distinct += v > previous ? 1 : 0;
            previous = v;
        }
        assertTrue(distinct >= 4, "scrapes during the run saw the counter rise: " + range);

        // The histogram: every read timed, in buckets no slower than fio saw them (the target's part of a command is
        // inside the time fio measures for it), and the fast ones where a RAM LUN puts them.
        final String readSel = "target=\"" + OPEN + "\",op=\"read\"";
        final double count = value("ringtarget_lun_io_duration_seconds_count{" + readSel + "}", t) - readCountBefore;
        assertWithinOnePercent(fioReads, count, "read latency samples");
        final TreeMap<Double, Double> buckets = new TreeMap<>();
        for (final JsonNode series : query("ringtarget_lun_io_duration_seconds_bucket{" + readSel + "}", t))
        {
            final String le = series.path("metric").path("le").asText();
            buckets.put("+Inf".equals(le) ? Double.POSITIVE_INFINITY : Double.parseDouble(le),
                series.path("value").get(1).asDouble());
        }
        assertEquals(27, buckets.size(), buckets.toString());
        assertEquals(value("ringtarget_lun_io_duration_seconds_count{" + readSel + "}", t),
            buckets.get(Double.POSITIVE_INFINITY), "+Inf bucket = count");
        final double fioP99 = job.path("read").path("clat_ns").path("percentile").path("99.000000").asDouble() / 1e9;
        final double bound = buckets.ceilingKey(fioP99 * 1.05);
        final double total = buckets.get(Double.POSITIVE_INFINITY);
        assertTrue(buckets.get(bound) >= 0.99 * total, "at least 99 % of reads within " + bound + " s (fio's p99 " +
            fioP99 + " s): " + buckets);
        assertTrue(buckets.get(0.001) > 0.5 * total, "most RAM reads take under 1 ms in the target: " + buckets);
        final double p50 = value("histogram_quantile(0.5, sum by (le) (ringtarget_lun_io_duration_seconds_bucket{" +
            readSel + "}))", t);
        assertTrue(p50 > 0 && p50 <= buckets.ceilingKey(job.path("read").path("clat_ns").path("percentile")
            .path("50.000000").asDouble() / 1e9), "median " + p50 + " s");

        // promtool's linter on a scrape taken under load (TCP RTT gauges and in-flight commands present).
        assertTrue(underLoad.contains("ringtarget_tcp_rtt_seconds{portal=\"127.0.0.1:" + iscsiPort + "\",target=\"" +
            OPEN + "\"}"), "RTT sampled while fio was connected");
        final Path scrape = dir.resolve("scrape.txt");
        Files.writeString(scrape, underLoad);
        final Process check = new ProcessBuilder(Tools.require("promtool").toString(), "check", "metrics")
            .redirectInput(scrape.toFile()).redirectErrorStream(true).start();
        final String lint = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, check.waitFor(), lint);
        assertEquals("", lint.strip(), "promtool check metrics has nothing to say");
    }

    private static void assertWithinOnePercent(final long expected, final double actual, final String what)
    {
        assertTrue(Math.abs(actual - expected) <= 0.01 * expected, what + ": fio " + expected + ", metrics " + actual);
    }

    @Test
    void theEndpointIsHttpsAndAsksForThePassword() throws Exception
    {
        assertEquals(1, query("up{job=\"ringtarget\"}", now()).path(0).path("value").path(1).asInt(),
            "Prometheus scrapes with tls_config and basic_auth");
        assertEquals(401, metrics("/metrics", null).statusCode(), "no password");
        assertEquals(401, metrics("/metrics", METRICS_USER + ":wrong-password-26").statusCode(), "a wrong one");
        assertEquals(401, metrics("/-/healthy", null).statusCode(), "the health check too");
        assertTrue(scrape().contains("ringtarget_build_info"));
        assertThrows(IOException.class, () -> HTTP.send(HttpRequest.newBuilder(URI.create("http://" +
            Ports.LOOPBACK + ":" + metricsPort + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString()), "plain HTTP is no TLS handshake");
        assertFalse(LOG.toString(StandardCharsets.UTF_8).contains(METRICS_PASSWORD), "the password is never logged");
    }

    @Test
    void failedChapLoginsAreCountedAndFireTheAlert() throws Exception
    {
        final String query = "ringtarget_logins_total{target=\"" + CHAP + "\",result=\"auth_failure\"}";
        awaitScrapeAfter(now());
        final double before = value(query, now());
        final String wrong = "iscsi://promuser%wrong-Secret-1@" + Ports.LOOPBACK + ":" + iscsiPort + "/" + CHAP + "/0";
        for (int i = 0; i < 3; i++)
        {
            final ExternalProcess.Result r = ExternalProcess.run(Duration.ofSeconds(30), "iscsi-inq", "-i",
                CHAP_INITIATOR, wrong);
            assertFalse(r.ok(), "a wrong CHAP secret must not log in: " + r.output());
        }
        awaitValue(query, before + 3, 20);
        final long deadline = System.nanoTime() + 20_000_000_000L;
        boolean firing = false;
        while (!firing && System.nanoTime() < deadline)
        {
            for (final JsonNode alert : api("/api/v1/alerts", Map.of()).path("alerts"))
            {
                firing |= "RingtargetAuthenticationFailures".equals(alert.path("labels").path("alertname").asText()) &&
                    CHAP.equals(alert.path("labels").path("target").asText()) &&
                    "firing".equals(alert.path("state").asText());
            }
            Thread.sleep(250);
        }
        assertTrue(firing, "RingtargetAuthenticationFailures fires: " + api("/api/v1/alerts", Map.of()));
    }

    @Test
    void everyDashboardExpressionAndRuleEvaluates() throws Exception
    {
        final JsonNode dashboard = JSON.readTree(Tools.repoRoot().resolve("monitoring/grafana/ringtarget-dashboard.json").toFile());
        final List<String> expressions = new ArrayList<>();
        for (final JsonNode panel : dashboard.path("panels"))
        {
            for (final JsonNode target : panel.path("targets"))
            {
                expressions.add(target.path("expr").asText());
            }
        }
        assertTrue(expressions.size() >= 20, expressions.toString());
        for (final JsonNode variable : dashboard.path("templating").path("list"))
        {
            final Matcher m = Pattern.compile("label_values\\((.*), \\w+\\)").matcher(variable.path("definition").asText());
            if (m.matches())
            {
                expressions.add(m.group(1));
            }
        }
        final String scrape = scrape();
        for (final String expression : expressions)
        {
            final String promql = expression.replace("$__rate_interval", "1m").replace("$instance", ".*")
                .replace("$target", ".*");
            query(promql, now());   // status "success": it parses and evaluates
            final Matcher names = Pattern.compile("\\b((?:ringtarget|jvm)_[a-z_]+)").matcher(promql);
            while (names.find())
            {
                final String name = names.group(1);
                final String family = name.replaceAll("_(bucket|count|sum)$", "");
                // Families without samples are not written: failures appear once seen, RTTs while connected, the rbd
                // families with rbd LUNs (RbdGatewayFailoverTest scrapes those).
                assertTrue(scrape.contains("\n# TYPE " + name + " ") || scrape.contains("\n# TYPE " + family + " ") ||
                    List.of("ringtarget_lun_io_errors_total", "ringtarget_tcp_rtt_seconds").contains(name) ||
                    name.startsWith("ringtarget_lun_rbd_"),
                    "the dashboard uses " + name + ", which is not exported");
            }
        }
        // Every shipped rule loaded and evaluated without error (health "unknown" until its first evaluation).
        final long deadline = System.nanoTime() + 20_000_000_000L;
        List<String> notOk;
        int rules;
        do
        {
            notOk = new ArrayList<>();
            rules = 0;
            for (final JsonNode group : api("/api/v1/rules", Map.of()).path("groups"))
            {
                for (final JsonNode rule : group.path("rules"))
                {
                    rules++;
                    if (!"ok".equals(rule.path("health").asText()))
                    {
                        notOk.add(rule.toString());
                    }
                }
            }
            Thread.sleep(notOk.isEmpty() ? 0 : 250);
        }
        while (!notOk.isEmpty() && System.nanoTime() < deadline);
        final long shipped = java.nio.file.Files.readAllLines(Tools.repoRoot()
            .resolve("monitoring/prometheus/ringtarget-rules.yml")).stream()
            .filter(l -> l.matches("\\s*- (alert|record):.*")).count();
        assertEquals(shipped, rules, "the shipped rules are loaded");
        assertEquals(List.of(), notOk, "rules that do not evaluate");
    }
}
