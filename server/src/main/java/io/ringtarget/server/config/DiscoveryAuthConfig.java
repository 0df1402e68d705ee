package io.ringtarget.server.config;

/** Authentication of discovery (SessionType=Discovery) sessions: "none" or "chap" with {@code chap}. */
public record DiscoveryAuthConfig(String authentication, ChapConfig chap)
{
}
