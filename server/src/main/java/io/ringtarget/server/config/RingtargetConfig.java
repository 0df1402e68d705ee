package io.ringtarget.server.config;

import java.util.List;

/**
 * The whole configuration of a ringtarget process: the object tree an administrator knows from targetcli
 * (backstores, iSCSI targets, their TPGs with portals, LUNs and ACLs) plus discovery authentication, engine
 * settings, the metrics endpoint ({@code metrics} may be null: none) and the state directory where persistent
 * reservations survive a restart ({@code stateDirectory} may be null: APTPL is refused). Immutable; loaded from and
 * saved to JSON by {@link ConfigFiles}. Code that derives a configuration from another uses the withers, so that
 * no field is dropped on the way.
 */
public record RingtargetConfig(
    List<BackstoreConfig> backstores,
    List<TargetConfig> targets,
    DiscoveryAuthConfig discoveryAuth,
    EngineConfig engine,
    MetricsConfig metrics,
    String stateDirectory)
{
    /** Without a metrics endpoint or a state directory (tests and embedded use). */
    public RingtargetConfig(
        final List<BackstoreConfig> backstores, final List<TargetConfig> targets, final DiscoveryAuthConfig discoveryAuth,
        final EngineConfig engine)
    {
        this(backstores, targets, discoveryAuth, engine, null, null);
    }

    public RingtargetConfig withBackstores(final List<BackstoreConfig> backstores)
    {
        return new RingtargetConfig(backstores, targets, discoveryAuth, engine, metrics, stateDirectory);
    }

    public RingtargetConfig withTargets(final List<TargetConfig> targets)
    {
        return new RingtargetConfig(backstores, targets, discoveryAuth, engine, metrics, stateDirectory);
    }

    public RingtargetConfig withDiscoveryAuth(final DiscoveryAuthConfig discoveryAuth)
    {
        return new RingtargetConfig(backstores, targets, discoveryAuth, engine, metrics, stateDirectory);
    }

    public RingtargetConfig withEngine(final EngineConfig engine)
    {
        return new RingtargetConfig(backstores, targets, discoveryAuth, engine, metrics, stateDirectory);
    }

    public RingtargetConfig withMetrics(final MetricsConfig metrics)
    {
        return new RingtargetConfig(backstores, targets, discoveryAuth, engine, metrics, stateDirectory);
    }

    public RingtargetConfig withStateDirectory(final String stateDirectory)
    {
        return new RingtargetConfig(backstores, targets, discoveryAuth, engine, metrics, stateDirectory);
    }
}
