package io.ringtarget.nativetests.support;

import io.ringtarget.pdu.BasicHeaderSegment;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.pdu.ScsiCommandPdu;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay between an iSCSI initiator and a target on loopback that can flip one byte of the data segment of the
 * next write data PDU the initiator sends (a SCSI Command's immediate data, or a Data-Out): a network that corrupts
 * what TCP's checksum lets through, which is what data digests are for. It follows the initiator's PDU framing
 * (RFC 7143 11.2): Login PDUs carry no digests, every later PDU both (the test negotiates CRC32C for both); the
 * digest itself is left as the initiator computed it, so the target sees a data digest error. The target's side is
 * relayed as it comes.
 */
public final class CorruptingProxy implements Closeable
{
    /** Corrupt the next SCSI Command that carries write data. */
    public static final int COMMAND = Opcode.SCSI_COMMAND;
    /** Corrupt the next SCSI Data-Out. */
    public static final int DATA_OUT = Opcode.SCSI_DATA_OUT;

    private final ServerSocket listener;
    private final int targetPort;
    private final AtomicInteger armed = new AtomicInteger();
    private final AtomicInteger corrupted = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    /** Listens on a free port of {@value Ports#LOOPBACK} and relays to {@code targetPort} there. */
    public CorruptingProxy(final int targetPort) throws IOException
    {
        this.targetPort = targetPort;
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getByName(Ports.LOOPBACK), 0));
        acceptor = new Thread(this::accept, "corrupting-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port()
    {
        return listener.getLocalPort();
    }

    /** The next PDU of this kind ({@link #COMMAND} or {@link #DATA_OUT}) with data gets one byte of it flipped. */
    public void corruptNext(final int kind)
    {
        armed.set(kind);
    }

    /** How many PDUs were corrupted so far. */
    public int corrupted()
    {
        return corrupted.get();
    }

    private void accept()
    {
        while (!listener.isClosed())
        {
            try
            {
                final Socket initiator = listener.accept();
                final Socket target = new Socket(Ports.LOOPBACK, targetPort);
                initiator.setTcpNoDelay(true);
                target.setTcpNoDelay(true);
                sockets.add(initiator);
                sockets.add(target);
                start("to-target", () -> relayPdus(initiator.getInputStream(), target.getOutputStream()), target);
                start("to-initiator", () -> relay(target.getInputStream(), initiator.getOutputStream()), initiator);
            }
            catch (final IOException ex)
            {
                return;   // closed
            }
        }
    }

    private interface Relay
    {
        void run() throws IOException;
    }

    private static void start(final String name, final Relay relay, final Socket closeAtEnd)
    {
        final Thread t = new Thread(() ->
        {
            try
            {
                relay.run();
            }
            catch (final IOException ex)
            {
                // the other side closed
            }
            finally
            {
                try
                {
                    closeAtEnd.shutdownOutput();
                }
                catch (final IOException ex)
                {
                    // already closed
                }
            }
        }, "corrupting-proxy-" + name);
        t.setDaemon(true);
        t.start();
    }

    private static void relay(final InputStream in, final OutputStream out) throws IOException
    {
        final byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0)
        {
            out.write(buffer, 0, n);
            out.flush();
        }
    }

    private void relayPdus(final InputStream stream, final OutputStream out) throws IOException
    {
        final DataInputStream in = new DataInputStream(stream);
        final byte[] bhs = new byte[BasicHeaderSegment.LENGTH];
        final MemorySegment header = MemorySegment.ofArray(bhs);
        final ScsiCommandPdu command = new ScsiCommandPdu();
        while (true)
        {
            try
            {
                in.readFully(bhs);
            }
            catch (final EOFException ex)
            {
                return;
            }
            final int opcode = BasicHeaderSegment.opcode(header, 0);
            final boolean digests = opcode != Opcode.LOGIN_REQUEST;
            final int ahs = BasicHeaderSegment.totalAhsLength(header, 0) * 4;
            final int dataLength = BasicHeaderSegment.dataSegmentLength(header, 0);
            final int padded = (dataLength + 3) & ~3;
            final byte[] rest = new byte[ahs + (digests ? 4 : 0) + padded + (digests && dataLength > 0 ? 4 : 0)];
            in.readFully(rest);
            final boolean writeData = opcode == DATA_OUT || (opcode == COMMAND && command.wrap(header, 0).writeBit());
            if (writeData && dataLength > 0 && armed.get() == opcode && armed.compareAndSet(opcode, 0))
            {
                rest[ahs + 4 + dataLength / 2] ^= 0x5A;   // a byte in the middle of the data segment
                corrupted.incrementAndGet();
            }
            out.write(bhs);
            out.write(rest);
            out.flush();
        }
    }

    @Override
    public void close() throws IOException
    {
        listener.close();
        for (final Socket s : sockets)
        {
            s.close();
        }
        try
        {
            acceptor.join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
