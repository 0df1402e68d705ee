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
import io.ringtarget.iscsi.stats.EngineMetrics;
import io.ringtarget.server.config.MetricsConfig;
import io.ringtarget.server.config.PortalAddresses;
import io.ringtarget.server.config.PortalConfig;

import java.io.IOException;
import java.net.InetAddress;
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
     * @param listen  {@code HOST:PORT} ({@link MetricsConfig#address}); port 0 picks a free port.
     * @param engine  what to export.
     * @param version the build's version, for {@code ringtarget_build_info}.
     * @throws IOException when the address cannot be bound.
     */
    public static MetricsServer start(final String listen, final EngineMetrics engine, final String version)
        throws IOException
    {
        final PortalConfig address = MetricsConfig.address(listen);
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
            final HTTPServer server = HTTPServer.builder()
                .inetAddress(InetAddress.getByName(address.ip()))
                .port(address.port())
                .registry(registry)
                .executorService(executor)
                .buildAndStart();
            return new MetricsServer(server,
                "http://" + PortalAddresses.hostPort(address.ip(), server.getPort()) + "/metrics");
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
