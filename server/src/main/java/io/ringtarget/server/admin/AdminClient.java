package io.ringtarget.server.admin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The CLI's side of the admin socket: one request, one response ({@link AdminMessages}). */
public final class AdminClient
{
    private AdminClient()
    {
    }

    /** Whether a target listens on {@code socket} (a connection is accepted). */
    public static boolean answers(final Path socket)
    {
        try (SocketChannel ignored = SocketChannel.open(UnixDomainSocketAddress.of(socket)))
        {
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /**
     * Sends {@code request} to the target listening on {@code socket} and waits for its answer (an edit of many lines
     * answers once it is applied and saved).
     *
     * @throws IOException when nothing listens there, or the target closed the connection without an answer.
     */
    public static AdminResponse request(final Path socket, final AdminRequest request) throws IOException
    {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX))
        {
            channel.connect(UnixDomainSocketAddress.of(socket));
            final OutputStream out = Channels.newOutputStream(channel);
            out.write((AdminMessages.write(request) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            final BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                StandardCharsets.UTF_8), 1 << 16);
            final String line = in.readLine();
            if (null == line)
            {
                throw new IOException("the target on " + socket + " closed the connection without an answer");
            }
            return AdminMessages.read(line, AdminResponse.class);
        }
    }
}
