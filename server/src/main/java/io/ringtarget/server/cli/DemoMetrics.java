package io.ringtarget.server.cli;

import io.ringtarget.server.config.MetricsConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RingtargetConfig;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * The demo's metrics endpoint on its default address: a second demo on the same host (or anything else on port
 * 9287) must not stop the demo from serving iSCSI, so a taken default port means no metrics, with a line saying so.
 * An address given with {@code --metrics} is not second-guessed: failing to bind it fails the start.
 */
final class DemoMetrics
{
    private DemoMetrics()
    {
    }

    /** Whether {@code listen} can be bound now. */
    static boolean available(final String listen)
    {
        final PortalConfig address = MetricsConfig.address(listen);
        try (ServerSocket socket = new ServerSocket())
        {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(address.ip()), address.port()));
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /** The demo without its metrics endpoint, and why on {@code err}. */
    static RingtargetConfig without(final RingtargetConfig demo, final PrintWriter err)
    {
        err.println("ringtarget demo: " + MetricsConfig.DEMO_LISTEN + " is in use: serving without metrics " +
            "(--metrics HOST:PORT for another address)");
        err.flush();
        return demo.withMetrics(new MetricsConfig(MetricsConfig.OFF));
    }
}
