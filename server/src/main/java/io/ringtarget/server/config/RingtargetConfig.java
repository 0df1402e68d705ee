package io.ringtarget.server.config;

import java.util.List;

/**
 * The whole configuration of a ringtarget process: the object tree an administrator knows from targetcli
 * (backstores, iSCSI targets, their TPGs with portals, LUNs and ACLs) plus discovery authentication, engine
 * settings and the metrics endpoint ({@code metrics} may be null: none). Immutable; loaded from and saved to JSON
 * by {@link ConfigFiles}.
 */
public record RingtargetConfig(
    List<BackstoreConfig> backstores,
    List<TargetConfig> targets,
    DiscoveryAuthConfig discoveryAuth,
    EngineConfig engine,
    MetricsConfig metrics)
{
    /** Without a metrics endpoint. Code that derives a configuration from another passes its {@link #metrics()}. */
    public RingtargetConfig(
        final List<BackstoreConfig> backstores, final List<TargetConfig> targets, final DiscoveryAuthConfig discoveryAuth,
        final EngineConfig engine)
    {
        this(backstores, targets, discoveryAuth, engine, null);
    }
}
