package io.ringtarget.server.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryPoolAllocationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.iscsi.stats.EngineMetrics;
import io.ringtarget.server.config.BcryptHash;
import io.ringtarget.server.config.MetricsBasicAuthConfig;
import io.ringtarget.server.config.MetricsConfig;
import io.ringtarget.server.config.MetricsTls;
import io.ringtarget.server.config.MetricsTlsConfig;
import io.ringtarget.server.config.PortalAddresses;
import io.ringtarget.server.config.PortalConfig;

import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Prometheus endpoint: {@code GET /metrics} in the text exposition format (and OpenMetrics or protobuf when the
 * scraper asks), {@code /-/healthy}; served by the Prometheus Java client's HTTP server on a thread of its own. A
 * scrape runs the {@link RingtargetCollector} and the client's JVM instrumentation (GC, memory, classes, JIT,
 * process; not the thread metrics, which stop the world) on that thread; the event loops are never called.
 */
public final class MetricsServer implements AutoCloseable
{
    private final HTTPServer server;
    private final String url;

    private MetricsServer(final HTTPServer server, final String url)
    {
        this.server = server;
        this.url = url;
    }

    /**
     * Starts serving.
     *
     * @param config  where ({@code HOST:PORT}, {@link MetricsConfig#address}; port 0 picks a free port), with TLS
     *                and basic authentication when it has them.
     * @param engine  what to export.
     * @param version the build's version, for {@code ringtarget_build_info}.
     * @throws IOException when the address cannot be bound.
     * @throws IllegalArgumentException when the TLS files cannot be used (the message says why).
     */
    public static MetricsServer start(final MetricsConfig config, final EngineMetrics engine, final String version,
        final EventLog log) throws IOException
    {
        final PortalConfig address = MetricsConfig.address(config.listen());
        final SSLContext tls = null == config.tls() ? null :
            MetricsTls.context(new ReloadingKeyManager(config.tls(), new CertificateLog(config.tls(), log)));
        final PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new RingtargetCollector(engine, version));
        jvm(registry);
        final ExecutorService executor = Executors.newSingleThreadExecutor(r ->
        {
            final Thread t = new Thread(r, "ringtarget-metrics");
            t.setDaemon(true);
            return t;
        });
        try
        {
            final HTTPServer.Builder builder = HTTPServer.builder()
                .inetAddress(InetAddress.getByName(address.ip()))
                .port(address.port())
                .registry(registry)
                .executorService(executor);
            if (null != tls)
            {
                builder.httpsConfigurator(new TlsOnly(tls));
            }
            if (null != config.basicAuth())
            {
                builder.authenticator(new PasswordCheck(config.basicAuth()));
            }
            final HTTPServer server = builder.buildAndStart();
            return new MetricsServer(server, (null == tls ? "http://" : "https://") +
                PortalAddresses.hostPort(address.ip(), server.getPort()) + "/metrics");
        }
        catch (final IOException | RuntimeException ex)
        {
            executor.shutdownNow();
            throw ex;
        }
    }

    /**
     * The Java client's JVM instrumentation, all of it but the thread metrics and the native-memory metrics: those
     * stop every Java thread at a safepoint on each scrape (ThreadMXBean's deadlock search and thread dump, the
     * VM.native_memory diagnostic command), and so would pause the event loops once a scrape. GC, memory (heap,
     * pools, allocation per pool), buffer pools, classes, JIT, runtime and process metrics stay.
     */
    private static void jvm(final PrometheusRegistry registry)
    {
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmMemoryMetrics.builder().register(registry);
        JvmMemoryPoolAllocationMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        JvmClassLoadingMetrics.builder().register(registry);
        JvmCompilationMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
        ProcessMetrics.builder().register(registry);
    }

    /** The reloads of the endpoint's certificate, logged ("metrics" subsystem). */
    private record CertificateLog(MetricsTlsConfig tls, EventLog log) implements ReloadingKeyManager.Listener
    {
        @Override
        public void reloaded(final String certificate)
        {
            if (null != log)
            {
                log.info("metrics", "TLS certificate reloaded from " + tls.certificate() + " and " + tls.key() + ": " +
                    certificate + "; new connections get it");
            }
        }

        @Override
        public void refused(final String why)
        {
            if (null != log)
            {
                log.warn("metrics", "TLS certificate not reloaded, the previous one is still served: " + why);
            }
        }
    }

    /** TLS 1.2 and 1.3 only (as Prometheus' exporters default to), the JDK's cipher suites for them. */
    private static final class TlsOnly extends HttpsConfigurator
    {
        TlsOnly(final SSLContext context)
        {
            super(context);
        }

        @Override
        public void configure(final HttpsParameters parameters)
        {
            final SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
            ssl.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            parameters.setSSLParameters(ssl);
        }
    }

    /**
     * HTTP basic authentication against the one configured user; compared in constant time. With a bcrypt hash
     * (tens of milliseconds a check at cost 10), the SHA-256 of the last password that matched is kept, so a scraper
     * that sends the same password every time costs one bcrypt check in all, as Prometheus' exporter toolkit does.
     */
    private static final class PasswordCheck extends BasicAuthenticator
    {
        private final byte[] username;
        private final byte[] password;
        private final String passwordHash;
        private volatile byte[] lastMatched;

        PasswordCheck(final MetricsBasicAuthConfig basicAuth)
        {
            super("ringtarget metrics", StandardCharsets.UTF_8);
            this.username = basicAuth.username().getBytes(StandardCharsets.UTF_8);
            this.password = null == basicAuth.password() ? null : basicAuth.password().getBytes(StandardCharsets.UTF_8);
            this.passwordHash = basicAuth.passwordHash();
        }

        @Override
        public boolean checkCredentials(final String user, final String pass)
        {
            final boolean userMatches = MessageDigest.isEqual(username, user.getBytes(StandardCharsets.UTF_8));
            final byte[] given = pass.getBytes(StandardCharsets.UTF_8);
            if (null != password)
            {
                return userMatches & MessageDigest.isEqual(password, given);
            }
            final byte[] digest = sha256(given);
            final byte[] matched = lastMatched;
            if (null != matched && MessageDigest.isEqual(matched, digest))
            {
                return userMatches;
            }
            if (!BcryptHash.matches(pass, passwordHash))
            {
                return false;
            }
            lastMatched = digest;
            return userMatches;
        }

        private static byte[] sha256(final byte[] bytes)
        {
            try
            {
                return MessageDigest.getInstance("SHA-256").digest(bytes);
            }
            catch (final java.security.NoSuchAlgorithmException ex)
            {
                throw new IllegalStateException("every Java has SHA-256", ex);
            }
        }
    }

    /** Where the metrics are, e.g. {@code http://127.0.0.1:9287/metrics}. */
    public String url()
    {
        return url;
    }

    public int port()
    {
        return server.getPort();
    }

    @Override
    public void close()
    {
        server.close();
    }
}
