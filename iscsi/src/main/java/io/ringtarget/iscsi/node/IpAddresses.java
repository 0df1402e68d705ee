package io.ringtarget.iscsi.node;

/**
 * IP addresses as text, the way administrators write them and portals are compared: IPv4 as a dotted quad, IPv6 in
 * RFC 5952 form (lowercase, no leading zeros, the longest run of two or more zero groups as {@code ::}), and an
 * IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}, what a dual-stack socket reports for an IPv4 peer) as the IPv4
 * address it maps.
 */
public final class IpAddresses
{
    private IpAddresses()
    {
    }

    /** The text of a 4- or 16-byte address. */
    public static String format(final byte[] address)
    {
        if (address.length == 4)
        {
            return ipv4(address, 0);
        }
        if (address.length != 16)
        {
            throw new IllegalArgumentException("not an IP address of 4 or 16 bytes: " + address.length);
        }
        if (isIpv4Mapped(address))
        {
            return ipv4(address, 12);
        }
        final int[] groups = new int[8];
        for (int i = 0; i < 8; i++)
        {
            groups[i] = (address[2 * i] & 0xff) << 8 | address[2 * i + 1] & 0xff;
        }
        int bestStart = -1;
        int bestLength = 1;   // RFC 5952 4.2.2: a single zero group is not compressed
        for (int i = 0; i < 8; )
        {
            if (groups[i] != 0)
            {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0)
            {
                j++;
            }
            if (j - i > bestLength)
            {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        final StringBuilder b = new StringBuilder(39);
        for (int i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                b.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!b.isEmpty() && b.charAt(b.length() - 1) != ':')
            {
                b.append(':');
            }
            b.append(Integer.toHexString(groups[i]));
        }
        return b.toString();
    }

    /** Whether an address text is IPv6 (it has a colon; IPv4 text never does). */
    public static boolean isIpv6(final String ip)
    {
        return ip.indexOf(':') >= 0;
    }

    /** Whether an IPv6 address text is link-local (fe80::/10): meaningful only with a zone, useless to a peer. */
    public static boolean isLinkLocal(final String ip)
    {
        if (!isIpv6(ip) || ip.length() < 4)
        {
            return false;
        }
        final String head = ip.substring(0, 4).toLowerCase(java.util.Locale.ROOT);
        return head.startsWith("fe8") || head.startsWith("fe9") || head.startsWith("fea") || head.startsWith("feb");
    }

    private static boolean isIpv4Mapped(final byte[] a)
    {
        for (int i = 0; i < 10; i++)
        {
            if (a[i] != 0)
            {
                return false;
            }
        }
        return (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
    }

    private static String ipv4(final byte[] a, final int from)
    {
        return (a[from] & 0xff) + "." + (a[from + 1] & 0xff) + "." + (a[from + 2] & 0xff) + "." + (a[from + 3] & 0xff);
    }
}
