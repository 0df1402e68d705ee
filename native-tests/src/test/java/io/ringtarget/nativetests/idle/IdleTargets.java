package io.ringtarget.nativetests.idle;

import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.MetricsConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;

import java.util.List;

/** The target the idle tests measure: one 16 MiB RAM LUN, open to any initiator, no metrics endpoint. */
final class IdleTargets
{
    private IdleTargets()
    {
    }

    static RingtargetConfig config(final String iqn, final int port, final int loops)
    {
        return new RingtargetConfig(
            List.of(new BackstoreConfig("ram0", "ram", null, 16L << 20, 512, true, false, null, null)),
            List.of(new TargetConfig(iqn, "idle", List.of(new TpgConfig(1, true,
                List.of(new PortalConfig("127.0.0.1", port)), List.of(new LunConfig(0, "ram0", false)), List.of(), true,
                "none")))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(loops, false, "ring", 50, 5, 15),
            new MetricsConfig(MetricsConfig.OFF), null);
    }
}
