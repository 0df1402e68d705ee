package io.ringtarget.server.config;

import io.ringtarget.iscsi.node.IpAddresses;

import java.net.InetAddress;
import java.util.regex.Pattern;

/**
 * IP address literals as portals are written: whether a text is one, and its canonical spelling, so that
 * {@code 0:0:0:0:0:0:0:1} and {@code ::1} are the same portal.
 */
public final class IpLiterals
{
    /** The wildcard addresses: a portal on one of them listens on every address of its family. */
    public static final String IPV4_WILDCARD = "0.0.0.0";
    public static final String IPV6_WILDCARD = "::";

    private static final Pattern IPV4 = Pattern.compile(
        "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    private IpLiterals()
    {
    }

    /** Why {@code ip} is not an IPv4 or IPv6 literal, or null when it is one. */
    public static String problem(final String ip)
    {
        if (null == ip || ip.isEmpty())
        {
            return "an IP address is required (" + IPV4_WILDCARD + " for every address)";
        }
        // InetAddress also takes the old BSD forms ("1.2.3" = 1.2.0.3); a portal is written as a dotted quad.
        if (ip.indexOf(':') < 0 && !IPV4.matcher(ip).matches())
        {
            return notAnAddress(ip);
        }
        try
        {
            InetAddress.ofLiteral(ip);
            return null;
        }
        catch (final IllegalArgumentException ex)
        {
            return notAnAddress(ip);
        }
    }

    /** True when {@code ip} is an IPv6 literal (as opposed to IPv4 or no address at all). */
    public static boolean isIpv6(final String ip)
    {
        return null == problem(ip) && ip.indexOf(':') >= 0;
    }

    /** True for an IPv6 link-local literal (fe80::/10), which needs a zone to mean an interface. */
    public static boolean isLinkLocal(final String ip)
    {
        return isIpv6(ip) && InetAddress.ofLiteral(ip).isLinkLocalAddress();
    }

    /** True for a loopback literal (127.0.0.0/8, ::1). */
    public static boolean isLoopback(final String ip)
    {
        return null == problem(ip) && InetAddress.ofLiteral(ip).isLoopbackAddress();
    }

    /** True for {@value #IPV4_WILDCARD} and {@value #IPV6_WILDCARD} in canonical form. */
    public static boolean isWildcard(final String canonicalIp)
    {
        return IPV4_WILDCARD.equals(canonicalIp) || IPV6_WILDCARD.equals(canonicalIp);
    }

    /** The address as administrators write it (IPv6 compressed); the text unchanged when it is not a literal. */
    public static String canonical(final String ip)
    {
        if (null != problem(ip))
        {
            return ip;
        }
        // RFC 5952 text, the same the engine writes for the addresses of accepted connections.
        return IpAddresses.format(InetAddress.ofLiteral(ip).getAddress());
    }

    private static String notAnAddress(final String ip)
    {
        return "\"" + ip + "\" is not an IPv4 or IPv6 address (host names are not accepted: a portal is an " +
            "address to listen on)";
    }
}
