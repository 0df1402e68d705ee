package io.ringtarget.server.config;

import java.util.List;

/**
 * A target portal group (RFC 7143 TargetPortalGroupTag = {@code tag}). {@code authentication} is "none" or
 * "chap" (CHAP required for every initiator of this TPG). {@code generateNodeAcls} true admits any initiator
 * (targetcli's demo mode); otherwise only initiators listed in {@code acls} see and log into the target.
 * {@code nopInIntervalSeconds} and {@code nopInTimeoutSeconds} (targetcli's nopin_timeout and
 * nopin_response_timeout) set the NOP-In pings of this TPG's sessions; null takes the engine's. {@code alua} is the
 * TPG's ALUA state as a target port group; null is {@link AluaConfig#DEFAULT}. {@code chapAlgorithms} are the CHAP
 * algorithms its initiators may use (leaving MD5 out switches it off for this TPG); null
 * takes {@link SecurityConfig#chapAlgorithms()}. {@code parameters} are the operational keys its logins are offered
 * (targetcli's TPG parameters); null offers the engine's. {@code chap} are the CHAP credentials of the initiators
 * it admits without an ACL of their own (generateNodeAcls; targetcli's TPG-level "set auth"): one shared secret for
 * any initiator; an initiator with an ACL uses its ACL's.
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
    AluaConfig alua,
    List<String> chapAlgorithms,
    TpgParametersConfig parameters,
    ChapConfig chap)
{
    /** Without CHAP credentials of its own (initiators admitted by generateNodeAcls then have none). */
    public TpgConfig(
        final int tag, final boolean enabled, final List<PortalConfig> portals, final List<LunConfig> luns,
        final List<AclConfig> acls, final boolean generateNodeAcls, final String authentication,
        final Integer nopInIntervalSeconds, final Integer nopInTimeoutSeconds, final AluaConfig alua,
        final List<String> chapAlgorithms, final TpgParametersConfig parameters)
    {
        this(tag, enabled, portals, luns, acls, generateNodeAcls, authentication, nopInIntervalSeconds,
            nopInTimeoutSeconds, alua, chapAlgorithms, parameters, null);
    }

    /** Offering the engine's operational keys. */
    public TpgConfig(
        final int tag, final boolean enabled, final List<PortalConfig> portals, final List<LunConfig> luns,
        final List<AclConfig> acls, final boolean generateNodeAcls, final String authentication,
        final Integer nopInIntervalSeconds, final Integer nopInTimeoutSeconds, final AluaConfig alua,
        final List<String> chapAlgorithms)
    {
        this(tag, enabled, portals, luns, acls, generateNodeAcls, authentication, nopInIntervalSeconds,
            nopInTimeoutSeconds, alua, chapAlgorithms, null);
    }

    /** Offering the security section's CHAP algorithms. */
    public TpgConfig(
        final int tag, final boolean enabled, final List<PortalConfig> portals, final List<LunConfig> luns,
        final List<AclConfig> acls, final boolean generateNodeAcls, final String authentication,
        final Integer nopInIntervalSeconds, final Integer nopInTimeoutSeconds, final AluaConfig alua)
    {
        this(tag, enabled, portals, luns, acls, generateNodeAcls, authentication, nopInIntervalSeconds,
            nopInTimeoutSeconds, alua, null);
    }

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
            nopInIntervalSeconds, nopInTimeoutSeconds, alua, chapAlgorithms, parameters, chap);
    }

    public TpgConfig withLuns(final List<LunConfig> newLuns)
    {
        return new TpgConfig(tag, enabled, portals, List.copyOf(newLuns), acls, generateNodeAcls, authentication,
            nopInIntervalSeconds, nopInTimeoutSeconds, alua, chapAlgorithms, parameters, chap);
    }

    public TpgConfig withAcls(final List<AclConfig> newAcls)
    {
        return new TpgConfig(tag, enabled, portals, luns, List.copyOf(newAcls), generateNodeAcls, authentication,
            nopInIntervalSeconds, nopInTimeoutSeconds, alua, chapAlgorithms, parameters, chap);
    }

    /** With these access settings: enabled, any initiator admitted, authentication. */
    public TpgConfig withAccess(final boolean newEnabled, final boolean newGenerateNodeAcls, final String newAuthentication)
    {
        return new TpgConfig(tag, newEnabled, portals, luns, acls, newGenerateNodeAcls, newAuthentication,
            nopInIntervalSeconds, nopInTimeoutSeconds, alua, chapAlgorithms, parameters, chap);
    }

    public TpgConfig withNopIn(final Integer intervalSeconds, final Integer timeoutSeconds)
    {
        return new TpgConfig(tag, enabled, portals, luns, acls, generateNodeAcls, authentication, intervalSeconds,
            timeoutSeconds, alua, chapAlgorithms, parameters, chap);
    }

    public TpgConfig withAlua(final AluaConfig newAlua)
    {
        return new TpgConfig(tag, enabled, portals, luns, acls, generateNodeAcls, authentication,
            nopInIntervalSeconds, nopInTimeoutSeconds, newAlua, chapAlgorithms, parameters, chap);
    }

    /** With these CHAP algorithms allowed; null takes the security section's. */
    public TpgConfig withChapAlgorithms(final List<String> algorithms)
    {
        return new TpgConfig(tag, enabled, portals, luns, acls, generateNodeAcls, authentication,
            nopInIntervalSeconds, nopInTimeoutSeconds, alua, null == algorithms ? null : List.copyOf(algorithms),
            parameters, chap);
    }

    /** With these operational keys; null or none set offers the engine's (the field is left out of the file). */
    public TpgConfig withParameters(final TpgParametersConfig newParameters)
    {
        return new TpgConfig(tag, enabled, portals, luns, acls, generateNodeAcls, authentication,
            nopInIntervalSeconds, nopInTimeoutSeconds, alua, chapAlgorithms,
            null == newParameters || newParameters.isEmpty() ? null : newParameters, chap);
    }

    /** With these CHAP credentials for initiators admitted without an ACL (generateNodeAcls); null: none. */
    public TpgConfig withChap(final ChapConfig newChap)
    {
        return new TpgConfig(tag, enabled, portals, luns, acls, generateNodeAcls, authentication,
            nopInIntervalSeconds, nopInTimeoutSeconds, alua, chapAlgorithms, parameters, newChap);
    }

    /** The operational keys, {@link TpgParametersConfig#NONE} when the file has none. */
    public TpgParametersConfig parametersOrNone()
    {
        return null == parameters ? TpgParametersConfig.NONE : parameters;
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
