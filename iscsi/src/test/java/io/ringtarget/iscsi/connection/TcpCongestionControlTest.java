package io.ringtarget.iscsi.connection;

import io.ringtarget.iscsi.TestInitiator;
import io.ringtarget.iscsi.engine.EngineSettings;
import io.ringtarget.iscsi.engine.IscsiEngine;
import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.iscsi.login.TargetLimits;
import io.ringtarget.iscsi.node.DiscoveryAuth;
import io.ringtarget.iscsi.node.Portal;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.scsi.TargetPort;
import io.ringtarget.scsi.TargetPortGroup;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's TCP congestion control on real connections: an accepted connection sends with the one configured
 * (reno here, built into every kernel and the default of none), as ss(8) shows for the target's end; a name the
 * host does not have stops the start, saying so.
 */
class TcpCongestionControlTest
{
    private static final String IQN = "iqn.2026-12.io.ringtarget:congestion";

    private static TargetRegistry registry(final int port)
    {
        final TargetRegistry registry = new TargetRegistry();
        final TargetNode node = new TargetNode(IQN, null);
        node.add(new PortalGroup(node, 1, List.of(new Portal("127.0.0.1", port)), List.of(), List.of(), true, false,
            new TargetPort(1, IQN, 1, new TargetPortGroup(1)), PortalGroup.ENGINE_NOP_IN, PortalGroup.ENGINE_NOP_IN));
        registry.add(node);
        return registry;
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket s = new ServerSocket(0))
        {
            return s.getLocalPort();
        }
    }

    /** ss's line for the target's end of the connection to {@code clientPort}, with its TCP internals (-i). */
    private static String targetEnd(final int port, final int clientPort) throws Exception
    {
        final Process ss = new ProcessBuilder("ss", "-tnHi", "state", "established",
            "( sport = :" + port + " and dport = :" + clientPort + " )").redirectErrorStream(true).start();
        final String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ss.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, ss.exitValue(), out);
        return out;
    }

    @Test
    void acceptedConnectionsSendWithTheConfiguredCongestionControl() throws Exception
    {
        final int port = freePort();
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (EventLog eventLog = new EventLog(new PrintStream(log, true), false, EventLog.Level.DEBUG);
             IscsiEngine engine = IscsiEngine.start(registry(port), DiscoveryAuth.NONE, TargetLimits.defaults(),
                 new EngineSettings(1, false, "ring", 50_000, 0, 0, "reno"), eventLog);
             TestInitiator initiator = new TestInitiator("127.0.0.1", port))
        {
            assertEquals(0, TestInitiator.loginStatus(initiator.login(IQN)), log::toString);
            final String line = targetEnd(port, initiator.localPort());
            assertTrue(line.contains(" reno "), "the target's end sends with reno:\n" + line);
        }
    }

    @Test
    void aCongestionControlTheHostLacksStopsTheStart() throws IOException
    {
        final int port = freePort();
        try (EventLog eventLog = new EventLog(new PrintStream(new ByteArrayOutputStream(), true), false,
            EventLog.Level.DEBUG))
        {
            final IOException refused = assertThrows(IOException.class, () -> IscsiEngine.start(registry(port),
                DiscoveryAuth.NONE, TargetLimits.defaults(), new EngineSettings(1, false, "ring", 50_000, 0, 0,
                    "nosuchcc"), eventLog));
            assertTrue(refused.getMessage().contains("TCP congestion control \"nosuchcc\" is not available here"),
                refused.getMessage());
            // Nothing was left listening: the portal can be bound again.
            try (ServerSocket again = new ServerSocket(port))
            {
                assertEquals(port, again.getLocalPort());
            }
        }
    }
}
