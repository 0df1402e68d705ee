package io.ringtarget.server.config;

/**
 * Network portals as the command line writes them: {@code HOST[:PORT]}, with an IPv6 host in brackets when a port
 * follows ({@code [::1]:3260}).
 */
public final class PortalAddresses
{
    private PortalAddresses()
    {
    }

    /**
     * Parses {@code HOST[:PORT]}: an IP literal, the port defaulting to {@value ConfigDefaults#DEFAULT_PORT}. Host
     * names are refused: a portal is an address the target binds. The address is returned in canonical form
     * ({@link IpLiterals#canonical}).
     *
     * @param hostPort the text to parse.
     * @return the portal.
     * @throws IllegalArgumentException with an administrator's message when the text is not an address and port.
     */
    public static PortalConfig parse(final String hostPort)
    {
        final String text = null == hostPort ? "" : hostPort.strip();
        String host = text;
        String port = null;
        if (text.startsWith("["))
        {
            final int close = text.indexOf(']');
            if (close < 0)
            {
                throw new IllegalArgumentException("\"" + hostPort + "\": missing ']' after the IPv6 address");
            }
            host = text.substring(1, close);
            if (close + 1 < text.length())
            {
                if (text.charAt(close + 1) != ':')
                {
                    throw new IllegalArgumentException("\"" + hostPort + "\" is not [IPv6]:PORT");
                }
                port = text.substring(close + 2);
            }
        }
        else if (text.indexOf(':') == text.lastIndexOf(':') && text.indexOf(':') >= 0)
        {
            host = text.substring(0, text.indexOf(':'));
            port = text.substring(text.indexOf(':') + 1);
        }
        final String ipProblem = IpLiterals.problem(host);
        if (null != ipProblem)
        {
            throw new IllegalArgumentException(ipProblem);
        }
        return new PortalConfig(IpLiterals.canonical(host), null == port ? ConfigDefaults.DEFAULT_PORT : port(port));
    }

    /** {@code ip:port}, with brackets around an IPv6 address. */
    public static String hostPort(final String ip, final int port)
    {
        return (null != ip && ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + port;
    }

    private static int port(final String text)
    {
        final int port;
        try
        {
            port = Integer.parseInt(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("\"" + text + "\" is not a TCP port (1..65535)", ex);
        }
        if (port < 1 || port > 65535)
        {
            throw new IllegalArgumentException(port + " is not a TCP port (1..65535)");
        }
        return port;
    }
}
