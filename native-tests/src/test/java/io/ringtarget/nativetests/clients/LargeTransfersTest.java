package io.ringtarget.nativetests.clients;

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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 16 MiB commands end to end with libiscsi's clients: the Block Limits VPD page says 16 MiB (iscsi-inq), and fio's
 * libiscsi engine writes 16 MiB blocks with verify=crc32c, reads them back and compares them, on a fileio LUN (a
 * file, O_DIRECT) and a RAM LUN; no command needs a dedicated buffer (the loops' registered regions hold them), and
 * write data is received straight into the commands' buffers (ringtarget_write_data_bytes_total{path="placed"}).
 */
@Timeout(600)
class LargeTransfersTest
{
    private static final String FILE_IQN = "iqn.2026-12.io.ringtarget:large-fileio";
    private static final String RAM_IQN = "iqn.2026-12.io.ringtarget:large-ram";
    private static final long SIZE = 128L << 20;
    private static final String PLACED = "ringtarget_write_data_bytes_total\\{path=\"placed\"}";
    private static final String COPIED = "ringtarget_write_data_bytes_total\\{path=\"copied\"}";
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static Path dir;
    private static TargetServer server;
    private static int port;
    private static int metricsPort;

    @BeforeAll
    static void start() throws Exception
    {
        Tools.require("iscsi-inq");
        Tools.fio();
        dir = Files.createTempDirectory(Path.of("/var/tmp"), "ringtarget-large");
        port = Ports.free();
        metricsPort = Ports.free();
        final List<PortalConfig> portal = List.of(new PortalConfig("127.0.0.1", port));
        final RingtargetConfig config = new RingtargetConfig(
            List.of(new BackstoreConfig("file0", "fileio", dir.resolve("file0.img").toString(), SIZE, 512, true,
                    false, "largefile0", null),
                new BackstoreConfig("ram0", "ram", null, SIZE, 512, true, false, "largeram0", null)),
            List.of(new TargetConfig(FILE_IQN, "fileio", List.of(new TpgConfig(1, true, portal,
                    List.of(new LunConfig(0, "file0", false)), List.of(), true, "none"))),
                new TargetConfig(RAM_IQN, "ram", List.of(new TpgConfig(1, true, portal,
                    List.of(new LunConfig(0, "ram0", false)), List.of(), true, "none")))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(2, false, "ring", 5, 15),
            new MetricsConfig(Ports.LOOPBACK + ":" + metricsPort), null);
        server = TargetServer.start(config, new PrintStream(LOG, true));
    }

    @AfterAll
    static void stop() throws Exception
    {
        if (server != null)
        {
            server.close();
        }
        Tools.deleteTree(dir);
    }

    @Test
    void blockLimitsSayWhatATransferMayBe()
    {
        final ExternalProcess.Result r = ExternalProcess.run(Duration.ofSeconds(30), "iscsi-inq", "-e", "1", "-c",
            "176", Tools.iscsiUrl(port, RAM_IQN, 0));
        assertEquals(0, r.exitCode(), r.output());
        // SBC-3 6.5.3: MAXIMUM TRANSFER LENGTH in logical blocks, 16 MiB / 512.
        final Matcher m = Pattern.compile("(?i)maximum transfer length:\\s*(\\d+)").matcher(r.output());
        assertTrue(m.find(), r.output());
        assertEquals(32768, Integer.parseInt(m.group(1)), r.output());
    }

    @Test
    void sixteenMebibyteWritesVerifyOnFileio() throws Exception
    {
        verify(FILE_IQN);
    }

    @Test
    void sixteenMebibyteWritesVerifyOnRam() throws Exception
    {
        verify(RAM_IQN);
    }

    private static void verify(final String iqn) throws Exception
    {
        final long before = dedicatedBuffers();
        final long placed = metric(PLACED);
        final long copied = metric(COPIED);
        // Sequential 16 MiB WRITE(16)s with crc32c in each block, two at a time, then every block read back.
        final ExternalProcess.Result r = FioVerify.run(Tools.iscsiUrl(port, iqn, 0), "write", "16m", 2, "96m");
        assertEquals(0, r.exitCode(), r.output() + LOG);
        assertTrue(r.output().contains("err= 0"), r.output());
        assertTrue(r.output().contains("bs=(R) 16.0MiB-16.0MiB, (W) 16.0MiB-16.0MiB"), r.output());
        assertEquals(before, dedicatedBuffers(), "16 MiB commands in the loops' registered regions\n" + r.output());
        // libiscsi sends each PDU in one go; the kernel hands large ones over in pieces, and what had not come with
        // the header is received straight into the command's buffer.
        final long placedNow = metric(PLACED) - placed;
        final long copiedNow = metric(COPIED) - copied;
        System.out.println(iqn + ": write data placed " + placedNow + " B, copied " + copiedNow + " B");
        assertTrue(placedNow + copiedNow >= 96L << 20, placedNow + " + " + copiedNow);
        assertTrue(placedNow > copiedNow, "placed " + placedNow + ", copied " + copiedNow);
    }

    private static long dedicatedBuffers() throws Exception
    {
        return metric("ringtarget_dedicated_buffers_total");
    }

    private static long metric(final String sample) throws Exception
    {
        final String scrape = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://" + Ports.LOOPBACK + ":" + metricsPort + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        final Matcher m = Pattern.compile("(?m)^" + sample + "\\s+(\\S+)$").matcher(scrape);
        assertTrue(m.find(), sample + " in\n" + scrape);
        return (long)Double.parseDouble(m.group(1));
    }
}
