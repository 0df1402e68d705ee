package io.ringtarget.iscsi.transport;

import io.ringtarget.ffi.Iovec;
import io.ringtarget.ffi.Msghdr;
import io.ringtarget.ring.CompletionHandler;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.ringtarget.ffi.LibcConstants.ECANCELED;

/**
 * A {@link ConnectionSocket} with no socket behind it: what the kernel would do for a connection's RECV and SENDMSG
 * is done here, on the caller's thread, when the caller says so. {@link #deliver} copies a PDU into the memory the
 * armed RECV names and completes it; {@link #completeSend} completes the SENDMSG in flight as wholly sent (its
 * iovecs optionally copied out, for a test to read what was staged). Completions go to the connection's
 * {@link CompletionHandler} with the user_data the operations were started with, as the loop would hand them over.
 * It drives a real connection without the kernel: the command-path benchmark (bench module) and the connection's fuzz
 * test. Allocation-free; one thread.
 */
public final class InMemorySocket implements ConnectionSocket
{
    /** The whole address space: the connection's buffers are read and written at the addresses it hands over. */
    private static final MemorySegment MEMORY = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private CompletionHandler connection;
    private boolean recvArmed;
    private long recvAddress;
    private int recvRoom;
    private long recvUserData;
    private boolean sendPending;
    private long msghdrAddress;
    private long sendUserData;
    private boolean closeRequested;
    private long closeUserData;
    private int cancels;
    private long cancelledUserData;
    private long cancelUserData;
    private MemorySegment capture;
    private long captured;

    public void connection(final CompletionHandler connection)
    {
        this.connection = connection;
    }

    @Override
    public void recv(final long address, final int length, final long userData)
    {
        if (recvArmed)
        {
            throw new IllegalStateException("a second RECV while one is in flight");
        }
        recvArmed = true;
        recvAddress = address;
        recvRoom = length;
        recvUserData = userData;
    }

    @Override
    public void sendmsg(final long msghdrAddress, final long userData)
    {
        if (sendPending)
        {
            throw new IllegalStateException("a second SENDMSG while one is in flight");
        }
        sendPending = true;
        this.msghdrAddress = msghdrAddress;
        sendUserData = userData;
    }

    @Override
    public void cancel(final long targetUserData, final long userData)
    {
        cancels++;
        cancelledUserData = targetUserData;
        cancelUserData = userData;
    }

    @Override
    public void close(final long userData)
    {
        closeRequested = true;
        closeUserData = userData;
    }

    /** Where {@link #completeSend} copies what it sends from now on (null: nothing is copied). */
    public void capture(final MemorySegment into)
    {
        capture = into;
        captured = 0;
    }

    /** Bytes copied into the capture segment since {@link #capture} was set. */
    public long captured()
    {
        return captured;
    }

    /** Bytes the armed RECV has room for. */
    public int recvRoom()
    {
        return recvRoom;
    }

    public boolean recvArmed()
    {
        return recvArmed;
    }

    public boolean sendPending()
    {
        return sendPending;
    }

    public boolean closeRequested()
    {
        return closeRequested;
    }

    /**
     * As a RECV that returns {@code length} bytes: copies them from {@code from} into the receive buffer and hands the
     * completion to the connection, which handles the PDUs in it before this returns.
     */
    public void deliver(final MemorySegment from, final long offset, final int length)
    {
        if (!recvArmed || length > recvRoom)
        {
            throw new IllegalStateException(recvArmed ? length + " bytes delivered, room for " + recvRoom :
                "the connection is not receiving");
        }
        recvArmed = false;
        MemorySegment.copy(from, offset, MEMORY, recvAddress, length);
        connection.onCompletion(recvUserData, length, 0);
    }

    /**
     * As a SENDMSG that sends everything: the bytes of its iovecs are counted (and copied to the capture segment, if
     * any), and the completion goes to the connection, which frees what was sent.
     *
     * @return the bytes sent.
     */
    public long completeSend()
    {
        if (!sendPending)
        {
            throw new IllegalStateException("nothing was sent");
        }
        sendPending = false;
        final long iovecs = MEMORY.get(ValueLayout.JAVA_LONG, msghdrAddress + Msghdr.msg_iov$OFFSET);
        final long count = MEMORY.get(ValueLayout.JAVA_LONG, msghdrAddress + Msghdr.msg_iovlen$OFFSET);
        long bytes = 0;
        for (long i = 0; i < count; i++)
        {
            final long iovec = iovecs + i * Iovec.SIZEOF;
            final long base = MEMORY.get(ValueLayout.JAVA_LONG, iovec + Iovec.iov_base$OFFSET);
            final long length = MEMORY.get(ValueLayout.JAVA_LONG, iovec + Iovec.iov_len$OFFSET);
            if (capture != null)
            {
                MemorySegment.copy(MEMORY, base, capture, captured, length);
                captured += length;
            }
            bytes += length;
        }
        connection.onCompletion(sendUserData, (int)bytes, 0);
        return bytes;
    }

    /** Completes what a closing connection asked for: its cancelled RECV, the cancel itself, then its close. */
    public void completeClose()
    {
        if (recvArmed && cancels > 0 && cancelledUserData == recvUserData)
        {
            recvArmed = false;
            connection.onCompletion(recvUserData, -ECANCELED, 0);
            connection.onCompletion(cancelUserData, 0, 0);
        }
        if (sendPending)
        {
            completeSend();
        }
        if (closeRequested)
        {
            closeRequested = false;
            connection.onCompletion(closeUserData, 0, 0);
        }
    }
}
