package io.ringtarget.server.config;

import java.util.List;

/**
 * A target portal group (RFC 7143 TargetPortalGroupTag = {@code tag}). {@code authentication} is "none" or
 * "chap" (CHAP required for every initiator of this TPG). {@code generateNodeAcls} true admits any initiator
 * (targetcli's demo mode); otherwise only initiators listed in {@code acls} see and log into the target.
 * {@code nopInIntervalSeconds} and {@code nopInTimeoutSeconds} (targetcli's nopin_timeout and
 * nopin_response_timeout) set the NOP-In pings of this TPG's sessions; null takes the engine's. {@code alua} is the
 * TPG's ALUA state as a target port group; null is {@link AluaConfig#DEFAULT}.
 */
public record TpgConfig(
    int tag,
    boolean enabled,
    List<PortalConfig> portals,
    List<LunConfig> luns,
    List<AclConfig> acls,
    boolean generateNodeAcls,
    String authentication,
    Integer nopInIntervalSeconds,
    Integer nopInTimeoutSeconds,
    AluaConfig alua)
{
    /** A TPG whose sessions are pinged as the engine says, active/optimized. */
    public TpgConfig(
        final int tag, final boolean enabled, final List<PortalConfig> portals, final List<LunConfig> luns,
        final List<AclConfig> acls, final boolean generateNodeAcls, final String authentication)
    {
        this(tag, enabled, portals, luns, acls, generateNodeAcls, authentication, null, null, null);
    }

    /** A TPG with NOP-In settings of its own, active/optimized. */
    public TpgConfig(
        final int tag, final boolean enabled, final List<PortalConfig> portals, final List<LunConfig> luns,
        final List<AclConfig> acls, final boolean generateNodeAcls, final String authentication,
        final Integer nopInIntervalSeconds, final Integer nopInTimeoutSeconds)
    {
        this(tag, enabled, portals, luns, acls, generateNodeAcls, authentication, nopInIntervalSeconds,
            nopInTimeoutSeconds, null);
    }

    /** The ALUA settings, {@link AluaConfig#DEFAULT} when the file has none. */
    public AluaConfig aluaOrDefault()
    {
        return null == alua ? AluaConfig.DEFAULT : alua;
    }

    public TpgConfig withPortals(final List<PortalConfig> newPortals)
    {
        return new TpgConfig(tag, enabled, List.copyOf(newPortals), luns, acls, generateNodeAcls, authentication,
            nopInIntervalSeconds, nopInTimeoutSeconds, alua);
    }

    public TpgConfig withLuns(final List<LunConfig> newLuns)
    {
        return new TpgConfig(tag, enabled, portals, List.copyOf(newLuns), acls, generateNodeAcls, authentication,
            nopInIntervalSeconds, nopInTimeoutSeconds, alua);
    }

    public TpgConfig withAcls(final List<AclConfig> newAcls)
    {
        return new TpgConfig(tag, enabled, portals, luns, List.copyOf(newAcls), generateNodeAcls, authentication,
            nopInIntervalSeconds, nopInTimeoutSeconds, alua);
    }

    /** With these access settings: enabled, any initiator admitted, authentication. */
    public TpgConfig withAccess(final boolean newEnabled, final boolean newGenerateNodeAcls, final String newAuthentication)
    {
        return new TpgConfig(tag, newEnabled, portals, luns, acls, newGenerateNodeAcls, newAuthentication,
            nopInIntervalSeconds, nopInTimeoutSeconds, alua);
    }

    public TpgConfig withNopIn(final Integer intervalSeconds, final Integer timeoutSeconds)
    {
        return new TpgConfig(tag, enabled, portals, luns, acls, generateNodeAcls, authentication, intervalSeconds,
            timeoutSeconds, alua);
    }

    public TpgConfig withAlua(final AluaConfig newAlua)
    {
        return new TpgConfig(tag, enabled, portals, luns, acls, generateNodeAcls, authentication,
            nopInIntervalSeconds, nopInTimeoutSeconds, newAlua);
    }

    /** The NOP-In interval this TPG's sessions get: its own, or the engine's. */
    public int nopInIntervalSeconds(final EngineConfig engine)
    {
        return null != nopInIntervalSeconds ? nopInIntervalSeconds : engine.nopInIntervalSeconds();
    }

    /** The NOP-In answer timeout this TPG's sessions get: its own, or the engine's. */
    public int nopInTimeoutSeconds(final EngineConfig engine)
    {
        return null != nopInTimeoutSeconds ? nopInTimeoutSeconds : engine.nopInTimeoutSeconds();
    }
}
