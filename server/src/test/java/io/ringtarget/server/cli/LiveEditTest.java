package io.ringtarget.server.cli;

import io.ringtarget.server.config.AclConfig;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.ConfigEditor;
import io.ringtarget.server.config.ConfigFiles;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.MappedLunConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.Secrets;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The editing commands against a running target, in-process: they find it through the file's lock, it applies and
 * saves each change; a refused change leaves the served configuration and the file byte for byte as they were; a
 * batch stops at its first failing line; concurrent edits are serialized and none is lost; a file edited by hand is
 * not overwritten before it is reloaded.
 */
class LiveEditTest
{
    private static final String T = "iqn.2026-04.com.example:live";
    private static final String HOST1 = "iqn.1994-05.com.client:host1";

    @TempDir
    Path dir;

    private Path file;
    private Path disk2;

    @BeforeEach
    void paths()
    {
        file = dir.resolve("etc/saveconfig.json");
        disk2 = dir.resolve("disk2.img");
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            return s.getLocalPort();
        }
    }

    private static RingtargetConfig config(final int port)
    {
        return new RingtargetConfig(
            List.of(new BackstoreConfig("ram0", "ram", null, 16L << 20, 512, true, false, "live-ram0", "3000000000000001")),
            List.of(new TargetConfig(T, null, List.of(new TpgConfig(1, true, List.of(new PortalConfig("127.0.0.1", port)),
                List.of(new LunConfig(0, "ram0", false)), List.of(new AclConfig(HOST1, null)), false, "none")))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(1, false, "ring", 50, 5, 15));
    }

    private LiveServe serve() throws IOException
    {
        return LiveServe.start(config(freePort()).withStateDirectory(dir.resolve("state").toString()), file, dir);
    }

    private CliRunner.Result run(final String... args)
    {
        return CliRunner.run(file, args);
    }

    @Test
    void anEditGoesToTheRunningTargetWhichAppliesAndSavesIt() throws Exception
    {
        try (LiveServe live = serve())
        {
            final CliRunner.Result backstore = run("backstores", "fileio", "create", "disk2", disk2.toString(), "8M");
            assertEquals(0, backstore.exitCode(), backstore::toString);
            assertEquals("Created fileio disk2 with size 8MiB.\n", backstore.out());
            assertTrue(backstore.err().startsWith("ringtarget: applied to the running target (pid " +
                ProcessHandle.current().pid() + ") and saved in " + file + "\n"), backstore::toString);
            assertTrue(backstore.err().contains("backstore disk2 opened (8MiB)"), backstore::toString);
            assertEquals(8L << 20, Files.size(disk2), "the target opened (created) the file at once");

            final CliRunner.Result lun = run("iscsi", "tpg", "luns", "create", T, "disk2");
            assertEquals(0, lun.exitCode(), lun::toString);
            assertEquals("Created LUN 1 (disk2).\n", lun.out());
            assertTrue(lun.err().contains("LUN 1 of " + T + " tpg 1 (disk2) added"), lun::toString);

            final RingtargetConfig saved = ConfigFiles.load(file);
            assertEquals(saved, live.server.config(), "what is served is what is saved");
            assertEquals(2, ConfigEditor.tpg(ConfigEditor.target(saved, T), 1).luns().size());
            assertTrue(awaitLog(live, "configuration applied (ringtarget iscsi tpg luns create " + T + " disk2)"),
                live::log);
        }
    }

    @Test
    void tpgParametersApplyToTheNextLoginAndSaySo() throws Exception
    {
        try (LiveServe live = serve())
        {
            final CliRunner.Result set = run("iscsi", "tpg", "set", T, "--parameter", "FirstBurstLength=16384");
            assertEquals(0, set.exitCode(), set::toString);
            assertTrue(set.err().contains("TPG parameters of " + T + " tpg 1 added (apply at the next login)"),
                set::toString);
            final CliRunner.Result changed = run("iscsi", "tpg", "set", T, "--parameter", "FirstBurstLength=8192");
            assertTrue(changed.err().contains("TPG parameters of " + T + " tpg 1 changed (apply at the next login)"),
                changed::toString);
            assertEquals(8192, ConfigEditor.tpg(ConfigEditor.target(live.server.config(), T), 1).parameters()
                .firstBurstLength(), "served");
            final CliRunner.Result algorithms = run("iscsi", "tpg", "set", T, "--chap-algorithms", "SHA256");
            assertTrue(algorithms.err().contains("TPG " + T + " tpg 1 changed"), algorithms::toString);
        }
    }

    @Test
    void aChangeForTheNextStartOnlyIsSavedAndLoggedSo() throws Exception
    {
        try (LiveServe live = serve())
        {
            final CliRunner.Result set = run("metrics", "set", "--listen", "127.0.0.1:19287");
            assertEquals(0, set.exitCode(), set::toString);
            assertTrue(set.err().contains("the metrics endpoint changes at the next start"), set::toString);
            assertTrue(awaitLog(live, "configuration applied (ringtarget metrics set --listen 127.0.0.1:19287): " +
                "saved; nothing in it changes the running target"), live::log);
            assertTrue(awaitLog(live, "WARN  config: the metrics endpoint changes at the next start"), live::log);
            assertEquals("127.0.0.1:19287", ConfigFiles.load(file).metrics().listen(), "saved");
        }
    }

    @Test
    void receiveCoalescingChangesAtOnceWhileTheLoopsTakeTheirOwnSettingsAtTheNextStart() throws Exception
    {
        try (LiveServe live = serve())
        {
            final CliRunner.Result off = run("engine", "set", "--receive-coalescing-micros", "0");
            assertEquals(0, off.exitCode(), off::toString);
            assertTrue(off.err().contains("no receive coalescing (was 50 us), on every connection"), off::toString);
            assertFalse(off.err().contains("next start"), off::toString);
            assertTrue(awaitLog(live, "no receive coalescing (was 50 us), on every connection"), live::log);

            final CliRunner.Result both = run("engine", "set", "--receive-coalescing-micros", "20", "--loops", "3");
            assertEquals(0, both.exitCode(), both::toString);
            assertTrue(both.err().contains("receives coalesced 20 us (was none), on every connection"), both::toString);
            assertTrue(both.err().contains("engine loops, CPU pinning, idle strategy, TCP congestion control and " +
                "data buffers apply at the next start"), both::toString);
            assertEquals(Integer.valueOf(20), ConfigFiles.load(file).engine().receiveCoalescingMicros(), "saved");
        }
    }

    @Test
    void theLogLevelOfTheRunningTargetIsShownAndChangedUntilItStops() throws Exception
    {
        final CliRunner.Result none = run("log-level");
        assertEquals(1, none.exitCode(), none::toString);
        assertTrue(none.err().contains("no running target serves " + file), none::toString);
        try (LiveServe live = serve())
        {
            final long pid = ProcessHandle.current().pid();
            assertEquals("Log level info (pid " + pid + ").\n", run("log-level").out());
            final CliRunner.Result quiet = run("log-level", "WARN");
            assertEquals(0, quiet.exitCode(), quiet::toString);
            assertEquals("Log level info -> warn (pid " + pid + ", until it stops).\n", quiet.out());
            assertTrue(awaitLog(live, "INFO  admin: log level info -> warn (ringtarget log-level; until the " +
                "target stops)"), live::log);
            run("iscsi", "tpg", "acls", "create", T, "iqn.1994-05.com.client:quiet");

            final CliRunner.Result debug = run("log-level", "debug");
            assertEquals("Log level warn -> debug (pid " + pid + ", until it stops).\n", debug.out());
            assertTrue(awaitLog(live, "admin: log level warn -> debug"), live::log);
            run("iscsi", "tpg", "acls", "delete", T, "iqn.1994-05.com.client:quiet");
            assertTrue(awaitLog(live, "configuration applied (ringtarget iscsi tpg acls delete"), live::log);
            // The log keeps its order: the create's line, made at warn, would be before the delete's.
            assertFalse(live.log().contains("configuration applied (ringtarget iscsi tpg acls create"),
                "no INFO line at warn: " + live.log());

            final CliRunner.Result bad = run("log-level", "verbose");
            assertEquals(2, bad.exitCode(), bad::toString);
            assertTrue(bad.err().contains("\"verbose\" is not a log level: debug, info, warn or error"), bad::toString);
            assertEquals("Log level debug (pid " + pid + ").\n", run("log-level").out(), "unchanged");
            assertEquals("Log level debug -> info (pid " + pid + ", until it stops).\n",
                run("log-level", "info").out());
        }
    }

    /** Whether {@code text} is logged within 5 s: the target may log a change after it answered the command. */
    private static boolean awaitLog(final LiveServe live, final String text) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (!live.log().contains(text))
        {
            if (System.nanoTime() - deadline > 0)
            {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    @Test
    void anAclsMappedLunsChangeAtOnceAndSaySo() throws Exception
    {
        try (LiveServe live = serve())
        {
            final CliRunner.Result none = run("iscsi", "tpg", "acls", "set-luns", T, HOST1, "none");
            assertEquals(0, none.exitCode(), none::toString);
            assertEquals(HOST1 + " sees no LUN of TPG 1.\n", none.out());
            assertTrue(none.err().contains("LUN access of " + HOST1 + " of " + T + " tpg 1 changed"), none::toString);
            final CliRunner.Result lun0 = run("iscsi", "tpg", "acls", "set-luns", T, HOST1, "0");
            assertTrue(lun0.err().contains("LUN access of " + HOST1 + " of " + T + " tpg 1 changed"), lun0::toString);
            assertEquals(List.of(MappedLunConfig.of(0)),
                ConfigEditor.tpg(ConfigEditor.target(live.server.config(), T), 1).acls()
                .getFirst().mappedLuns(), "served");
            final CliRunner.Result all = run("iscsi", "tpg", "acls", "set-luns", T, HOST1, "all");
            assertTrue(all.err().contains("LUN access of " + HOST1 + " of " + T + " tpg 1 changed"), all::toString);
        }
    }

    @Test
    void anAclsNopInSettingsApplyAtOnceAndSaySo() throws Exception
    {
        try (LiveServe live = serve())
        {
            final CliRunner.Result set = run("iscsi", "tpg", "acls", "set-nopin", T, HOST1, "--nopin-interval", "30",
                "--nopin-timeout", "90");
            assertEquals(0, set.exitCode(), set::toString);
            assertTrue(set.err().contains("NOP-In settings of " + HOST1 + " of " + T + " tpg 1 changed"),
                set::toString);
            assertEquals(30, ConfigEditor.acl(ConfigEditor.tpg(ConfigEditor.target(live.server.config(), T), 1), HOST1)
                .nopInIntervalSeconds(), "served");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "iscsi tpg acls create " + T + " iqn.1994-05.COM.client:upper | iqn.1994-05.com.client:upper",
        "backstores fileio create d3 /nonexistent-ringtarget/dir/d3.img 1M | /nonexistent-ringtarget/dir",
        "iscsi tpg luns create " + T + " ram0 --lun 0 | LUN 0 exists already in TPG 1",
        "backstores delete ram0 | backstore \"ram0\" is used by " + T + " tpg 1 LUN 0; delete that LUN first (or give --force, which does)",
        "backstores fileio create ram0 /tmp/x.img 1M | a backstore named \"ram0\" exists already",
    })
    void aRefusedChangeLeavesTheRunningStateAndTheFileAsTheyWere(final String command, final String reason)
        throws Exception
    {
        try (LiveServe live = serve())
        {
            final byte[] before = Files.readAllBytes(file);
            final RingtargetConfig served = live.server.config();

            final CliRunner.Result result = run(command.split(" "));

            assertEquals(2, result.exitCode(), result::toString);
            assertTrue(result.err().contains(reason), result::toString);
            assertArrayEquals(before, Files.readAllBytes(file), "the file byte for byte");
            assertSame(served, live.server.config(), "the running state");
            assertTrue(!result.err().contains("applied to the running target"), result::toString);
        }
    }

    @Test
    void aBatchStopsAtItsFirstFailingLineAndKeepsTheLinesBefore() throws Exception
    {
        final Path batch = dir.resolve("setup.rt");
        Files.writeString(batch, String.join("\n",
            "# three RAM disks, then a LUN number that is taken",
            "backstores ram create r1 1M",
            "ringtarget backstores ram create 'r2' 1M   # the program name may stay",
            "backstores ram create r3 1M",
            "iscsi tpg luns create " + T + " r1 --lun 0",
            "backstores ram create r4 1M",
            ""));
        try (LiveServe live = serve())
        {
            final CliRunner.Result result = run("batch", batch.toString());

            assertEquals(2, result.exitCode(), result::toString);
            assertEquals("Created ram backstore r1 with size 1MiB.\nCreated ram backstore r2 with size 1MiB.\n" +
                "Created ram backstore r3 with size 1MiB.\n", result.out());
            assertTrue(result.err().contains("ringtarget: line 5: LUN 0 exists already in TPG 1"), result::toString);
            assertTrue(result.err().contains("stopped at line 5: 3 of 5 commands applied"), result::toString);
            final RingtargetConfig saved = ConfigFiles.load(file);
            assertEquals(List.of("ram0", "r1", "r2", "r3"), saved.backstores().stream().map(BackstoreConfig::name).toList());
            assertEquals(saved, live.server.config());
        }
    }

    @Test
    void aBatchWithAnInvalidLineIsBisectedToThatLine() throws Exception
    {
        final StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 40; i++)
        {
            lines.append("backstores ram create r").append(i).append(" 1M\n");
        }
        lines.append("iscsi tpg acls create ").append(T).append(" iqn.2026-04.com.example:x --chap-user u --chap-password short\n");
        lines.append("backstores ram create r40 1M\n");
        Files.createDirectories(file.getParent());
        ConfigFiles.save(config(freePort()).withStateDirectory(dir.resolve("state").toString()), file);

        final Path batch = dir.resolve("many.rt");
        Files.writeString(batch, lines.toString());
        final CliRunner.Result offline = run("batch", batch.toString());
        assertEquals(2, offline.exitCode(), offline::toString);
        assertTrue(offline.err().contains("ringtarget: line 41: refused, the configuration would not be valid:"),
            offline::toString);
        assertTrue(offline.err().contains("chap.password: at least 12 characters"), offline::toString);
        assertTrue(offline.err().contains("saved in " + file + " (no running target serves it"), offline::toString);
        assertEquals(41, ConfigFiles.load(file).backstores().size(), "ram0 and the 40 lines before");
    }

    @Test
    void concurrentEditsAreSerializedAndNoneIsLost() throws Exception
    {
        editConcurrently("offline");
        try (LiveServe live = serve())
        {
            editConcurrently("online");
            assertEquals(ConfigFiles.load(file), live.server.config());
            assertEquals(1 + 24, live.server.config().backstores().size(), "serve() started on the fixture again");
        }
    }

    private void editConcurrently(final String prefix) throws Exception
    {
        final ExecutorService pool = Executors.newFixedThreadPool(6);
        try
        {
            final List<Future<CliRunner.Result>> results = new ArrayList<>();
            for (int i = 0; i < 24; i++)
            {
                final String name = prefix + i;
                results.add(pool.submit(() -> run("backstores", "ram", "create", name, "1M")));
            }
            for (final Future<CliRunner.Result> result : results)
            {
                assertEquals(0, result.get().exitCode(), result.get()::toString);
            }
        }
        finally
        {
            pool.shutdown();
        }
        final List<String> names = ConfigFiles.load(file).backstores().stream().map(BackstoreConfig::name).toList();
        for (int i = 0; i < 24; i++)
        {
            assertTrue(names.contains(prefix + i), prefix + i + " in " + names);
        }
    }

    @Test
    void aFileEditedByHandIsNotOverwrittenBeforeItIsReloaded() throws Exception
    {
        try (LiveServe live = serve())
        {
            final RingtargetConfig byHand = ConfigEditor.addBackstore(ConfigFiles.load(file),
                new BackstoreConfig("hand", "ram", null, 1L << 20, 512, true, false, "hand-serial", "3000000000000002"));
            ConfigFiles.save(byHand, file);
            final byte[] edited = Files.readAllBytes(file);

            final CliRunner.Result refused = run("backstores", "ram", "create", "r1", "1M");
            assertEquals(2, refused.exitCode(), refused::toString);
            assertTrue(refused.err().contains(file + " was changed since the running target read it"), refused::toString);
            assertArrayEquals(edited, Files.readAllBytes(file), "the hand edit stays");

            final CliRunner.Result reload = run("reload");
            assertEquals(0, reload.exitCode(), reload::toString);
            assertTrue(reload.err().contains("the running target (pid " + ProcessHandle.current().pid() + ") applied " +
                file), reload::toString);
            assertTrue(reload.err().contains("backstore hand opened"), reload::toString);
            assertEquals(byHand, live.server.config());

            assertEquals(0, run("backstores", "ram", "create", "r1", "1M").exitCode());
            assertEquals(List.of("ram0", "hand", "r1"),
                ConfigFiles.load(file).backstores().stream().map(BackstoreConfig::name).toList());
        }
    }

    @Test
    void lsShowsWhatIsServedWhichIsWhatTheFileHolds() throws Exception
    {
        try (LiveServe live = serve())
        {
            assertEquals(0, run("iscsi", "tpg", "acls", "set-auth", T, HOST1, "--chap-user", "host1",
                "--chap-password", "host1-secret-1").exitCode());
            final CliRunner.Result json = run("ls", "--json");
            assertEquals(0, json.exitCode(), json::toString);
            final String config = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out()).get("config")
                .toString();
            assertEquals(Secrets.masked(ConfigFiles.load(file)), ConfigFiles.parse(config, "ls --json"));
            assertTrue(!json.out().contains("host1-secret-1"), "no secret");

            final CliRunner.Result tree = run("ls");
            assertEquals(0, tree.exitCode(), tree::toString);
            assertTrue(tree.out().contains("o- tpg1 "), tree::toString);
            assertTrue(tree.out().contains("alua active-optimized"), tree::toString);
            assertTrue(tree.out().matches("(?s).*o- " + HOST1.replace(".", "\\.") + " \\.+ \\[CHAP user host1, 0 sessions]\n.*"),
                tree::toString);
            assertTrue(tree.out().contains("[ram (16MiB)"), tree::toString);
            // Nothing written to it yet: a RAM LUN holds the memory its initiators wrote, not its size.
            assertTrue(tree.out().contains(" write-thru huge-pages activated, 0B in memory]"), tree::toString);
            assertEquals(0, new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out()).get("memory")
                .get("ram0").asLong(-1), json::toString);

            final CliRunner.Result sessions = run("sessions", "-v");
            assertEquals(0, sessions.exitCode(), sessions::toString);
            assertEquals("No sessions.\n", sessions.out());
            // sessions logout (the kernel initiator's logging out and in again: KernelInitiatorSessionLogoutTest).
            final CliRunner.Result nobody = run("sessions", "logout", HOST1, "--target", T);
            assertEquals(1, nobody.exitCode(), nobody::toString);
            assertEquals("No session of " + HOST1 + " with " + T + " is logged in (ringtarget sessions lists them).\n",
                nobody.err());
            final CliRunner.Result badIsid = run("sessions", "logout", HOST1, "--isid", "23d0");
            assertEquals(2, badIsid.exitCode(), badIsid::toString);
            assertTrue(badIsid.err().contains("--isid 23d0: 12 hex digits"), badIsid::toString);
            final CliRunner.Result noOne = run("sessions", "logout");
            assertEquals(2, noOne.exitCode(), noOne::toString);
            assertTrue(noOne.err().contains("name the initiator whose sessions end, or --target IQN"),
                noOne::toString);
            final CliRunner.Result ofTarget = run("sessions", "logout", "--target", T, "--now");
            assertEquals("No session with " + T + " is logged in (ringtarget sessions lists them).\n", ofTarget.err());
        }
        final CliRunner.Result none = run("sessions");
        assertEquals(1, none.exitCode(), none::toString);
        assertTrue(none.err().contains("no running target serves " + file), none::toString);
    }

    @Test
    void aLunBackInItsSanitizeFailureModeSaysSoInTheLogAndInLs() throws Exception
    {
        // What a SANITIZE that failed before the last stop left in the state directory (scsi-core's
        // MediumOperationStore writes it; here by hand, as a previous run would have).
        final String body = "ringtarget medium operation 1\nserial live-ram0\noperation sanitize\nstate failed\n" +
            "erase 0\nunrestricted 0\ninvert 0\npasses 1\npattern 52\n";
        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(body.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        final Path saved = Files.createDirectories(dir.resolve("state/medium-operations")).resolve("live-ram0.op");
        Files.writeString(saved, body + String.format("crc32c %08x%n", crc.getValue()));
        try (LiveServe live = serve())
        {
            assertTrue(live.log().contains("backstore ram0 of " + T + " (serial live-ram0): in the sanitize failure " +
                "mode (MEDIUM ERROR) until a SANITIZE completes (" + saved + ")"), live::log);
            final CliRunner.Result tree = run("ls");
            assertEquals(0, tree.exitCode(), tree::toString);
            assertTrue(tree.out().contains(" activated, 0B in memory, sanitize failed: MEDIUM ERROR until a SANITIZE " +
                "completes]"),
                tree::toString);
            final CliRunner.Result json = run("ls", "--json");
            final var media = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out()).get("media");
            assertEquals("sanitize failed: MEDIUM ERROR until a SANITIZE completes", media.get("ram0").asText(),
                json::toString);
        }
        Files.delete(saved);
        try (LiveServe live = serve())
        {
            final CliRunner.Result tree = run("ls");
            assertFalse(tree.out().contains("sanitize"), "nothing to say without the file: " + tree.out());
        }
    }

    /** A body sealed as scsi-core's DurableFile seals it. */
    private static String sealed(final String body)
    {
        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(body.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return body + String.format("crc32c %08x%n", crc.getValue());
    }

    @Test
    void savedModeParametersAndErrorCountersAreNamedAtStart() throws Exception
    {
        // What an initiator's MODE SELECT with SP and two medium errors left in the state directory (scsi-core's
        // stores write them; here by hand, as a previous run would have).
        final Path modes = Files.createDirectories(dir.resolve("state/mode-parameters")).resolve("live-ram0.mode");
        Files.writeString(modes, sealed("ringtarget mode parameters 1\nserial live-ram0\nwce 1\nconfigured-wce 0\n" +
            "d_sense 0\nswp 1\n"));
        final Path counters = Files.createDirectories(dir.resolve("state/error-counters"))
            .resolve("live-ram0.counters");
        Files.writeString(counters, sealed("ringtarget error counters 1\nserial live-ram0\nread 2\nwrite 0\n"));
        try (LiveServe live = serve())
        {
            assertTrue(live.log().contains("WARN  lun: backstore ram0 of " + T + " (serial live-ram0): saved mode " +
                "parameters: the write cache enabled, software write protect (SWP) on: writes are refused until an " +
                "initiator clears it (" + modes + ")"), live::log);
            assertTrue(live.log().contains("backstore ram0 of " + T + " (serial live-ram0): 2 read and 0 write " +
                "errors (MEDIUM ERROR) counted before the restart: initiators read a predicted failure (smartctl -H) " +
                "until the counters are reset (sg_logs --reset) (" + counters + ")"), live::log);
            // ls shows what the LUN serves that the file does not say.
            final CliRunner.Result tree = run("ls");
            assertEquals(0, tree.exitCode(), tree::toString);
            assertTrue(tree.out().contains(" write-thru huge-pages activated, 0B in memory, set by an initiator: " +
                "write cache enabled (saved), write-protected by SWP (saved)]"), tree::toString);
            final CliRunner.Result json = run("ls", "--json");
            assertEquals("write cache enabled (saved), write-protected by SWP (saved)",
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out()).get("modes").get("ram0")
                    .asText(), json::toString);
        }
    }

    @Test
    void aServedFileGrowsAndShrinkingIsRefused() throws Exception
    {
        try (LiveServe live = serve())
        {
            assertEquals(0, run("backstores", "fileio", "create", "disk2", disk2.toString(), "8M").exitCode());
            assertEquals(0, run("iscsi", "tpg", "luns", "create", T, "disk2").exitCode());

            final CliRunner.Result grow = run("backstores", "resize", "disk2", "16M");
            assertEquals(0, grow.exitCode(), grow::toString);
            assertEquals("Resized disk2 to 16MiB.\n", grow.out());
            assertTrue(grow.err().contains("disk2 grown from 8MiB to 16MiB"), grow::toString);
            assertEquals(16L << 20, Files.size(disk2));
            assertEquals(16L << 20, live.server.sizeBytes("disk2"));

            final byte[] before = Files.readAllBytes(file);
            final CliRunner.Result shrink = run("backstores", "resize", "disk2", "4M");
            assertEquals(2, shrink.exitCode(), shrink::toString);
            assertTrue(shrink.err().contains("shrinking it to 4MiB is refused"), shrink::toString);
            assertArrayEquals(before, Files.readAllBytes(file));
            assertEquals(16L << 20, Files.size(disk2));

            final CliRunner.Result ram = run("backstores", "resize", "ram0", "32M");
            assertEquals(2, ram.exitCode(), ram::toString);
            assertTrue(ram.err().contains("the running target refused it: backstore ram0: its sizeBytes cannot change " +
                "while " + T + " tpg 1 LUN 0 maps it"), ram::toString);
            assertArrayEquals(before, Files.readAllBytes(file));
        }
    }

    @Test
    void deletingABackstoreInUseNeedsForceWhichDeletesItsLunsFirst() throws Exception
    {
        try (LiveServe live = serve())
        {
            final CliRunner.Result forced = run("backstores", "delete", "ram0", "--force");
            assertEquals(0, forced.exitCode(), forced::toString);
            assertEquals("Deleted storage object ram0 and " + T + " tpg 1 LUN 0.\n", forced.out());
            assertTrue(forced.err().contains("backstore ram0 deleted"), forced::toString);
            assertNull(ConfigEditor.findBackstore(live.server.config(), "ram0"));
            assertEquals(-1, live.server.sizeBytes("ram0"), "closed");
            assertTrue(ConfigEditor.tpg(ConfigEditor.target(live.server.config(), T), 1).luns().isEmpty());
            assertNotNull(ConfigFiles.load(file));
        }
    }
}
