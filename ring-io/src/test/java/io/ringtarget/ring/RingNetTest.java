package io.ringtarget.ring;

import io.ringtarget.ffi.Iovec;
import io.ringtarget.ffi.KernelTimespec;
import io.ringtarget.ffi.Libc;
import io.ringtarget.ffi.Msghdr;

import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Socket;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static io.ringtarget.ffi.IoUringConstants.*;
import static io.ringtarget.ffi.LibcConstants.*;
import static org.junit.jupiter.api.Assertions.*;

/** Sockets on 127.0.0.1 through the ring: multishot ACCEPT and RECV (provided buffers), SEND, SENDMSG, timeouts. */
class RingNetTest
{
    private static final int OP_ACCEPT = 1;
    private static final int OP_RECV = 2;
    private static final int OP_SEND = 3;
    private static final int GROUP = 7;
    private static final int BUFFERS = 64;
    private static final int BUFFER_SIZE = 2048;

    /** One echo connection: a queue of received buffers, one SEND in flight at a time to keep the byte order. */
    private static final class Conn
    {
        int fd;
        final int[] queueBid = new int[BUFFERS];
        final int[] queueLen = new int[BUFFERS];
        int qHead;
        int qTail;
        boolean sending;
        int sentOfHead;
        boolean recvArmed;
        boolean eof;
    }

    @Test
    void tcpEchoThroughMultishotAcceptRecvAndSendWithManyMessagesInFlight() throws Exception
    {
        final int clients = 4;
        final int messagesPerClient = 3000;
        final int listenFd = Sockets.listen("127.0.0.1", 0, false, 64);
        final int port = Sockets.localPort(listenFd);
        assertTrue(port > 0);
        final Conn[] conns = new Conn[clients];
        final AtomicInteger clientsDone = new AtomicInteger();
        final ConcurrentLinkedQueue<Throwable> clientErrors = new ConcurrentLinkedQueue<>();
        final Thread[] threads = new Thread[clients];
        try (Ring ring = Ring.open(new RingConfig().entries(128));
            ProvidedBufferRing pbr = new ProvidedBufferRing(ring, GROUP, BUFFERS, BUFFER_SIZE))
        {
            assertTrue(ring.supports(IORING_OP_ACCEPT) && ring.supports(IORING_OP_RECV) && ring.supports(IORING_OP_SEND));
            for (int i = 0; i < clients; i++)
            {
                final int seed = i;
                threads[i] = Thread.ofPlatform().name("echo-client-" + i).start(() ->
                {
                    try
                    {
                        echoClient(port, seed, messagesPerClient);
                        clientsDone.incrementAndGet();
                    }
                    catch (final Throwable t)
                    {
                        clientErrors.add(t);
                        clientsDone.incrementAndGet();
                    }
                });
            }

            final int[] accepted = {0};
            final int[] counts = new int[4];
            final CompletionHandler server = new CompletionHandler()
            {
                @Override
                public void onCompletion(final long ud, final int res, final int flags)
                {
                    switch (UserData.op(ud))
                    {
                        case OP_ACCEPT ->
                        {
                            assertTrue(res >= 0, "accept: " + res);
                            final Conn c = new Conn();
                            c.fd = res;
                            final int id = accepted[0]++;
                            conns[id] = c;
                            Sockets.setNoDelay(res);
                            armRecv(ring, c, id);
                            if ((flags & IORING_CQE_F_MORE) == 0 && accepted[0] < clients)
                            {
                                ring.prepAccept(listenFd, true, UserData.pack(1, OP_ACCEPT, 0));
                            }
                            counts[OP_ACCEPT]++;
                        }
                        case OP_RECV ->
                        {
                            final int id = UserData.tag(ud);
                            final Conn c = conns[id];
                            counts[OP_RECV]++;
                            if ((flags & IORING_CQE_F_MORE) == 0)
                            {
                                c.recvArmed = false;
                            }
                            if (res > 0)
                            {
                                assertTrue(ProvidedBufferRing.hasBuffer(flags));
                                final int bid = ProvidedBufferRing.bufferId(flags);
                                c.queueBid[c.qTail & (BUFFERS - 1)] = bid;
                                c.queueLen[c.qTail & (BUFFERS - 1)] = res;
                                c.qTail++;
                                sendNext(ring, pbr, c, id);
                            }
                            else if (res == 0)
                            {
                                c.eof = true;
                            }
                            else
                            {
                                assertEquals(-ENOBUFS, res, "recv error");
                            }
                            if (!c.recvArmed && !c.eof && c.qTail - c.qHead < BUFFERS / 2)
                            {
                                armRecv(ring, c, id);
                            }
                        }
                        case OP_SEND ->
                        {
                            final int id = UserData.tag(ud);
                            final Conn c = conns[id];
                            counts[OP_SEND]++;
                            assertTrue(res > 0, "send: " + res);
                            c.sending = false;
                            c.sentOfHead += res;
                            final int slot = c.qHead & (BUFFERS - 1);
                            if (c.sentOfHead == c.queueLen[slot])
                            {
                                pbr.recycle(c.queueBid[slot]);
                                c.qHead++;
                                c.sentOfHead = 0;
                            }
                            sendNext(ring, pbr, c, id);
                            if (!c.recvArmed && !c.eof && c.qTail - c.qHead < BUFFERS / 2)
                            {
                                armRecv(ring, c, id);
                            }
                        }
                        default -> fail("unexpected op " + UserData.op(ud));
                    }
                }
            };
            ring.prepAccept(listenFd, true, UserData.pack(1, OP_ACCEPT, 0));
            final long deadline = System.nanoTime() + 120_000_000_000L;
            while (clientsDone.get() < clients && System.nanoTime() < deadline)
            {
                ring.submitAndWait(1, 5_000_000L);
                ring.poll(server, 256);
            }
            for (final Thread t : threads)
            {
                t.join(10_000);
            }
            assertTrue(clientErrors.isEmpty(), () -> "client failed: " + clientErrors.peek());
            assertEquals(clients, clientsDone.get(), "every client finished in time");
            assertEquals(clients, counts[OP_ACCEPT]);
            assertTrue(counts[OP_RECV] > clients, "many receives: " + counts[OP_RECV]);
            for (final Conn c : conns)
            {
                Libc.close(c.fd);
            }
        }
        finally
        {
            Sockets.close(listenFd);
        }
    }

