package io.ringtarget.server.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads and writes the JSON configuration file.
 * <p>
 * Reading is strict: malformed JSON and duplicate keys are reported with their line and column; unknown fields,
 * missing required ones and values of the wrong JSON type ({@link ConfigSchema}) with the path of the field
 * ({@code targets[0].tpgs[0].portals[1].port}). A null is a missing field; missing fields take the defaults of
 * {@link ConfigDefaults} ({@link TreeDefaults}). Reading does not check the values themselves (ranges, IQN syntax,
 * references between objects, files): that is {@link ConfigValidator}'s job, or {@link #loadValidated}'s.
 * <p>
 * Writing is atomic: a temporary file in the same directory is written, synced and renamed over the file, and the
 * previous version is kept as {@code FILE.bak}. The file holds CHAP secrets, so it is created readable by its
 * owner only.
 */
public final class ConfigFiles
{
    /** Where the CLI keeps its configuration unless told otherwise (targetcli's is /etc/target/saveconfig.json). */
    public static final String DEFAULT_PATH = "/etc/ringtarget/saveconfig.json";
    public static final String BACKUP_SUFFIX = ".bak";

    private static final JsonMapper MAPPER = newMapper();

    private ConfigFiles()
    {
    }

    /**
     * Reads a configuration file.
     *
     * @param path the JSON file.
     * @return the configuration, with defaults filled in.
     * @throws NoSuchFileException when the file does not exist.
     * @throws ConfigException     when it is not a well-formed configuration (problems carry line/column or path).
     * @throws ConfigFileError     when it cannot be read (a directory, no permission), naming the file.
     */
    public static RingtargetConfig load(final Path path) throws IOException
    {
        final String json;
        try
        {
            json = Files.readString(path, StandardCharsets.UTF_8);
        }
        catch (final NoSuchFileException ex)
        {
            throw ex; // callers tell "no file yet" from "cannot read it"
        }
        catch (final IOException ex)
        {
            throw ConfigFileError.of("cannot read " + path, null, path, ex);
        }
        return parse(json, path.toString());
    }

    /**
     * Reads a configuration file and validates it; warnings are accepted, errors are thrown.
     *
     * @param path       the JSON file.
     * @param checkFiles also check the backstores' paths on this machine.
     * @return the configuration.
     * @throws ConfigException when it is malformed or has validation errors.
     * @throws IOException     when it cannot be read.
     */
    public static RingtargetConfig loadValidated(final Path path, final boolean checkFiles) throws IOException
    {
        final RingtargetConfig config = load(path);
        final List<ConfigProblem> problems = ConfigValidator.validate(config, checkFiles);
        if (ConfigProblem.hasErrors(problems))
        {
            throw new ConfigException(path.toString(), problems);
        }
        return config;
    }

    /**
     * Parses a configuration from JSON text.
     *
     * @param json       the JSON document.
     * @param sourceName where it came from, for messages (a file name).
     * @return the configuration, with defaults filled in.
     * @throws ConfigException when it is not a well-formed configuration.
     */
    public static RingtargetConfig parse(final String json, final String sourceName) throws ConfigException
    {
        final JsonNode tree;
        try
        {
            tree = MAPPER.readTree(json);
        }
        catch (final JacksonException ex)
        {
            throw new ConfigException(sourceName, ConfigProblem.error("", syntaxMessage(ex)));
        }
        if (null == tree || tree.isMissingNode())
        {
            throw new ConfigException(sourceName, ConfigProblem.error("", "the file is empty; it must hold a JSON object { ... }"));
        }
        if (!(tree instanceof ObjectNode config))
        {
            throw new ConfigException(sourceName, ConfigProblem.error("", "the configuration must be a JSON object { ... }"));
        }
        TreeDefaults.dropNulls(config);
        final List<ConfigProblem> shape = ConfigSchema.shapeProblems(config);
        if (!shape.isEmpty())
        {
            throw new ConfigException(sourceName, JsonPaths.named(config, shape));
        }
        final List<ConfigProblem> problems = new ArrayList<>();
        TreeDefaults.applyTo(config, problems);
        if (ConfigProblem.hasErrors(problems))
        {
            throw new ConfigException(sourceName, JsonPaths.named(config, problems));
        }
        try
        {
            return MAPPER.treeToValue(config, RingtargetConfig.class);
        }
        catch (final DatabindException ex)
        {
            throw new ConfigException(sourceName,
                JsonPaths.named(config, List.of(ConfigProblem.error(path(ex), bindingMessage(ex)))));
        }
        catch (final JacksonException ex)
        {
            throw new ConfigException(sourceName, ConfigProblem.error("", ex.getOriginalMessage()));
        }
    }

    /** The configuration as the JSON tree {@link #toJson} prints: fields in record order, nulls left out. */
    static JsonNode toTree(final RingtargetConfig config)
    {
        return MAPPER.valueToTree(config);
    }

    /** The configuration as the pretty-printed JSON that {@link #save} writes (fields in record order, nulls left out). */
    public static String toJson(final RingtargetConfig config)
    {
        try
        {
            return MAPPER.writeValueAsString(config) + System.lineSeparator();
        }
        catch (final JacksonException ex)
        {
            throw new IllegalStateException("records always serialize", ex);
        }
    }

