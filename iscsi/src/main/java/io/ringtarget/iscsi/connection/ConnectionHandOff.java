package io.ringtarget.iscsi.connection;

import io.ringtarget.iscsi.loop.ConnectionBalance;
import io.ringtarget.iscsi.loop.LoopContext;
import io.ringtarget.ring.EventLoop;
import io.ringtarget.ring.LoopTask;
import io.ringtarget.ring.Sockets;

/**
 * A connection accepted and admitted by one loop, handed to a loop with fewer connections
 * ({@link ConnectionBalance#choose}) before a byte of it was read: the task that loop runs to take it over. The
 * descriptor is the only thing that crosses threads; the receiving loop builds the connection's whole state on its
 * own thread, so nothing of the I/O path is shared and no lock is taken.
 * <p>
 * The connection was admitted against the process-wide limits by the accepting loop ({@code ConnectionAdmission});
 * the owner's close releases it. A hand-over that finds the target draining closes the descriptor and releases the
 * admission itself. Either way the receiving loop counts it as taken over, which the engine's shutdown waits for.
 */
final class ConnectionHandOff implements LoopTask
{
    private final LoopContext to;
    private final int from;
    private final int fd;
    private final SocketAddresses.Peer peer;
    private final int port;

    private ConnectionHandOff(
        final LoopContext to, final int from, final int fd, final SocketAddresses.Peer peer, final int port)
    {
        this.to = to;
        this.from = from;
        this.fd = fd;
        this.peer = peer;
        this.port = port;
    }

    /**
     * On the accepting loop's thread: hands {@code fd} to {@code to}'s loop. False when it cannot be handed (the loop
     * has no context yet, or its task queue is full): the accepting loop then serves it itself.
     */
    static boolean offer(
        final LoopContext from, final LoopContext to, final int fd, final SocketAddresses.Peer peer, final int port)
    {
        if (null == to)
        {
            return false;
        }
        final ConnectionBalance balance = from.balance();
        // Counted before it is offered: the receiving loop may take it over before offer returns.
        balance.handingOver(from.index(), to.index());
        if (!to.loop().offer(new ConnectionHandOff(to, from.index(), fd, peer, port)))
        {
            balance.handOverFailed(from.index(), to.index());
            return false;
        }
        return true;
    }

    @Override
    public void runOnLoop(final EventLoop loop)
    {
        try
        {
            if (to.server().draining())
            {
                // Accepted before the drain began, arrived after this loop's drain: never served.
                Sockets.close(fd);
                to.server().admission().release(peer.ip());
                return;
            }
            PortalListener.serve(to, fd, peer, port);
        }
        finally
        {
            to.balance().adopted(to.index(), from);
        }
    }
}
