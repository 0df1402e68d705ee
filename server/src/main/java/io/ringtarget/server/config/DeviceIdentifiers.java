package io.ringtarget.server.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The identity a backstore shows initiators: its unit serial number (VPD page 0x80) and NAA designator (VPD page
 * 0x83). Multipath and udev recognise a device by them, so they are written into the configuration once: random
 * for a new backstore, or derived from a key (the demo's path) so that the same demo is the same device again.
 */
public final class DeviceIdentifiers
{
    private static final SecureRandom RANDOM = new SecureRandom();

    private DeviceIdentifiers()
    {
    }

    /** A random unit serial number: 32 hex digits. */
    public static String randomSerial()
    {
        final byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * A random 8-byte NAA designator as 16 hex digits. NAA 3 = "locally assigned" (SPC-4 7.8.6.6.4): right for a
     * random identifier, since it claims no IEEE company id.
     */
    public static String randomWwn()
    {
        final byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        bytes[0] = (byte)(0x30 | (bytes[0] & 0x0f));
        return HexFormat.of().formatHex(bytes);
    }

    /** A serial number that depends only on {@code key}: 32 hex digits. */
    public static String stableSerial(final String key)
    {
        return sha256Hex("ringtarget demo serial " + key).substring(0, 32);
    }

    /** An NAA 3 designator that depends only on {@code key}. */
    public static String stableWwn(final String key)
    {
        return "3" + sha256Hex("ringtarget demo wwn " + key).substring(0, 15);
    }

    private static String sha256Hex(final String text)
    {
        try
        {
            return HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is required of every JDK", ex);
        }
    }
}
