package io.ringtarget.server.config;

/**
 * A network portal: an IPv4 address (0.0.0.0 for all) and a TCP port (3260 by default). IPv6 addresses parse but
 * are refused by {@link ConfigValidator} until the engine listens on IPv6.
 */
public record PortalConfig(String ip, int port)
{
}
