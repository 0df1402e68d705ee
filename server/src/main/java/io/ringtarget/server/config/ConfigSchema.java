package io.ringtarget.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The structure of the configuration file, as the JSON Schema (draft 2020-12) {@value #RESOURCE} shipped in this
 * package says: fields, JSON types, required fields, enumerations, ranges and the syntax of a few strings. Any JSON
 * Schema tool can check a file with it; ringtarget checks with it before binding a file to the records and when
 * validating a configuration. Rules between values (references, unique names, iSCSI names, CHAP secrets) are
 * {@link ConfigValidator}'s; checks of this machine are {@link HostChecks}'.
 */
public final class ConfigSchema
{
    /** The schema, a resource next to this class. */
    public static final String RESOURCE = "ringtarget-config.schema.json";

    /**
     * What a file must get right to be read at all: a value of another JSON type, an unknown field or a missing
     * required one cannot be bound to the records. The other rules (ranges, enumerations, patterns) are reported
     * by validation with the rest, so that the CLI can still load, show and repair such a file.
     */
    private static final Set<String> SHAPE_KEYWORDS = Set.of("type", "required", "additionalProperties");

    private static final String TEXT = read();
    private static final JsonNode TREE = parse(TEXT);
    // English messages whatever the machine's locale: the few the library words itself end up in ours.
    private static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder().locale(Locale.ROOT).build()))
        .getSchema(TREE);

    private ConfigSchema()
    {
    }

    /** The schema's text, as shipped (what {@code ringtarget config schema} prints). */
    public static String text()
    {
        return TEXT;
    }

    /**
     * Every way {@code document} departs from the schema.
     *
     * @param document a configuration's JSON tree (nulls are missing fields, as the file reader has them).
     * @return errors with the path of the field at fault, object by object; empty when the structure is right.
     */
    public static List<ConfigProblem> problems(final JsonNode document)
    {
        return SCHEMA.validate(document).stream()
            .map(error -> SchemaProblems.toProblem(error, TREE))
            .toList();
    }

    /** The problems of {@link #problems} that keep a document from being bound to the records. */
    static List<ConfigProblem> shapeProblems(final JsonNode document)
    {
        return SCHEMA.validate(document).stream()
            .filter(error -> SHAPE_KEYWORDS.contains(error.getKeyword()))
            .map(error -> SchemaProblems.toProblem(error, TREE))
            .toList();
    }

    private static String read()
    {
        try (InputStream in = ConfigSchema.class.getResourceAsStream(RESOURCE))
        {
            if (null == in)
            {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static JsonNode parse(final String text)
    {
        try
        {
            return JsonMapper.builder().build().readTree(text);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(RESOURCE + " is not JSON", ex);
        }
    }
}
