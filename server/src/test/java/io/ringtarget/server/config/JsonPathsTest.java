package io.ringtarget.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonPathsTest
{
    private static final String DOCUMENT = """
        { "backstores": [ { "name": "disk0" }, { "name": 7 }, { "name": "disk2" }, { "name": "bell\\u0007" } ],
          "targets": [ { "iqn": "iqn.2026-04.com.example:t1",
                         "tpgs": [ { "tag": 1, "luns": [ { "lun": 0 } ],
                                     "acls": [ { "initiatorIqn": "iqn.1994-05.com.client:h1" } ] } ] } ] }
        """;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "backstores[2].path | backstores[2] (disk2).path",
        "backstores[2] | backstores[2] (disk2)",
        "targets[0].tpgs[0].acls[0].chap.password" +
            "| targets[0] (iqn.2026-04.com.example:t1).tpgs[0].acls[0] (iqn.1994-05.com.client:h1).chap.password",
        "targets[0].tpgs[0].luns[0].lun | targets[0] (iqn.2026-04.com.example:t1).tpgs[0].luns[0].lun",
        "backstores[1].name | backstores[1].name",
        "backstores[3].name | backstores[3].name",
        "backstores[9].path | backstores[9].path",
        "engine.loops | engine.loops",
        "'' | ''",
        "targets[0].odd[field.name | targets[0] (iqn.2026-04.com.example:t1).odd[field.name",
    })
    void namesTheNamedEntriesOnThePath(final String path, final String named) throws IOException
    {
        final JsonNode document = JsonMapper.builder().build().readTree(DOCUMENT);

        assertEquals(named, JsonPaths.named(document, path));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "duplicate LUN 0 (also targets[0].tpgs[0].luns[0])" +
            "| duplicate LUN 0 (also targets[0] (iqn.2026-04.com.example:t1).tpgs[0].luns[0])",
        "the same secret is targets[0].tpgs[0].acls[0].chap.password and backstores[2]" +
            "| the same secret is targets[0] (iqn.2026-04.com.example:t1).tpgs[0].acls[0] (iqn.1994-05.com.client:h1)" +
            ".chap.password and backstores[2] (disk2)",
        "no target x (targets: a, b) | no target x (targets: a, b)",
        "'' | ''",
    })
    void namesThePathsAMessageRefersTo(final String message, final String named) throws IOException
    {
        final JsonNode document = JsonMapper.builder().build().readTree(DOCUMENT);

        assertEquals(named, JsonPaths.namedReferences(document, message));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "targets,0,tpgs,1,port | targets[0].tpgs[1].port",
        "engine | engine",
    })
    void joinsStepsIntoAPath(final String steps, final String path)
    {
        final List<Object> parsed = java.util.Arrays.stream(steps.split(","))
            .<Object>map(s -> s.chars().allMatch(Character::isDigit) ? Integer.valueOf(s) : s).toList();

        assertEquals(path, JsonPaths.path(parsed));
    }
}
