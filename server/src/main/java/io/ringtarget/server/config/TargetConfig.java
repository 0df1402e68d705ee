package io.ringtarget.server.config;

import java.util.List;

/** An iSCSI target node: its IQN, an optional TargetAlias, and its target portal groups. */
public record TargetConfig(String iqn, String alias, List<TpgConfig> tpgs)
{
}
