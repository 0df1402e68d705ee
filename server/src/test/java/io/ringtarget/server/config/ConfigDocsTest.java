package io.ringtarget.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The examples of docs/configuration.md are real: they parse, agree with each other and validate. */
class ConfigDocsTest
{
    private static final Path DOC = Path.of("..", "docs", "configuration.md");
    private static final Pattern JSON_BLOCK = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL);
    /** A section of the field tables and the rows of its table: {@code ### engine ... | `loops` | ...}. */
    private static final Pattern TABLE = Pattern.compile("\\n### (.+?)\\n(.*?)(?=\\n#)", Pattern.DOTALL);
    private static final Pattern FIELD_ROW = Pattern.compile("^\\| `([A-Za-z0-9]+)` \\|", Pattern.MULTILINE);
    /** Which schema object each table describes. */
    private static final Map<String, String> TABLE_SCHEMAS = Map.ofEntries(
        Map.entry("Top level", ""), Map.entry("backstores", "/$defs/backstore"), Map.entry("rbd", "/$defs/rbd"),
        Map.entry("targets", "/$defs/target"), Map.entry("tpgs", "/$defs/tpg"),
        Map.entry("parameters", "/$defs/tpgParameters"), Map.entry("portals", "/$defs/portal"),
        Map.entry("luns", "/$defs/lun"), Map.entry("acls", "/$defs/acl"), Map.entry("chap", "/$defs/chap"),
        Map.entry("discoveryAuth", "/$defs/discoveryAuth"), Map.entry("engine", "/$defs/engine"),
        Map.entry("metrics", "/$defs/metrics"), Map.entry("security", "/$defs/security"));

    @Test
    void fullExampleAndItsShortFormAreTheSameValidConfiguration() throws IOException
    {
        final List<String> blocks = new ArrayList<>();
        final Matcher matcher = JSON_BLOCK.matcher(Files.readString(DOC));
        while (matcher.find())
        {
            blocks.add(matcher.group(1));
        }
        assertEquals(2, blocks.size(), "the full example and its short form");

        final RingtargetConfig full = ConfigFiles.parse(blocks.get(0), "full example");
        final RingtargetConfig shortForm = ConfigFiles.parse(blocks.get(1), "short example");

        assertEquals(List.of(), ConfigValidator.validate(full));
        assertEquals(ConfigFiles.toJson(full).strip(), blocks.get(0).strip(), "the full example is what save writes");
        final List<BackstoreConfig> withIds = new ArrayList<>();
        for (int i = 0; i < shortForm.backstores().size(); i++)
        {
            final BackstoreConfig b = shortForm.backstores().get(i);
            final BackstoreConfig ids = full.backstores().get(i);
            withIds.add(new BackstoreConfig(b.name(), b.type(), b.path(), b.sizeBytes(), b.blockSize(), b.directIo(),
                b.writeCache(), ids.serial(), ids.wwn()));
        }
        assertEquals(full, shortForm.withBackstores(withIds));
        assertTrue(full.targets().getFirst().tpgs().getFirst().portals().size() == 2);
        // As written, defaults left out and "10G" for a size: what a JSON Schema tool is given.
        for (final String block : blocks)
        {
            assertEquals(List.of(), ConfigSchema.problems(JsonMapper.builder().build().readTree(block)));
        }
    }

    @Test
    void fieldTablesListTheSchemaFields() throws IOException
    {
        final JsonNode schema = JsonMapper.builder().build().readTree(ConfigSchema.text());
        final Matcher table = TABLE.matcher(Files.readString(DOC));
        final List<String> described = new ArrayList<>();
        while (table.find())
        {
            final String pointer = TABLE_SCHEMAS.get(table.group(1));
            if (null == pointer)
            {
                continue;
            }
            described.add(table.group(1));
            final TreeSet<String> documented = new TreeSet<>();
            final Matcher row = FIELD_ROW.matcher(table.group(2));
            while (row.find())
            {
                documented.add(row.group(1));
            }
            final TreeSet<String> declared = new TreeSet<>();
            schema.at(pointer).path("properties").fieldNames().forEachRemaining(declared::add);
            assertEquals(declared, documented, "### " + table.group(1));
        }
        assertEquals(new TreeSet<>(TABLE_SCHEMAS.keySet()), new TreeSet<>(described), "a table for every object");
    }
}
