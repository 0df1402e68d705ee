package io.ringtarget.iscsi.connection;

import io.ringtarget.iscsi.login.ConnectionAdmission;
import io.ringtarget.ffi.Errno;
import io.ringtarget.iscsi.loop.ConnectionBalance;
import io.ringtarget.iscsi.loop.LoopContext;
import io.ringtarget.iscsi.node.Portal;
import io.ringtarget.iscsi.stats.IscsiCounter;
import io.ringtarget.ring.CompletionHandler;
import io.ringtarget.ring.Ring;
import io.ringtarget.ring.Sockets;
import io.ringtarget.ring.UserData;

import java.util.concurrent.CountDownLatch;

/**
 * A portal's listening socket on one loop. Every loop binds the same ip:port with SO_REUSEPORT
 * ({@link PortalSockets}), and the kernel picks a loop for each new connection by a hash of its addresses and ports.
 * A hash does not spread a few dozen connections evenly, so the accepting loop keeps a connection only when no loop
 * has fewer ({@link ConnectionBalance}); otherwise it hands the descriptor to the least loaded loop
 * ({@link ConnectionHandOff}), which owns the connection from then on. Either way a connection lives on one loop
 * from its first byte to its close. Accepts with a multishot ACCEPT on the loop's ring.
 */
public final class PortalListener implements CompletionHandler
{
    private static final int OP_ACCEPT = 1;
    private static final int OP_CANCEL = 2;
    private static final int IORING_CQE_F_MORE = 1 << 1;

    private final LoopContext context;
    private final Portal portal;
    private final String ip;
    private final int port;
    private final int fd;
    private int ownerId = -1;
    private boolean closed;
    private boolean armed;
    private CountDownLatch released;
    long accepted;
    long acceptErrors;

    /** @param fd the portal's listening socket for this loop ({@link PortalSockets#take}); closed by this listener. */
    public PortalListener(final LoopContext context, final Portal portal, final int fd)
    {
        this.context = context;
        this.portal = portal;
        this.ip = portal.ip();
        this.port = portal.port();
        this.fd = fd;
    }

    /** On the loop thread: register and arm the multishot accept. */
    public void start()
    {
        ownerId = context.loop().registerOwner(this);
        arm();
    }

    private void arm()
    {
        armed = true;
        context.loop().ring().prepAccept(fd, true, UserData.pack(ownerId, OP_ACCEPT, 0));
    }

    @Override
    public void onCompletion(final long userData, final int res, final int flags)
    {
        if (UserData.op(userData) == OP_CANCEL)
        {
            return;
        }
        if (closed)
        {
            if (res >= 0)
            {
                Sockets.close(res);
            }
            if ((flags & IORING_CQE_F_MORE) == 0)
            {
                // The accept's last completion: the ring holds the socket no more, so it is closed now (a pending
                // multishot accept keeps its listening socket open, and taking connections, after close(2)).
                armed = false;
                released();
            }
            return;
        }
        if (res >= 0)
        {
            accepted++;
            onAccepted(res);
        }
        else
        {
            acceptErrors++;
        }
        if ((flags & IORING_CQE_F_MORE) == 0)
        {
            arm();   // the kernel ended the multishot (error or overflow): re-arm
        }
    }

    private void released()
    {
        if (null != released)
        {
            released.countDown();
            released = null;
        }
    }

    private void onAccepted(final int connFd)
    {
        if (context.server().draining())
        {
            Sockets.close(connFd);
            return;
        }
        final SocketAddresses.Peer peer = SocketAddresses.peer(connFd);
        switch (context.server().admission().admit(peer.ip()))
        {
            case ConnectionAdmission.SOURCE_LIMIT ->
            {
                refuse(connFd, IscsiCounter.CONNECTIONS_REFUSED_SOURCE, peer, "its address has " +
                    context.server().admission().maxPerSource() + " connections open (maxConnectionsPerSource)");
                return;
            }
            case ConnectionAdmission.TOTAL_LIMIT ->
            {
                refuse(connFd, IscsiCounter.CONNECTIONS_REFUSED_TOTAL, peer, context.server().admission().maxTotal() +
                    " connections are open (maxConnections)");
                return;
            }
            default ->
            {
            }
        }
        // Admitted here, released by the connection's close on whichever loop owns it: the limits count the
        // process's connections, not a loop's.
        final ConnectionBalance balance = context.balance();
        final int to = balance.choose(context.index());
        if (to != context.index() && ConnectionHandOff.offer(context, balance.context(to), connFd, peer, port))
        {
            return;
        }
        serve(context, connFd, peer, port);
    }

    /**
     * On the loop that will own it: a connection admitted by a listener of this loop or handed over by another
     * loop's ({@link ConnectionHandOff}) is set up and starts receiving its login.
     */
    static void serve(final LoopContext context, final int connFd, final SocketAddresses.Peer peer, final int port)
    {
        Sockets.setNoDelay(connFd);
        final String congestionControl = context.server().tcpCongestionControl();
        if (null != congestionControl)
        {
            final int r = Sockets.setCongestionControl(connFd, congestionControl);
            if (r < 0)
            {
                context.server().log().warn("connection", peer.hostPort() + ": TCP congestion control " +
                    congestionControl + " not set (" + Errno.describe(r) + "): the host's applies");
            }
        }
        final String localIp = SocketAddresses.localAddress(connFd);
        // The engine's NOP-In settings until the session's TPG is known (Connection.enterFullFeaturePhase).
        final int keepalive = TcpKeepalive.apply(connFd, context.server().nopInIntervalNanos(),
            context.server().nopInTimeoutNanos());
        if (keepalive < 0)
        {
            context.server().log().warn("connection", peer.hostPort() + ": TCP keepalive not set (" + Errno.describe(keepalive) +
                "): a dead peer that never answered a NOP-In is found only by TCP's retransmission limits");
        }
        final Connection connection = new Connection(context, connFd, localIp, port, peer.hostPort(), peer.ip());
        context.addConnection(connection);
        connection.start();
    }

    /**
     * A connection over a limit is closed at once, before any memory is given to it; the log line repeats at most as
     * the log summarises repeats, the counter counts each.
     */
    private void refuse(final int connFd, final IscsiCounter counter, final SocketAddresses.Peer peer, final String why)
    {
        Sockets.close(connFd);
        context.counters().increment(counter);
        context.server().log().warn("connection", "connection from " + peer.ip() + " refused: " + why);
    }

    /** On the loop thread. */
    public void close()
    {
        close(null);
    }

    /**
     * On the loop thread: stops accepting; {@code released} (may be null) counts down once the socket is really
     * closed, that is when the accept request's last completion has come (at once when none is pending).
     */
    public void close(final CountDownLatch released)
    {
        if (closed)
        {
            if (null != released)
            {
                released.countDown();
            }
            return;
        }
        closed = true;
        this.released = released;
        Sockets.close(fd);
        if (armed)
        {
            context.loop().ring().prepCancel(UserData.pack(ownerId, OP_ACCEPT, 0), 0, UserData.pack(ownerId, OP_CANCEL, 0));
        }
        else
        {
            released();
        }
    }

    /** Once the loop has stopped (or before it started): closes the socket unless the loop closed it. */
    public void closeFromAnyThread()
    {
        if (!closed)
        {
            closed = true;
            Sockets.close(fd);
        }
    }

    /** The portal this listener accepts on. */
    public Portal portal()
    {
        return portal;
    }

    public LoopContext context()
    {
        return context;
    }

    public String address()
    {
        return ip + ":" + port;
    }

    Ring ring()
    {
        return context.loop().ring();
    }
}
