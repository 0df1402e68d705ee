package io.ringtarget.nativetests.idle;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A process of idle, logged-in iSCSI sessions: it logs {@code COUNT} normal sessions in to {@code TARGET} (no
 * authentication, the target's offered operational values), one connection each, then sends no command; it answers
 * the target's NOP-In pings as an initiator does, and holds the sessions until its standard input closes. Run as a
 * process of its own, so that only the target's memory and descriptors count in the test's process.
 * <p>
 * Arguments: {@code PORT TARGET COUNT}; prints {@code logged-in N} once all are in Full Feature Phase.
 */
public final class IdleSessions
{
    /** The target allows this many sessions per InitiatorName by default: a new name for each batch. */
    private static final int SESSIONS_PER_NAME = 200;
    private static final int BHS = 48;

    private IdleSessions()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final int port = Integer.parseInt(args[0]);
        final String target = args[1];
        final int count = Integer.parseInt(args[2]);
        final List<SocketChannel> open = new ArrayList<>();
        final Selector selector = Selector.open();
        for (int i = 0; i < count; i++)
        {
            final SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            final Socket s = c.socket();
            s.setSoTimeout(30_000);
            login(s, target, "iqn.2026-12.io.ringtarget.test:idle-" + i / SESSIONS_PER_NAME, 0x400000000000L | i);
            c.configureBlocking(false);
            c.register(selector, SelectionKey.OP_READ, ByteBuffer.allocate(64 * 1024));
            open.add(c);
        }
        System.out.println("logged-in " + open.size());
        System.out.flush();
        final Thread pinger = new Thread(() -> answerPings(selector), "idle-sessions-pings");
        pinger.setDaemon(true);
        pinger.start();
        while (System.in.read() >= 0)
        {
            // hold the sessions until the test closes our input
        }
        for (final SocketChannel c : open)
        {
            c.close();
        }
    }

    /** Security then operational negotiation, each a single step with T=1; throws unless it reaches FFP. */
    static void login(final Socket s, final String target, final String initiator, final long isid)
        throws IOException
    {
        final byte[] security = request(0, 1, isid, 0, ("InitiatorName=" + initiator + "\0TargetName=" + target +
            "\0SessionType=Normal\0AuthMethod=None\0").getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().write(security);
        final byte[] first = response(s);
        final byte[] operational = request(1, 3, isid, (first[24] & 0xff) << 24 | (first[25] & 0xff) << 16 |
            (first[26] & 0xff) << 8 | first[27] & 0xff, new byte[0]);
        s.getOutputStream().write(operational);
        final byte[] second = response(s);
        if ((second[1] & 0x83) != 0x83)
        {
            throw new IOException("login did not reach Full Feature Phase: flags " + Integer.toHexString(second[1]));
        }
    }

    private static byte[] request(final int csg, final int nsg, final long isid, final int statSn, final byte[] data)
    {
        final int padded = (data.length + 3) & ~3;
        final ByteBuffer b = ByteBuffer.allocate(BHS + padded);
        b.put(0, (byte)0x43);                                          // Login Request, immediate
        b.put(1, (byte)(0x80 | csg << 2 | nsg));                       // T=1, CSG, NSG
        b.putInt(4, data.length);                                      // TotalAHSLength 0, DataSegmentLength
        b.putShort(8, (short)(isid >>> 32));
        b.putInt(10, (int)isid);                                       // ISID; TSIH 0: a new session
        b.putInt(16, 1);                                               // ITT
        b.putInt(24, 1);                                               // CmdSN
        b.putInt(28, statSn == 0 ? 0 : statSn + 1);                    // ExpStatSN
        b.put(BHS, data);
        return b.array();
    }

    private static byte[] response(final Socket s) throws IOException
    {
        final byte[] bhs = s.getInputStream().readNBytes(BHS);
        if (bhs.length < BHS || (bhs[0] & 0x3f) != 0x23)
        {
            throw new IOException("no Login Response");
        }
        if (bhs[36] != 0 || bhs[37] != 0)
        {
            throw new IOException("login refused: status " + bhs[36] + "/" + bhs[37]);
        }
        final int length = (bhs[5] & 0xff) << 16 | (bhs[6] & 0xff) << 8 | bhs[7] & 0xff;
        s.getInputStream().readNBytes((length + 3) & ~3);
        return bhs;
    }

    /** Answers every NOP-In that asks for it (TTT set) with a NOP-Out echoing its TTT, LUN and data. */
    private static void answerPings(final Selector selector)
    {
        try
        {
            while (selector.isOpen())
            {
                selector.select();
                for (final SelectionKey key : selector.selectedKeys())
                {
                    final SocketChannel c = (SocketChannel)key.channel();
                    final ByteBuffer in = (ByteBuffer)key.attachment();
                    if (c.read(in) < 0)
                    {
                        key.cancel();
                        continue;
                    }
                    in.flip();
                    while (in.remaining() >= BHS)
                    {
                        final int length = in.getInt(in.position() + 4) & 0xffffff;
                        final int total = BHS + ((length + 3) & ~3);
                        if (in.remaining() < total)
                        {
                            break;
                        }
                        final int at = in.position();
                        if ((in.get(at) & 0x3f) == 0x20 && in.getInt(at + 20) != -1)
                        {
                            final ByteBuffer out = ByteBuffer.allocate(total);
                            out.put(0, (byte)0x40);                    // NOP-Out, immediate
                            out.put(1, (byte)0x80);                    // F
                            out.putInt(4, length);
                            out.putLong(8, in.getLong(at + 8));        // LUN
                            out.putInt(16, -1);                        // ITT: an answer, not a ping
                            out.putInt(20, in.getInt(at + 20));        // TTT
                            out.putInt(24, in.getInt(at + 28));        // CmdSN = ExpCmdSN
                            out.putInt(28, in.getInt(at + 24));        // ExpStatSN = StatSN (not advanced)
                            out.put(BHS, in.slice(at + BHS, total - BHS), 0, total - BHS);
                            while (out.hasRemaining())
                            {
                                c.write(out);
                            }
                        }
                        in.position(at + total);
                    }
                    in.compact();
                }
                selector.selectedKeys().clear();
            }
        }
        catch (final IOException ex)
        {
            ex.printStackTrace();
        }
    }
}
