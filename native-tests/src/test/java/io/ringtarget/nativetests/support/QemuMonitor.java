package io.ringtarget.nativetests.support;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * QEMU's human monitor (HMP) on a Unix socket ({@code -monitor unix:PATH,server=on,wait=off}): one command at a
 * time, answered once the monitor prints its prompt again. Used to pull a guest NIC's cable ({@code set_link}).
 */
final class QemuMonitor
{
    private static final String PROMPT = "(qemu) ";

    private final Path socket;

    QemuMonitor(final Path socket)
    {
        this.socket = socket;
    }

    /**
     * Runs one HMP command and returns what QEMU printed for it.
     *
     * @param command e.g. {@code set_link n0 off}.
     * @param timeout how long to wait for the socket and the answer.
     * @return QEMU's output for the command (empty for set_link, which prints nothing when it succeeds).
     * @throws IOException when QEMU cannot be reached or does not answer in time.
     */
    String command(final String command, final Duration timeout) throws IOException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(socket))
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IOException("no QEMU monitor at " + socket);
            }
            pause();
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX))
        {
            ch.connect(UnixDomainSocketAddress.of(socket));
            readUntilPrompt(ch, deadline);    // the banner
            ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            final String answer = readUntilPrompt(ch, deadline);
            // The monitor echoes the command line (with terminal escapes) before its output.
            final int eol = answer.indexOf('\n');
            return (eol < 0 ? "" : answer.substring(eol + 1)).replace("\r", "").strip();
        }
    }

    private static String readUntilPrompt(final SocketChannel ch, final long deadline) throws IOException
    {
        final StringBuilder text = new StringBuilder();
        final ByteBuffer buffer = ByteBuffer.allocate(4096);
        ch.configureBlocking(false);
        while (!text.toString().endsWith(PROMPT))
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IOException("QEMU's monitor did not answer: " + text);
            }
            buffer.clear();
            final int n = ch.read(buffer);
            if (n < 0)
            {
                throw new IOException("QEMU's monitor closed: " + text);
            }
            if (n == 0)
            {
                pause();
                continue;
            }
            text.append(new String(buffer.array(), 0, n, StandardCharsets.UTF_8));
        }
        return text.substring(0, text.length() - PROMPT.length());
    }

    private static void pause()
    {
        try
        {
            Thread.sleep(20);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
