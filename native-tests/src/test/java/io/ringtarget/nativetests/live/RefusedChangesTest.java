package io.ringtarget.nativetests.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtarget.nativetests.support.ExternalProcess;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.nativetests.support.RingtargetCli;
import io.ringtarget.nativetests.support.Tools;
import io.ringtarget.server.config.AclConfig;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.ConfigFiles;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12: a refused change (a bad IQN, a missing file or device, a LUN number taken, a backstore in use, a change the
 * running target itself refuses) against {@code serve} running as a process, each through a CLI process as an
 * administrator types it. Each prints a clear error and exits 2; after each, the file is byte for byte what it was and
 * the running target, asked with {@code ls --json}, serves what it served: the same configuration, sizes and ALUA
 * states, and the same session (ISID, TSIH) of fio, which writes and verifies LUN 0 with libiscsi all along. fio ends
 * without an error: libiscsi fails an I/O on any unit attention, so none reached it, and its session never ended.
 */
class RefusedChangesTest
{
    private static final String T = "iqn.2026-11.io.ringtarget:refused";
    private static final String HOST1 = "iqn.1994-05.com.client:host1";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private record Refusal(List<String> command, String says)
    {
    }

    @Test
    void aRefusedChangePrintsWhyAndLeavesTheRunningTargetAndTheFileAsTheyWere() throws Exception
    {
        Tools.require("iscsi-ls");
        final Path fio = Tools.fio();
        final int port = Ports.free();
        final Path file = dir.resolve("etc/saveconfig.json");
        final Path socket = dir.resolve("run/admin.sock");
        final Path disk1 = dir.resolve("disk1.img");
        ConfigFiles.save(config(port, disk1).withStateDirectory(dir.resolve("state").toString()), file);
        final byte[] saved = Files.readAllBytes(file);
        final String c = file.toString();
        final List<Refusal> refusals = List.of(
            new Refusal(List.of("iscsi", "create", "iqn.2026-11.IO.ringtarget:Upper"),
                "iqn.2026-11.io.ringtarget:upper"),
            new Refusal(List.of("iscsi", "tpg", "acls", "create", T, "host2.example.com"), "host2.example.com"),
            new Refusal(List.of("backstores", "fileio", "create", "d3", "/nonexistent-ringtarget/dir/d3.img", "1M"),
                "/nonexistent-ringtarget/dir"),
            new Refusal(List.of("backstores", "block", "create", "b1", "/dev/nonexistent-ringtarget"),
                "/dev/nonexistent-ringtarget"),
            new Refusal(List.of("iscsi", "tpg", "luns", "create", T, "spare", "--lun", "0"),
                "LUN 0 exists already in TPG 1"),
            new Refusal(List.of("backstores", "delete", "disk1"), "backstore \"disk1\" is used by " + T +
                " tpg 1 LUN 1; delete that LUN first (or give --force, which does)"),
            new Refusal(List.of("backstores", "resize", "disk1", "4M"), "shrinking it to 4MiB is refused"),
            new Refusal(List.of("backstores", "resize", "ram0", "64M"), "the running target refused it: backstore " +
                "ram0: its sizeBytes cannot change while " + T + " tpg 1 LUN 0 maps it"));

        try (ExternalProcess serve = RingtargetCli.start(dir.resolve("serve.log"), Map.of(),
            "serve", "-c", c, "--admin-socket", socket.toString(), "--metrics", "off"))
        {
            awaitLog(serve, "admin: listening on " + socket);
            try (ExternalProcess io = ExternalProcess.start(dir.resolve("fio.log"), fio.toString(), "--name=verify",
                "--ioengine=libiscsi", "--filename=" + Tools.fioFilename(Tools.iscsiUrl(port, T, 0)),
                "--initiator=" + HOST1, "--rw=randwrite", "--bs=4k", "--iodepth=16", "--size=16M",
                "--verify=crc32c", "--do_verify=1", "--verify_fatal=1", "--verify_backlog=256", "--time_based",
                "--runtime=75", "--randrepeat=0", "--verify_state_save=0"))
            {
                final JsonNode before = awaitSession(c, io);
                final List<String> refusedLog = new ArrayList<>();
                for (final Refusal refusal : refusals)
                {
                    final List<String> args = new ArrayList<>(refusal.command());
                    args.addAll(List.of("-c", c));
                    final ExternalProcess.Result result = RingtargetCli.run(args.toArray(String[]::new));
                    final String what = String.join(" ", refusal.command()) + ":\n" + result.output();
                    assertEquals(2, result.exitCode(), what);
                    assertTrue(result.output().contains(refusal.says()), what);
                    assertFalse(result.output().contains("applied to the running target"), what);
                    assertArrayEquals(saved, Files.readAllBytes(file), "the file byte for byte after " + what);
                    assertEquals(before, served(c), "what the running target serves after " + what);
                    refusedLog.add(what);
                }
                System.out.println("RefusedChangesTest: what an administrator reads\n" + String.join("\n", refusedLog));
                assertTrue(io.isAlive(), "fio still runs: every refusal happened during its I/O");
                assertEquals(OptionalInt.of(0), io.awaitExit(Duration.ofMinutes(3)), io.logText());
                assertTrue(io.logText().contains("err= 0"), io.logText());
            }
            assertFalse(serve.logText().contains("configuration applied"), serve::logText);
            assertFalse(serve.logText().contains("ERROR"), serve::logText);
        }
        assertArrayEquals(saved, Files.readAllBytes(file));
        assertFalse(Files.exists(dir.resolve("d3.img")));
    }

