package io.ringtarget.server.config;

/** A network portal: an IPv4/IPv6 address (0.0.0.0 for all) and a TCP port (3260 by default). */
public record PortalConfig(String ip, int port)
{
}
