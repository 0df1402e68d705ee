package io.ringtarget.nativetests.initiator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtarget.nativetests.support.ExternalProcess;
import io.ringtarget.nativetests.support.GuestRun;
import io.ringtarget.nativetests.support.KernelInitiatorGuest;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.nativetests.support.RingtargetCli;
import io.ringtarget.nativetests.support.Tools;
import io.ringtarget.server.config.AclConfig;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.ChapConfig;
import io.ringtarget.server.config.ConfigFiles;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.Secrets;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12's first "done when", with Linux's own initiator: {@code ringtarget serve} runs as a process of its own;
 * the guest logs in with CHAP and fio writes and verifies LUN 0 while the CLI, each command a process of its own as
 * an administrator runs it, changes the running target: adds LUN 1, admits another initiator (fio over libiscsi logs
 * in through a second TPG) and removes that ACL again (that session ends, the guest's does not), changes the guest's
 * CHAP secret, and grows LUN 0's backstore. fio ends without an error (the kernel retries the commands that met
 * REPORTED LUNS DATA HAS CHANGED and CAPACITY DATA HAS CHANGED, and says it got them), a rescan finds LUN 1 and the
 * new capacity, the next login needs the new secret, and what {@code ls} shows is what the file holds.
 */
class LiveChangesKernelInitiatorTest
{
    static final String TARGET = "iqn.2026-11.io.ringtarget:live";
    static final String GUEST = KernelInitiatorTest.GUEST;
    static final String OTHER = "iqn.2026-11.io.ringtarget.test:other";
    static final String USER = "guest";
    static final String OLD_SECRET = "guest-secret-1";
    static final String NEW_SECRET = "guest-secret-2";
    static final long LUN0_BYTES = 64L << 20;
    static final long LUN0_GROWN = 96L << 20;
    static final long LUN1_BYTES = 32L << 20;
    static final int FIO_SECONDS = 60;

    private static Path dir;
    private static Path file;
    private static ExternalProcess serve;
    private static GuestRun run;
    private static final List<String> host = new ArrayList<>();
    private static String otherFio;
    private static String sessionsDuring;
    private static String sessionsAfterAclRemoved;
    private static String lsTree;
    private static String lsJson;
    private static RingtargetConfig savedAtLs;

    @BeforeAll
    static void changeTheTargetWhileTheGuestWrites() throws Exception
    {
        final Path fio = Tools.fio();
        final int port = Ports.free();
        final int otherPort = Ports.free();
        dir = Files.createTempDirectory(Path.of("/var/tmp"), "ringtarget-live-changes");
        file = dir.resolve("etc/saveconfig.json");
        final Path socket = dir.resolve("run/admin.sock");
        ConfigFiles.save(config(port, otherPort), file);
        serve = RingtargetCli.start(dir.resolve("serve.log"), Map.of(), "serve", "-c", file.toString(),
            "--admin-socket", socket.toString(), "--metrics", "off");
        awaitLog("admin: listening on " + socket);

        final String script = GuestScripts.read("live-changes.sh")
            .replace("@TARGET@", TARGET)
            .replace("@PORTAL@", KernelInitiatorGuest.hostAddress(0) + ":" + port)
            .replace("@USER@", USER).replace("@OLD_SECRET@", OLD_SECRET).replace("@NEW_SECRET@", NEW_SECRET)
            .replace("@FIO_SECONDS@", Integer.toString(FIO_SECONDS))
            .replace("@WAIT_SECONDS@", Integer.toString(FIO_SECONDS + 60));
        final CompletableFuture<GuestRun> guest = CompletableFuture.supplyAsync(
            () -> KernelInitiatorGuest.withScript("live-changes", script)
                .hostAction("lun1-read-only", args -> cli("iscsi", "tpg", "acls", "set-luns", TARGET, GUEST, "0,1:ro")
                    .exitCode() == 0 ? null : "failed")
                .boot());

        // The guest's session is up and its fio has sent commands: change the target under it.
        awaitGuestWriting(guest);
        sessionsDuring = cli("sessions", "-v").output();
        cli("backstores", "fileio", "create", "disk1", dir.resolve("disk1.img").toString(), "32M");
        cli("iscsi", "tpg", "luns", "create", TARGET, "disk1", "--lun", "1");
        final ExternalProcess.Result refused = ExternalProcess.run(Duration.ofSeconds(30), "iscsi-inq", "-i", OTHER,
            Tools.iscsiUrl(otherPort, TARGET, 0));
        host.add("other before its ACL: exit " + refused.exitCode());
        cli("iscsi", "tpg", "acls", "create", TARGET, OTHER, "--tpg", "2");
        try (ExternalProcess other = ExternalProcess.start(dir.resolve("fio-other.log"), fio.toString(), "--name=other",
            "--ioengine=libiscsi", "--initiator=" + OTHER, "--filename=" + Tools.fioFilename(Tools.iscsiUrl(otherPort,
                TARGET, 0)), "--rw=randread", "--bs=4k", "--iodepth=4", "--size=8M", "--time_based", "--runtime=120"))
        {
            awaitSession(OTHER, true);
            cli("iscsi", "tpg", "acls", "delete", TARGET, OTHER, "--tpg", "2");
            awaitSession(OTHER, false);
            sessionsAfterAclRemoved = cli("sessions").output();
            // libiscsi logs in again and again, refused each time: fio would not end before its run time.
            otherFio = other.isAlive() ? "running, logging in again" : "ended: " + other.logText();
        }
        cli("iscsi", "tpg", "acls", "set-auth", TARGET, GUEST, "--chap-user", USER, "--chap-password", NEW_SECRET);
        cli("backstores", "resize", "disk0", "96M");
        host.add("changes made while the guest ran: " + guest.isDone());
        lsTree = cli("ls").output();
        lsJson = cli("ls", "--json").output();
        // The file as ls saw it: the guest changes LUN 1's protection later (rt_host lun1-read-only).
        savedAtLs = Secrets.masked(ConfigFiles.load(file));

        run = guest.get(10, TimeUnit.MINUTES);
        System.out.println("LiveChangesKernelInitiatorTest: guest ready at " + run.readyAt() + " s, script ended at " +
            run.exitAt() + " s (guest clock), QEMU ran " + run.wall().toMillis() / 1000.0 + " s; console " +
            run.consoleLog());
        run.lines("RT-STEP").forEach(System.out::println);
        run.results().forEach((k, v) -> System.out.println("  " + k + " = " + v));
        host.forEach(l -> System.out.println("  host: " + l));
    }

