package io.ringtarget.iscsi.node;

/**
 * A network portal (RFC 7143 section 4.1): the IP address and TCP port a TPG is reached on, the address as
 * {@link IpAddresses} writes it. {@code 0.0.0.0} is the IPv4 wildcard: every local IPv4 address of the host;
 * {@code ::} the IPv6 wildcard, dual-stack: every local address of both families.
 */
public record Portal(String ip, int port)
{
    public static final String ANY_IPV4 = "0.0.0.0";
    public static final String ANY_IPV6 = "::";

    public boolean wildcard()
    {
        return ANY_IPV4.equals(ip) || ANY_IPV6.equals(ip);
    }

    /** Whether a connection accepted on {@code localIp:localPort} arrived through this portal. */
    public boolean reachedBy(final String localIp, final int localPort)
    {
        if (port != localPort)
        {
            return false;
        }
        return switch (ip)
        {
            case ANY_IPV6 -> true;
            case ANY_IPV4 -> !IpAddresses.isIpv6(localIp);
            default -> ip.equals(localIp);
        };
    }

    /** {@code ip:port}, an IPv6 literal in brackets ({@code [::1]:3260}) as in a TargetAddress (RFC 7143 13.8). */
    @Override
    public String toString()
    {
        return format(ip, port);
    }

    /** {@code ip:port}, an IPv6 literal in brackets. */
    public static String format(final String ip, final int port)
    {
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + port;
    }
}
