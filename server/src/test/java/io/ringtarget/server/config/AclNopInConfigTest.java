package io.ringtarget.server.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An ACL's own NOP-In settings in the file, their validation and edits; left out, the TPG's (or the engine's). */
class AclNopInConfigTest
{
    private static final String IQN = "iqn.2026-04.com.example:target1";
    private static final String HOST = "iqn.1994-05.com.client:host1";

    private static String file(final String tpgFields, final String aclFields)
    {
        return "{\"targets\": [{\"iqn\": \"" + IQN + "\", \"tpgs\": [{\"portals\": [{\"ip\": \"127.0.0.1\"}], " +
            "\"acls\": [{\"initiatorIqn\": \"" + HOST + "\"" + aclFields + "}]" + tpgFields + "}]}]}";
    }

    private static AclConfig acl(final RingtargetConfig config)
    {
        return config.targets().getFirst().tpgs().getFirst().acls().getFirst();
    }

    @Test
    void leftOutTheyAreTheTpgsAndSavedTheyComeBack() throws ConfigException
    {
        final RingtargetConfig inherited = ConfigFiles.parse(file(", \"nopInIntervalSeconds\": 9", ""), "a.json");
        final TpgConfig tpg = inherited.targets().getFirst().tpgs().getFirst();
        assertNull(acl(inherited).nopInIntervalSeconds());
        assertEquals(9, acl(inherited).nopInIntervalSeconds(tpg, ConfigDefaults.engine()));
        assertEquals(ConfigDefaults.DEFAULT_NOP_IN_TIMEOUT_SECONDS,
            acl(inherited).nopInTimeoutSeconds(tpg, ConfigDefaults.engine()), "the engine's, through the TPG");
        assertFalse(ConfigFiles.toTree(inherited).at("/targets/0/tpgs/0/acls/0").has("nopInIntervalSeconds"),
            "not written into the ACL");

        final RingtargetConfig own = ConfigFiles.parse(file("", ", \"nopInIntervalSeconds\": 30, " +
            "\"nopInTimeoutSeconds\": 60"), "b.json");
        assertEquals(30, acl(own).nopInIntervalSeconds());
        assertEquals(60, acl(own).nopInTimeoutSeconds(own.targets().getFirst().tpgs().getFirst(), own.engine()));
        assertEquals(own, ConfigFiles.parse(ConfigFiles.toJson(own), "again.json"));
        assertEquals(List.of(), ConfigValidator.validate(own).stream().filter(ConfigProblem::isError).toList());
    }

    @Test
    void theTimeoutRuleHoldsForWhatTheAclGets() throws ConfigException
    {
        // The ACL turns pings on while the TPG's timeout is 0 (valid for the TPG, whose pings are off).
        final RingtargetConfig noTimeout = ConfigFiles.parse(file(", \"nopInIntervalSeconds\": 0, " +
            "\"nopInTimeoutSeconds\": 0", ", \"nopInIntervalSeconds\": 10"), "c.json");
        final List<ConfigProblem> problems = ConfigValidator.validate(noTimeout).stream().filter(ConfigProblem::isError)
            .toList();
        assertEquals(1, problems.size(), problems.toString());
        assertEquals("targets[0].tpgs[0].acls[0].nopInTimeoutSeconds", problems.getFirst().path());
        assertTrue(problems.getFirst().toString().contains("at least 1 while NOP-In pings are on (the TPG's is 0)"),
            problems.toString());
        final List<ConfigProblem> negative = ConfigValidator.validate(ConfigFiles.parse(
            file("", ", \"nopInTimeoutSeconds\": -1"), "e.json"));
        assertEquals("targets[0].tpgs[0].acls[0].nopInTimeoutSeconds", negative.getFirst().path(),
            negative.toString());
    }

    @Test
    void editsSetAndClearThemAndOtherAclEditsKeepThem()
    {
        RingtargetConfig config = ConfigEditor.addTarget(ConfigDefaults.empty(), IQN);
        config = ConfigEditor.addAcl(config, IQN, 1, new AclConfig(HOST, null));
        config = ConfigEditor.setAclNopIn(config, IQN, 1, HOST, 30, 60);
        config = ConfigEditor.setAclReadOnly(config, IQN, 1, HOST, true);
        AclConfig acl = ConfigEditor.acl(ConfigEditor.tpg(ConfigEditor.target(config, IQN), 1), HOST);
        assertEquals(30, acl.nopInIntervalSeconds());
        assertEquals(60, acl.nopInTimeoutSeconds());
        assertTrue(acl.readOnlyOrDefault());

        config = ConfigEditor.setAclNopIn(config, IQN, 1, HOST, ConfigEditor.ENGINE_NOP_IN, null);
        acl = ConfigEditor.acl(ConfigEditor.tpg(ConfigEditor.target(config, IQN), 1), HOST);
        assertNull(acl.nopInIntervalSeconds(), "the TPG's again");
        assertEquals(60, acl.nopInTimeoutSeconds(), "left as it was");
    }
}
