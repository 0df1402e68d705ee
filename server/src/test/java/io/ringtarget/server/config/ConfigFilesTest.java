package io.ringtarget.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigFilesTest
{
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsEveryField() throws Exception
    {
        final RingtargetConfig config = ConfigFixtures.everyField();
        final Path file = dir.resolve("etc/ringtarget/saveconfig.json");

        ConfigFiles.save(config, file);
        final RingtargetConfig loaded = ConfigFiles.load(file);

        assertEquals(config, loaded);
        assertEquals(ConfigFiles.toJson(config), Files.readString(file));
    }

    @Test
    void savedFileIsReadableByItsOwnerOnlyBecauseItHoldsSecrets() throws Exception
    {
        final Path file = dir.resolve("saveconfig.json");
        ConfigFiles.save(ConfigFixtures.everyField(), file);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void saveKeepsThePreviousVersionAsBakAndLeavesNoTemporaryFile() throws Exception
    {
        final Path file = dir.resolve("saveconfig.json");
        final RingtargetConfig first = DemoConfig.create(null, 0, null).withStateDirectory("/srv/state");
        final RingtargetConfig second = ConfigFixtures.everyField();

        ConfigFiles.save(first, file);
        assertFalse(Files.exists(dir.resolve("saveconfig.json.bak")));
        ConfigFiles.save(second, file);

        assertEquals(second, ConfigFiles.load(file));
        assertEquals(first, ConfigFiles.load(dir.resolve("saveconfig.json.bak")));
        try (var files = Files.list(dir))
        {
            assertEquals(List.of("saveconfig.json", "saveconfig.json.bak"),
                files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void nullsAreLeftOutOfTheFile() throws Exception
    {
        final String json = ConfigFiles.toJson(ConfigFixtures.everyField());

        assertFalse(json.contains("null"), json);
        assertTrue(json.contains("\"initiatorIqn\" : \"iqn.1994-05.com.client:host1\""), json);
    }

    @Test
    void missingFieldsTakeTheirDefaults() throws Exception
    {
        final String json = """
            {
              "backstores": [
                { "name": "f", "type": "fileio", "path": "/srv/f.img", "sizeBytes": "10G" },
                { "name": "b", "type": "block", "path": "/dev/sdb" },
                { "name": "r", "type": "ram", "sizeBytes": 1048576 }
              ],
              "targets": [
                { "iqn": "iqn.2026-04.com.example:t", "tpgs": [ { "portals": [ {} ], "luns": [ { "lun": 0, "backstore": "f" } ] } ] }
              ]
            }
            """;

        final RingtargetConfig config = ConfigFiles.parse(json, "test.json");

        assertEquals(new BackstoreConfig("f", "fileio", "/srv/f.img", 10L << 30, 512, true, false, null, null),
            config.backstores().get(0));
        assertEquals(new BackstoreConfig("b", "block", "/dev/sdb", 0, 0, true, false, null, null),
            config.backstores().get(1));
        assertEquals(new BackstoreConfig("r", "ram", null, 1048576, 512, true, false, null, null),
            config.backstores().get(2));
        final TpgConfig tpg = config.targets().getFirst().tpgs().getFirst();
        assertEquals(new TpgConfig(1, true, List.of(new PortalConfig("0.0.0.0", 3260)),
            List.of(new LunConfig(0, "f", false)), List.of(), false, "none"), tpg);
        assertNull(config.targets().getFirst().alias());
        assertEquals(new DiscoveryAuthConfig("none", null), config.discoveryAuth());
        assertEquals(new EngineConfig(0, false, "ring", 5, 15), config.engine());
    }

    @Test
    void emptyObjectIsAnEmptyConfiguration() throws Exception
    {
        assertEquals(ConfigDefaults.empty(), ConfigFiles.parse("{}", "x"));
    }

    @Test
    void missingFileIsNoSuchFile()
    {
        assertThrows(NoSuchFileException.class, () -> ConfigFiles.load(dir.resolve("absent.json")));
    }

    @Test
    void aDirectoryIsNamedWhenReadOrSavedAsTheFile() throws Exception
    {
        final Path etc = Files.createDirectories(dir.resolve("etc/ringtarget"));

        final ConfigFileError read = assertThrows(ConfigFileError.class, () -> ConfigFiles.load(etc));
        assertEquals("cannot read " + etc + ": Is a directory", read.getMessage());

        final ConfigFileError save = assertThrows(ConfigFileError.class,
            () -> ConfigFiles.save(ConfigDefaults.empty(), etc));
        assertEquals("cannot save " + etc + ": Is a directory", save.getMessage());
        try (Stream<Path> entries = Files.list(etc))
        {
            assertEquals(0, entries.count(), "no temporary file left in it");
        }
    }

    @Test
    void aReadOnlyDirectoryNamesTheConfigurationFileNotTheTemporaryOneAndChangesNothing() throws Exception
    {
        final Path file = dir.resolve("saveconfig.json");
        ConfigFiles.save(DemoConfig.create(null, 0, null), file);
        final byte[] before = Files.readAllBytes(file);

        try (ReadOnlyDirectory ignored = ReadOnlyDirectory.of(dir))
        {
            final ConfigFileError error = assertThrows(ConfigFileError.class,
                () -> ConfigFiles.save(ConfigFixtures.everyField(), file));
            // EACCES for an ordinary user (mode 0555), EPERM for root (chattr +i).
            assertTrue(error.getMessage().matches("cannot save " + Pattern.quote(file.toString()) +
                ": cannot create a temporary file in " + Pattern.quote(dir.toString()) +
                ": (Permission denied|Operation not permitted)"), error.getMessage());
            assertEquals(file, error.file());
        }
        assertArrayEquals(before, Files.readAllBytes(file), "file unchanged");
        try (Stream<Path> entries = Files.list(dir))
        {
            assertEquals(List.of(file), entries.toList(), "no temporary file, no .bak");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"targets\": [ { \"iqn\": \"iqn.2026-04.com.example:t\", \"tpgs\": [ { \"portal\": [] } ] } ] }" +
            "| targets[0].tpgs[0].portal | unknown field \"portal\"",
        "{\"backstores\": [ { \"name\": \"a\", \"type\": \"ram\", \"size\": 5 } ] }" +
            "| backstores[0].size | unknown field \"size\"",
        "{\"engine\": { \"threads\": 4 } }" +
            "| engine.threads | unknown field \"threads\"",
        "{\"version\": 1}" +
            "| version | unknown field \"version\"",
        "{\"targets\": [ { \"iqn\": \"iqn.2026-04.com.example:t\", \"tpgs\": [ { \"portals\": [ { \"port\": \"3260\" } ] } ] } ] }" +
            "| targets[0].tpgs[0].portals[0].port | expected a whole number",
        "{\"targets\": [ { \"iqn\": \"iqn.2026-04.com.example:t\", \"tpgs\": [ { \"enabled\": \"yes\" } ] } ] }" +
            "| targets[0].tpgs[0].enabled | expected true or false",
        "{\"targets\": [ { \"iqn\": 5 } ] }" +
            "| targets[0].iqn | expected a string",
        "{\"targets\": { } }" +
            "| targets | expected an array",
        "{\"backstores\": [ { \"name\": \"a\", \"type\": \"ram\", \"sizeBytes\": \"lots\" } ] }" +
            "| backstores[0].sizeBytes | \"lots\" is not a size",
        "{\"backstores\": [ { \"name\": \"a\", \"type\": \"ram\", \"blockSize\": 512.5 } ] }" +
            "| backstores[0].blockSize | expected a whole number",
        "{\"targets\": [ { \"iqn\": \"iqn.2026-04.com.example:t\", \"tpgs\": [ { \"luns\": [ { \"backstore\": \"a\" } ] } ] } ] }" +
            "| targets[0].tpgs[0].luns[0].lun | the LUN number is required",
        "[]" +
            "| '' | must be a JSON object",
    })
    void badFieldsAreReportedWithTheirPath(final String json, final String path, final String message)
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> ConfigFiles.parse(json, "bad.json"));

        final ConfigProblem problem = ex.problems().getFirst();
        assertEquals(path, problem.path(), ex.getMessage());
        assertTrue(problem.message().contains(message), problem.message());
        assertTrue(ex.getMessage().startsWith("bad.json: " + problem), ex.getMessage());
    }

    @Test
    void everyProblemOfStructureIsReportedAtOnceWithTheNamesOfTheEntries()
    {
        final String json = """
            { "backstores": [ { "name": "disk1", "type": "ram", "size": 5 } ],
              "targets": [ { "iqn": "iqn.2026-04.com.example:t", "tpgs": [ { "enabled": "yes", "luns": [ {} ] } ] } ] }
            """;

        final ConfigException ex = assertThrows(ConfigException.class, () -> ConfigFiles.parse(json, "x"));

        assertEquals(List.of(
                "backstores[0] (disk1).size: unknown field \"size\" (known fields: availableThresholdPercent, " +
                    "blockSize, directIo, grow, hugePages, name, path, rbd, serial, sizeBytes, softThresholdPercent, " +
                    "type, writeCache, wwn)",
                "targets[0] (iqn.2026-04.com.example:t).tpgs[0].enabled: expected true or false",
                "targets[0] (iqn.2026-04.com.example:t).tpgs[0].luns[0].lun: the LUN number is required (0..16383)",
                "targets[0] (iqn.2026-04.com.example:t).tpgs[0].luns[0].backstore: the backstore name is required"),
            ex.problems().stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void valuesOutsideTheirRulesAreReadAndLeftToValidation() throws Exception
    {
        // So that the CLI can still load such a file, show it and repair it.
        final String json = """
            { "backstores": [ { "name": "a", "type": "nvme" } ],
              "targets": [ { "iqn": "iqn.2026-04.com.example:t", "tpgs": [ { "portals": [ { "port": 0 } ] } ] } ] }
            """;

        final RingtargetConfig config = ConfigFiles.parse(json, "x");

        assertEquals(List.of(
                "backstores[0] (a).type: unknown type \"nvme\": one of block, fileio, ram, rbd",
                "targets[0] (iqn.2026-04.com.example:t).tpgs[0].portals[0].port: 0 is not a TCP port (1..65535)"),
            ConfigProblem.errors(ConfigValidator.validate(config)).stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void nullIsAMissingField() throws Exception
    {
        final String json = """
            { "backstores": [ { "name": "r", "type": "ram", "sizeBytes": 4096, "path": null, "blockSize": null } ],
              "targets": null, "engine": null }
            """;

        assertEquals(new RingtargetConfig(
                List.of(new BackstoreConfig("r", "ram", null, 4096, 512, true, false, null, null)), List.of(),
                ConfigDefaults.discoveryAuth(), ConfigDefaults.engine())
                .withStateDirectory(ConfigDefaults.DEFAULT_STATE_DIRECTORY),
            ConfigFiles.parse(json, "x"));
    }

    @Test
    void unknownFieldMessageListsTheKnownOnes()
    {
        final ConfigException ex = assertThrows(ConfigException.class,
            () -> ConfigFiles.parse("{\"engine\": {\"idle\": \"busy\"}}", "x"));

        assertEquals("engine.idle: unknown field \"idle\" (known fields: dataBuffers, idleSpinMicros, idleStrategy, " +
            "largeTransferRegionMiB, loops, nopInIntervalSeconds, nopInTimeoutSeconds, pinCpus, " +
            "receiveCoalescingMicros, spillRegionMiB, tcpCongestionControl)",
            ex.problems().getFirst().toString());
    }

    @Test
    void malformedJsonIsReportedWithLineAndColumn()
    {
        final String json = "{\n  \"backstores\": [\n    { \"name\": \"a\", }\n  ]\n}\n";

        final ConfigException ex = assertThrows(ConfigException.class, () -> ConfigFiles.parse(json, "saveconfig.json"));

        assertTrue(ex.getMessage().startsWith("saveconfig.json: malformed JSON at line 3, column 20: "), ex.getMessage());
    }

    @Test
    void duplicateKeysAreRefused()
    {
        final ConfigException ex = assertThrows(ConfigException.class,
            () -> ConfigFiles.parse("{\"targets\": [],\n \"targets\": []}", "x"));

        assertTrue(ex.getMessage().contains("line 2"), ex.getMessage());
        assertTrue(ex.getMessage().contains("targets"), ex.getMessage());
    }

    @Test
    void trailingGarbageAndEmptyFilesAreRefused()
    {
        assertThrows(ConfigException.class, () -> ConfigFiles.parse("{} {}", "x"));
        final ConfigException empty = assertThrows(ConfigException.class, () -> ConfigFiles.parse("  \n", "x"));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
    }

    @Test
    void loadValidatedRefusesErrorsWithPaths() throws Exception
    {
        final Path file = dir.resolve("c.json");
        Files.writeString(file, """
            { "targets": [ { "iqn": "iqn.2026-04.com.example:t",
                "tpgs": [ { "portals": [ { "ip": "127.0.0.1" } ], "generateNodeAcls": true,
                            "luns": [ { "lun": 0, "backstore": "disk9" } ] } ] } ] }
            """, StandardCharsets.UTF_8);

        final ConfigException ex = assertThrows(ConfigException.class, () -> ConfigFiles.loadValidated(file, false));

        assertEquals(file + ": targets[0] (iqn.2026-04.com.example:t).tpgs[0].luns[0].backstore: no backstore named " +
            "\"disk9\"", ex.getMessage());
    }
}