    private static void armRecv(final Ring ring, final Conn c, final int id)
    {
        ring.prepRecvMultishot(c.fd, GROUP, 0, UserData.pack(1, OP_RECV, id));
        c.recvArmed = true;
    }

    private static void sendNext(final Ring ring, final ProvidedBufferRing pbr, final Conn c, final int id)
    {
        if (c.sending || c.qHead == c.qTail)
        {
            return;
        }
        final int slot = c.qHead & (BUFFERS - 1);
        final int bid = c.queueBid[slot];
        ring.prepSend(c.fd, pbr.address(bid) + c.sentOfHead, c.queueLen[slot] - c.sentOfHead, MSG_NOSIGNAL,
            UserData.pack(1, OP_SEND, id));
        c.sending = true;
    }

    /** Writes messages of 1..1500 random bytes while a second thread reads the echo back and compares. */
    private static void echoClient(final int port, final int seed, final int messages) throws Exception
    {
        final Random random = new Random(seed);
        final byte[][] sent = new byte[messages][];
        int total = 0;
        for (int i = 0; i < messages; i++)
        {
            sent[i] = new byte[1 + random.nextInt(1500)];
            random.nextBytes(sent[i]);
            total += sent[i].length;
        }
        try (Socket s = new Socket("127.0.0.1", port))
        {
            s.setTcpNoDelay(true);
            final OutputStream out = s.getOutputStream();
            final Thread writer = Thread.ofPlatform().start(() ->
            {
                try
                {
                    for (final byte[] m : sent)
                    {
                        out.write(m);
                    }
                    out.flush();
                }
                catch (final Exception e)
                {
                    throw new IllegalStateException(e);
                }
            });
            final byte[] expected = new byte[total];
            int p = 0;
            for (final byte[] m : sent)
            {
                System.arraycopy(m, 0, expected, p, m.length);
                p += m.length;
            }
            final byte[] got = new byte[total];
            final InputStream in = s.getInputStream();
            s.setSoTimeout(60_000);
            new DataInputStream(in).readFully(got);
            writer.join(60_000);
            if (!Arrays.equals(expected, got))
            {
                throw new AssertionError("client " + seed + ": echo differs at byte " + Arrays.mismatch(expected, got));
            }
        }
    }