    @AfterAll
    static void stop() throws IOException
    {
        if (null != serve)
        {
            serve.close();
            System.out.println(serve.logText().lines().filter(l -> l.contains("config") || l.contains("closing"))
                .map(l -> "  target: " + l).reduce("", (a, b) -> a + b + "\n"));
        }
        if (null != dir)
        {
            try (Stream<Path> files = Files.walk(dir))
            {
                for (final Path p : files.sorted(Comparator.reverseOrder()).toList())
                {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static RingtargetConfig config(final int port, final int otherPort)
    {
        return new RingtargetConfig(
            List.of(new BackstoreConfig("disk0", "fileio", dir.resolve("disk0.img").toString(), LUN0_BYTES, 512, true,
                    false, "live-disk0", "3000000000000030"),
                new BackstoreConfig("other0", "ram", null, 8L << 20, 512, true, false, "live-other0", "3000000000000031")),
            List.of(new TargetConfig(TARGET, null, List.of(
                new TpgConfig(1, true, List.of(new PortalConfig(Ports.LOOPBACK, port)),
                    List.of(new LunConfig(0, "disk0", false)),
                    List.of(new AclConfig(GUEST, new ChapConfig(USER, OLD_SECRET, null, null))), false, "chap"),
                new TpgConfig(2, true, List.of(new PortalConfig(Ports.LOOPBACK, otherPort)),
                    List.of(new LunConfig(0, "other0", false)), List.of(), false, "none")))),
            new DiscoveryAuthConfig("none", null),
            // One loop: the guest's two vCPUs are two busy host threads on this 2-core machine.
            new EngineConfig(1, false, "ring", 5, 15)).withStateDirectory(dir.resolve("state").toString());
    }

    @Test
    void theGuestScriptRanToItsEnd()
    {
        assertTrue(run.ok(), run.describe() + "\n" + serve.logText());
        assertTrue(run.lines("RT-FAIL").isEmpty(), run.describe());
        assertEquals("yes", run.result("changes_seen_while_fio_ran"), "every change was made during fio's run: " +
            run.describe());
    }

    @Test
    void fioVerifiedEveryWriteWhileTheTargetChanged()
    {
        assertEquals("0", run.result("fio_live"), run.describe());
        assertEquals("0", run.result("conn_errors"), "no connection error, no session recovery: " + run.describe());
        assertTrue(sessionsDuring.contains(GUEST), sessionsDuring);
        // open-iscsi 2.1.8 offers CHAP MD5 only unless chap_algs is set; no mutual CHAP here.
        assertTrue(sessionsDuring.contains("      authentication: CHAP MD5\n"), sessionsDuring);
        assertTrue(sessionsDuring.contains("      errors: digest errors 0, protocol errors 0, ignored commands 0, " +
            "ignored Data-Out 0\n"), sessionsDuring);
    }

    @Test
    void aLunMadeReadOnlyForTheGuestIsReportedAndTakenAtARescan()
    {
        assertEquals("0", run.result("lun1_ro_before"), run.describe());
        // MODE PARAMETERS CHANGED (2A/01) with the guest's next command to LUN 1 (scsi_error.c, scsi_report_sense).
        assertNotEquals("0", run.result("ua_mode_changed"), "MODE PARAMETERS CHANGED: " + run.describe());
        assertEquals("1", run.result("lun1_ro_after"), run.describe());
        assertEquals("refused", run.result("lun1_write"), run.describe());
    }

    @Test
    void theKernelGotTheUnitAttentionsAndSeesTheNewLunAndCapacity()
    {
        assertNotEquals("0", run.result("ua_luns_changed"), "REPORTED LUNS DATA HAS CHANGED: " + run.describe());
        assertNotEquals("0", run.result("ua_capacity_changed"), "CAPACITY DATA HAS CHANGED: " + run.describe());
        assertEquals(Long.toString(LUN0_BYTES), run.result("lun0_bytes_before"), run.describe());
        assertEquals(Long.toString(LUN0_GROWN), run.result("lun0_bytes_after"), run.describe());
        assertNotEquals("none", run.result("lun1_disk"), run.describe());
        assertEquals(Long.toString(LUN1_BYTES), run.result("lun1_bytes"), run.describe());
    }

    @Test
    void removingAnAclEndedOnlyTheSessionItAdmitted()
    {
        assertNotEquals("other before its ACL: exit 0", host.get(0), "refused before its ACL existed");
        assertFalse(sessionsAfterAclRemoved.contains(OTHER), sessionsAfterAclRemoved);
        assertTrue(sessionsAfterAclRemoved.contains(GUEST), sessionsAfterAclRemoved);
        final String log = serve.logText();
        final int ended = log.indexOf("closing: configuration changed: no ACL admits " + OTHER + " any more");
        assertTrue(ended > 0, log);
        assertTrue(log.indexOf("login failed: " + OTHER + " is not in the ACL", ended) > 0,
            "its initiator logs in again and is refused (" + otherFio + "): " + log);
    }

    @Test
    void theChangedChapSecretAppliesToTheNextLogin()
    {
        assertNotEquals("0", run.result("login_old_secret"), "the old secret is refused: " + run.describe());
        assertEquals("0", run.result("login_new_secret"), run.describe());
        assertEquals(Long.toString(LUN0_GROWN), run.result("relogin_lun0_bytes"), run.describe());
        assertEquals(Long.toString(LUN1_BYTES), run.result("relogin_lun1_bytes"), run.describe());
    }

    @Test
    void theSavedFileIsWhatLsShows() throws Exception
    {
        final String json = lsJson.substring(lsJson.indexOf('{'));
        final String served = new ObjectMapper().readTree(json).get("config").toString();
        assertEquals(savedAtLs, ConfigFiles.parse(served, "ls --json"));
        assertTrue(lsTree.contains("o- lun1 "), lsTree);
        assertTrue(lsTree.contains("(96MiB)"), lsTree);
        assertTrue(lsTree.contains("o- " + GUEST + " "), lsTree);
        assertTrue(lsTree.contains("o- session TSIH "), "the guest's session under its ACL: " + lsTree);
        assertFalse(lsTree.contains(NEW_SECRET) || lsTree.contains(OLD_SECRET), lsTree);
    }

    private static ExternalProcess.Result cli(final String... args)
    {
        final List<String> all = new ArrayList<>(List.of(args));
        all.add("-c");
        all.add(file.toString());
        final ExternalProcess.Result result = RingtargetCli.run(Duration.ofMinutes(2), all.toArray(String[]::new));
        host.add(String.join(" ", args) + ": exit " + result.exitCode() + ": " + result.output().strip());
        assertEquals(0, result.exitCode(), String.join(" ", args) + ":\n" + result.output() + serve.logText());
        return result;
    }

    private static void awaitGuestWriting(final CompletableFuture<GuestRun> guest) throws InterruptedException
    {
        final long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() - deadline < 0)
        {
            assertFalse(guest.isDone(), () -> "the guest ended before it wrote: " + guest.join().describe());
            final ExternalProcess.Result sessions = RingtargetCli.run("sessions", "-c", file.toString());
            for (final String line : sessions.output().lines().toList())
            {
                if (line.startsWith(GUEST))
                {
                    final String[] columns = line.trim().split("\\s+");
                    if (Long.parseLong(columns[8]) > 1000)
                    {
                        return;   // fio's writes, not just the scan's commands
                    }
                }
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("the guest did not log in and write within 5 minutes: " + serve.logText());
    }

    private static void awaitSession(final String initiator, final boolean present) throws InterruptedException
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() - deadline < 0)
        {
            if (RingtargetCli.run("sessions", "-c", file.toString()).output().contains(initiator) == present)
            {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(initiator + (present ? " did not log in" : " is still logged in") + ":\n" +
            serve.logText());
    }

    private static void awaitLog(final String line) throws InterruptedException
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
