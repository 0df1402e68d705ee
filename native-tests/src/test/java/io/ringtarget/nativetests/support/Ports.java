package io.ringtarget.nativetests.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Loopback ports for targets started by tests. Tests never use a fixed port: several engineers and CI jobs run
 * targets on the same machine.
 */
public final class Ports
{
    /** The only address tests listen on or connect to. */
    public static final String LOOPBACK = "127.0.0.1";

    private Ports()
    {
    }

    /**
     * A port that is free on {@value #LOOPBACK} now, chosen by the kernel from the ephemeral range.
     *
     * @return the port number.
     */
    public static int free()
    {
        try (ServerSocket socket = new ServerSocket())
        {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0));
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("no free port on " + LOOPBACK, ex);
        }
    }

    /**
     * Waits until something accepts TCP connections on {@value #LOOPBACK}:{@code port}.
     *
     * @param port          the port.
     * @param timeoutMillis how long to wait at most.
     * @param process       the server process: waiting stops early when it has exited (may be null).
     * @return true when the port accepted a connection in time.
     */
    public static boolean awaitListening(final int port, final long timeoutMillis, final ExternalProcess process)
    {
        final long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (System.nanoTime() < deadline)
        {
            if (null != process && !process.isAlive())
            {
                return false;
            }
            try (java.net.Socket s = new java.net.Socket())
            {
                s.connect(new InetSocketAddress(LOOPBACK, port), 200);
                return true;
            }
            catch (final IOException ignore)
            {
                sleep(50);
            }
        }
        return false;
    }

    static void sleep(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }
}
