package io.ringtarget.nativetests.peers;

import io.ringtarget.nativetests.support.Conformance;
import io.ringtarget.nativetests.support.Conformance.Summary;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.nativetests.support.Tools;
import io.ringtarget.server.startup.TargetServer;
import io.ringtarget.server.config.AluaConfig;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * libiscsi's conformance suite (iscsi-test-cu -t ALL, with a second path to the same LUN so that MultipathIO runs)
 * against tgt and against ringtarget in the same run, each on a file LUN (tgt with its default buffered I/O, the
 * configuration it passes most with; ringtarget with O_DIRECT): ringtarget must pass at least as many tests as tgt
 * and fail none, and MultipathIO, the persistent reservation suites and ExtendedCopy / ReceiveCopyResults (which tgt
 * skips) must run and pass.
 */
@Timeout(900)
class ConformanceVsTgtTest
{
    private static final String IQN = "iqn.2026-11.io.ringtarget:conformance";
    private static final long LUN_BYTES = 1L << 30;

    @TempDir
    Path dir;

    private Summary conformance(final String name, final String url, final String secondPath) throws IOException
    {
        return Conformance.run(dir.resolve(name), "ALL", url, secondPath);
    }

    private static Path sparse(final Path file) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.setLength(LUN_BYTES);
        }
        return file;
    }

    @Test
    void ringtargetPassesAtLeastAsManyTestsAsTgtAndFailsNoneTgtPasses() throws Exception
    {
        Tools.require("iscsi-test-cu");
        Tools.requireRoot();
        final Summary tgt;
        try (TgtTarget peer = TgtTarget.start(dir, sparse(dir.resolve("tgt.img")), false))
        {
            final int second = peer.addPortal();
            tgt = conformance("tgt", peer.url(), Tools.iscsiUrl(second, TgtTarget.IQN, TgtTarget.LUN));
        }

        // Two TPGs of one target exporting the same backstore: one logical unit seen through two target ports, the
        // first active/optimized and preferred, the second active/non-optimized (what `demo --portal A --portal B`
        // sets up), so MultipathIO runs over two I_T nexuses with distinct relative target port ids.
        final int port1 = Ports.free();
        final int port2 = Ports.free();
        final List<LunConfig> lun = List.of(new LunConfig(0, "file0", false));
        final RingtargetConfig config = new RingtargetConfig(
            List.of(new BackstoreConfig("file0", "fileio", sparse(dir.resolve("ours.img")).toString(), LUN_BYTES,
                512, true, false, "conformance0", null)),
            List.of(new TargetConfig(IQN, "conformance", List.of(
                new TpgConfig(1, true, List.of(new PortalConfig("127.0.0.1", port1)), lun, List.of(), true, "none")
                    .withAlua(new AluaConfig(AluaConfig.ACTIVE_OPTIMIZED, true)),
                new TpgConfig(2, true, List.of(new PortalConfig("127.0.0.1", port2)), lun, List.of(), true, "none")
                    .withAlua(new AluaConfig(AluaConfig.ACTIVE_NON_OPTIMIZED, false))))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(1, false, "ring", 5, 15))
            .withStateDirectory(dir.resolve("state").toString());
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final Summary ours;
        try (TargetServer server = TargetServer.start(config, new PrintStream(log, true)))
        {
            ours = conformance("ringtarget", Tools.iscsiUrl(port1, IQN, 0), Tools.iscsiUrl(port2, IQN, 0));
        }

        System.out.println("iscsi-test-cu -t ALL with a second path, same machine, same run:\n  tgt:        " +
            tgt.text().lines().findFirst().orElse("") + "\n  ringtarget: " + ours.text().lines().findFirst().orElse(""));
        System.out.println("tgt failures and skips:\n" + tgt.text());
        System.out.println("ringtarget failures and skips:\n" + ours.report());
        assertEquals(tgt.total(), ours.total());
        assertTrue(ours.passed() >= tgt.passed(),
            "ringtarget passed " + ours.passed() + " < tgt's " + tgt.passed() + "\n" + ours.report());
        assertTrue(ours.failed() <= tgt.failed(),
            "ringtarget failed " + ours.failed() + " > tgt's " + tgt.failed() + "\n" + ours.report());

        // Issue 16: no failures at all.
        assertEquals(0, ours.failed(), "ringtarget's failures\n" + ours.report());

        // The second path is used: the multipath suite runs, and passes, as do the persistent reservation suites.
        final Set<String> notPassed = new TreeSet<>(ours.tests("FAILED"));
        notPassed.addAll(ours.tests("SKIPPED"));
        for (final String suite : List.of("MultipathIO.", "Prin", "Prout", "ExtendedCopy.", "ReceiveCopyResults."))
        {
            assertEquals(List.of(), notPassed.stream().filter(t -> t.startsWith(suite)).toList(),
                suite + " tests not passed\n" + ours.report());
        }
        final String ranLog = Files.readString(dir.resolve("ringtarget/iscsi-test-cu.log"));
        for (final String suite : List.of("MultipathIO", "ExtendedCopy", "ReceiveCopyResults"))
        {
            assertTrue(ranLog.contains("Suite: " + suite), "the " + suite + " suite ran");
        }
    }
}
