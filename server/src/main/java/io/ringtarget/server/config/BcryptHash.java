package io.ringtarget.server.config;

import org.springframework.security.crypto.bcrypt.BCrypt;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * bcrypt hashes of the metrics endpoint's password (Spring Security's {@link BCrypt}): the form a configuration file
 * may hold one in, the check of a password against it, and making one. The prefixes are those of OpenBSD's bcrypt
 * ({@code $2a$}, {@code $2b$}) and of {@code htpasswd -B} and Prometheus' web configuration ({@code $2y$}), which
 * hash alike.
 */
public final class BcryptHash
{
    /** The cost {@link #hash} uses unless told otherwise: htpasswd's and Prometheus' examples' 10. */
    public static final int DEFAULT_COST = 10;
    /** bcrypt reads at most 72 bytes of a password. */
    public static final int MAX_PASSWORD_BYTES = 72;

    private static final Pattern FORM = Pattern.compile("\\$2[aby]\\$(0[4-9]|[12][0-9]|3[01])\\$[./A-Za-z0-9]{53}");

    private BcryptHash()
    {
    }

    /** Whether {@code hash} has a bcrypt hash's form: prefix, a cost of 04 to 31, 22 characters of salt, 31 of hash. */
    public static boolean wellFormed(final String hash)
    {
        return null != hash && FORM.matcher(hash).matches();
    }

    /** Whether {@code password} is the one {@code hash} was made from (false for one bcrypt cannot take). */
    public static boolean matches(final String password, final String hash)
    {
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES)
        {
            return false;
        }
        try
        {
            return BCrypt.checkpw(password, hash);
        }
        catch (final IllegalArgumentException ex)
        {
            return false;   // a malformed hash; the validator refuses those before they get here
        }
    }

    /**
     * A {@code $2y$} hash of {@code password} with a new random salt.
     *
     * @throws IllegalArgumentException for a password longer than {@value #MAX_PASSWORD_BYTES} bytes or a cost outside
     *                                  4..31.
     */
    public static String hash(final String password, final int cost)
    {
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES)
        {
            throw new IllegalArgumentException("bcrypt takes passwords of at most " + MAX_PASSWORD_BYTES + " bytes");
        }
        if (cost < 4 || cost > 31)
        {
            throw new IllegalArgumentException("the cost is 4 to 31 (each step doubles the work), not " + cost);
        }
        return BCrypt.hashpw(password, BCrypt.gensalt("$2y", cost, new SecureRandom()));
    }
}
