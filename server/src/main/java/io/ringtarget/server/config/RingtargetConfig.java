package io.ringtarget.server.config;

import java.util.List;

/**
 * The whole configuration of a ringtarget process: the object tree an administrator knows from targetcli
 * (backstores, iSCSI targets, their TPGs with portals, LUNs and ACLs) plus discovery authentication, engine
 * settings, the metrics endpoint ({@code metrics} may be null: none) and the state directory where persistent
 * reservations survive a restart ({@code stateDirectory} may be null: APTPL is refused), and the login defences
 * and limits ({@code security} may be null: the defaults). Immutable; loaded from and
 * saved to JSON by {@link ConfigFiles}. Code that derives a configuration from another uses the withers, so that
 * no field is dropped on the way.
 */
public record RingtargetConfig(
    List<BackstoreConfig> backstores,
    List<TargetConfig> targets,
    DiscoveryAuthConfig discoveryAuth,
    EngineConfig engine,
    MetricsConfig metrics,
    String stateDirectory,
    SecurityConfig security)
{
    /** With the default login defences and limits ({@link ConfigDefaults#security()}). */
    public RingtargetConfig(
        final List<BackstoreConfig> backstores, final List<TargetConfig> targets, final DiscoveryAuthConfig discoveryAuth,
        final EngineConfig engine, final MetricsConfig metrics, final String stateDirectory)
    {
        this(backstores, targets, discoveryAuth, engine, metrics, stateDirectory, null);
    }

    /** Without a metrics endpoint or a state directory (tests and embedded use). */
    public RingtargetConfig(
        final List<BackstoreConfig> backstores, final List<TargetConfig> targets, final DiscoveryAuthConfig discoveryAuth,
        final EngineConfig engine)
    {
        this(backstores, targets, discoveryAuth, engine, null, null, null);
    }

    public RingtargetConfig withBackstores(final List<BackstoreConfig> backstores)
    {
        return new RingtargetConfig(backstores, targets, discoveryAuth, engine, metrics, stateDirectory, security);
    }

    public RingtargetConfig withTargets(final List<TargetConfig> targets)
    {
        return new RingtargetConfig(backstores, targets, discoveryAuth, engine, metrics, stateDirectory, security);
    }

    public RingtargetConfig withDiscoveryAuth(final DiscoveryAuthConfig discoveryAuth)
    {
        return new RingtargetConfig(backstores, targets, discoveryAuth, engine, metrics, stateDirectory, security);
    }

    public RingtargetConfig withEngine(final EngineConfig engine)
    {
        return new RingtargetConfig(backstores, targets, discoveryAuth, engine, metrics, stateDirectory, security);
    }

    public RingtargetConfig withMetrics(final MetricsConfig metrics)
    {
        return new RingtargetConfig(backstores, targets, discoveryAuth, engine, metrics, stateDirectory, security);
    }

    public RingtargetConfig withStateDirectory(final String stateDirectory)
    {
        return new RingtargetConfig(backstores, targets, discoveryAuth, engine, metrics, stateDirectory, security);
    }

    public RingtargetConfig withSecurity(final SecurityConfig security)
    {
        return new RingtargetConfig(backstores, targets, discoveryAuth, engine, metrics, stateDirectory, security);
    }

    /** The security section, {@link ConfigDefaults#security()} when there is none. */
    public SecurityConfig securityOrDefault()
    {
        return null == security ? ConfigDefaults.security() : security;
    }
}
