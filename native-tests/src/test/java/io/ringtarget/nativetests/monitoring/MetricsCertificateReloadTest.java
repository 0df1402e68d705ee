package io.ringtarget.nativetests.monitoring;

import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.nativetests.support.SelfSignedCertificate;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.MetricsConfig;
import io.ringtarget.server.config.MetricsTlsConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;
import io.ringtarget.server.startup.TargetServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The metrics endpoint serves a renewed certificate without a restart: its PEM files replaced under the running
 * target (as certbot or cert-manager renew them: the key, then the certificate, or both renamed into place), the next
 * connections get the new certificate (a client trusting only the new one connects, one trusting only the old one is
 * refused) and the log says so; a replacement whose key is not its certificate's is refused in the log and the
 * certificate before it is still served. Real TLS over loopback with the JDK's HTTP client, certificates made by
 * keytool.
 */
class MetricsCertificateReloadTest
{
    @TempDir
    Path dir;

    private static int get(final SSLContext trust, final String url) throws IOException, InterruptedException
    {
        // A client of its own: a new connection, so a new handshake.
        final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(trust)
            .build();
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Polls (new connections) until {@code trust} connects, at most 15 s: the reload waits for the files to settle. */
    private static void awaitServed(final SSLContext trust, final String url) throws Exception
    {
        final long deadline = System.nanoTime() + 15_000_000_000L;
        while (true)
        {
            try
            {
                assertEquals(200, get(trust, url));
                return;
            }
            catch (final IOException ex)
            {
                if (System.nanoTime() > deadline)
                {
                    throw new AssertionError("the new certificate was not served within 15 s", ex);
                }
                Thread.sleep(200);
            }
        }
    }

    @Test
    void aRenewedCertificateIsServedToNewConnectionsWithoutARestart() throws Exception
    {
        final SelfSignedCertificate first = SelfSignedCertificate.create(dir, "metrics", Ports.LOOPBACK);
        final Path renewals = Files.createDirectory(dir.resolve("renewals"));
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final int port = Ports.free();
        final RingtargetConfig config = new RingtargetConfig(
            List.of(new BackstoreConfig("ram0", "ram", null, 16L << 20, 512, true, false, "certram0", null)),
            List.of(new TargetConfig("iqn.2026-12.io.ringtarget:cert-reload", null, List.of(new TpgConfig(1, true,
                List.of(new PortalConfig(Ports.LOOPBACK, Ports.free())), List.of(new LunConfig(0, "ram0", false)),
                List.of(), true, "none")))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(1, false, "ring", 5, 15),
            new MetricsConfig(Ports.LOOPBACK + ":" + port,
                new MetricsTlsConfig(first.certificate().toString(), first.key().toString()), null), null);
        try (TargetServer server = TargetServer.start(config, new PrintStream(log, true)))
        {
            final String url = server.metricsUrl();
            assertEquals(200, get(first.trustingIt(), url));

            // Renewed in place: the key first, then the certificate, a moment apart.
            final SelfSignedCertificate second = SelfSignedCertificate.create(renewals, "second", Ports.LOOPBACK);
            Files.copy(second.key(), first.key(), StandardCopyOption.REPLACE_EXISTING);
            Thread.sleep(300);
            Files.copy(second.certificate(), first.certificate(), StandardCopyOption.REPLACE_EXISTING);
            awaitServed(second.trustingIt(), url);
            assertThrows(IOException.class, () -> get(first.trustingIt(), url), "the old certificate is gone");
            server.flushLog();
            assertTrue(log.toString().contains("INFO  metrics: TLS certificate reloaded from " + first.certificate() +
                " and " + first.key() + ": CN=" + Ports.LOOPBACK + ", valid until "), log::toString);

            // A certificate without its key: refused, said once, the second one still served.
            final SelfSignedCertificate third = SelfSignedCertificate.create(renewals, "third", Ports.LOOPBACK);
            Files.copy(third.certificate(), first.certificate(), StandardCopyOption.REPLACE_EXISTING);
            // The first handshake after a change sees it, one a second later reads the files (they held still).
            assertEquals(200, get(second.trustingIt(), url));
            Thread.sleep(1_500);
            assertEquals(200, get(second.trustingIt(), url));
            Thread.sleep(1_500);
            assertEquals(200, get(second.trustingIt(), url));
            assertThrows(IOException.class, () -> get(third.trustingIt(), url));
            server.flushLog();
            final String text = log.toString();
            assertTrue(text.contains("WARN  metrics: TLS certificate not reloaded, the previous one is still served: " +
                "the key " + first.key() + " is not the certificate's"), text);
            assertEquals(text.indexOf("TLS certificate not reloaded"), text.lastIndexOf("TLS certificate not reloaded"),
                "said once");

            // Its key renamed into place next to it: served.
            final Path staged = dir.resolve("metrics.key.new");
            Files.copy(third.key(), staged);
            Files.move(staged, first.key(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            awaitServed(third.trustingIt(), url);
        }
    }
}
