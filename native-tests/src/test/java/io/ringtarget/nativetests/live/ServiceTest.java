package io.ringtarget.nativetests.live;

import io.ringtarget.nativetests.support.ExternalProcess;
import io.ringtarget.nativetests.support.NotifySocket;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.nativetests.support.RingtargetCli;
import io.ringtarget.nativetests.support.Tools;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.ConfigEditor;
import io.ringtarget.server.config.ConfigFileLock;
import io.ringtarget.server.config.ConfigFiles;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;
import io.ringtarget.server.systemd.SystemdNotify;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ringtarget serve} as systemd runs it ({@code Type=notify}), without systemd: the test is the service manager,
 * with a Unix datagram socket of its own in NOTIFY_SOCKET. READY=1 comes once the portal listens; WATCHDOG=1 while the
 * loops answer (WATCHDOG_USEC); SIGHUP (ExecReload) reads the edited file and applies it with RELOADING=1 then READY=1,
 * the new LUN served at once, and refuses a file that is not valid (still serving); SIGTERM gives STOPPING=1 and exit
 * code 0. With JOURNAL_STREAM set, as under journald, each log line carries its syslog priority. The admin socket and
 * the lock are in the test's directory, and gone afterwards.
 */
class ServiceTest
{
    private static final String IQN = "iqn.2026-11.io.ringtarget:service";

    @TempDir
    Path dir;

    private RingtargetConfig config(final int port)
    {
        return new RingtargetConfig(
            List.of(new BackstoreConfig("ram0", "ram", null, 8L << 20, 512, true, false, "service-ram0", "3000000000000010")),
            List.of(new TargetConfig(IQN, null, List.of(new TpgConfig(1, true,
                List.of(new PortalConfig(Ports.LOOPBACK, port)), List.of(new LunConfig(0, "ram0", false)), List.of(),
                true, "none")))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(1, false, "ring", 50, 5, 15))
            .withStateDirectory(dir.resolve("state").toString());
    }

    @Test
    void serveTellsTheServiceManagerReadyWatchdogReloadingAndStopping() throws Exception
    {
        Tools.require("iscsi-inq");
        final int port = Ports.free();
        final Path file = dir.resolve("etc/saveconfig.json");
        final Path socket = dir.resolve("run/admin.sock");
        ConfigFiles.save(config(port), file);
        try (NotifySocket manager = NotifySocket.bind(dir.resolve("notify.sock"));
             ExternalProcess serve = RingtargetCli.start(dir.resolve("serve.log"),
                 Map.of("NOTIFY_SOCKET", manager.path().toString(), "WATCHDOG_USEC", "2000000",
                     "JOURNAL_STREAM", "8:4242"),
                 "serve", "-c", file.toString(), "--admin-socket", socket.toString()))
        {
            final String ready = manager.await("READY=1", Duration.ofSeconds(90));
            assertNotNull(ready, serve::logText);
            assertTrue(ready.contains("MAINPID=" + serve.pid()), ready);
            assertTrue(listens(port), "READY=1 comes once the portal listens");
            assertTrue(Files.exists(socket), "the admin socket listens");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));

            assertNotNull(manager.await("WATCHDOG=1", Duration.ofSeconds(10)), () -> manager.received() + serve.logText());
            assertNotNull(manager.await("WATCHDOG=1", Duration.ofSeconds(10)), "pinged every second");

            // A LUN added by hand, applied by SIGHUP (what ExecReload sends), while iscsi-inq reaches LUN 0.
            final RingtargetConfig edited = ConfigEditor.addLun(ConfigEditor.addBackstore(ConfigFiles.load(file),
                new BackstoreConfig("ram1", "ram", null, 4L << 20, 512, true, false, "service-ram1", "3000000000000011")),
                IQN, 1, "ram1", 1, false);
            ConfigFiles.save(edited, file);
            assertEquals(0, ExternalProcess.run(Duration.ofSeconds(10), "kill", "-HUP", String.valueOf(serve.pid()))
                .exitCode());
            assertNotNull(manager.await("RELOADING=1", Duration.ofSeconds(30)), () -> manager.received() + serve.logText());
            final String reloaded = manager.await("READY=1", Duration.ofSeconds(30));
            assertNotNull(reloaded, serve::logText);
            assertTrue(reloaded.contains("STATUS=serving " + file), reloaded);
            final ExternalProcess.Result lun1 = ExternalProcess.run(Duration.ofSeconds(30), "iscsi-inq",
                Tools.iscsiUrl(port, IQN, 1));
            assertEquals(0, lun1.exitCode(), lun1.output() + serve.logText());
            assertTrue(serve.logText().contains("configuration applied (SIGHUP): LUN 1 of " + IQN + " tpg 1 (ram1) added; " +
                "backstore ram1 opened (4MiB)"), serve::logText);

            // A file that is not valid: refused, the target serves what it served.
            Files.writeString(file, "{ \"targets\": [ { \"iqn\": \"not-an-iqn\" } ] }");
            assertEquals(0, ExternalProcess.run(Duration.ofSeconds(10), "kill", "-HUP", String.valueOf(serve.pid()))
                .exitCode());
            final String refused = manager.await("READY=1", Duration.ofSeconds(30));
            assertNotNull(refused, serve::logText);
            assertTrue(refused.contains("reload refused"), refused);
            assertEquals(0, ExternalProcess.run(Duration.ofSeconds(30), "iscsi-inq", Tools.iscsiUrl(port, IQN, 1))
                .exitCode(), "still served");

            // Under journald (JOURNAL_STREAM) each line starts with its syslog priority, one line per event.
            assertTrue(serve.awaitLogLine("<6>\\S+ INFO  config: configuration applied \\(SIGHUP\\): LUN 1 .*",
                Duration.ofSeconds(10)), serve::logText);
            assertTrue(serve.awaitLogLine("<4>\\S+ WARN  config: reload refused \\(SIGHUP\\).*", Duration.ofSeconds(10)),
                serve::logText);

            assertEquals(0, ExternalProcess.run(Duration.ofSeconds(10), "kill", "-TERM", String.valueOf(serve.pid()))
                .exitCode());
            assertNotNull(manager.await("STOPPING=1", Duration.ofSeconds(30)), serve::logText);
            final OptionalInt exit = serve.awaitExit(Duration.ofSeconds(30));
            assertEquals(OptionalInt.of(0), exit, serve::logText);
        }
        assertFalse(Files.exists(socket), "the admin socket is removed");
        assertEquals("", Files.readString(ConfigFileLock.lockFile(file)), "nothing advertised any more");
    }

    @Test
    void notificationsReachAnAbstractSocketToo()
    {
        final String name = "ringtarget-test-notify-" + ProcessHandle.current().pid();
        try (NotifySocket manager = NotifySocket.bindAbstract(name))
        {
            final SystemdNotify notify = SystemdNotify.of(Map.of("NOTIFY_SOCKET", "@" + name));
            assertEquals(0, notify.send("READY=1\nSTATUS=serving"));
            assertEquals("READY=1\nSTATUS=serving", manager.await("READY=1", Duration.ofSeconds(5)));
        }
    }

    private static boolean listens(final int port)
    {
        try (Socket s = new Socket())
        {
            s.connect(new InetSocketAddress(Ports.LOOPBACK, port), 2000);
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }
}
