package io.ringtarget.iscsi.connection;

import io.ringtarget.iscsi.node.Portal;
import io.ringtarget.ring.Sockets;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One process per portal address, on real sockets on loopback: a second owner of a portal (another engine of this
 * process counts as another owner) is refused with nothing bound, whatever holds the address; failures name the
 * portal and the OS error; no descriptor is left behind.
 */
class PortalSocketsTest
{
    private static int freePort() throws IOException
    {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            return s.getLocalPort();
        }
    }

    private static long openDescriptors() throws IOException
    {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd")))
        {
            return fds.count();
        }
    }

    @Test
    void aSecondOwnerOfAPortalIsRefusedWithNothingBound() throws IOException
    {
        final int port = freePort();
        final Portal portal = new Portal("127.0.0.1", port);
        try (PortalSockets first = PortalSockets.open(List.of(portal), 2))
        {
            assertEquals(2, first.loops());
            final long before = openDescriptors();
            final IOException ex = assertThrows(IOException.class, () -> PortalSockets.open(List.of(portal), 2));
            assertEquals("127.0.0.1:" + port + " is already served by another process (bind: EADDRINUSE (Address " +
                "already in use))", ex.getMessage());
            // The wildcard address of the same port overlaps it; a portal list that includes a free one binds none.
            final Portal free = new Portal("127.0.0.1", freePort());
            final IOException wildcard = assertThrows(IOException.class,
                () -> PortalSockets.open(List.of(free, new Portal("0.0.0.0", port)), 1));
            assertTrue(wildcard.getMessage().startsWith("0.0.0.0:" + port + " is already served"), wildcard.getMessage());
            assertEquals(0, Sockets.probeBind("127.0.0.1", free.port()), "nothing of the refused start is bound");
            assertEquals(before, openDescriptors(), "no descriptor left by the refused starts");
        }
        // Once the owner closes, the portal is free for the next one.
        PortalSockets.open(List.of(portal), 1).close();
    }

    @Test
    void anAddressHeldByAnotherTargetNamesThePortalAndTheError() throws IOException
    {
        try (ServerSocket other = new ServerSocket(0, 8, InetAddress.getByName("127.0.0.1")))
        {
            final IOException ex = assertThrows(IOException.class,
                () -> PortalSockets.open(List.of(new Portal("127.0.0.1", other.getLocalPort())), 1));
            assertTrue(ex.getMessage().contains("127.0.0.1:" + other.getLocalPort()), ex.getMessage());
            assertTrue(ex.getMessage().contains("EADDRINUSE (Address already in use)"), ex.getMessage());
        }
        final IOException notHere = assertThrows(IOException.class,
            () -> PortalSockets.open(List.of(new Portal("192.0.2.1", 3260)), 1));
        assertEquals("bind 192.0.2.1:3260: EADDRNOTAVAIL (Cannot assign requested address)", notHere.getMessage());
        final IOException zone = assertThrows(IOException.class,
            () -> PortalSockets.open(List.of(new Portal("fe80::1%lo", 3260)), 1));
        assertEquals("portal [fe80::1%lo]:3260: not an IPv6 address without a zone: fe80::1%lo", zone.getMessage());
    }

    @Test
    void theWildcardAndAnAddressOfOnePortAreOneOwnersAndEveryLoopGetsItsSocket() throws IOException
    {
        final int port = freePort();
        final List<Portal> portals = List.of(new Portal("0.0.0.0", port), new Portal("127.0.0.1", port),
            new Portal("0.0.0.0", port));
        try (PortalSockets sockets = PortalSockets.open(portals, 2))
        {
            assertEquals(2, sockets.portals().size(), "duplicates bound once");
            final int fd = sockets.take(1, 1);
            assertEquals(port, Sockets.localPort(fd));
            assertThrows(IllegalStateException.class, () -> sockets.take(1, 1));
            Sockets.close(fd);
        }
    }

    @Test
    void aStartUnderWayInAnotherProcessIsWaitedForWithinBounds() throws IOException
    {
        final int port = freePort();
        // What another process holds while it binds the port: the start-up lock.
        final int lock = Sockets.bindAbstract(PortalSockets.START_LOCK_PREFIX + port);
        assertTrue(lock >= 0);
        final long start = System.nanoTime();
        try
        {
            final IOException ex = assertThrows(IOException.class,
                () -> PortalSockets.open(List.of(new Portal("127.0.0.1", port)), 1));
            assertTrue(ex.getMessage().startsWith("port " + port + ": another ringtarget process has been starting"),
                ex.getMessage());
        }
        finally
        {
            Sockets.close(lock);
        }
        final long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(waitedMillis >= PortalSockets.START_LOCK_WAIT_MILLIS && waitedMillis < 10_000, waitedMillis + " ms");
        PortalSockets.open(List.of(new Portal("127.0.0.1", port)), 1).close();
    }

    @Test
    void ipv6PortalsBindAndTheIpv6WildcardTakesIpv4ConnectionsToo() throws IOException
    {
        final int port = freePort();
        try (PortalSockets sockets = PortalSockets.open(List.of(new Portal("::", port)), 1);
             Socket v6 = new Socket("::1", port);
             Socket v4 = new Socket("127.0.0.1", port))
        {
            assertTrue(v6.isConnected() && v4.isConnected());
            assertEquals(port, Sockets.localPort(sockets.take(0, 0)));
        }
        final int only6 = freePort();
        try (PortalSockets sockets = PortalSockets.open(List.of(new Portal("::1", only6)), 1);
             Socket v6 = new Socket("::1", only6))
        {
            assertTrue(v6.isConnected());
            assertThrows(IOException.class, () -> new Socket("127.0.0.1", only6).close(), "::1 is IPv6 only");
        }
    }
}
