package io.ringtarget.iscsi.node;

import java.util.Objects;

/**
 * What the engine serves now: the {@link TargetRegistry} and the authentication of discovery sessions, replaced
 * together by a live configuration change with one volatile write ({@link #publish}). Logins and SendTargets read it
 * when they need it; a connection in Full Feature Phase keeps the TPG it logged in through until its own loop rebinds
 * it to the new one ({@code IscsiEngine.reconfigure}), so the command path reads no volatile field for this.
 * A published registry is never changed afterwards.
 */
public final class ServedTargets
{
    /** The registry and discovery authentication of one configuration, read together. */
    private record Snapshot(TargetRegistry registry, DiscoveryAuth discoveryAuth)
    {
    }

    private volatile Snapshot current;

    public ServedTargets(final TargetRegistry registry, final DiscoveryAuth discoveryAuth)
    {
        publish(registry, discoveryAuth);
    }

    public TargetRegistry registry()
    {
        return current.registry();
    }

    public DiscoveryAuth discoveryAuth()
    {
        return current.discoveryAuth();
    }

    /** Any thread: from now on logins and discovery see these (a null {@code discoveryAuth} is none). */
    public void publish(final TargetRegistry registry, final DiscoveryAuth discoveryAuth)
    {
        current = new Snapshot(Objects.requireNonNull(registry, "registry"),
            null == discoveryAuth ? DiscoveryAuth.NONE : discoveryAuth);
    }
}
