package io.ringtarget.iscsi.login;

import io.ringtarget.iscsi.node.ChapAlgorithm;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * CHAP as RFC 7143 section 12.1.3 profiles RFC 1994: response = H(identifier || secret || challenge) with the hash
 * of the negotiated {@link ChapAlgorithm}. Values are exchanged as binary values in hex (0x) or base64 (0b).
 */
public final class Chap
{
    /** CHAP_A value for MD5, the only algorithm RFC 7143 requires. */
    public static final int ALGORITHM_MD5 = 5;
    /** The MD5 challenge length; other algorithms' challenges are as long as their digest. */
    public static final int CHALLENGE_LENGTH = 16;
    private static final HexFormat HEX = HexFormat.of();

    private final SecureRandom random = new SecureRandom();

    public int newIdentifier()
    {
        return random.nextInt(256);
    }

    public byte[] newChallenge()
    {
        return newChallenge(CHALLENGE_LENGTH);
    }

    public byte[] newChallenge(final int length)
    {
        final byte[] c = new byte[length];
        random.nextBytes(c);
        return c;
    }

    /** The MD5 response (CHAP_A=5). */
    public static byte[] response(final int identifier, final byte[] secret, final byte[] challenge)
    {
        return response(ChapAlgorithm.MD5, identifier, secret, challenge);
    }

    public static byte[] response(
        final ChapAlgorithm algorithm, final int identifier, final byte[] secret, final byte[] challenge)
    {
        try
        {
            final MessageDigest digest = MessageDigest.getInstance(algorithm.jcaName());
            digest.update((byte)identifier);
            digest.update(secret);
            digest.update(challenge);
            return digest.digest();
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(algorithm.jcaName() + " is required of every JDK", ex);
        }
    }

    public static String encodeHex(final byte[] value)
    {
        return "0x" + HEX.formatHex(value);
    }

    /** Decodes a binary value (RFC 7143 section 5.1: 0x hex or 0b base64); {@code null} when malformed. */
    public static byte[] decodeBinary(final String value)
    {
        if (value == null || value.length() < 3)
        {
            return null;
        }
        try
        {
            final String body = value.substring(2);
            if (value.startsWith("0x") || value.startsWith("0X"))
            {
                return HEX.parseHex(body.length() % 2 == 0 ? body : "0" + body);
            }
            if (value.startsWith("0b") || value.startsWith("0B"))
            {
                return Base64.getDecoder().decode(body);
            }
            return null;
        }
        catch (final IllegalArgumentException ex)
        {
            return null;
        }
    }
}
