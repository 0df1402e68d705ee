package io.ringtarget.server.cli;

import io.ringtarget.server.config.ConfigFiles;
import io.ringtarget.server.config.ReadOnlyDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.ringtarget.server.cli.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where the CLI finds its configuration file, and what it says when it cannot use it. */
class ConfigFileOptionTest
{
    @TempDir
    Path dir;

    @AfterEach
    void forgetEnvironment()
    {
        System.clearProperty(ConfigFileOption.ENVIRONMENT);
    }

    @Test
    void minusCWorksBeforeBetweenAndAfterTheSubcommands()
    {
        final Path before = dir.resolve("before.json");
        final Path between = dir.resolve("between.json");
        final Path after = dir.resolve("after.json");

        assertEquals(0, run("-c", before.toString(), "backstores", "ram", "create", "r1", "1M").exitCode());
        assertEquals(0, run("backstores", "--config", between.toString(), "ram", "create", "r2", "1M").exitCode());
        assertEquals(0, run("backstores", "ram", "create", "r3", "1M", "-c", after.toString()).exitCode());

        assertTrue(run("--config=" + before, "backstores", "list").out().startsWith("r1 "));
        assertTrue(run("backstores", "-c", between.toString(), "list").out().startsWith("r2 "));
        assertTrue(run("backstores", "list", "-c", after.toString()).out().startsWith("r3 "));
        final CliRunner.Result validate = run("-c", before.toString(), "config", "validate");
        assertEquals(0, validate.exitCode(), validate::toString);
        assertTrue(validate.out().endsWith(before + ": valid\n"), validate::toString);
    }

    @Test
    void minusCIsInTheHelpOfTheSubcommands()
    {
        assertTrue(run("--help").out().contains("-c, --config=FILE"));
        assertTrue(run("iscsi", "tpg", "luns", "create", "--help").out().contains("-c, --config=FILE"));
    }

    /** What an edit says when no running target serves the file. */
    private static String saved(final Path file)
    {
        return "ringtarget: saved in " + file + " (no running target serves it: it applies when one starts)\n";
    }

    @Test
    void creatingTheFileWithoutMinusCSaysWhichFileItIs()
    {
        final Path fromEnvironment = dir.resolve("etc/saveconfig.json");
        System.setProperty(ConfigFileOption.ENVIRONMENT, fromEnvironment.toString());

        final CliRunner.Result first = run("backstores", "ram", "create", "r1", "1M");
        assertEquals(0, first.exitCode(), first::toString);
        assertEquals("ringtarget: created " + fromEnvironment + " (from RINGTARGET_CONFIG; -c FILE for another)\n" +
            saved(fromEnvironment), first.err());
        assertTrue(Files.exists(fromEnvironment));

        final CliRunner.Result second = run("backstores", "ram", "create", "r2", "1M");
        assertEquals(saved(fromEnvironment), second.err(), "said once, when the file is created");

        final Path named = dir.resolve("named.json");
        final CliRunner.Result namedRun = run("-c", named.toString(), "backstores", "ram", "create", "r1", "1M");
        assertEquals(saved(named), namedRun.err(), "a file named with -c needs no notice");
    }

    @Test
    void theDefaultFileIsNamedAsTheDefault()
    {
        assertEquals("created /etc/ringtarget/saveconfig.json (the default; -c FILE for another)",
            ConfigFileOption.createdNotice(Path.of(ConfigFiles.DEFAULT_PATH), ConfigFileOption.Origin.DEFAULT));
        assertNull(ConfigFileOption.createdNotice(Path.of("/x.json"), ConfigFileOption.Origin.OPTION));
    }

    @Test
    void aDirectoryGivenAsTheFileIsNamedWithTheOsError() throws IOException
    {
        final Path etc = Files.createDirectories(dir.resolve("etc/ringtarget"));

        final CliRunner.Result show = run("-c", etc.toString(), "iscsi", "ls");
        assertEquals(1, show.exitCode(), show::toString);
        assertEquals("ringtarget: cannot read " + etc + ": Is a directory\n", show.err());

        final CliRunner.Result serve = run("serve", "-c", etc.toString());
        assertEquals("ringtarget: cannot read " + etc + ": Is a directory\n", serve.err());
    }

    @Test
    void aReadOnlyDirectoryIsReportedForTheConfigurationFileAndNothingChanges() throws Exception
    {
        final Path etc = Files.createDirectories(dir.resolve("etc"));
        final Path config = etc.resolve("saveconfig.json");
        assertEquals(0, run("-c", config.toString(), "backstores", "ram", "create", "r1", "1M").exitCode());
        final byte[] before = Files.readAllBytes(config);

        final CliRunner.Result result;
        try (ReadOnlyDirectory ignored = ReadOnlyDirectory.of(etc))
        {
            result = run("-c", config.toString(), "backstores", "ram", "create", "r2", "1M");
        }

        assertEquals(1, result.exitCode(), result::toString);
        assertTrue(result.err().matches("ringtarget: cannot save \\Q" + config + "\\E: cannot create a temporary " +
            "file in \\Q" + etc + "\\E: (Permission denied|Operation not permitted)\n"), result::toString);
        assertFalse(result.err().contains(".tmp"), result::toString);
        assertArrayEquals(before, Files.readAllBytes(config));
    }
}
