package io.ringtarget.ring;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

import static io.ringtarget.ffi.LibcConstants.EADDRINUSE;
import static io.ringtarget.ffi.LibcConstants.EADDRNOTAVAIL;
import static io.ringtarget.ffi.LibcConstants.ENOENT;
import static io.ringtarget.ffi.LibcConstants.IPPROTO_TCP;
import static io.ringtarget.ffi.LibcConstants.SOL_SOCKET;
import static io.ringtarget.ffi.LibcConstants.SO_KEEPALIVE;
import static io.ringtarget.ffi.LibcConstants.TCP_KEEPCNT;
import static io.ringtarget.ffi.LibcConstants.TCP_KEEPIDLE;
import static io.ringtarget.ffi.LibcConstants.TCP_KEEPINTVL;
import static io.ringtarget.ffi.LibcConstants.TCP_USER_TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probe bind, abstract Unix names and keepalive options, on real sockets on loopback. */
class SocketsTest
{
    @Test
    void probeBindSeesEveryListenerOnAnOverlappingAddressReusePortOrNot() throws IOException
    {
        final int a = Sockets.listen("127.0.0.1", 0, true, 8);
        try
        {
            final int port = Sockets.localPort(a);
            // SO_REUSEPORT would let another socket of this user join the port; the probe, without it, cannot.
            assertEquals(-EADDRINUSE, Sockets.probeBind("127.0.0.1", port));
            assertEquals(-EADDRINUSE, Sockets.probeBind("0.0.0.0", port), "the wildcard overlaps 127.0.0.1");
            assertEquals(0, Sockets.probeBind("127.0.0.2", port), "another address of the same port is free");
        }
        finally
        {
            Sockets.close(a);
        }
        try (ServerSocket plain = new ServerSocket(0, 8, InetAddress.getByName("127.0.0.1")))
        {
            assertEquals(-EADDRINUSE, Sockets.probeBind("127.0.0.1", plain.getLocalPort()));
        }
        assertEquals(-EADDRNOTAVAIL, Sockets.probeBind("192.0.2.1", 3260), "TEST-NET-1 is not an address of this host");
    }

    @Test
    void probeBindIgnoresConnectionsInTimeWait() throws IOException
    {
        final int port;
        try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getByName("127.0.0.1")))
        {
            port = server.getLocalPort();
            try (Socket client = new Socket("127.0.0.1", port); Socket accepted = server.accept())
            {
                accepted.close();   // the server side closes first: its end waits in TIME_WAIT on the port
                client.getInputStream().read();
            }
        }
        assertEquals(0, Sockets.probeBind("127.0.0.1", port));
    }

    @Test
    void aSocketsCongestionControlIsSetAndReadBackAndAnUnknownOneRefused()
    {
        final int fd = Sockets.listen("127.0.0.1", 0, false, 8);
        try
        {
            // reno is built into every Linux kernel, whatever net.ipv4.tcp_congestion_control says.
            assertEquals(0, Sockets.setCongestionControl(fd, "reno"));
            assertEquals("reno", Sockets.congestionControl(fd));
            assertEquals(-ENOENT, Sockets.setCongestionControl(fd, "nosuchcc"));
            assertEquals("reno", Sockets.congestionControl(fd), "unchanged by the refused one");
            assertEquals(0, Sockets.probeCongestionControl("reno"));
            assertEquals(-ENOENT, Sockets.probeCongestionControl("nosuchcc"));
        }
        finally
        {
            Sockets.close(fd);
        }
    }

    @Test
    void anAbstractNameIsHeldUntilItsSocketCloses()
    {
        final String name = "ringtarget-test/" + ProcessHandle.current().pid() + "/" + System.nanoTime();
        final int first = Sockets.bindAbstract(name);
        assertTrue(first >= 0, "bind: " + first);
        try
        {
            assertEquals(-EADDRINUSE, Sockets.bindAbstract(name));
        }
        finally
        {
            Sockets.close(first);
        }
        final int again = Sockets.bindAbstract(name);
        assertTrue(again >= 0, "free again once closed: " + again);
        Sockets.close(again);
    }

    @Test
    void keepaliveOptionsAreSetOnAConnectedSocket() throws IOException
    {
        final int listener = Sockets.listen("127.0.0.1", 0, false, 8);
        try (Socket ignored = new Socket("127.0.0.1", Sockets.localPort(listener)))
        {
            final int fd = Sockets.connect("127.0.0.1", Sockets.localPort(listener));
            try
            {
                assertEquals(0, Sockets.setKeepalive(fd, 7, 3, 4, 19_000));
                assertEquals(1, Sockets.intOption(fd, SOL_SOCKET, SO_KEEPALIVE));
                assertEquals(7, Sockets.intOption(fd, IPPROTO_TCP, TCP_KEEPIDLE));
                assertEquals(3, Sockets.intOption(fd, IPPROTO_TCP, TCP_KEEPINTVL));
                assertEquals(4, Sockets.intOption(fd, IPPROTO_TCP, TCP_KEEPCNT));
                assertEquals(19_000, Sockets.intOption(fd, IPPROTO_TCP, TCP_USER_TIMEOUT));
                assertEquals(0, Sockets.setKeepalive(fd, 0, 0, 0, 0));
                assertEquals(0, Sockets.intOption(fd, SOL_SOCKET, SO_KEEPALIVE));
                assertEquals(0, Sockets.intOption(fd, IPPROTO_TCP, TCP_USER_TIMEOUT));
            }
            finally
            {
                Sockets.close(fd);
            }
        }
        finally
        {
            Sockets.close(listener);
        }
    }
}
