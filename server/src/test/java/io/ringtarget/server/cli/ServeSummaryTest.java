package io.ringtarget.server.cli;

import io.ringtarget.server.config.AclConfig;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.ChapConfig;
import io.ringtarget.server.config.ConfigDefaults;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ServeSummaryTest
{
    @TempDir
    Path dir;

    @Test
    void namesTargetsPortalsLunsWithSizesAclsAndChap() throws IOException
    {
        final Path disk = Files.write(dir.resolve("disk1.img"), new byte[3 << 20]);
        final ChapConfig chap = new ChapConfig("host1", "host1-secret-1", null, null);
        final RingtargetConfig config = new RingtargetConfig(
            List.of(new BackstoreConfig("disk1", "fileio", disk.toString(), 0, 512, true, false, null, null),
                new BackstoreConfig("scratch", "ram", null, 64L << 20, 512, true, false, null, null)),
            List.of(new TargetConfig("iqn.2026-04.com.example:t1", null, List.of(
                    new TpgConfig(1, true, List.of(new PortalConfig("10.0.1.10", 3260), new PortalConfig("10.0.2.10", 3261)),
                        List.of(new LunConfig(0, "disk1", false), new LunConfig(1, "scratch", true)),
                        List.of(new AclConfig("iqn.1994-05.com.client:h1", chap),
                            new AclConfig("iqn.1994-05.com.client:h2", chap)), false, "chap"),
                    new TpgConfig(2, false, List.of(), List.of(), List.of(), false, "none"))),
                new TargetConfig("iqn.2026-04.com.example:t2", null, List.of(
                    new TpgConfig(1, true, List.of(new PortalConfig("0.0.0.0", 3260)),
                        List.of(new LunConfig(0, "scratch", false)), List.of(), true, "none")))),
            new DiscoveryAuthConfig("chap", new ChapConfig("disc", "disc-secret-12", null, null)),
            ConfigDefaults.engine());

        assertEquals("""
                ringtarget: serving /etc/x.json (2 targets)
                  iqn.2026-04.com.example:t1 tpg 1: 10.0.1.10:3260, 10.0.2.10:3261; 2 ACLs, CHAP required
                    LUN 0 -> disk1 (fileio %s, 3MiB)
                    LUN 1 -> scratch (ram, 64MiB), read-only
                  iqn.2026-04.com.example:t1 tpg 2: disabled, not served
                  iqn.2026-04.com.example:t2 tpg 1: 0.0.0.0:3260; any initiator, no CHAP
                    LUN 0 -> scratch (ram, 64MiB)
                  discovery: CHAP required
                """.formatted(disk), ServeSummary.of(Path.of("/etc/x.json"), config));
    }
}
