package io.ringtarget.iscsi.transport;

import io.ringtarget.ring.Ring;

import static io.ringtarget.ffi.LibcConstants.MSG_NOSIGNAL;

/** A connection's socket on its loop's io_uring ring: each operation is an SQE, submitted with the loop's batch. */
public final class RingSocket implements ConnectionSocket
{
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
        ring.prepSendmsg(fd, msghdrAddress, MSG_NOSIGNAL, userData);   // a closed peer: EPIPE, not SIGPIPE
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
