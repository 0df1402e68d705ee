package io.ringtarget.nativetests.launcher;

import io.ringtarget.nativetests.support.ExternalProcess;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.nativetests.support.RingtargetProcess;
import io.ringtarget.nativetests.support.Tools;
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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code serve --log-level}: the same target, logged into by libiscsi's iscsi-inq, logs its portals and the login at
 * the default level (info) and none of it at warn; at debug it also logs the io_uring set-up.
 */
@Timeout(180)
class LogLevelTest
{
    private static final String IQN = "iqn.2026-12.io.ringtarget:log-level";

    @TempDir
    Path dir;

    @Test
    void warnLeavesOutThePortalsAndLoginsInfoLogs() throws Exception
    {
        Tools.require("iscsi-inq");
        final String info = serveAndLogIn("info", List.of());
        assertTrue(info.lines().anyMatch(l -> l.matches(".* INFO  portal: listening on 127\\.0\\.0\\.1:\\d+")), info);
        assertTrue(info.lines().anyMatch(l -> l.matches(".* INFO  login: .*" + IQN + ".*")), info);
        assertFalse(info.contains(" DEBUG "), info);

        final String warn = serveAndLogIn("warn", List.of("--log-level", "warn"));
        assertFalse(warn.contains(" INFO "), warn);
        assertFalse(warn.contains(" DEBUG "), warn);

        final String debug = serveAndLogIn("debug", List.of("--log-level", "DEBUG"));
        assertTrue(debug.lines().anyMatch(l -> l.matches(".* DEBUG .*io_uring ready: .*")), debug);
        assertTrue(debug.lines().anyMatch(l -> l.matches(".* INFO  login: .*" + IQN + ".*")), debug);
    }

    /** Serves a RAM LUN with these options, lets iscsi-inq log in and out, stops it; returns what it logged. */
    private String serveAndLogIn(final String name, final List<String> options) throws Exception
    {
        final int port = Ports.free();
        final Path config = dir.resolve(name + ".json");
        ConfigFiles.save(new RingtargetConfig(
            List.of(new BackstoreConfig("ram0", "ram", null, 16L << 20, 512, true, false, "loglevel0", null)),
            List.of(new TargetConfig(IQN, "log-level", List.of(new TpgConfig(1, true,
                List.of(new PortalConfig("127.0.0.1", port)), List.of(new LunConfig(0, "ram0", false)), List.of(),
                true, "none")))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(1, false, "ring", 5, 15), null, null), config);
        final String log;
        try (RingtargetProcess target = RingtargetProcess.serve(config, dir.resolve(name + ".log"), options, port))
        {
            final ExternalProcess.Result inq = ExternalProcess.run(Duration.ofSeconds(30), "iscsi-inq",
                Tools.iscsiUrl(port, IQN, 0));
            assertEquals(0, inq.exitCode(), inq.output() + target.logText());
            // The login is logged by the log's writer thread: give it the moment it takes.
            Thread.sleep(500);
            log = target.logText();
        }
        return log;
    }
}
