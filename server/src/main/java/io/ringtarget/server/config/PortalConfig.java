package io.ringtarget.server.config;

/**
 * A network portal: an IPv4 or IPv6 address (0.0.0.0 for every IPv4 address, :: for every address of both families
 * where the kernel allows dual-stack sockets) and a TCP port (3260 by default). IPv6 addresses are written without
 * brackets here; link-local ones are refused by {@link ConfigValidator}.
 */
public record PortalConfig(String ip, int port)
{
}
