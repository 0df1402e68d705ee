package io.ringtarget.server.config;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A TPG's operational keys in the file ("parameters", RFC names), their validation and their edits. */
class TpgParametersConfigTest
{
    private static final String IQN = "iqn.2026-04.com.example:target1";

    private static String file(final String parameters)
    {
        return "{\"targets\": [{\"iqn\": \"" + IQN + "\", \"tpgs\": [{\"portals\": [{\"ip\": \"127.0.0.1\"}], " +
            "\"generateNodeAcls\": true, \"parameters\": {" + parameters + "}}]}]}";
    }

    private static List<ConfigProblem> problems(final String parameters) throws ConfigException
    {
        return ConfigValidator.validate(ConfigFiles.parse(file(parameters), "t.json"));
    }

    @Test
    void readWrittenAndReadAgainByTheirRfcNames() throws ConfigException
    {
        final RingtargetConfig config = ConfigFiles.parse(file("\"FirstBurstLength\": 65536, \"ImmediateData\": " +
            "\"No\", \"MaxOutstandingR2T\": 4"), "a.json");
        final TpgParametersConfig parameters = config.targets().getFirst().tpgs().getFirst().parameters();
        assertEquals(65536, parameters.firstBurstLength());
        assertEquals("No", parameters.immediateData());
        assertNull(parameters.maxBurstLength());
        assertEquals(List.of(), ConfigValidator.validate(config));
        final String saved = ConfigFiles.toJson(config);
        assertTrue(saved.contains("\"FirstBurstLength\" : 65536"), saved);
        assertFalse(saved.contains("MaxBurstLength"), "keys not set stay out of the file: " + saved);
        assertEquals(config, ConfigFiles.parse(saved, "again.json"));
        assertEquals(Map.of("FirstBurstLength", "65536", "MaxOutstandingR2T", "4", "ImmediateData", "No"),
            parameters.asMap());
    }

    @Test
    void valuesOutsideTheKeysRangesOrUnknownKeysAreRefusedByName() throws ConfigException
    {
        final List<ConfigProblem> tooLongSegment = problems("\"MaxRecvDataSegmentLength\": 1048576");
        assertEquals("targets[0].tpgs[0].parameters.MaxRecvDataSegmentLength", tooLongSegment.getFirst().path(),
            tooLongSegment.toString());
        final List<ConfigProblem> tooShort = problems("\"FirstBurstLength\": 256");
        assertEquals("targets[0].tpgs[0].parameters.FirstBurstLength", tooShort.getFirst().path(), tooShort.toString());
        final List<ConfigProblem> noR2t = problems("\"MaxOutstandingR2T\": 0");
        assertEquals("targets[0].tpgs[0].parameters.MaxOutstandingR2T", noR2t.getFirst().path(), noR2t.toString());
        final List<ConfigProblem> notYesNo = problems("\"InitialR2T\": \"true\"");
        assertEquals("targets[0].tpgs[0].parameters.InitialR2T", notYesNo.getFirst().path(), notYesNo.toString());
        final List<ConfigProblem> notADigest = problems("\"HeaderDigest\": \"CRC32\"");
        assertEquals("targets[0].tpgs[0].parameters.HeaderDigest", notADigest.getFirst().path(), notADigest.toString());
        final List<ConfigProblem> tooLong = problems("\"DefaultTime2Wait\": 3601");
        assertEquals("targets[0].tpgs[0].parameters.DefaultTime2Wait", tooLong.getFirst().path(), tooLong.toString());
        final ConfigException unknown =
            assertThrows(ConfigException.class, () -> problems("\"MaxConnections\": 2"));
        assertTrue(unknown.getMessage().contains("parameters.MaxConnections: unknown field \"MaxConnections\" " +
            "(known fields: "), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("HeaderDigest"), unknown.getMessage());
    }

    @Test
    void digestsAndTime2WaitAreReadAndWrittenByTheirRfcNames() throws ConfigException
    {
        final RingtargetConfig config = ConfigFiles.parse(file("\"HeaderDigest\": \"CRC32C\", \"DataDigest\": " +
            "\"CRC32C,None\", \"DefaultTime2Wait\": 10, \"DefaultTime2Retain\": 0"), "d.json");
        assertEquals(List.of(), ConfigValidator.validate(config));
        final TpgParametersConfig parameters = config.targets().getFirst().tpgs().getFirst().parameters();
        assertEquals(Map.of("HeaderDigest", "CRC32C", "DataDigest", "CRC32C,None", "DefaultTime2Wait", "10",
            "DefaultTime2Retain", "0"), parameters.asMap());
        assertEquals(config, ConfigFiles.parse(ConfigFiles.toJson(config), "again.json"));
    }

    @Test
    void firstBurstLengthAboveMaxBurstLengthIsRefusedWithTheRfcRule() throws ConfigException
    {
        final List<ConfigProblem> p = problems("\"FirstBurstLength\": 131072, \"MaxBurstLength\": 65536");
        assertEquals(1, p.size(), p.toString());
        assertEquals("targets[0].tpgs[0].parameters.FirstBurstLength", p.getFirst().path());
        assertTrue(p.getFirst().toString().contains("at most MaxBurstLength (65536), RFC 7143 13.14"), p.toString());
        // One of the two the engine's: the login offers the lower, nothing to refuse.
        assertEquals(List.of(), problems("\"MaxBurstLength\": 65536"));
    }

    @Test
    void editsSetAndClearKeysAndOtherEditsKeepThem()
    {
        RingtargetConfig config = ConfigEditor.addTarget(ConfigDefaults.empty(), IQN);
        final Map<String, String> set = new LinkedHashMap<>();
        set.put("FirstBurstLength", "16384");
        set.put("InitialR2T", "Yes");
        config = ConfigEditor.setTpgParameters(config, IQN, 1, set);
        config = ConfigEditor.setTpgNopIn(config, IQN, 1, 30, 60);
        config = ConfigEditor.setTpg(config, IQN, 1, null, true, null);
        TpgConfig tpg = ConfigEditor.tpg(ConfigEditor.target(config, IQN), 1);
        assertEquals(16384, tpg.parameters().firstBurstLength());
        assertEquals("Yes", tpg.parameters().initialR2T());

        config = ConfigEditor.setTpgParameters(config, IQN, 1, Map.of("FirstBurstLength", TpgParametersConfig.DEFAULT));
        tpg = ConfigEditor.tpg(ConfigEditor.target(config, IQN), 1);
        assertNull(tpg.parameters().firstBurstLength());
        assertEquals("Yes", tpg.parameters().initialR2T(), "the other key stays");

        config = ConfigEditor.setTpgParameters(config, IQN, 1, Map.of("InitialR2T", TpgParametersConfig.DEFAULT));
        assertNull(ConfigEditor.tpg(ConfigEditor.target(config, IQN), 1).parameters(),
            "none left: the field leaves the file");
    }
}
