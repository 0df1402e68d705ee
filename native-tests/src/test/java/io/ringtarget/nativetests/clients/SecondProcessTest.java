package io.ringtarget.nativetests.clients;

import io.ringtarget.nativetests.support.ExternalProcess;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.ConfigFiles;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;
import io.ringtarget.server.startup.TargetServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A second ringtarget process (a real JVM running the CLI) on the portal of a running target: `serve` of a
 * configuration with the same portal and `demo` on its port both refuse to start, say why, and open nothing; the
 * running target keeps every connection (libiscsi's iscsi-inq still reaches it).
 */
class SecondProcessTest
{
    private static final String IQN = "iqn.2026-11.io.ringtarget:second";

    @TempDir
    Path dir;

    private static RingtargetConfig config(final int port, final Path image)
    {
        return new RingtargetConfig(
            List.of(new BackstoreConfig("disk0", "fileio", image.toString(), 16L << 20, 512, true, false, null, null)),
            List.of(new TargetConfig(IQN, null, List.of(new TpgConfig(1, true, List.of(new PortalConfig("127.0.0.1", port)),
                List.of(new LunConfig(0, "disk0", false)), List.of(), true, "none")))),
            new DiscoveryAuthConfig("none", null),
            new EngineConfig(1, false, "ring", 5, 15));
    }

    /** The ringtarget CLI in a JVM of its own, with this test's class path. */
    private static ExternalProcess.Result ringtarget(final String... args)
    {
        final List<String> command = new ArrayList<>(List.of(
            ProcessHandle.current().info().command().orElse("java"), "--enable-native-access=ALL-UNNAMED",
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), "io.ringtarget.server.cli.Main"));
        command.addAll(List.of(args));
        return ExternalProcess.run(Duration.ofSeconds(60), command.toArray(String[]::new));
    }

    @Test
    void aSecondProcessOnAServedPortalRefusesToStartAndOpensNothing() throws Exception
    {
        final int port = Ports.free();
        final Path image = dir.resolve("disk0.img");
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (TargetServer first = TargetServer.start(config(port, image), new PrintStream(log, true)))
        {
            // Same portal, another backing file: had the second process opened its backstore, the file would exist.
            final Path secondImage = dir.resolve("second.img");
            final Path file = dir.resolve("second.json");
            ConfigFiles.save(config(port, secondImage), file);
            final ExternalProcess.Result serve = ringtarget("serve", "--config", file.toString(),
                "--admin-socket", dir.resolve("second.sock").toString());
            assertEquals(1, serve.exitCode(), serve.output());
            assertTrue(serve.output().contains("ringtarget: cannot start the target: 127.0.0.1:" + port +
                " is already served by another process (bind: EADDRINUSE (Address already in use))"), serve.output());
            assertFalse(serve.output().contains("Already closed"), serve.output());
            assertFalse(Files.exists(secondImage), "the refused process opened no backstore");

            final ExternalProcess.Result demo = ringtarget("demo", "--portal", "127.0.0.1:" + port, "--size", "16M");
            assertEquals(1, demo.exitCode(), demo.output());
            assertTrue(demo.output().contains("127.0.0.1:" + port + " is already served by another process"),
                demo.output());

            // The first target lost nothing: every new connection still reaches it.
            for (int i = 0; i < 4; i++)
            {
                final ExternalProcess.Result inq = ExternalProcess.run(Duration.ofSeconds(30), "iscsi-inq",
                    "iscsi://127.0.0.1:" + port + "/" + IQN + "/0");
                assertEquals(0, inq.exitCode(), inq.output() + log);
            }
        }
    }
}
