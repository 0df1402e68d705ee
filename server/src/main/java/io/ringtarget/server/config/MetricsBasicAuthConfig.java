package io.ringtarget.server.config;

/**
 * HTTP basic authentication for the metrics endpoint: the user name and password every request must carry
 * (Prometheus' {@code basic_auth} with {@code username} and {@code password_file}). The password is given either as
 * it is ({@code password}: a secret as CHAP's are, at least 12 characters) or as a bcrypt hash of it
 * ({@code passwordHash}, {@code $2y$}, {@code $2b$} or {@code $2a$}, as {@code htpasswd -nBC 10} or
 * {@code ringtarget metrics hash-password} make it, and as Prometheus' own web configuration takes it), so that the
 * file need not hold the password. Neither is ever shown ({@code config show}, {@code ls}, the log).
 */
public record MetricsBasicAuthConfig(String username, String password, String passwordHash)
{
    /** The shortest password taken (as a CHAP secret). */
    public static final int MIN_PASSWORD_LENGTH = ChapRules.MIN_CHAP_SECRET;

    /** A user with its password as it is. */
    public MetricsBasicAuthConfig(final String username, final String password)
    {
        this(username, password, null);
    }

    /** A user whose password is given by its bcrypt hash. */
    public static MetricsBasicAuthConfig hashed(final String username, final String passwordHash)
    {
        return new MetricsBasicAuthConfig(username, null, passwordHash);
    }

    /** The same user with its password (or hash) replaced by {@link Secrets#MASK}. */
    public MetricsBasicAuthConfig masked()
    {
        return new MetricsBasicAuthConfig(username, null == password ? null : Secrets.MASK,
            null == passwordHash ? null : Secrets.MASK);
    }
}
