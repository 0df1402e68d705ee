package io.ringtarget.server.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConfigEditorTest
{
    private static final String IQN = "iqn.2026-04.com.example:target1";

    @Test
    void editsReturnNewConfigurationsAndLeaveTheOldOneAlone()
    {
        final RingtargetConfig empty = ConfigDefaults.empty();
        final RingtargetConfig withTarget = ConfigEditor.addTarget(empty, IQN);

        assertEquals(List.of(), empty.targets());
        assertEquals(List.of(new TargetConfig(IQN, null, List.of(new TpgConfig(1, true, List.of(), List.of(), List.of(),
            false, "none")))), withTarget.targets());
    }

    @Test
    void tpgsAreAddedAndDeletedByTag()
    {
        final RingtargetConfig config = ConfigEditor.addTpg(ConfigEditor.addTarget(ConfigDefaults.empty(), IQN), IQN, 2);

        assertEquals(List.of(1, 2), config.targets().getFirst().tpgs().stream().map(TpgConfig::tag).toList());
        assertEquals("target " + IQN + " has a TPG 2 already",
            assertThrows(IllegalArgumentException.class, () -> ConfigEditor.addTpg(config, IQN, 2)).getMessage());
        assertEquals(List.of(2), ConfigEditor.deleteTpg(config, IQN, 1).targets().getFirst().tpgs().stream()
            .map(TpgConfig::tag).toList());
        assertEquals("target " + IQN + " has no TPG 3 (TPGs: 1, 2)",
            assertThrows(IllegalArgumentException.class, () -> ConfigEditor.deleteTpg(config, IQN, 3)).getMessage());
    }

    @Test
    void lunNumbersFillTheLowestGap()
    {
        RingtargetConfig config = ConfigEditor.addTarget(ConfigDefaults.empty(), IQN);
        config = ConfigEditor.addBackstore(config, new BackstoreConfig("r", "ram", null, 1 << 20, 512, true, false, null, null));
        config = ConfigEditor.addLun(config, IQN, 1, "r", 0, false);
        config = ConfigEditor.addLun(config, IQN, 1, "r", 2, false);
        config = ConfigEditor.addLun(config, IQN, 1, "r", null, false);
        config = ConfigEditor.addLun(config, IQN, 1, "r", null, false);

        assertEquals(List.of(0, 2, 1, 3), config.targets().getFirst().tpgs().getFirst().luns().stream()
            .map(LunConfig::lun).toList());
        assertEquals(List.of(IQN + " tpg 1 LUN 0", IQN + " tpg 1 LUN 2", IQN + " tpg 1 LUN 1", IQN + " tpg 1 LUN 3"),
            ConfigEditor.lunsUsing(config, "r"));
    }

    @Test
    void targetsAreFoundWithoutCaseAsIscsiNamesAre()
    {
        final RingtargetConfig config = ConfigEditor.addTarget(ConfigDefaults.empty(), IQN);

        assertEquals(IQN, ConfigEditor.target(config, IQN.toUpperCase(java.util.Locale.ROOT)).iqn());
        assertThrows(IllegalArgumentException.class, () -> ConfigEditor.addTarget(config, IQN.toUpperCase(java.util.Locale.ROOT)));
    }

    @Test
    void portalsAreComparedAsAddresses()
    {
        RingtargetConfig config = ConfigEditor.addTarget(ConfigDefaults.empty(), IQN);
        config = ConfigEditor.addPortal(config, IQN, 1, new PortalConfig("::1", 3260));
        final RingtargetConfig withPortal = config;

        assertThrows(IllegalArgumentException.class,
            () -> ConfigEditor.addPortal(withPortal, IQN, 1, new PortalConfig("0:0:0:0:0:0:0:1", 3260)));
        assertEquals(List.of(), ConfigEditor.deletePortal(withPortal, IQN, 1, new PortalConfig("0:0:0:0:0:0:0:1", 3260))
            .targets().getFirst().tpgs().getFirst().portals());
    }
}
