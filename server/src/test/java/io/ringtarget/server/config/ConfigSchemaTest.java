package io.ringtarget.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConfigSchemaTest
{
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "pattern with a rule | {'backstores': [ {'name': 'a b', 'type': 'ram'} ]}" +
            "| backstores[0].name: \"a b\" is not a backstore name: 1 to 64 of A-Z a-z 0-9 _ . -",
        "enumeration of strings | {'backstores': [ {'name': 'a', 'type': 'nvme'} ]}" +
            "| backstores[0].type: unknown type \"nvme\": one of block, fileio, ram, rbd",
        "enumeration of numbers | {'backstores': [ {'name': 'a', 'type': 'block', 'blockSize': 3} ]}" +
            "| backstores[0].blockSize: 3 is not one of 0, 512, 1024, 2048, 4096",
        "range | {'targets': [ {'iqn': 'iqn.2026-04.com.example:t', 'tpgs': [ {'portals': [ {'port': 0} ]} ]} ]}" +
            "| targets[0].tpgs[0].portals[0].port: 0 is not a TCP port (1..65535)",
        "lower bound only | {'engine': {'nopInIntervalSeconds': -1}}" +
            "| engine.nopInIntervalSeconds: -1 is not a NOP-In interval in seconds (at least 0)",
        "required with its range | {'targets': [ {'iqn': 'iqn.2026-04.com.example:t', 'tpgs': [ {'luns': [ {'backstore': 'a'} ]} ]} ]}" +
            "| targets[0].tpgs[0].luns[0].lun: the LUN number is required (0..16383)",
        "required with its values | {'backstores': [ {'name': 'a'} ]}" +
            "| backstores[0].type: the backstore type is required (one of block, fileio, ram, rbd)",
        "required | {'discoveryAuth': {'chap': {'password': 'discovery-secret'}}}" +
            "| discoveryAuth.chap.userid: the CHAP user name is required",
        "unknown field | {'version': 1}" +
            "| version: unknown field \"version\" (known fields: backstores, discoveryAuth, engine, metrics, security, stateDirectory, targets)",
        "type | {'engine': {'pinCpus': 'yes'}}" +
            "| engine.pinCpus: expected true or false",
        "one of two types | {'backstores': [ {'name': 'a', 'type': 'ram', 'sizeBytes': true} ]}" +
            "| backstores[0].sizeBytes: expected a whole number or a string",
        "a mapped LUN, number or object | {'targets': [ {'iqn': 'iqn.2026-04.com.example:t', 'tpgs': [ {'acls': [ " +
            "{'initiatorIqn': 'iqn.1994-05.com.client:h', 'mappedLuns': ['x']} ]} ]} ]}" +
            "| targets[0].tpgs[0].acls[0].mappedLuns[0]: expected a whole number or an object { ... }",
        "a mapped LUN's number | {'targets': [ {'iqn': 'iqn.2026-04.com.example:t', 'tpgs': [ {'acls': [ " +
            "{'initiatorIqn': 'iqn.1994-05.com.client:h', 'mappedLuns': [ {'tpgLun': 1} ]} ]} ]} ]}" +
            "| targets[0].tpgs[0].acls[0].mappedLuns[0].lun: the LUN number is required (0..16383)",
        "object | {'discoveryAuth': []}" +
            "| discoveryAuth: expected an object { ... }",
        "length | {'targets': [ {'iqn': 'iqn.2026-04.com.example:t', 'alias': '" +
            "1234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890" +
            "1234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890" +
            "12345678901234567890123456789012345678901234567890123456'} ]}" +
            "| targets[0].alias: at most 255 characters",
        "control character, escaped in the message | {'targets': [ {'iqn': 'iqn.2026-04.com.example:t', 'alias': 'a\\u0007b'} ]}" +
            "| targets[0].alias: \"a\\u0007b\" is not an alias: at most 255 characters, without control characters " +
            "(TargetAlias, sent at login)",
    })
    void problemsSayWhereWhatAndWhatIsAllowed(final String name, final String json, final String problem)
        throws IOException
    {
        final JsonNode document = JSON.readTree(json.replace('\'', '"'));

        assertEquals(List.of(problem), ConfigSchema.problems(document).stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void everyProblemIsReportedNotJustTheFirst() throws IOException
    {
        final JsonNode document = JSON.readTree("""
            { "backstores": [ { "name": "a", "type": "ram", "serial": "has space", "wwn": "6001405abcdef01" } ],
              "engine": { "loops": 2000, "idleStrategy": "spin" } }
            """);

        assertEquals(List.of("backstores[0].serial", "backstores[0].wwn", "engine.loops", "engine.idleStrategy"),
            ConfigSchema.problems(document).stream().map(ConfigProblem::path).toList());
    }

    @Test
    void whatRingtargetWritesPassesTheSchema()
    {
        assertEquals(List.of(), ConfigSchema.problems(ConfigFiles.toTree(ConfigFixtures.everyField())));
        assertEquals(List.of(), ConfigSchema.problems(ConfigFiles.toTree(DemoConfig.create(null, 0, null))));
        assertEquals(List.of(), ConfigSchema.problems(ConfigFiles.toTree(ConfigDefaults.empty())));
    }

    @Test
    void defaultsOfTheSchemaAreTheOnesTheReaderFillsIn() throws IOException
    {
        final JsonNode given = JSON.readTree("""
            { "backstores": [ { "name": "f", "type": "fileio", "path": "/srv/f.img" } ],
              "targets": [ { "iqn": "iqn.2026-04.com.example:t",
                             "tpgs": [ { "portals": [ {} ], "luns": [ { "lun": 0, "backstore": "f" } ],
                                         "acls": [ { "initiatorIqn": "iqn.1994-05.com.client:h" } ] } ] } ] }
            """);
        final JsonNode filled = ConfigFiles.toTree(ConfigFiles.parse(given.toString(), "minimal"));
        final JsonNode schema = JSON.readTree(ConfigSchema.text());

        assertEquals(List.of(), defaultsNotFilledIn(schema, schema, given, filled, ""));
    }

    /** Where {@code filled} lacks the default of a field that {@code given} left out, as "path: expected, found". */
    private static List<String> defaultsNotFilledIn(
        final JsonNode root, final JsonNode objectSchema, final JsonNode given, final JsonNode filled, final String path)
    {
        final java.util.ArrayList<String> wrong = new java.util.ArrayList<>();
        objectSchema.path("properties").properties().forEach(property ->
        {
            final String name = property.getKey();
            final JsonNode schema = resolve(root, property.getValue());
            final String at = path.isEmpty() ? name : path + "." + name;
            if (!given.has(name))
            {
                if (schema.has("default") && !schema.get("default").toString().equals(filled.path(name).toString()))
                {
                    wrong.add(at + ": " + schema.get("default") + ", found " + filled.path(name));
                }
                return;
            }
            if (given.get(name).isObject())
            {
                wrong.addAll(defaultsNotFilledIn(root, schema, given.get(name), filled.get(name), at));
            }
            for (int i = 0; given.get(name).isArray() && i < given.get(name).size(); i++)
            {
                wrong.addAll(defaultsNotFilledIn(root, resolve(root, schema.path("items")), given.get(name).get(i),
                    filled.get(name).get(i), at + "[" + i + "]"));
            }
        });
        return wrong;
    }

    private static JsonNode resolve(final JsonNode root, final JsonNode schema)
    {
        return schema.has("$ref") ? root.at(schema.get("$ref").asText().substring(1)) : schema;
    }
}
