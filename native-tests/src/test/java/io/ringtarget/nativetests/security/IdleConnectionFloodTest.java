package io.ringtarget.nativetests.security;

import io.ringtarget.nativetests.support.ExternalProcess;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.nativetests.support.Tools;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.MetricsConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;
import io.ringtarget.server.startup.TargetServer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 10,000 idle TCP connections (from ten loopback addresses, as many machines would open them; held by another
 * process, {@link IdleClients}, so that only the target's descriptors count against this one's limit) do not stop a new
 * login from being served, cost the target little memory each before they authenticate, and an address that opens
 * more than {@code maxConnectionsPerSource} has the excess closed at once and counted. With the default limits.
 */
class IdleConnectionFloodTest
{
    private static final String TARGET = "iqn.2026-11.io.ringtarget:flooded";
    private static final int ADDRESSES = 10;
    private static final int PER_ADDRESS = 1_000;
    private static final int OVER_THE_LIMIT = 50;
    /** Average resident memory an idle, unauthenticated connection may cost the target. */
    private static final long MAX_BYTES_PER_IDLE_CONNECTION = 64 * 1024;

    @Test
    void tenThousandIdleConnectionsDoNotStopANewLogin() throws Exception
    {
        Tools.require("iscsi-inq");
        final int port = Ports.free();
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final RingtargetConfig config = new RingtargetConfig(
            List.of(new BackstoreConfig("ram0", "ram", null, 16L << 20, 512, true, false, null, null)),
            List.of(new TargetConfig(TARGET, "flooded", List.of(new TpgConfig(1, true,
                List.of(new PortalConfig("0.0.0.0", port)), List.of(new LunConfig(0, "ram0", false)), List.of(), true,
                "none")))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(2, false, "ring", 5, 15),
            new MetricsConfig("127.0.0.1:" + Ports.free()), null);
        Process clients = null;
        try (TargetServer server = TargetServer.start(config, new PrintStream(log, true)))
        {
            final long rssBefore = residentBytes();
            final long acceptedBefore = metric(scrape(server), "ringtarget_connections_accepted_total");
            // Ten addresses as ten machines, and one more that goes past its limit of 1024.
            final List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), IdleClients.class.getName(), Integer.toString(port)));
            for (int a = 0; a < ADDRESSES; a++)
            {
                command.add("127.0.1." + (a + 1) + ":" + PER_ADDRESS);
            }
            command.add("127.0.2.1:" + (1024 + OVER_THE_LIMIT));
            clients = new ProcessBuilder(command).redirectErrorStream(true).start();
            final String line = new java.io.BufferedReader(new java.io.InputStreamReader(clients.getInputStream(),
                StandardCharsets.UTF_8)).readLine();
            assertEquals("connected " + (ADDRESSES * PER_ADDRESS + 1024 + OVER_THE_LIMIT), line);
            final int expected = ADDRESSES * PER_ADDRESS + 1024;
            final String refused = "ringtarget_connections_refused_total{reason=\"per_source_limit\"}";
            String metrics = scrape(server);
            for (int tries = 0; tries < 300 && metric(metrics, "ringtarget_connections_accepted_total") -
                acceptedBefore + metric(metrics, refused) < expected + OVER_THE_LIMIT; tries++)
            {
                Thread.sleep(100);
                metrics = scrape(server);
            }
            assertEquals(expected, metric(metrics, "ringtarget_connections_accepted_total") - acceptedBefore, metrics);
            assertEquals(OVER_THE_LIMIT, metric(metrics, refused));

            final long started = System.nanoTime();
            final ExternalProcess.Result inq = ExternalProcess.run(Duration.ofSeconds(30), "iscsi-inq",
                "iscsi://127.0.0.1:" + port + "/" + TARGET + "/0");
            final long loginMillis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(0, inq.exitCode(), inq.output());
            assertTrue(inq.output().contains("RINGTGT"), inq.output());

            final long perConnection = (residentBytes() - rssBefore) / expected;
            System.out.println("IdleConnectionFloodTest: " + expected + " idle connections, " + perConnection +
                " bytes of resident memory each, a new login served in " + loginMillis + " ms");
            assertTrue(perConnection < MAX_BYTES_PER_IDLE_CONNECTION, perConnection + " bytes per idle connection");
            assertTrue(log.toString(StandardCharsets.UTF_8).contains("connection from 127.0.2.1 refused: its address " +
                "has 1024 connections open (maxConnectionsPerSource)"));
        }
        finally
        {
            if (clients != null)
            {
                clients.getOutputStream().close();   // the clients close their connections and exit
                if (!clients.waitFor(30, java.util.concurrent.TimeUnit.SECONDS))
                {
                    clients.destroyForcibly();
                }
            }
        }
    }

    private static long residentBytes() throws IOException
    {
        for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
        {
            if (line.startsWith("VmRSS:"))
            {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS");
    }

    private static String scrape(final TargetServer server) throws IOException, InterruptedException
    {
        final HttpResponse<String> r = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create(server.metricsUrl())).build(), HttpResponse.BodyHandlers.ofString());
        return r.body();
    }

    private static long metric(final String text, final String series)
    {
        final Matcher m = Pattern.compile("^" + Pattern.quote(series) + " ([0-9.eE+]+)$", Pattern.MULTILINE).matcher(text);
        assertTrue(m.find(), series + " in\n" + text);
        return (long)Double.parseDouble(m.group(1));
    }
}
