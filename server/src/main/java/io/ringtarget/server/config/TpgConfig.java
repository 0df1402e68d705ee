package io.ringtarget.server.config;

import java.util.List;

/**
 * A target portal group (RFC 7143 TargetPortalGroupTag = {@code tag}). {@code authentication} is "none" or
 * "chap" (CHAP required for every initiator of this TPG). {@code generateNodeAcls} true admits any initiator
 * (targetcli's demo mode); otherwise only initiators listed in {@code acls} see and log into the target.
 * {@code nopInIntervalSeconds} and {@code nopInTimeoutSeconds} (targetcli's nopin_timeout and
 * nopin_response_timeout) set the NOP-In pings of this TPG's sessions; null takes the engine's.
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
    Integer nopInTimeoutSeconds)
{
    /** A TPG whose sessions are pinged as the engine says. */
    public TpgConfig(
        final int tag, final boolean enabled, final List<PortalConfig> portals, final List<LunConfig> luns,
        final List<AclConfig> acls, final boolean generateNodeAcls, final String authentication)
    {
        this(tag, enabled, portals, luns, acls, generateNodeAcls, authentication, null, null);
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
