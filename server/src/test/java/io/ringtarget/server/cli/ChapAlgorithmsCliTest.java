package io.ringtarget.server.cli;

import io.ringtarget.server.config.ConfigEditor;
import io.ringtarget.server.config.ConfigFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static io.ringtarget.server.cli.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --chap-algorithms} of {@code iscsi tpg set} and {@code discovery-auth set}: saved, cleared, refused. */
class ChapAlgorithmsCliTest
{
    private static final String TARGET = "iqn.2026-04.com.example:target1";

    @TempDir
    Path dir;

    @Test
    void aTpgTakesItsOwnOrderAndMd5CanBeSwitchedOff() throws Exception
    {
        final Path config = dir.resolve("saveconfig.json");
        assertEquals(0, run(config, "iscsi", "create", TARGET).exitCode());

        final CliRunner.Result set = run(config, "iscsi", "tpg", "set", TARGET, "--chap-algorithms", "SHA3-256,sha-256");
        assertEquals(0, set.exitCode(), set::toString);
        assertTrue(set.out().endsWith(", CHAP algorithms SHA3-256,SHA256.\n"), set.out());
        assertEquals(List.of("SHA3-256", "SHA256"),
            ConfigEditor.tpg(ConfigEditor.target(ConfigFiles.load(config), TARGET), 1).chapAlgorithms());

        final byte[] before = Files.readAllBytes(config);
        final CliRunner.Result unknown = run(config, "iscsi", "tpg", "set", TARGET, "--chap-algorithms", "MD4");
        assertEquals(2, unknown.exitCode(), unknown::toString);
        assertTrue(unknown.err().contains("--chap-algorithms: \"MD4\" is none of SHA3-256, SHA256, SHA1, MD5"),
            unknown.err());
        assertArrayEquals(before, Files.readAllBytes(config), "a refused edit leaves the file as it was");

        final CliRunner.Result back = run(config, "iscsi", "tpg", "set", TARGET, "--chap-algorithms", "default");
        assertEquals(0, back.exitCode(), back::toString);
        assertTrue(back.out().endsWith("CHAP algorithms SHA3-256,SHA256,SHA1,MD5 (the security section's).\n"),
            back.out());
        assertNull(ConfigEditor.tpg(ConfigEditor.target(ConfigFiles.load(config), TARGET), 1).chapAlgorithms());
    }

    @Test
    void discoveryKeepsItsAlgorithmsWhenItsCredentialsChangeAndSecretsStayInA0600File() throws Exception
    {
        final Path config = dir.resolve("saveconfig.json");
        assertEquals(0, run(config, "discovery-auth", "set", "--authentication", "chap", "--user", "disc",
            "--password", "discovery-secret", "--chap-algorithms", "SHA256").exitCode());
        final CliRunner.Result again = run(config, "discovery-auth", "set", "--authentication", "chap", "--user", "disc",
            "--password", "another-secret1");
        assertEquals(0, again.exitCode(), again::toString);
        assertEquals(List.of("SHA256"), ConfigFiles.load(config).discoveryAuth().chapAlgorithms());
        assertFalse(again.out().contains("another-secret1"), "no secret in what the CLI prints");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
    }
}
