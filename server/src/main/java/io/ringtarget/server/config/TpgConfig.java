package io.ringtarget.server.config;

import java.util.List;

/**
 * A target portal group (RFC 7143 TargetPortalGroupTag = {@code tag}). {@code authentication} is "none" or
 * "chap" (CHAP required for every initiator of this TPG). {@code generateNodeAcls} true admits any initiator
 * (targetcli's demo mode); otherwise only initiators listed in {@code acls} see and log into the target.
 */
public record TpgConfig(
    int tag,
    boolean enabled,
    List<PortalConfig> portals,
    List<LunConfig> luns,
    List<AclConfig> acls,
    boolean generateNodeAcls,
    String authentication)
{
}
