package io.ringtarget.iscsi.engine;

import io.ringtarget.iscsi.TestInitiator;
import io.ringtarget.iscsi.TestTarget;
import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.iscsi.login.LoginStatus;
import io.ringtarget.iscsi.login.TargetLimits;
import io.ringtarget.iscsi.node.DiscoveryAuth;
import io.ringtarget.iscsi.node.Portal;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.iscsi.node.TargetRegistry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Start-up failures of the engine: each names the portal and the OS error, and leaves no loop thread, ring or
 * socket behind; a target already serving the portal goes on serving it.
 */
class IscsiEngineStartTest
{
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

    private static TargetRegistry registry(final Portal... portals)
    {
        final TargetRegistry registry = new TargetRegistry();
        final TargetNode node = new TargetNode("iqn.2026-11.io.ringtarget:start", null);
        node.add(new PortalGroup(node, 1, List.of(portals), List.of(), List.of(), true, false));
        registry.add(node);
        return registry;
    }

    private static IscsiEngine start(final EventLog log, final Portal... portals) throws IOException
    {
        return IscsiEngine.start(registry(portals), DiscoveryAuth.NONE, TargetLimits.defaults(),
            new EngineSettings(2, false, "ring", 50_000, 5, 15), log);
    }

    private static long openDescriptors() throws IOException
    {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd")))
        {
            return fds.count();
        }
    }

    private static long loopThreads()
    {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && t.getName().startsWith("ringtarget-")).count();
    }

    @Test
    void aSecondEngineOnAServedPortalIsRefusedAndTheFirstGoesOnServing() throws Exception
    {
        try (EventLog log = new EventLog(new PrintStream(LOG, true), false, EventLog.Level.DEBUG);
             TestTarget first = TestTarget.start(8L << 20, 0, new PrintStream(LOG, true)))
        {
            final long fds = openDescriptors();
            final long threads = loopThreads();
            final IOException ex = assertThrows(IOException.class,
                () -> start(log, new Portal("127.0.0.1", first.port())));
            assertEquals("127.0.0.1:" + first.port() + " is already served by another process (bind: EADDRINUSE " +
                "(Address already in use))", ex.getMessage());
            assertEquals(fds, openDescriptors(), "no ring, eventfd or socket left by the refused start");
            assertEquals(threads, loopThreads(), "no loop thread left");
            try (TestInitiator initiator = new TestInitiator("127.0.0.1", first.port()))
            {
                assertEquals(LoginStatus.SUCCESS, TestInitiator.loginStatus(initiator.login(TestTarget.IQN)));
            }
        }
    }

    @Test
    void aPortInUseAndAZonedIpv6PortalNameThePortalAndTheError() throws Exception
    {
        try (EventLog log = new EventLog(new PrintStream(LOG, true), false, EventLog.Level.DEBUG);
             ServerSocket tgtd = new ServerSocket(0, 8, InetAddress.getByName("127.0.0.1")))
        {
            final long fds = openDescriptors();
            final long threads = loopThreads();
            final IOException inUse = assertThrows(IOException.class,
                () -> start(log, new Portal("127.0.0.1", tgtd.getLocalPort())));
            assertTrue(inUse.getMessage().contains("127.0.0.1:" + tgtd.getLocalPort()), inUse.getMessage());
            assertTrue(inUse.getMessage().contains("EADDRINUSE (Address already in use)"), inUse.getMessage());
            final IOException zone = assertThrows(IOException.class, () -> start(log, new Portal("fe80::1%lo", 3260)));
            assertEquals("portal [fe80::1%lo]:3260: not an IPv6 address without a zone: fe80::1%lo", zone.getMessage());
            assertFalse(zone.getMessage().contains("closed"), zone.getMessage());
            assertEquals(fds, openDescriptors());
            assertEquals(threads, loopThreads());
        }
    }
}
