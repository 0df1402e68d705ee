package io.ringtarget.nativetests.ring;

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
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A loop kept busy by fio (4 libiscsi sessions at QD16 each, 4 KiB reads from a RAM LUN, one event loop) tries
 * polling against sleeping while it is busy (ring-io's PollTrial), and says so in
 * {@code ringtarget_loop_poll_trials_total}; an idle target, its start-up included, runs none. Which choice a trial
 * makes depends on the machine, so only that trials ran, at most about one a second, is asserted (that every command
 * answered is counted for them: iscsi's EngineMetricsTest).
 */
@Timeout(120)
class PollTrialUnderLoadTest
{
    private static final String IQN = "iqn.2026-12.io.ringtarget:poll-trial";
    private static final Pattern TRIALS = Pattern.compile(
        "(?m)^ringtarget_loop_poll_trials_total\\{chose=\"(polling|sleeping)\",loop=\"[^\"]+\"} (\\S+)$");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern BUSY = Pattern.compile("(?m)^ringtarget_loop_busy_seconds_total\\{[^}]*} (\\S+)$");

    @Test
    void aBusyLoopRunsPollTrialsAndCountsThem() throws Exception
    {
        Tools.fio();
        final int port = Ports.free();
        final int metricsPort = Ports.free();
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final List<PortalConfig> portal = List.of(new PortalConfig("127.0.0.1", port));
        final RingtargetConfig config = new RingtargetConfig(
            List.of(new BackstoreConfig("ram0", "ram", null, 64L << 20, 512, true, false, "polltrial0", null)),
            List.of(new TargetConfig(IQN, "poll-trial", List.of(new TpgConfig(1, true, portal,
                List.of(new LunConfig(0, "ram0", false)), List.of(), true, "none")))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(1, false, "ring", 5, 15),
            new MetricsConfig(Ports.LOOPBACK + ":" + metricsPort), null);
        try (TargetServer server = TargetServer.start(config, new PrintStream(log, true)))
        {
            final String metrics = "http://" + Ports.LOOPBACK + ":" + metricsPort + "/metrics";
            final long[] before = trials(scrape(metrics));
            assertEquals(0, before[0] + before[1], "no trial without load");
            final double busyBefore = busySeconds(scrape(metrics));

            final ExternalProcess.Result fio = ExternalProcess.run(Duration.ofSeconds(60), Tools.fio().toString(),
                "--name=trial", "--ioengine=libiscsi", "--filename=" + Tools.fioFilename(Tools.iscsiUrl(port, IQN, 0)),
                "--rw=randread", "--bs=4k", "--iodepth=16", "--numjobs=4", "--norandommap", "--randrepeat=0",
                "--time_based", "--runtime=5", "--group_reporting");
            assertEquals(0, fio.exitCode(), fio.output() + log);

            final String after = scrape(metrics);
            final long[] trials = trials(after);
            final double busy = busySeconds(after) - busyBefore;
            System.out.println("poll trials under load: " + trials[0] + " chose polling, " + trials[1] +
                " sleeping; the loop busy " + busy + " s of about 5");
            // Busy over 60 % of its time, a loop starts a trial (80 ms) and another a second after each.
            assertTrue(trials[0] + trials[1] >= 1, "trials ran: " + trials[0] + " + " + trials[1] + ", loop busy " +
                busy + " s\n" + fio.output());
            assertTrue(trials[0] + trials[1] <= 8, "at most one trial a second (plus the first): " + trials[0] +
                " + " + trials[1]);
        }
    }

    /** {polling, sleeping} summed over the loops. */
    private static long[] trials(final String scrape)
    {
        final long[] n = new long[2];
        final Matcher m = TRIALS.matcher(scrape);
        int seen = 0;
        while (m.find())
        {
            n["polling".equals(m.group(1)) ? 0 : 1] += (long)Double.parseDouble(m.group(2));
            seen++;
        }
        assertEquals(2, seen, "both choices of the one loop are served:\n" + scrape);
        return n;
    }

    private static double busySeconds(final String scrape)
    {
        final Matcher m = BUSY.matcher(scrape);
        double s = 0;
        while (m.find())
        {
            s += Double.parseDouble(m.group(1));
        }
        return s;
    }

    private static String scrape(final String url) throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
            HttpResponse.BodyHandlers.ofString()).body();
    }
}
