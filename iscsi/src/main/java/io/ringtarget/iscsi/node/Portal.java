package io.ringtarget.iscsi.node;

/**
 * A network portal (RFC 7143 section 4.1): the IP address and TCP port a TPG is reached on. {@code 0.0.0.0} is the
 * wildcard address: every local address of the host.
 */
public record Portal(String ip, int port)
{
    public static final String ANY_IPV4 = "0.0.0.0";

    public boolean wildcard()
    {
        return ANY_IPV4.equals(ip);
    }

    /** Whether a connection accepted on {@code localIp:localPort} arrived through this portal. */
    public boolean reachedBy(final String localIp, final int localPort)
    {
        return port == localPort && (wildcard() || ip.equals(localIp));
    }

    /** {@code ip:port}, an IPv6 literal in brackets ({@code [::1]:3260}) as in a TargetAddress (RFC 7143 13.8). */
    @Override
    public String toString()
    {
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + port;
    }
}
