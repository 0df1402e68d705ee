package io.ringtarget.server.config;

import java.util.List;

/**
 * The whole configuration of a ringtarget process: the object tree an administrator knows from targetcli
 * (backstores, iSCSI targets, their TPGs with portals, LUNs and ACLs) plus discovery authentication and engine
 * settings. Immutable; loaded from and saved to JSON by {@link ConfigFiles}.
 */
public record RingtargetConfig(
    List<BackstoreConfig> backstores,
    List<TargetConfig> targets,
    DiscoveryAuthConfig discoveryAuth,
    EngineConfig engine)
{
}
