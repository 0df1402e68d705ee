package io.ringtarget.iscsi.transport;

import io.ringtarget.ring.Ring;

/** A connection's socket on its loop's io_uring ring: each operation is an SQE, submitted with the loop's batch. */
public final class RingSocket implements ConnectionSocket
{
    /** A peer that closed makes SENDMSG fail with EPIPE rather than raise SIGPIPE (send(2)). */
    private static final int MSG_NOSIGNAL = 0x4000;

    private final Ring ring;
    private final int fd;

    public RingSocket(final Ring ring, final int fd)
    {
        this.ring = ring;
        this.fd = fd;
    }

    @Override
    public void recv(final long address, final int length, final long userData)
    {
        ring.prepRecv(fd, address, length, 0, userData);
    }

    @Override
    public void sendmsg(final long msghdrAddress, final long userData)
    {
        ring.prepSendmsg(fd, msghdrAddress, MSG_NOSIGNAL, userData);
    }

    @Override
    public void cancel(final long targetUserData, final long userData)
    {
        ring.prepCancel(targetUserData, 0, userData);
    }

    @Override
    public void close(final long userData)
    {
        ring.prepClose(fd, userData);
    }
}