    private static RingtargetConfig config(final int port, final Path disk1)
    {
        return new RingtargetConfig(
            List.of(new BackstoreConfig("ram0", "ram", null, 32L << 20, 512, true, false, "refused-ram0", "3000000000000030"),
                new BackstoreConfig("disk1", "fileio", disk1.toString(), 8L << 20, 512, true, false, "refused-disk1",
                    "3000000000000031"),
                new BackstoreConfig("spare", "ram", null, 1L << 20, 512, true, false, "refused-spare", "3000000000000032")),
            List.of(new TargetConfig(T, null, List.of(new TpgConfig(1, true,
                List.of(new PortalConfig(Ports.LOOPBACK, port)),
                List.of(new LunConfig(0, "ram0", false), new LunConfig(1, "disk1", false)),
                List.of(new AclConfig(HOST1, null)), false, "none")))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(1, false, "ring", 50, 5, 15));
    }

    /**
     * What the running target serves, from {@code ls --json}: its configuration, sizes and ALUA states, and its
     * sessions by initiator, ISID and TSIH (their counters move with fio's I/O).
     */
    private static JsonNode served(final String file) throws Exception
    {
        final ExternalProcess.Result ls = RingtargetCli.run("ls", "--json", "-c", file);
        assertEquals(0, ls.exitCode(), ls.output());
        final JsonNode view = JSON.readTree(ls.output().substring(ls.output().indexOf('{')));
        final com.fasterxml.jackson.databind.node.ObjectNode kept = JSON.createObjectNode();
        kept.set("config", view.get("config"));
        kept.set("alua", view.get("alua"));
        kept.set("sizes", view.get("sizes"));
        final com.fasterxml.jackson.databind.node.ArrayNode sessions = kept.putArray("sessions");
        for (final JsonNode s : view.get("sessions"))
        {
            sessions.addObject().put("initiatorName", s.get("initiatorName").asText())
                .put("isid", s.get("isid").asLong()).put("tsih", s.get("tsih").asInt());
        }
        return kept;
    }

    /** The view once fio's session is logged in. */
    private static JsonNode awaitSession(final String file, final ExternalProcess io) throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true)
        {
            final JsonNode view = served(file);
            if (!view.get("sessions").isEmpty())
            {
                assertEquals(1, view.get("sessions").size(), view::toString);
                assertEquals(HOST1, view.get("sessions").get(0).get("initiatorName").asText());
                return view;
            }
            assertTrue(io.isAlive(), io::logText);
            assertTrue(System.nanoTime() - deadline < 0, io::logText);
            Thread.sleep(200);
        }
    }

    private static void awaitLog(final ExternalProcess serve, final String line) throws InterruptedException
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!serve.logText().contains(line))
        {
            assertTrue(serve.isAlive(), serve::logText);
            assertTrue(System.nanoTime() - deadline < 0, serve::logText);
            Thread.sleep(100);
        }
    }
}
