package io.ringtarget.server.config;

import java.util.List;

/**
 * Authentication of discovery (SessionType=Discovery) sessions: "none" or "chap" with {@code chap};
 * {@code chapAlgorithms} allowed, null for {@link SecurityConfig#chapAlgorithms()}.
 */
public record DiscoveryAuthConfig(String authentication, ChapConfig chap, List<String> chapAlgorithms)
{
    /** With the security section's CHAP algorithms. */
    public DiscoveryAuthConfig(final String authentication, final ChapConfig chap)
    {
        this(authentication, chap, null);
    }

    public DiscoveryAuthConfig withChapAlgorithms(final List<String> algorithms)
    {
        return new DiscoveryAuthConfig(authentication, chap, null == algorithms ? null : List.copyOf(algorithms));
    }
}
