package io.ringtarget.iscsi.login;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ChapTest
{
    @Test
    void responseIsMd5OfIdentifierSecretChallenge() throws Exception
    {
        final byte[] secret = "secretsecret".getBytes(StandardCharsets.US_ASCII);
        final byte[] challenge = HexFormat.of().parseHex("0102030405060708090a0b0c0d0e0f10");
        final MessageDigest md5 = MessageDigest.getInstance("MD5");
        md5.update((byte)0x2a);
        md5.update(secret);
        md5.update(challenge);
        assertArrayEquals(md5.digest(), Chap.response(0x2a, secret, challenge));
        // A different identifier changes the response (RFC 1994 section 4.1).
        assertNotEquals(HexFormat.of().formatHex(Chap.response(0x2b, secret, challenge)),
            HexFormat.of().formatHex(Chap.response(0x2a, secret, challenge)));
    }

    @Test
    void binaryValuesDecodeHexAndBase64()
    {
        assertArrayEquals(new byte[]{0x01, (byte)0xab}, Chap.decodeBinary("0x01ab"));
        assertArrayEquals(new byte[]{0x01, (byte)0xab}, Chap.decodeBinary("0X01AB"));
        assertArrayEquals(new byte[]{0x01, (byte)0xab}, Chap.decodeBinary("0bAas="));
        assertArrayEquals(new byte[]{0x01}, Chap.decodeBinary("0x1"));
        assertNull(Chap.decodeBinary("01ab"));
        assertNull(Chap.decodeBinary("0xzz"));
        assertNull(Chap.decodeBinary("0b!!"));
        assertNull(Chap.decodeBinary(null));
        assertEquals("0x01ab", Chap.encodeHex(new byte[]{0x01, (byte)0xab}));
    }

    @Test
    void challengesAreFreshAndSixteenBytes()
    {
        final Chap chap = new Chap();
        final byte[] a = chap.newChallenge();
        final byte[] b = chap.newChallenge();
        assertEquals(Chap.CHALLENGE_LENGTH, a.length);
        assertNotEquals(HexFormat.of().formatHex(a), HexFormat.of().formatHex(b));
    }
}
