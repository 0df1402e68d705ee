package io.ringtarget.server.cli;

import io.ringtarget.server.config.ConfigEditor;
import io.ringtarget.server.config.ConfigFiles;
import io.ringtarget.server.config.TpgParametersConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.ringtarget.server.cli.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ringtarget iscsi tpg set IQN --parameter KEY=VALUE} (targetcli's {@code set parameter}): RFC key names in
 * any case, Yes/No, "default" for the engine's; refused values name the key and leave the file as it was; {@code ls}
 * shows what a TPG sets.
 */
class TpgParametersCliTest
{
    private static final String TARGET = "iqn.2026-04.com.example:target1";

    @TempDir
    Path dir;

    private TpgParametersConfig parameters(final Path config) throws Exception
    {
        return ConfigEditor.tpg(ConfigEditor.target(ConfigFiles.load(config), TARGET), 1).parametersOrNone();
    }

    @Test
    void setsShowsAndClearsParametersOfATpg() throws Exception
    {
        final Path config = dir.resolve("saveconfig.json");
        assertEquals(0, run(config, "iscsi", "create", TARGET).exitCode());

        final CliRunner.Result set = run(config, "iscsi", "tpg", "set", TARGET, "--parameter", "FirstBurstLength=65536",
            "--parameter", "immediatedata=no", "--parameter", "InitialR2T=Yes");
        assertEquals(0, set.exitCode(), set::toString);
        assertEquals("TPG 1: authentication none, generateNodeAcls false, enabled, parameters FirstBurstLength=65536 " +
            "InitialR2T=Yes ImmediateData=No (at the next login).\n", set.out());
        assertEquals(65536, parameters(config).firstBurstLength());
        assertEquals("No", parameters(config).immediateData());
        assertTrue(Files.readString(config).contains("\"ImmediateData\" : \"No\""), Files.readString(config));

        final CliRunner.Result ls = run(config, "ls");
        assertEquals(0, ls.exitCode(), ls::toString);
        assertTrue(ls.out().contains("FirstBurstLength=65536, InitialR2T=Yes, ImmediateData=No]"), ls.out());

        final CliRunner.Result back = run(config, "iscsi", "tpg", "set", TARGET, "--parameter",
            "FirstBurstLength=default", "--parameter", "InitialR2T=default", "--parameter", "ImmediateData=default");
        assertEquals(0, back.exitCode(), back::toString);
        assertTrue(back.out().endsWith("the engine's parameters.\n"), back.out());
        assertNull(ConfigEditor.tpg(ConfigEditor.target(ConfigFiles.load(config), TARGET), 1).parameters());
        assertTrue(!Files.readString(config).contains("parameters"), Files.readString(config));
    }

    @Test
    void digestsAndTime2WaitAreSetAsListsAndNumbers() throws Exception
    {
        final Path config = dir.resolve("saveconfig.json");
        assertEquals(0, run(config, "iscsi", "create", TARGET).exitCode());
        final CliRunner.Result set = run(config, "iscsi", "tpg", "set", TARGET, "--parameter", "headerdigest=crc32c",
            "--parameter", "DataDigest=none, CRC32C, none", "--parameter", "DefaultTime2Wait=5");
        assertEquals(0, set.exitCode(), set::toString);
        assertTrue(set.out().contains("parameters HeaderDigest=CRC32C DataDigest=None,CRC32C DefaultTime2Wait=5 " +
            "(at the next login)"), set.out());
        assertEquals("CRC32C", parameters(config).headerDigest());
        assertEquals("None,CRC32C", parameters(config).dataDigest(), "each once, in the order given");
        assertEquals(5, parameters(config).defaultTime2Wait());
        assertTrue(Files.readString(config).contains("\"HeaderDigest\" : \"CRC32C\""), Files.readString(config));
    }

    @Test
    void refusedParametersNameTheKeyAndLeaveTheFile() throws Exception
    {
        final Path config = dir.resolve("saveconfig.json");
        assertEquals(0, run(config, "iscsi", "create", TARGET).exitCode());
        assertEquals(0, run(config, "iscsi", "tpg", "set", TARGET, "--parameter", "MaxBurstLength=65536").exitCode());
        final byte[] before = Files.readAllBytes(config);

        assertRefused(config, "--parameter: \"MaxConnections\" is not a TPG parameter; one of " +
            "MaxRecvDataSegmentLength, MaxBurstLength, FirstBurstLength, MaxOutstandingR2T, InitialR2T, " +
            "ImmediateData, HeaderDigest, DataDigest, DefaultTime2Wait, DefaultTime2Retain", "MaxConnections=2");
        assertRefused(config, "--parameter HeaderDigest: \"CRC32\" is not CRC32C, None, both (CRC32C,None) or " +
            "default", "HeaderDigest=CRC32");
        assertRefused(config, "--parameter DefaultTime2Wait: \"2s\" is not a number of seconds or default",
            "DefaultTime2Wait=2s");
        assertRefused(config, "tpgs[0].parameters.DefaultTime2Retain", "DefaultTime2Retain=3601");
        assertRefused(config, "--parameter: \"FirstBurstLength\" is not KEY=VALUE", "FirstBurstLength");
        assertRefused(config, "--parameter FirstBurstLength: \"64k\" is not a number of bytes or default",
            "FirstBurstLength=64k");
        assertRefused(config, "--parameter InitialR2T: \"maybe\" is not Yes, No or default", "InitialR2T=maybe");
        // Validation: the key's range (the schema) and FirstBurstLength <= MaxBurstLength (RFC 7143 13.14).
        assertRefused(config, "tpgs[0].parameters.MaxRecvDataSegmentLength", "MaxRecvDataSegmentLength=1048576");
        assertRefused(config, "tpgs[0].parameters.FirstBurstLength: at most MaxBurstLength (65536), RFC 7143 13.14",
            "FirstBurstLength=131072");
        assertArrayEquals(before, Files.readAllBytes(config), "refused edits leave the file as it was");
    }

    private static void assertRefused(final Path config, final String error, final String parameter)
    {
        final CliRunner.Result r = run(config, "iscsi", "tpg", "set", TARGET, "--parameter", parameter);
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains(error), r.err());
    }
}
