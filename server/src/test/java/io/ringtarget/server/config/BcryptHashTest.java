package io.ringtarget.server.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bcrypt hashes of the metrics password, checked against hashes another implementation made. */
class BcryptHashTest
{
    /**
     * Made by libxcrypt (Debian 12's crypt(3)), not by the library we use:
     * {@code python3 -c "import crypt; print(crypt.crypt('metrics-Secret-26', '$2y$05$abcdefghijklmnopqrstuu'))"}
     * and the same with {@code crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)} for the $2b$ one.
     */
    static final String PASSWORD = "metrics-Secret-26";
    static final String LIBXCRYPT_2Y = "$2y$05$abcdefghijklmnopqrstuuLEZ8k7FWdhg3bZab24Ogc6nQVMol34.";
    static final String LIBXCRYPT_2B = "$2b$04$HFUmgchJgxpnyWJsmXjAPOPtV1ci/chQOuLlzGfA842WdejkOEKX.";

    @Test
    void hashesOfAnotherImplementationMatchTheirPasswordOnly()
    {
        assertTrue(BcryptHash.matches(PASSWORD, LIBXCRYPT_2Y));
        assertTrue(BcryptHash.matches(PASSWORD, LIBXCRYPT_2B));
        assertFalse(BcryptHash.matches("metrics-Secret-27", LIBXCRYPT_2Y));
        assertFalse(BcryptHash.matches(PASSWORD.substring(1), LIBXCRYPT_2B));
        assertFalse(BcryptHash.matches(PASSWORD, LIBXCRYPT_2Y.replace("$2y$05$", "$2y$06$")), "another cost");
    }

    @Test
    void aHashMadeHereIsA2yHashOfThePassword()
    {
        final String hash = BcryptHash.hash(PASSWORD, 4);
        assertTrue(hash.startsWith("$2y$04$") && BcryptHash.wellFormed(hash), hash);
        assertTrue(BcryptHash.matches(PASSWORD, hash));
        assertFalse(BcryptHash.matches(PASSWORD + "x", hash));
        assertFalse(hash.equals(BcryptHash.hash(PASSWORD, 4)), "a new salt each time");
    }

    @Test
    void theFormIsChecked()
    {
        assertTrue(BcryptHash.wellFormed(LIBXCRYPT_2Y) && BcryptHash.wellFormed(LIBXCRYPT_2B));
        assertTrue(BcryptHash.wellFormed(LIBXCRYPT_2B.replace("$2b$", "$2a$")));
        assertFalse(BcryptHash.wellFormed(LIBXCRYPT_2Y.replace("$2y$", "$2x$")), "no $2x$");
        assertFalse(BcryptHash.wellFormed(LIBXCRYPT_2Y.replace("$05$", "$03$")), "cost below 4");
        assertFalse(BcryptHash.wellFormed(LIBXCRYPT_2Y.replace("$05$", "$32$")), "cost above 31");
        assertFalse(BcryptHash.wellFormed(LIBXCRYPT_2Y.substring(0, 59)), "one character short");
        assertFalse(BcryptHash.wellFormed(LIBXCRYPT_2Y + "x"), "one too many");
        assertFalse(BcryptHash.wellFormed(PASSWORD));
        assertFalse(BcryptHash.wellFormed(null));
    }

    @Test
    void bcryptsLimitsAreRefusedNotTruncated()
    {
        final String long73 = "a".repeat(73);
        assertThrows(IllegalArgumentException.class, () -> BcryptHash.hash(long73, 4));
        assertFalse(BcryptHash.matches(long73, BcryptHash.hash("a".repeat(72), 4)),
            "a 73-byte password does not pass for its first 72 bytes");
        assertEquals("the cost is 4 to 31 (each step doubles the work), not 3",
            assertThrows(IllegalArgumentException.class, () -> BcryptHash.hash(PASSWORD, 3)).getMessage());
    }
}