    /**
     * Writes a configuration atomically: temporary file, fsync, rename over {@code path}, fsync of the directory.
     * The previous file, if any, is kept as {@code path + ".bak"}. Missing parent directories are created.
     *
     * @param config the configuration.
     * @param path   the file to write.
     * @throws ConfigFileError when it cannot be written, naming {@code path}, the step and the OS error; {@code path}
     *                          is then unchanged.
     */
    public static void save(final RingtargetConfig config, final Path path) throws IOException
    {
        final Path file = path.toAbsolutePath();
        final Path dir = file.getParent();
        final String action = "cannot save " + path;
        if (Files.isDirectory(file))
        {
            // rename(2) would say EISDIR only after the temporary file was written; say it before touching anything.
            throw ConfigFileError.of(action, null, path, new IOException("Is a directory"));
        }
        try
        {
            Files.createDirectories(dir);
        }
        catch (final IOException ex)
        {
            throw ConfigFileError.of(action, "cannot create directory " + dir, path, ex);
        }
        final byte[] bytes = toJson(config).getBytes(StandardCharsets.UTF_8);
        Path temp = null;
        try
        {
            try
            {
                temp = createOwnerOnly(dir, file.getFileName().toString());
            }
            catch (final IOException ex)
            {
                throw ConfigFileError.of(action, "cannot create a temporary file in " + dir, path, ex);
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE))
            {
                final ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining())
                {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            catch (final IOException ex)
            {
                throw ConfigFileError.of(action, "cannot write the temporary file " + temp, path, ex);
            }
            final Path backup = file.resolveSibling(file.getFileName() + BACKUP_SUFFIX);
            if (Files.isRegularFile(file))
            {
                try
                {
                    Files.copy(file, backup, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
                catch (final IOException ex)
                {
                    throw ConfigFileError.of(action, "cannot keep the previous version as " + backup, path, ex);
                }
            }
            try
            {
                move(temp, file);
            }
            catch (final IOException ex)
            {
                throw ConfigFileError.of(action, "cannot rename the temporary file over it", path, ex);
            }
            temp = null;
            syncDirectory(dir);
        }
        finally
        {
            if (null != temp)
            {
                Files.deleteIfExists(temp);
            }
        }
    }

    private static void move(final Path temp, final Path file) throws IOException
    {
        try
        {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final AtomicMoveNotSupportedException ex)
        {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Path createOwnerOnly(final Path dir, final String name) throws IOException
    {
        try
        {
            return Files.createTempFile(dir, "." + name + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        catch (final UnsupportedOperationException ex)
        {
            return Files.createTempFile(dir, "." + name + ".", ".tmp");
        }
    }

    private static void syncDirectory(final Path dir)
    {
        // The rename is durable only once the directory entry is; not every file system lets a directory be
        // opened, and the file itself is already safe, so a failure here is not an error.
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final IOException ignored)
        {
            // best effort, see above
        }
    }

    private static JsonMapper newMapper()
    {
        final JsonMapper mapper = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.USE_DEFAULTS))
            .build();
        // "port": "3260" or "name": 5 are mistakes worth reporting, not guessing at.
        mapper.coercionConfigFor(LogicalType.Textual)
            .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer)
            .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Boolean)
            .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        return mapper;
    }

    private static String syntaxMessage(final JacksonException ex)
    {
        final JsonLocation location = ex.getLocation();
        final String message = ex.getOriginalMessage();
        if (null == location || location.getLineNr() < 0)
        {
            return "malformed JSON: " + message;
        }
        return "malformed JSON at line " + location.getLineNr() + ", column " + location.getColumnNr() + ": " + message;
    }

    /** Jackson's path ({@code targets -> [0] -> tpgs -> ...}) in our form {@code targets[0].tpgs...}. */
    static String path(final DatabindException ex)
    {
        final StringBuilder sb = new StringBuilder();
        if (ex instanceof JsonMappingException mapping)
        {
            for (final JsonMappingException.Reference reference : mapping.getPath())
            {
                if (null != reference.getFieldName())
                {
                    if (!sb.isEmpty())
                    {
                        sb.append('.');
                    }
                    sb.append(reference.getFieldName());
                }
                else if (reference.getIndex() >= 0)
                {
                    sb.append('[').append(reference.getIndex()).append(']');
                }
            }
        }
        return sb.toString();
    }

    private static String bindingMessage(final DatabindException ex)
    {
        if (ex instanceof UnrecognizedPropertyException unknown)
        {
            return "unknown field \"" + unknown.getPropertyName() + "\"" + knownFields(unknown.getKnownPropertyIds());
        }
        if (ex instanceof InvalidFormatException invalid)
        {
            return "expected " + describe(invalid.getTargetType()) + ", found " + invalid.getValue();
        }
        if (ex instanceof MismatchedInputException mismatch && null != mismatch.getTargetType())
        {
            return "expected " + describe(mismatch.getTargetType());
        }
        return ex.getOriginalMessage();
    }

    private static String knownFields(final Collection<Object> known)
    {
        if (null == known || known.isEmpty())
        {
            return "";
        }
        return " (known fields: " + known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")";
    }

    private static String describe(final Class<?> type)
    {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class)
        {
            return "a whole number";
        }
        if (type == boolean.class || type == Boolean.class)
        {
            return "true or false";
        }
        if (type == String.class)
        {
            return "a string";
        }
        if (List.class.isAssignableFrom(type))
        {
            return "an array [ ... ]";
        }
        if (type.isRecord())
        {
            return "an object { ... }";
        }
        return type.getSimpleName();
    }
}
