package io.ringtarget.nativetests.security;

import io.ringtarget.nativetests.support.ExternalProcess;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.nativetests.support.Tools;
import io.ringtarget.server.config.AclConfig;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.ChapConfig;
import io.ringtarget.server.config.ConfigDefaults;
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
import java.io.InputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The login defences against real clients (libiscsi's tools): CHAP algorithms chosen and switched off per TPG, the
 * brute-force lockout engaging and releasing while another initiator logs in, the login timeout, and an IPv6
 * portal ({@code iscsi://[::1]:PORT/...}), each checked in the target's log and its Prometheus metrics. Short
 * windows (a 3 s lockout, a 2 s login timeout) keep it quick.
 */
class LoginDefencesTest
{
    static final String TARGET = "iqn.2026-11.io.ringtarget:guarded";
    static final String NO_MD5 = "iqn.2026-11.io.ringtarget:nomd5";
    static final String V6 = "iqn.2026-11.io.ringtarget:v6";
    static final String VICTIM = "iqn.2026-11.io.ringtarget.test:victim";
    static final String LEGIT = "iqn.2026-11.io.ringtarget.test:legit";
    static final String VICTIM_SECRET = "victim-secret-12";
    static final String LEGIT_SECRET = "legit-secret-123";
    static final int LOCKOUT_SECONDS = 3;

    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static TargetServer server;
    private static int port;
    private static int port6;
    private static int portDual;

    @BeforeAll
    static void start() throws Exception
    {
        Tools.require("iscsi-inq");
        Tools.require("iscsi-ls");
        port = Ports.free();
        port6 = Ports.free();
        portDual = Ports.free();
        final List<PortalConfig> portal = List.of(new PortalConfig("127.0.0.1", port));
        final List<AclConfig> acls = List.of(
            new AclConfig(VICTIM, new ChapConfig("victim", VICTIM_SECRET, null, null)),
            new AclConfig(LEGIT, new ChapConfig("legit", LEGIT_SECRET, null, null)));
        final RingtargetConfig config = new RingtargetConfig(
            List.of(new BackstoreConfig("ram0", "ram", null, 16L << 20, 512, true, false, null, null),
                new BackstoreConfig("ram1", "ram", null, 16L << 20, 512, true, false, null, null),
                new BackstoreConfig("ram2", "ram", null, 16L << 20, 512, true, false, null, null)),
            List.of(
                new TargetConfig(TARGET, "guarded", List.of(new TpgConfig(1, true, portal,
                    List.of(new LunConfig(0, "ram0", false)), acls, false, "chap"))),
                new TargetConfig(NO_MD5, "nomd5", List.of(new TpgConfig(1, true, portal,
                    List.of(new LunConfig(0, "ram1", false)), acls, false, "chap")
                    .withChapAlgorithms(List.of("SHA3-256", "SHA256")))),
                new TargetConfig(V6, "v6", List.of(new TpgConfig(1, true,
                    List.of(new PortalConfig("::1", port6), new PortalConfig("::", portDual)),
                    List.of(new LunConfig(0, "ram2", false)), List.of(), true, "none")))),
            new DiscoveryAuthConfig("none", null),
            new EngineConfig(2, false, "ring", 5, 15),
            new MetricsConfig("127.0.0.1:" + Ports.free()), null,
            ConfigDefaults.security().withLockouts(3, 50, 60, LOCKOUT_SECONDS, 100).withLimits(2, 1024, 256, 1024, 16384));
        server = TargetServer.start(config, new PrintStream(LOG, true));
    }

    @AfterAll
    static void stop()
    {
        if (server != null)
        {
            server.close();
        }
    }

    private static ExternalProcess.Result inq(final String initiator, final String user, final String secret, final String iqn)
    {
        return ExternalProcess.run(Duration.ofSeconds(30), "iscsi-inq", "-i", initiator,
            "iscsi://" + user + "%" + secret + "@127.0.0.1:" + port + "/" + iqn + "/0");
    }

    private static String log()
    {
        server.flushLog();
        return LOG.toString(StandardCharsets.UTF_8);
    }

    static String scrape() throws IOException, InterruptedException
    {
        final HttpResponse<String> r = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create(server.metricsUrl())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    static long metric(final String text, final String series)
    {
        final Matcher m = Pattern.compile("^" + Pattern.quote(series) + " ([0-9.eE+]+)$", Pattern.MULTILINE).matcher(text);
        assertTrue(m.find(), series + " in\n" + text);
        return (long)Double.parseDouble(m.group(1));
    }

    @Test
    void md5IsUsedWhereAllowedAndRefusedWhereSwitchedOff()
    {
        // libiscsi offers CHAP_A=5 only.
        final ExternalProcess.Result md5 = inq(LEGIT, "legit", LEGIT_SECRET, TARGET);
        assertEquals(0, md5.exitCode(), md5.output() + log());
        assertTrue(log().contains("(CHAP MD5)"), log());
        final ExternalProcess.Result off = inq(LEGIT, "legit", LEGIT_SECRET, NO_MD5);
        assertNotEquals(0, off.exitCode(), off.output());
        assertTrue(log().contains("CHAP_A 5 has none of SHA3-256 (8),SHA256 (7) this target accepts"), log());
        assertFalse(log().contains(LEGIT_SECRET), "a secret in the log");
    }

    @Test
    void theBruteForceLockoutEngagesAndReleasesWhileAnotherInitiatorLogsIn() throws Exception
    {
        final String before = scrape();
        for (int i = 0; i < 3; i++)
        {
            final ExternalProcess.Result wrong = inq(VICTIM, "victim", "guess-number-" + i, TARGET);
            assertNotEquals(0, wrong.exitCode(), wrong.output());
        }
        final long lockedAt = System.nanoTime();
        // Locked out: the right secret is refused too, after the configured delay.
        final ExternalProcess.Result refused = inq(VICTIM, "victim", VICTIM_SECRET, TARGET);
        assertNotEquals(0, refused.exitCode(), refused.output());
        final long refusedMillis = (System.nanoTime() - lockedAt) / 1_000_000;
        // Meanwhile another initiator from the same address logs in.
        final long otherAt = System.nanoTime();
        final ExternalProcess.Result other = inq(LEGIT, "legit", LEGIT_SECRET, TARGET);
        assertEquals(0, other.exitCode(), other.output() + log());
        final long otherMillis = (System.nanoTime() - otherAt) / 1_000_000;
        final String during = scrape();
        assertEquals(1, metric(during, "ringtarget_login_lockouts_total{scope=\"initiator\"}") -
            metric(before, "ringtarget_login_lockouts_total{scope=\"initiator\"}"));
        assertEquals(1, metric(during, "ringtarget_logins_throttled_total{scope=\"initiator\"}") -
            metric(before, "ringtarget_logins_throttled_total{scope=\"initiator\"}"));
        // After the lockout the right secret works again.
        final long waitMillis = LOCKOUT_SECONDS * 1000L - (System.nanoTime() - lockedAt) / 1_000_000 + 200;
        if (waitMillis > 0)
        {
            Thread.sleep(waitMillis);
        }
        final ExternalProcess.Result released = inq(VICTIM, "victim", VICTIM_SECRET, TARGET);
        assertEquals(0, released.exitCode(), released.output() + log());
        System.out.println("LoginDefencesTest: locked-out login refused in " + refusedMillis + " ms (iscsi-inq, " +
            "delay 100 ms); the other initiator's login meanwhile " + otherMillis + " ms; the right secret logs in " +
            "again " + (System.nanoTime() - lockedAt) / 1_000_000 + " ms after the lockout began (" + LOCKOUT_SECONDS +
            " s lockout)");
        final String text = log();
        assertEquals(1, count(text, "initiator " + VICTIM + " locked out for 3.0 s after 3 failed logins"), text);
        assertTrue(text.contains("initiator " + VICTIM + ": lockout over; 1 login(s) refused during it"), text);
        assertFalse(text.contains(VICTIM_SECRET), "a secret in the log");
        assertFalse(scrape().contains(VICTIM_SECRET), "a secret in the metrics");
    }

    @Test
    void aConnectionThatDoesNotLogInIsClosedAtTheLoginTimeout() throws Exception
    {
        final long before = metric(scrape(), "ringtarget_login_timeouts_total");
        try (Socket idle = new Socket("127.0.0.1", port))
        {
            idle.setSoTimeout(10_000);
            final long start = System.nanoTime();
            final InputStream in = idle.getInputStream();
            assertEquals(-1, in.read(), "the target closes the connection");
            final long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 1_500, "closed after " + millis + " ms, before the 2 s login timeout");
            System.out.println("LoginDefencesTest: a silent connection closed after " + millis + " ms (2 s login timeout)");
        }
        assertEquals(1, metric(scrape(), "ringtarget_login_timeouts_total") - before);
    }

    @Test
    void anIpv6PortalServesLibiscsiAndSendTargetsNamesIt()
    {
        final ExternalProcess.Result inq = ExternalProcess.run(Duration.ofSeconds(30), "iscsi-inq",
            "iscsi://[::1]:" + port6 + "/" + V6 + "/0");
        assertEquals(0, inq.exitCode(), inq.output() + log());
        assertTrue(inq.output().contains("RINGTGT"), inq.output());
        final ExternalProcess.Result ls = ExternalProcess.run(Duration.ofSeconds(30), "iscsi-ls", "-s",
            "iscsi://[::1]:" + port6);
        assertEquals(0, ls.exitCode(), ls.output());
        assertTrue(ls.output().contains("[::1]:" + port6), ls.output());
        assertTrue(log().contains("from [::1]:"), log());
        // The IPv6 wildcard is dual-stack: an IPv4 initiator reaches it, and SendTargets names the IPv4 address.
        final ExternalProcess.Result v4 = ExternalProcess.run(Duration.ofSeconds(30), "iscsi-ls", "-s",
            "iscsi://127.0.0.1:" + portDual);
        assertEquals(0, v4.exitCode(), v4.output());
        assertTrue(v4.output().contains("127.0.0.1:" + portDual), v4.output());
        assertFalse(v4.output().contains("::ffff:"), v4.output());
    }

    private static int count(final String text, final String what)
    {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1))
        {
            n++;
        }
        return n;
    }
}
