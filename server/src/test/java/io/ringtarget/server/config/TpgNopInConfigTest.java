package io.ringtarget.server.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The NOP-In settings of a TPG in the file, its validation and its edits; left out, the engine's apply. */
class TpgNopInConfigTest
{
    private static final String IQN = "iqn.2026-04.com.example:target1";

    private static String file(final String tpgFields, final String engineFields)
    {
        return "{\"targets\": [{\"iqn\": \"" + IQN + "\", \"tpgs\": [{\"portals\": [{\"ip\": \"127.0.0.1\"}], " +
            "\"generateNodeAcls\": true" + tpgFields + "}]}], \"engine\": {" + engineFields + "}}";
    }

    @Test
    void leftOutTheyAreTheEnginesAndSavedTheyComeBack() throws ConfigException
    {
        final RingtargetConfig inherited = ConfigFiles.parse(file("", "\"nopInIntervalSeconds\": 7"), "a.json");
        final TpgConfig tpg = inherited.targets().getFirst().tpgs().getFirst();
        assertNull(tpg.nopInIntervalSeconds());
        assertNull(tpg.nopInTimeoutSeconds());
        assertEquals(7, tpg.nopInIntervalSeconds(inherited.engine()));
        assertEquals(ConfigDefaults.DEFAULT_NOP_IN_TIMEOUT_SECONDS, tpg.nopInTimeoutSeconds(inherited.engine()));
        assertFalse(ConfigFiles.toTree(inherited).at("/targets/0/tpgs/0").has("nopInIntervalSeconds"),
            "not written into the TPG: it stays the engine's");
        assertTrue(ConfigFiles.toTree(inherited).at("/engine").has("nopInIntervalSeconds"));

        final RingtargetConfig own = ConfigFiles.parse(
            file(", \"nopInIntervalSeconds\": 30, \"nopInTimeoutSeconds\": 60", ""), "b.json");
        final TpgConfig set = own.targets().getFirst().tpgs().getFirst();
        assertEquals(30, set.nopInIntervalSeconds());
        assertEquals(60, set.nopInTimeoutSeconds(own.engine()));
        assertEquals(own, ConfigFiles.parse(ConfigFiles.toJson(own), "again.json"));
        assertEquals(List.of(), ConfigValidator.validate(own));
    }

    @Test
    void theTimeoutRuleHoldsForWhatTheTpgGets() throws ConfigException
    {
        // The TPG turns pings on while the engine's timeout is 0 (valid for the engine, whose pings are off).
        final RingtargetConfig noTimeout = ConfigFiles.parse(
            file(", \"nopInIntervalSeconds\": 10", "\"nopInIntervalSeconds\": 0, \"nopInTimeoutSeconds\": 0"), "c.json");
        final List<ConfigProblem> problems = ConfigValidator.validate(noTimeout);
        assertEquals(1, problems.size(), problems.toString());
        assertEquals("targets[0].tpgs[0].nopInTimeoutSeconds", problems.getFirst().path());
        assertTrue(problems.getFirst().toString().contains("at least 1 while NOP-In pings are on (the engine's is 0)"),
            problems.toString());
        // Pings off in the TPG: a timeout of 0 is fine.
        assertEquals(List.of(), ConfigValidator.validate(ConfigFiles.parse(
            file(", \"nopInIntervalSeconds\": 0, \"nopInTimeoutSeconds\": 0", ""), "d.json")));
        // Negative: the schema's range.
        final List<ConfigProblem> negative = ConfigValidator.validate(ConfigFiles.parse(
            file(", \"nopInIntervalSeconds\": -1", ""), "e.json"));
        assertEquals("targets[0].tpgs[0].nopInIntervalSeconds", negative.getFirst().path(), negative.toString());
    }

    @Test
    void editsSetAndClearThemAndOtherEditsKeepThem()
    {
        RingtargetConfig config = ConfigEditor.addTarget(ConfigDefaults.empty(), IQN);
        config = ConfigEditor.setTpgNopIn(config, IQN, 1, 30, 60);
        config = ConfigEditor.addPortal(config, IQN, 1, new PortalConfig("127.0.0.1", 3260));
        config = ConfigEditor.addAcl(config, IQN, 1, new AclConfig("iqn.1994-05.com.client:host1", null));
        config = ConfigEditor.setTpg(config, IQN, 1, null, true, null);
        config = ConfigEditor.addBackstore(config, new BackstoreConfig("r", "ram", null, 1 << 20, 512, true, false, null, null));
        config = ConfigEditor.addLun(config, IQN, 1, "r", null, false);
        TpgConfig tpg = ConfigEditor.tpg(ConfigEditor.target(config, IQN), 1);
        assertEquals(30, tpg.nopInIntervalSeconds());
        assertEquals(60, tpg.nopInTimeoutSeconds());

        config = ConfigEditor.setTpgNopIn(config, IQN, 1, ConfigEditor.ENGINE_NOP_IN, null);
        tpg = ConfigEditor.tpg(ConfigEditor.target(config, IQN), 1);
        assertNull(tpg.nopInIntervalSeconds(), "the engine's again");
        assertEquals(60, tpg.nopInTimeoutSeconds(), "untouched");
    }
}
