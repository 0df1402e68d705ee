package io.ringtarget.nativetests.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The host's end of the guest's second serial port ({@code /dev/ttyS1}, a QEMU chardev on a Unix socket): the
 * guest's script asks for something with {@code rt_host WORD ARGS...} (a line {@code RT-HOST WORD ARGS}), this
 * thread runs the {@link KernelInitiatorGuest.HostAction} registered for WORD and answers one line,
 * {@code RT-DONE ok ANSWER} or {@code RT-DONE error MESSAGE}, which the script waits for. So a script can pull a
 * cable or restart the target at a chosen step and go on once that is done.
 */
final class GuestHostChannel extends Thread
{
    private static final String REQUEST = "RT-HOST ";
    private static final long CONNECT_TIMEOUT_NANOS = 60_000_000_000L;

    private final Path socket;
    private final Map<String, KernelInitiatorGuest.HostAction> actions;
    private final List<String> transcript = new CopyOnWriteArrayList<>();
    private final long start = System.nanoTime();
    private volatile SocketChannel channel;
    private volatile boolean closing;

    GuestHostChannel(final Path socket, final Map<String, KernelInitiatorGuest.HostAction> actions)
    {
        super("guest-host-channel");
        setDaemon(true);
        this.socket = socket;
        this.actions = actions;
    }

    /** What the guest asked and what the host answered, with the host's seconds since the channel started. */
    List<String> transcript()
    {
        return List.copyOf(transcript);
    }

    @Override
    public void run()
    {
        try
        {
            while (!Files.exists(socket) && !closing)
            {
                Thread.sleep(20);
            }
            if (closing)
            {
                return;
            }
            final SocketChannel ch = connect();
            if (null == ch)
            {
                return;
            }
            channel = ch;
            final BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch),
                StandardCharsets.UTF_8));
            final OutputStream out = Channels.newOutputStream(ch);
            String line;
            while ((line = in.readLine()) != null)
            {
                final int at = line.indexOf(REQUEST);   // a tty may put stray bytes before it
                if (at < 0)
                {
                    continue;
                }
                final String request = line.substring(at + REQUEST.length()).strip();
                note("guest: " + request);
                final String answer = answer(request).replace('\n', ' ');
                note("host:  " + answer);
                out.write((answer + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }
        catch (final IOException ex)
        {
            if (!closing)
            {
                note("host channel failed: " + ex);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * QEMU binds the chardev's socket (the file appears) before it listens on it, so a connect in between is refused:
     * tried again until it is accepted, for up to {@link #CONNECT_TIMEOUT_NANOS}.
     */
    private SocketChannel connect() throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + CONNECT_TIMEOUT_NANOS;
        while (true)
        {
            final SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try
            {
                ch.connect(UnixDomainSocketAddress.of(socket));
                return ch;
            }
            catch (final ConnectException ex)
            {
                ch.close();
                if (closing)
                {
                    return null;
                }
                if (System.nanoTime() - deadline >= 0)
                {
                    throw ex;
                }
                Thread.sleep(20);
            }
        }
    }

    private String answer(final String request)
    {
        final int space = request.indexOf(' ');
        final String word = space < 0 ? request : request.substring(0, space);
        final String args = space < 0 ? "" : request.substring(space + 1).strip();
        final KernelInitiatorGuest.HostAction action = actions.get(word);
        if (null == action)
        {
            return "RT-DONE error no host action \"" + word + "\" (known: " + actions.keySet() + ")";
        }
        try
        {
            final String result = action.run(args);
            return "RT-DONE ok " + (null == result ? "" : result);
        }
        catch (final Exception | AssertionError ex)
        {
            return "RT-DONE error " + ex;
        }
    }

    private void note(final String text)
    {
        final String line = String.format("%7.1f s %s", (System.nanoTime() - start) / 1e9, text);
        transcript.add(line);
        System.out.println("  [host channel] " + line);
    }

    /** Stops the thread (QEMU has exited or is being killed). */
    void shutdown()
    {
        closing = true;
        final SocketChannel ch = channel;
        if (null != ch)
        {
            try
            {
                ch.close();
            }
            catch (final IOException ignore)
            {
                // closing only to end the reading thread
            }
        }
        interrupt();
        try
        {
            join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
