package io.ringtarget.nativetests.clients;

import io.ringtarget.nativetests.support.Conformance;
import io.ringtarget.nativetests.support.LoopDevice;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.nativetests.support.Tools;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;
import io.ringtarget.server.startup.TargetServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SANITIZE over iSCSI with libiscsi's Sanitize suite (iscsi-test-cu --allow-sanitize) on the three kinds of local
 * backstore: a RAM LUN, a fileio LUN (a sparse file, punched by BLOCK ERASE) and a block LUN on a loop device with
 * direct I/O (BLOCK ERASE as the device's WRITE ZEROES). 256 MiB each.
 * <p>
 * Seven of the eleven pass on the RAM and fileio LUNs. CryptoErase and Reservations skip, and Readonly skips its
 * CRYPTOGRAPHIC ERASE part (no such service action: nothing here is encrypted; it is all that 1.19's Reservations
 * test sends). Reset fails by design of the test: it starts an OVERWRITE and expects it still to be running three
 * seconds later, which a LUN that overwrites gigabytes a second is not (SanitizeOverIscsiTest holds an operation of
 * 31 passes in progress and checks the same commands against it). On the block LUN BlockErase also fails its last
 * check, that GET LBA STATUS reports every block deallocated: the device was zeroed (the test reads zeros), but a
 * block LUN reports every block mapped (README, "Limitations").
 */
@Timeout(600)
class SanitizeOverLibiscsiTest
{
    private static final String IQN = "iqn.2026-12.io.ringtarget:sanitize";
    private static final long SIZE = 256L << 20;
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static Path dir;
    private static LoopDevice loop;
    private static TargetServer server;
    private static int port;

    @BeforeAll
    static void start() throws Exception
    {
        Tools.requireRoot();
        dir = Files.createTempDirectory(Path.of("/var/tmp"), "ringtarget-sanitize");
        loop = LoopDevice.create(dir.resolve("loop.img"), SIZE);
        port = Ports.free();
        final List<PortalConfig> portal = List.of(new PortalConfig("127.0.0.1", port));
        final RingtargetConfig config = new RingtargetConfig(
            List.of(new BackstoreConfig("ram0", "ram", null, SIZE, 512, true, false, "sanitizeram0", null),
                new BackstoreConfig("file0", "fileio", dir.resolve("file0.img").toString(), SIZE, 512, true, false,
                    "sanitizefile0", null),
                new BackstoreConfig("block0", "block", loop.path().toString(), 0, 0, true, false, "sanitizeblock0",
                    null)),
            List.of(new TargetConfig(IQN, "sanitize", List.of(new TpgConfig(1, true, portal,
                List.of(new LunConfig(0, "ram0", false), new LunConfig(1, "file0", false),
                    new LunConfig(2, "block0", false)), List.of(), true, "none")))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(2, false, "ring", 5, 15));
        server = TargetServer.start(config, new PrintStream(LOG, true));
    }

    @AfterAll
    static void stop() throws Exception
    {
        if (server != null)
        {
            server.close();
        }
        if (loop != null)
        {
            loop.close();
        }
        if (dir != null)
        {
            try (Stream<Path> files = Files.walk(dir))
            {
                files.sorted(Comparator.reverseOrder()).forEach(SanitizeOverLibiscsiTest::delete);
            }
        }
    }

    private static void delete(final Path p)
    {
        try
        {
            Files.delete(p);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** @param lun 0 RAM, 1 fileio, 2 block on a loop device. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void everyTestButResetPassesOrSkipsForALackingFeature(final int lun, @TempDir final Path out) throws Exception
    {
        final Conformance.Summary summary =
            Conformance.run(out, "ALL.Sanitize", Tools.iscsiUrl(port, IQN, lun), null, true);
        System.out.println("iscsi-test-cu -S -t ALL.Sanitize on LUN " + lun + ": " + summary.counts());
        final Set<String> expectedFailures = lun == 2 ?
            Set.of("Sanitize.Reset", "ALL.Sanitize.Reset", "Sanitize.BlockErase", "ALL.Sanitize.BlockErase") :
            Set.of("Sanitize.Reset", "ALL.Sanitize.Reset");
        assertEquals(lun == 2 ? 6 : 7, summary.passed(), summary.report() + LOG);
        assertTrue(Set.of("ALL.Sanitize.CryptoErase", "Sanitize.CryptoErase", "ALL.Sanitize.Reservations",
            "Sanitize.Reservations", "ALL.Sanitize.Readonly", "Sanitize.Readonly")
            .containsAll(summary.tests("SKIPPED")), summary.report());
        assertEquals(3, summary.skipped(), summary.report());
        assertTrue(expectedFailures.containsAll(summary.tests("FAILED")), summary.report());
        assertEquals(lun == 2 ? 2 : 1, summary.failed(), summary.report());
    }
}