    @Test
    void singleShotAcceptRecvAndSendmsg() throws Exception
    {
        final int listenFd = Sockets.listen("127.0.0.1", 0, true, 8);
        final int port = Sockets.localPort(listenFd);
        try (Ring ring = Ring.open(new RingConfig().entries(16)); Arena arena = Arena.ofConfined())
        {
            final Cqes c = new Cqes();
            ring.prepAccept(listenFd, false, 1);
            ring.submit();
            final int client = Sockets.connect("127.0.0.1", port);
            try
            {
                c.await(ring, 1);
                final int conn = c.resOf(1);
                assertTrue(conn >= 0, "accept: " + conn);
                final MemorySegment msg = arena.allocateFrom("hello ring");
                final MemorySegment toServer = arena.allocate(64);
                toServer.copyFrom(msg);
                assertEquals(msg.byteSize(), Libc.write(client, toServer, msg.byteSize()));
                final MemorySegment rx = arena.allocate(64);
                ring.prepRecv(conn, rx.address(), 64, 0, 2);
                c.await(ring, 2);
                assertEquals(msg.byteSize(), c.resOf(2));
                // Echo back with SENDMSG: two iovecs (the first 5 bytes, then the rest).
                final MemorySegment iov = arena.allocate(Iovec.LAYOUT, 2);
                Iovec.iov_base(iov, rx);
                Iovec.iov_len(iov, 5);
                Iovec.iov_base(iov.asSlice(Iovec.SIZEOF), rx.asSlice(5));
                Iovec.iov_len(iov.asSlice(Iovec.SIZEOF), msg.byteSize() - 5);
                final MemorySegment hdr = arena.allocate(Msghdr.LAYOUT);
                Msghdr.msg_iov(hdr, iov);
                Msghdr.msg_iovlen(hdr, 2);
                ring.prepSendmsg(conn, hdr.address(), MSG_NOSIGNAL, 3);
                c.await(ring, 3);
                assertEquals(msg.byteSize(), c.resOf(3));
                final MemorySegment back = arena.allocate(64);
                assertEquals(msg.byteSize(), Libc.read(client, back, 64));
                assertEquals("hello ring", back.getString(0));
                // The peer closing shows as a 0-byte receive.
                Libc.close(client);
                ring.prepRecv(conn, rx.address(), 64, 0, 4);
                c.await(ring, 4);
                assertEquals(0, c.resOf(4));
                ring.prepClose(conn, 5);
                c.await(ring, 5);
                assertEquals(0, c.resOf(5));
            }
            finally
            {
                Libc.close(client);
            }
        }
        finally
        {
            Sockets.close(listenFd);
        }
    }

    @Test
    void zeroCopySendPostsResultThenNotification() throws Exception
    {
        final int listenFd = Sockets.listen("127.0.0.1", 0, false, 8);
        try (Ring ring = Ring.open(new RingConfig().entries(16)); Arena arena = Arena.ofConfined())
        {
            assertTrue(ring.supports(IORING_OP_SEND_ZC));
            final int client = Sockets.connect("127.0.0.1", Sockets.localPort(listenFd));
            final int conn = Libc.check(Libc.accept4(listenFd, MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC), "accept4");
            try
            {
                final int size = 64 * 1024;
                final MemorySegment tx = arena.allocate(size, 4096);
                for (int i = 0; i < size; i++)
                {
                    tx.set(ValueLayout.JAVA_BYTE, i, (byte)(i * 13));
                }
                ring.prepSendZc(conn, tx.address(), size, MSG_NOSIGNAL, 0, 0, 42);
                final MemorySegment rx = arena.allocate(size);
                long got = 0;
                final Cqes c = new Cqes();
                for (int i = 0; i < 10_000 && (got < size || c.count < 2); i++)
                {
                    ring.submitAndWait(0, 0);
                    ring.poll(c, 8);
                    if (got < size)
                    {
                        final long n = Libc.read(client, rx.asSlice(got), size - got);
                        assertTrue(n > 0, "read: " + n);
                        got += n;
                    }
                }
                assertEquals(size, got);
                c.await(ring, 2);
                assertEquals(42, c.userData[0]);
                assertEquals(size, c.res[0]);
                assertTrue((c.flags[0] & IORING_CQE_F_MORE) != 0, "a notification follows");
                assertEquals(42, c.userData[1]);
                assertTrue((c.flags[1] & IORING_CQE_F_NOTIF) != 0, "the buffer is released by a notification");
                assertEquals(-1, tx.mismatch(rx));
            }
            finally
            {
                Libc.close(conn);
                Libc.close(client);
            }
        }
        finally
        {
            Sockets.close(listenFd);
        }
    }

    @Test
    void reusePortLetsEveryLoopListenOnThePort()
    {
        final int a = Sockets.listen("127.0.0.1", 0, true, 8);
        try
        {
            final int port = Sockets.localPort(a);
            final int b = Sockets.listen("127.0.0.1", port, true, 8);
            assertEquals(port, Sockets.localPort(b));
            Sockets.close(b);
            final io.ringtarget.ffi.ErrnoException ex = assertThrows(io.ringtarget.ffi.ErrnoException.class,
                () -> Sockets.listen("127.0.0.1", port, false, 8));
            assertEquals(EADDRINUSE, ex.errno());
            assertTrue(ex.getMessage().contains("127.0.0.1:" + port), ex.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Sockets.listen("localhost", 0, false, 8));
        }
        finally
        {
            Sockets.close(a);
        }
    }

