package io.ringtarget.server.config;

/**
 * The Prometheus metrics endpoint: {@code listen} is {@code HOST:PORT} (an IP literal, IPv6 in brackets) where
 * {@code GET /metrics} answers in Prometheus' text format, or {@code off}. A file without a {@code metrics} section
 * serves no metrics; {@code serve --metrics HOST:PORT} overrides the file.
 */
public record MetricsConfig(String listen)
{
    public static final String OFF = "off";
    /** What {@code ringtarget demo} listens on unless told otherwise (a port of its own, loopback only). */
    public static final String DEMO_LISTEN = "127.0.0.1:9287";

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
