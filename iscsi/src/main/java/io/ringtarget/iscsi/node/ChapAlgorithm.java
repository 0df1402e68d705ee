package io.ringtarget.iscsi.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The CHAP hash algorithms a target accepts (RFC 7143 section 12.1.3: CHAP_A carries a PPP CHAP algorithm number
 * from IANA's "PPP Authentication Algorithms" registry). MD5 (5) is the one RFC 7143 requires; SHA1 (6), SHA-256 (7)
 * and SHA3-256 (8) are what the Linux kernel target and open-iscsi implement (node.session.auth.chap_algs). The
 * challenge is as long as the digest, as those implementations make it. Names are open-iscsi's.
 */
public enum ChapAlgorithm
{
    MD5(5, "MD5", "MD5", 16),
    SHA1(6, "SHA1", "SHA-1", 20),
    SHA256(7, "SHA256", "SHA-256", 32),
    SHA3_256(8, "SHA3-256", "SHA3-256", 32);

    /** What a target offers when the administrator names nothing: strongest first, MD5 last for libiscsi and VMware. */
    public static final List<ChapAlgorithm> DEFAULT_ORDER = List.of(SHA3_256, SHA256, SHA1, MD5);

    private final int code;
    private final String configName;
    private final String jcaName;
    private final int digestLength;

    ChapAlgorithm(final int code, final String configName, final String jcaName, final int digestLength)
    {
        this.code = code;
        this.configName = configName;
        this.jcaName = jcaName;
        this.digestLength = digestLength;
    }

    /** The CHAP_A value. */
    public int code()
    {
        return code;
    }

    /** The name in the configuration and the CLI (open-iscsi's chap_algs spelling). */
    public String configName()
    {
        return configName;
    }

    /** The name of the JDK's MessageDigest. */
    public String jcaName()
    {
        return jcaName;
    }

    /** Bytes of a CHAP_R, and of the challenges this target sends. */
    public int digestLength()
    {
        return digestLength;
    }

    /** The algorithm of a CHAP_A value, or null when it is none of these. */
    public static ChapAlgorithm ofCode(final long code)
    {
        for (final ChapAlgorithm a : values())
        {
            if (a.code == code)
            {
                return a;
            }
        }
        return null;
    }

    /** The algorithm of a configuration name (case-insensitive; "SHA-256" and "SHA-1" accepted too), or null. */
    public static ChapAlgorithm ofName(final String name)
    {
        if (name == null)
        {
            return null;
        }
        final String n = name.trim().toUpperCase(Locale.ROOT);
        for (final ChapAlgorithm a : values())
        {
            if (a.configName.equals(n) || a.jcaName.equals(n))
            {
                return a;
            }
        }
        return null;
    }

    /** Algorithms named in a configuration, in order; {@link #DEFAULT_ORDER} for null or empty; unknown names throw. */
    public static List<ChapAlgorithm> ofNames(final List<String> names)
    {
        if (names == null || names.isEmpty())
        {
            return DEFAULT_ORDER;
        }
        final List<ChapAlgorithm> result = new ArrayList<>();
        for (final String name : names)
        {
            final ChapAlgorithm a = ofName(name);
            if (a == null)
            {
                throw new IllegalArgumentException("unknown CHAP algorithm " + name);
            }
            if (!result.contains(a))
            {
                result.add(a);
            }
        }
        return List.copyOf(result);
    }
}