    @Test
    void timeoutsExpireCountAndCancel()
    {
        try (Ring ring = Ring.open(new RingConfig().entries(16)); Arena arena = Arena.ofConfined())
        {
            final MemorySegment shortTs = arena.allocate(KernelTimespec.LAYOUT);
            KernelTimespec.tv_nsec(shortTs, 5_000_000L);
            final MemorySegment longTs = arena.allocate(KernelTimespec.LAYOUT);
            KernelTimespec.tv_sec(longTs, 3600);
            final Cqes c = new Cqes();
            ring.prepTimeout(shortTs.address(), 0, 0, 1);
            c.await(ring, 1);
            assertEquals(-ETIME, c.resOf(1), "a pure timer expires with -ETIME");

            ring.prepTimeout(longTs.address(), 1, 0, 2);
            ring.prepNop(3);
            c.await(ring, 3);
            assertEquals(0, c.resOf(2), "a counting timeout completes with 0 after its count of completions");

            ring.prepTimeout(longTs.address(), 0, 0, 4);
            ring.submit();
            ring.prepCancel(4, 0, 5);
            ring.prepCancel(999, 0, 6);
            c.await(ring, 6);
            assertEquals(-ECANCELED, c.resOf(4));
            assertEquals(0, c.resOf(5));
            assertEquals(-ENOENT, c.resOf(6), "nothing to cancel");

            // The wait itself is bounded: nothing in flight, the call returns 0 after its timeout.
            assertEquals(0, ring.submitAndWait(1, 2_000_000L));
        }
    }

    @Test
    void linkTimeoutBoundsAReceiveAndShutdownEndsAConnection() throws Exception
    {
        final int listenFd = Sockets.listen("127.0.0.1", 0, false, 8);
        try (Ring ring = Ring.open(new RingConfig().entries(16)); Arena arena = Arena.ofConfined())
        {
            final int client = Sockets.connect("127.0.0.1", Sockets.localPort(listenFd));
            final int conn = Libc.check(Libc.accept4(listenFd, MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC), "accept4");
            try
            {
                final MemorySegment ts = arena.allocate(KernelTimespec.LAYOUT);
                KernelTimespec.tv_nsec(ts, 10_000_000L);
                final MemorySegment rx = arena.allocate(64);
                final Cqes c = new Cqes();
                // Nothing is sent: the receive is cancelled by its linked timeout.
                ring.prepRecv(conn, rx.address(), 64, 0, 1);
                ring.lastSqeFlags(IOSQE_IO_LINK);
                ring.prepLinkTimeout(ts.address(), 0, 2);
                c.await(ring, 2);
                assertEquals(-ECANCELED, c.resOf(1));
                assertEquals(-ETIME, c.resOf(2));
                // The client shuts its side down: the next receive sees end of stream at once.
                ring.prepShutdown(client, SHUT_WR, 3);
                c.await(ring, 3);
                assertEquals(0, c.resOf(3));
                ring.prepRecv(conn, rx.address(), 64, 0, 4);
                ring.lastSqeFlags(IOSQE_IO_LINK);
                ring.prepLinkTimeout(ts.address(), 0, 5);
                c.await(ring, 5);
                assertEquals(0, c.resOf(4));
                assertEquals(-ECANCELED, c.resOf(5), "the request finished first");
            }
            finally
            {
                Libc.close(conn);
                Libc.close(client);
            }
        }
        finally
        {
            Sockets.close(listenFd);
        }
    }

    @Test
    void cancelAMultishotReceive() throws Exception
    {
        final int listenFd = Sockets.listen("127.0.0.1", 0, false, 8);
        try (Ring ring = Ring.open(new RingConfig().entries(16));
            ProvidedBufferRing pbr = new ProvidedBufferRing(ring, 3, 8, 512))
        {
            final int client = Sockets.connect("127.0.0.1", Sockets.localPort(listenFd));
            final int conn = Libc.check(Libc.accept4(listenFd, MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC), "accept4");
            try
            {
                final Cqes c = new Cqes();
                ring.prepRecvMultishot(conn, pbr.groupId(), 0, 10);
                ring.submit();
                try (Arena arena = Arena.ofConfined())
                {
                    final MemorySegment m = arena.allocateFrom("ping");
                    assertEquals(m.byteSize(), Libc.write(client, m, m.byteSize()));
                }
                c.await(ring, 1);
                assertEquals(5, c.res[0]);
                assertTrue((c.flags[0] & IORING_CQE_F_MORE) != 0, "still armed");
                final int bid = ProvidedBufferRing.bufferId(c.flags[0]);
                assertEquals("ping", pbr.segment(bid).getString(0));
                pbr.recycle(bid);
                ring.prepCancel(10, 0, 11);
                c.await(ring, 3);
                assertEquals(0, c.resOf(11));
                assertEquals(-ECANCELED, c.res[c.userData[1] == 10 ? 1 : 2]);
            }
            finally
            {
                Libc.close(conn);
                Libc.close(client);
            }
        }
        finally
        {
            Sockets.close(listenFd);
        }
    }
}
