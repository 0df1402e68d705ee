package io.ringtarget.server.config;

/**
 * HTTP basic authentication for the metrics endpoint: the user name and password every request must carry
 * (Prometheus' {@code basic_auth} with {@code username} and {@code password_file}). The password is a secret as CHAP's
 * are: at least 12 characters, never shown ({@code config show}, {@code ls}, the log).
 */
public record MetricsBasicAuthConfig(String username, String password)
{
    /** The same user with its password replaced by {@link Secrets#MASK}. */
    public MetricsBasicAuthConfig masked()
    {
        return new MetricsBasicAuthConfig(username, null == password ? null : Secrets.MASK);
    }
}
