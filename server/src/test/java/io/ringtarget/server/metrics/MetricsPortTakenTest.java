package io.ringtarget.server.metrics;

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
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A target whose metrics address is taken does not start, and leaves nothing running: its event loops and portals,
 * started before the metrics endpoint, are closed again (the portal's port can be bound at once), so a start that is
 * retried, or a test that tries another port, does not find the first attempt still listening.
 */
class MetricsPortTakenTest
{
    /** Event loop threads alive now (AgentRunner names them by role: ringtarget-0, ringtarget-1, ...). */
    private static long loopThreads()
    {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
            .filter(t -> t.getName().matches("ringtarget-\\d+")).count();
    }

    /** Whether a socket listens on TCP port {@code port} of this machine (/proc/net/tcp and tcp6, state 0A). */
    private static boolean listening(final int port) throws IOException
    {
        final String hex = String.format(":%04X ", port);
        for (final String table : List.of("/proc/net/tcp", "/proc/net/tcp6"))
        {
            for (final String line : Files.readAllLines(Path.of(table)))
            {
                final String[] f = line.trim().split("\\s+");
                if (f.length > 3 && (f[1] + " ").endsWith(hex) && "0A".equals(f[3]))
                {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void aStartWhoseMetricsPortIsTakenFailsAndLeavesNothingRunning() throws IOException
    {
        try (ServerSocket taken = new ServerSocket())
        {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            final int portal = MetricsEndpointTest.freePort();
            final RingtargetConfig config = new RingtargetConfig(
                List.of(new BackstoreConfig("ram0", "ram", null, 1L << 20, 512, true, false, "taken0", null)),
                List.of(new TargetConfig("iqn.2026-12.io.ringtarget:metrics-taken", null, List.of(new TpgConfig(1,
                    true, List.of(new PortalConfig("127.0.0.1", portal)), List.of(new LunConfig(0, "ram0", false)),
                    List.of(), true, "none")))),
                new DiscoveryAuthConfig("none", null), new EngineConfig(1, false, "ring", 5, 15),
                new MetricsConfig("127.0.0.1:" + taken.getLocalPort()), null);
            final long loopsBefore = loopThreads();
            final IOException refused = assertThrows(IOException.class,
                () -> TargetServer.start(config, new PrintStream(OutputStream.nullOutputStream())));
            assertTrue(refused.getMessage().contains("Address already in use"), refused::toString);
            try (ServerSocket again = new ServerSocket())
            {
                again.bind(new InetSocketAddress("127.0.0.1", portal));   // its portal was let go
            }
            catch (final BindException ex)
            {
                // The port may have become another test's outgoing connection's meanwhile; only a listener is ours.
                assertFalse(listening(portal), "the portal " + portal + " is still listening: " + ex);
            }
            // Its event loop was stopped: the start had run it before the metrics endpoint failed.
            assertEquals(loopsBefore, loopThreads(), "an event loop thread left running");
        }
    }
}
