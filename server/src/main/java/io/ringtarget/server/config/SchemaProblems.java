package io.ringtarget.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.path.NodePath;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * Turns the JSON Schema validator's errors into {@link ConfigProblem}s worded as the rest of ringtarget's: the path
 * of the field at fault ({@code targets[0].tpgs[0].portals[1].port}, an unknown or missing field included) and a
 * message that says what was found and what is allowed. The nouns come from the schema's {@code title} annotations
 * ("16384 is not a LUN number (0..16383)"), the rules of patterns from its {@code description}s.
 */
final class SchemaProblems
{
    private SchemaProblems()
    {
    }

    /**
     * The problem an error describes.
     *
     * @param error  the validator's error.
     * @param schema the schema document, to read titles, ranges and known fields from.
     * @return an error problem.
     */
    static ConfigProblem toProblem(final Error error, final JsonNode schema)
    {
        final List<Object> steps = steps(error.getInstanceLocation());
        final List<Object> schemaSteps = steps(error.getSchemaLocation().getFragment());
        // The subschema holding the failed keyword (a property's schema, or an object's for required and
        // additionalProperties).
        final JsonNode subschema = resolve(schema, at(schema, schemaSteps.subList(0, schemaSteps.size() - 1)));
        final JsonNode value = error.getInstanceNode();
        final String message;
        switch (error.getKeyword())
        {
            case "additionalProperties" ->
            {
                steps.add(error.getProperty());
                message = "unknown field \"" + error.getProperty() + "\"" + knownFields(subschema);
            }
            case "required" ->
            {
                steps.add(error.getProperty());
                message = required(resolve(schema, subschema.path("properties").path(error.getProperty())));
            }
            case "type" -> message = "expected " + expected(subschema.path("type"));
            case "enum" -> message = notOneOf(steps, value, subschema.path("enum"));
            case "minimum", "maximum" ->
                message = value + " is not " + article(subschema.path("title").asText("value in range")) +
                    " (" + range(subschema) + ")";
            case "pattern" -> message = value + " is not " + article(subschema.path("title").asText("valid")) +
                (subschema.has("description") ? ": " + subschema.path("description").asText() : "");
            case "maxLength" -> message = "at most " + subschema.path("maxLength").asInt() + " characters";
            case "minLength" -> message = "at least " + subschema.path("minLength").asInt() + " characters";
            default -> message = error.getMessage(); // a keyword the schema does not use yet
        }
        return ConfigProblem.error(JsonPaths.path(steps), message);
    }

    private static String required(final JsonNode property)
    {
        if (!property.has("title"))
        {
            return "required";
        }
        final String hint = property.has("enum") ? "one of " + list(property.path("enum")) :
            property.has("minimum") || property.has("maximum") ? range(property) : "";
        return "the " + property.path("title").asText() + " is required" + (hint.isEmpty() ? "" : " (" + hint + ")");
    }

    private static String notOneOf(final List<Object> steps, final JsonNode value, final JsonNode allowed)
    {
        if (value.isTextual() && !steps.isEmpty() && steps.getLast() instanceof String field)
        {
            return "unknown " + field + " " + value + ": one of " + list(allowed);
        }
        return value + " is not one of " + list(allowed);
    }

    private static String expected(final JsonNode type)
    {
        final List<String> types = type.isArray() ?
            StreamSupport.stream(type.spliterator(), false).map(JsonNode::asText).toList() : List.of(type.asText());
        return types.stream().map(SchemaProblems::describe).collect(Collectors.joining(" or "));
    }

    private static String describe(final String type)
    {
        return switch (type)
        {
            case "integer" -> "a whole number";
            case "number" -> "a number";
            case "boolean" -> "true or false";
            case "string" -> "a string";
            case "array" -> "an array [ ... ]";
            case "object" -> "an object { ... }";
            default -> type;
        };
    }

    private static String range(final JsonNode schema)
    {
        final String min = schema.has("minimum") ? schema.path("minimum").asText() : null;
        final String max = schema.has("maximum") ? schema.path("maximum").asText() : null;
        if (null != min && null != max)
        {
            return min + ".." + max;
        }
        return null != min ? "at least " + min : "at most " + max;
    }

    private static String knownFields(final JsonNode objectSchema)
    {
        final List<String> names = new ArrayList<>();
        objectSchema.path("properties").fieldNames().forEachRemaining(names::add);
        return names.isEmpty() ? "" : " (known fields: " + names.stream().sorted().collect(Collectors.joining(", ")) + ")";
    }

    private static String list(final JsonNode values)
    {
        return StreamSupport.stream(values.spliterator(), false).map(JsonNode::asText).collect(Collectors.joining(", "));
    }

    private static String article(final String noun)
    {
        return ("aeiou".indexOf(Character.toLowerCase(noun.charAt(0))) >= 0 ? "an " : "a ") + noun;
    }

    private static List<Object> steps(final NodePath path)
    {
        final List<Object> steps = new ArrayList<>();
        for (int i = 0; i < path.getNameCount(); i++)
        {
            steps.add(path.getElement(i));
        }
        return steps;
    }

    private static JsonNode at(final JsonNode root, final List<Object> steps)
    {
        JsonNode node = root;
        for (final Object step : steps)
        {
            node = step instanceof Integer index ? node.path(index) : node.path((String)step);
        }
        return node;
    }

    /** The schema a {@code "$ref": "#/$defs/..."} points at, or the schema itself. */
    private static JsonNode resolve(final JsonNode root, final JsonNode schema)
    {
        final String ref = schema.path("$ref").asText("");
        if (!ref.startsWith("#/"))
        {
            return schema;
        }
        return root.at(ref.substring(1));
    }
}
