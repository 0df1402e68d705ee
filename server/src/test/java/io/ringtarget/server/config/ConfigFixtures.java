package io.ringtarget.server.config;

import java.util.List;

/** Configurations shared by the config and CLI tests. */
public final class ConfigFixtures
{
    private ConfigFixtures()
    {
    }

    /** A configuration with every field set to a value other than its default. */
    public static RingtargetConfig everyField()
    {
        final BackstoreConfig fileio = new BackstoreConfig(
            "disk1", "fileio", "/var/iscsi_disks/disk1.img", 10L << 30, 4096, false, true, "serial-disk1", "3a1b2c3d4e5f6071");
        final BackstoreConfig block = new BackstoreConfig(
            "lv0", "block", "/dev/vg0/lv0", 0, 0, true, false, "serial-lv0", "5001405abcdef012");
        final BackstoreConfig ram = new BackstoreConfig(
            "scratch", "ram", null, 64L << 20, 512, true, false, null, null).withSoftThresholdPercent(80)
            .withHugePages(false);
        final ChapConfig oneWay = new ChapConfig("host1", "host1-secret-12", null, null);
        final ChapConfig mutual = new ChapConfig("host2", "host2-secret-12", "target1", "target1-secret");
        final TpgConfig tpg1 = new TpgConfig(
            1, true,
            List.of(new PortalConfig("10.0.1.10", 3260), new PortalConfig("10.0.2.10", 3260)),
            List.of(new LunConfig(0, "disk1", false), new LunConfig(1, "lv0", true)),
            List.of(new AclConfig("iqn.1994-05.com.client:host1", oneWay),
                new AclConfig("iqn.1994-05.com.client:host2", mutual, List.of())),
            false, "chap");
        final TpgConfig tpg2 = new TpgConfig(
            2, false, List.of(new PortalConfig("127.0.0.1", 3261)), List.of(new LunConfig(0, "scratch", false)),
            List.of(), true, "none");
        return new RingtargetConfig(
            List.of(fileio, block, ram),
            List.of(new TargetConfig("iqn.2026-04.com.example:target1", "first target", List.of(tpg1, tpg2))),
            new DiscoveryAuthConfig("chap", new ChapConfig("discovery", "discovery-sec1", "disc-target", "disc-target-sec")),
            new EngineConfig(2, true, "busy", 10, 30).withDataBuffers(512, 64)).withStateDirectory("/srv/ringtarget/state");
    }
}
