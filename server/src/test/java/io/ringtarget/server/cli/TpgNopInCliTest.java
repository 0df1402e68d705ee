package io.ringtarget.server.cli;

import io.ringtarget.server.config.ConfigEditor;
import io.ringtarget.server.config.ConfigFiles;
import io.ringtarget.server.config.TpgConfig;
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
 * {@code ringtarget iscsi tpg set IQN --nopin-interval S --nopin-timeout S} and {@code ringtarget iscsi tpg acls
 * set-nopin IQN INITIATOR ...}: validated, saved atomically.
 */
class TpgNopInCliTest
{
    private static final String TARGET = "iqn.2026-04.com.example:target1";

    @TempDir
    Path dir;

    private TpgConfig tpg(final Path config) throws Exception
    {
        return ConfigEditor.tpg(ConfigEditor.target(ConfigFiles.load(config), TARGET), 1);
    }

    @Test
    void setsClearsAndRefusesNopInSettingsOfATpg() throws Exception
    {
        final Path config = dir.resolve("saveconfig.json");
        assertEquals(0, run(config, "iscsi", "create", TARGET).exitCode());

        final CliRunner.Result set = run(config, "iscsi", "tpg", "set", TARGET, "--nopin-interval", "30",
            "--nopin-timeout", "60");
        assertEquals(0, set.exitCode(), set::toString);
        assertEquals("TPG 1: authentication none, generateNodeAcls false, enabled, NOP-In every 30 s, timeout 60 s.\n",
            set.out());
        assertEquals(30, tpg(config).nopInIntervalSeconds());
        assertEquals(60, tpg(config).nopInTimeoutSeconds());

        final CliRunner.Result back = run(config, "iscsi", "tpg", "set", TARGET, "--tpg", "1", "--nopin-interval",
            "engine", "--nopin-timeout", "engine");
        assertEquals(0, back.exitCode(), back::toString);
        assertTrue(back.out().endsWith("NOP-In every 5 s, timeout 15 s (the engine's).\n"), back.out());
        assertNull(tpg(config).nopInIntervalSeconds());
        assertTrue(!Files.readString(config).contains("nopInTimeoutSeconds\" : 60"));

        final byte[] before = Files.readAllBytes(config);
        final CliRunner.Result notANumber = run(config, "iscsi", "tpg", "set", TARGET, "--nopin-interval", "5s");
        assertEquals(2, notANumber.exitCode(), notANumber::toString);
        assertTrue(notANumber.err().contains("--nopin-interval: \"5s\" is not a number of seconds (0 or more) or " +
            "\"engine\""), notANumber.err());
        // Pings on with no time to answer them: refused by validation, naming the field.
        final CliRunner.Result noTimeout = run(config, "iscsi", "tpg", "set", TARGET, "--nopin-timeout", "0");
        assertEquals(2, noTimeout.exitCode(), noTimeout::toString);
        assertTrue(noTimeout.err().contains("tpgs[0].nopInTimeoutSeconds: at least 1 while NOP-In pings are on"),
            noTimeout.err());
        assertArrayEquals(before, Files.readAllBytes(config), "refused edits leave the file as it was");

        final CliRunner.Result off = run(config, "iscsi", "tpg", "set", TARGET, "--nopin-interval", "0",
            "--nopin-timeout", "0");
        assertEquals(0, off.exitCode(), off::toString);
        assertTrue(off.out().endsWith("NOP-In off.\n"), off.out());
    }

    @Test
    void setsClearsAndRefusesNopInSettingsOfAnAcl() throws Exception
    {
        final String host = "iqn.1994-05.com.client:host1";
        final Path config = dir.resolve("saveconfig.json");
        assertEquals(0, run(config, "iscsi", "create", TARGET).exitCode());
        assertEquals(0, run(config, "iscsi", "tpg", "acls", "create", TARGET, host).exitCode());
        assertEquals(0, run(config, "iscsi", "tpg", "set", TARGET, "--nopin-interval", "0").exitCode());

        final CliRunner.Result set = run(config, "iscsi", "tpg", "acls", "set-nopin", TARGET, host,
            "--nopin-interval", "30", "--nopin-timeout", "60");
        assertEquals(0, set.exitCode(), set::toString);
        assertEquals(host + ": NOP-In every 30 s, timeout 60 s.\n", set.out());
        final CliRunner.Result list = run(config, "iscsi", "tpg", "acls", "list", TARGET);
        assertTrue(list.out().contains(host + "  all LUNs  NOP-In 30s/60s"), list::toString);
        assertTrue(run(config, "config", "show").out().contains("NOP-In every 30 s, timeout 60 s"));

        final CliRunner.Result back = run(config, "iscsi", "tpg", "acls", "set-nopin", TARGET, host,
            "--nopin-interval", "tpg", "--nopin-timeout", "tpg");
        assertEquals(0, back.exitCode(), back::toString);
        assertEquals(host + ": NOP-In off (the TPG's).\n", back.out());
        assertTrue(!Files.readString(config).contains("nopInTimeoutSeconds\" : 60"), "left out of the file");

        final CliRunner.Result word = run(config, "iscsi", "tpg", "acls", "set-nopin", TARGET, host,
            "--nopin-interval", "engine");
        assertEquals(2, word.exitCode(), word::toString);
        assertTrue(word.err().contains("--nopin-interval: \"engine\" is not a number of seconds (0 or more) or " +
            "\"tpg\""), word.err());
        final CliRunner.Result nothing = run(config, "iscsi", "tpg", "acls", "set-nopin", TARGET, host);
        assertEquals(2, nothing.exitCode(), nothing::toString);
        // Pings on for the ACL with the TPG's timeout of 0: refused by validation, naming the field.
        assertEquals(0, run(config, "iscsi", "tpg", "set", TARGET, "--nopin-timeout", "0").exitCode());
        final byte[] before = Files.readAllBytes(config);
        final CliRunner.Result noTimeout = run(config, "iscsi", "tpg", "acls", "set-nopin", TARGET, host,
            "--nopin-interval", "10");
        assertEquals(2, noTimeout.exitCode(), noTimeout::toString);
        assertTrue(noTimeout.err().contains("acls[0] (" + host + ").nopInTimeoutSeconds: at least 1 while NOP-In " +
            "pings are on (the TPG's is 0)"), noTimeout.err());
        assertArrayEquals(before, Files.readAllBytes(config), "refused edits leave the file as it was");
        final CliRunner.Result unknown = run(config, "iscsi", "tpg", "acls", "set-nopin", TARGET,
            "iqn.1994-05.com.client:nobody", "--nopin-interval", "10");
        assertEquals(2, unknown.exitCode(), unknown::toString);
    }
}
