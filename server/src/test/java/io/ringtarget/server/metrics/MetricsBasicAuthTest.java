package io.ringtarget.server.metrics;

import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.MetricsBasicAuthConfig;
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
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The metrics endpoint asks for a user whose password is given by a bcrypt hash (one libxcrypt made, not the library
 * the target checks with): over HTTP, the right password is served, a wrong one, another user or none get 401.
 */
class MetricsBasicAuthTest
{
    private static final String PASSWORD = "metrics-Secret-26";
    /** {@code crypt('metrics-Secret-26', '$2y$05$abcdefghijklmnopqrstuu')} by libxcrypt (BcryptHashTest). */
    private static final String HASH = "$2y$05$abcdefghijklmnopqrstuuLEZ8k7FWdhg3bZab24Ogc6nQVMol34.";
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static TargetServer server;
    private static int metricsPort;

    @BeforeAll
    static void start() throws Exception
    {
        final int iscsiPort = MetricsEndpointTest.freePort();
        metricsPort = MetricsEndpointTest.freePort();
        server = TargetServer.start(new RingtargetConfig(
            List.of(new BackstoreConfig("ram0", "ram", null, 16L << 20, 512, true, false, "auth0", null)),
            List.of(new TargetConfig("iqn.2026-12.io.ringtarget:metrics-auth", null, List.of(new TpgConfig(1, true,
                List.of(new PortalConfig("127.0.0.1", iscsiPort)), List.of(new LunConfig(0, "ram0", false)), List.of(),
                true, "none")))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(1, false, "ring", 5, 15),
            new MetricsConfig("127.0.0.1:" + metricsPort, null, MetricsBasicAuthConfig.hashed("prometheus", HASH)),
            null), new PrintStream(LOG, true));
    }

    @AfterAll
    static void stop()
    {
        if (null != server)
        {
            server.close();
        }
    }

    private static HttpResponse<String> scrape(final String userAndPassword) throws Exception
    {
        try (HttpClient client = HttpClient.newHttpClient())
        {
            final HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + metricsPort + "/metrics"));
            if (null != userAndPassword)
            {
                request.header("Authorization", "Basic " +
                    Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8)));
            }
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void theRightPasswordIsServedAgainAndAgain() throws Exception
    {
        for (int i = 0; i < 3; i++)
        {
            final HttpResponse<String> r = scrape("prometheus:" + PASSWORD);
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("ringtarget_build_info"), r.body());
        }
    }

    @Test
    void aWrongPasswordAnotherUserOrNoneAreRefused() throws Exception
    {
        assertEquals(401, scrape("prometheus:" + PASSWORD + "x").statusCode());
        assertEquals(401, scrape("prometheus:" + HASH).statusCode(), "the hash is not the password");
        assertEquals(401, scrape("grafana:" + PASSWORD).statusCode());
        assertEquals(401, scrape(null).statusCode());
        // Refused after a right one too: the remembered password is the right one only.
        assertEquals(200, scrape("prometheus:" + PASSWORD).statusCode());
        assertEquals(401, scrape("prometheus:metrics-Secret-27").statusCode());
        assertEquals(401, scrape("grafana:" + PASSWORD).statusCode(), "another user with the remembered password");
        assertFalse(LOG.toString(StandardCharsets.UTF_8).contains(PASSWORD), "never logged");
    }
}
