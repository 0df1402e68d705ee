package io.ringtarget.server.cli;

import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.server.config.ConfigDefaults;
import io.ringtarget.server.config.ConfigFileLock;
import io.ringtarget.server.config.ConfigFiles;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.startup.TargetServer;
import io.ringtarget.server.systemd.SystemdNotify;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * What {@code serve} runs, in the test's JVM: the file's lock, the target, the admin socket in a temporary directory
 * (never /run/ringtarget), the lock saying where it is. The CLI run in-process then finds it as it finds a real one.
 */
final class LiveServe implements AutoCloseable
{
    final TargetServer server;
    final Path socket;
    private final LiveService live;
    private final EventLog log;
    private final ByteArrayOutputStream output;

    private LiveServe(final TargetServer server, final LiveService live, final Path socket, final EventLog log,
        final ByteArrayOutputStream output)
    {
        this.server = server;
        this.live = live;
        this.socket = socket;
        this.log = log;
        this.output = output;
    }

    /** Serves {@code file} (saved from {@code config} first) with its admin socket in {@code dir}. */
    static LiveServe start(final RingtargetConfig config, final Path file, final Path dir) throws IOException
    {
        if (ConfigDefaults.DEFAULT_STATE_DIRECTORY.equals(config.stateDirectory()) || null == config.stateDirectory())
        {
            throw new IllegalArgumentException("a test's state directory is in its temporary directory, not " +
                ConfigDefaults.DEFAULT_STATE_DIRECTORY);
        }
        ConfigFiles.save(config, file);
        final ConfigFileLock lock = ConfigFileLock.tryAcquire(file);
        assertNotNull(lock, "nothing else holds the lock");
        final ByteArrayOutputStream output = new ByteArrayOutputStream();
        final EventLog log = new EventLog(new PrintStream(output, true), false, EventLog.Level.INFO);
        final TargetServer server = TargetServer.start(ConfigFiles.load(file), log);
        final Path socket = dir.resolve("run/admin.sock");
        final LiveService live = LiveService.start(server, new LiveService.ServedFile(file, Files.readAllBytes(file),
            lock, socket), SystemdNotify.of(Map.of()), log);
        return new LiveServe(server, live, socket, log, output);
    }

    /** What the target logged so far. */
    String log()
    {
        log.flush();
        return output.toString();
    }

    @Override
    public void close()
    {
        live.stopListening();
        server.close();
        live.close();
        log.close();
    }
}
