package io.ringtarget.server.config;

/**
 * The Prometheus metrics endpoint: {@code listen} is {@code HOST:PORT} (an IP literal, IPv6 in brackets) where
 * {@code GET /metrics} answers in Prometheus' text format, or {@code off}. A file without a {@code metrics} section
 * serves no metrics; {@code serve --metrics HOST:PORT} overrides the file's address (its TLS and basic
 * authentication stay). {@code tls} serves HTTPS with a PEM certificate and key; {@code basicAuth} asks every request
 * for a user name and password (HTTP basic authentication, as Prometheus' {@code basic_auth} sends them). Either
 * left out (null) is not used.
 */
public record MetricsConfig(String listen, MetricsTlsConfig tls, MetricsBasicAuthConfig basicAuth)
{
    public static final String OFF = "off";
    /** What {@code ringtarget demo} listens on unless told otherwise (a port of its own, loopback only). */
    public static final String DEMO_LISTEN = "127.0.0.1:9287";

    /** Plain HTTP, no authentication. */
    public MetricsConfig(final String listen)
    {
        this(listen, null, null);
    }

    /** The same endpoint on another address ({@code serve --metrics}). */
    public MetricsConfig withListen(final String newListen)
    {
        return new MetricsConfig(newListen, tls, basicAuth);
    }

    public MetricsConfig withBasicAuth(final MetricsBasicAuthConfig newBasicAuth)
    {
        return new MetricsConfig(listen, tls, newBasicAuth);
    }

    /** Whether an endpoint is configured ({@code listen} set and not {@code off}). */
    public boolean enabled()
    {
        return enabled(listen);
    }

    public static boolean enabled(final String listen)
    {
        return null != listen && !OFF.equals(listen.strip());
    }

    /**
     * Parses {@code HOST:PORT}; the port is required.
     *
     * @throws IllegalArgumentException with an administrator's message.
     */
    public static PortalConfig address(final String listen)
    {
        final String text = null == listen ? "" : listen.strip();
        final int colon = text.lastIndexOf(':');
        if (colon < 0 || colon == text.length() - 1 || text.endsWith("]"))
        {
            throw new IllegalArgumentException("\"" + listen + "\" is not HOST:PORT (e.g. " + DEMO_LISTEN +
                ", 0.0.0.0:9287 for every address) or off");
        }
        return PortalAddresses.parse(text);
    }
}
