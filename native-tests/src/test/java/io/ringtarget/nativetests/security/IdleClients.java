package io.ringtarget.nativetests.security;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A process of idle iSCSI "initiators": it opens TCP connections to a portal and sends nothing, then holds them
 * until its standard input closes. Run by {@link IdleConnectionFloodTest} as a process of its own, so that its
 * descriptors do not count against the target's open-file limit.
 * <p>
 * Arguments: {@code PORT FROM_ADDRESS:COUNT...}; prints {@code connected N} once all are open.
 */
public final class IdleClients
{
    private IdleClients()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final int port = Integer.parseInt(args[0]);
        final List<SocketChannel> open = new ArrayList<>();
        for (int a = 1; a < args.length; a++)
        {
            final String from = args[a].substring(0, args[a].indexOf(':'));
            final int count = Integer.parseInt(args[a].substring(args[a].indexOf(':') + 1));
            for (int i = 0; i < count; i++)
            {
                final SocketChannel c = SocketChannel.open();
                c.bind(new InetSocketAddress(from, 0));
                c.connect(new InetSocketAddress("127.0.0.1", port));
                open.add(c);
            }
        }
        System.out.println("connected " + open.size());
        System.out.flush();
        while (System.in.read() >= 0)
        {
            // hold the connections until the test closes our input
        }
        for (final SocketChannel c : open)
        {
            c.close();
        }
    }
}
