package io.ringtarget.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.ringtarget.server.config.ConfigDefaults.AUTH_NONE;
import static io.ringtarget.server.config.ConfigDefaults.AUTO_BLOCK_SIZE;
import static io.ringtarget.server.config.ConfigDefaults.DEFAULT_BLOCK_SIZE;
import static io.ringtarget.server.config.ConfigDefaults.DEFAULT_IDLE_SPIN_MICROS;
import static io.ringtarget.server.config.ConfigDefaults.DEFAULT_NOP_IN_INTERVAL_SECONDS;
import static io.ringtarget.server.config.ConfigDefaults.DEFAULT_NOP_IN_TIMEOUT_SECONDS;
import static io.ringtarget.server.config.ConfigDefaults.DEFAULT_PORT;
import static io.ringtarget.server.config.ConfigDefaults.DEFAULT_PORTAL_IP;
import static io.ringtarget.server.config.ConfigDefaults.DEFAULT_STATE_DIRECTORY;
import static io.ringtarget.server.config.ConfigDefaults.DEFAULT_TPG_TAG;
import static io.ringtarget.server.config.ConfigDefaults.IDLE_RING;
import static io.ringtarget.server.config.ConfigDefaults.TYPE_BLOCK;
import static io.ringtarget.server.config.ConfigDefaults.TYPE_RAM;

/**
 * Fills the defaults of {@link ConfigDefaults} into a configuration's JSON tree before it is bound to the records,
 * so that a field left out of the file takes the documented default rather than Java's 0/false (see
 * docs/configuration.md for the table, and the schema's {@code default} annotations).
 */
final class TreeDefaults
{
    private TreeDefaults()
    {
    }

    /** Removes the fields whose value is null, at every depth: a null is a missing field. */
    static void dropNulls(final JsonNode node)
    {
        if (node instanceof ObjectNode object)
        {
            final List<String> nulls = new ArrayList<>();
            for (final Map.Entry<String, JsonNode> field : object.properties())
            {
                if (field.getValue().isNull())
                {
                    nulls.add(field.getKey());
                }
                else
                {
                    dropNulls(field.getValue());
                }
            }
            object.remove(nulls);
        }
        else if (node instanceof ArrayNode array)
        {
            array.forEach(TreeDefaults::dropNulls);
        }
    }

    /**
     * Fills in the defaults of missing fields, in place. The tree has the schema's shape ({@link ConfigSchema}):
     * containers that are not, are left alone for the binding to report. Sizes written as text ({@code "10G"})
     * become numbers; one that does not parse is added to {@code problems}.
     */
    static void applyTo(final ObjectNode config, final List<ConfigProblem> problems)
    {
        final ArrayNode backstores = defaultArray(config, "backstores");
        for (int i = 0; null != backstores && i < backstores.size(); i++)
        {
            if (backstores.get(i) instanceof ObjectNode backstore)
            {
                applyBackstore(backstore, "backstores[" + i + "]", problems);
            }
        }
        final ArrayNode targets = defaultArray(config, "targets");
        for (int i = 0; null != targets && i < targets.size(); i++)
        {
            if (targets.get(i) instanceof ObjectNode target)
            {
                applyTarget(target);
            }
        }
        final ObjectNode discoveryAuth = defaultObject(config, "discoveryAuth");
        if (null != discoveryAuth)
        {
            defaultValue(discoveryAuth, "authentication", AUTH_NONE);
        }
        final ObjectNode engine = defaultObject(config, "engine");
        if (null != engine)
        {
            defaultValue(engine, "loops", 0);
            defaultValue(engine, "pinCpus", false);
            defaultValue(engine, "idleStrategy", IDLE_RING);
            defaultValue(engine, "idleSpinMicros", DEFAULT_IDLE_SPIN_MICROS);
            defaultValue(engine, "nopInIntervalSeconds", DEFAULT_NOP_IN_INTERVAL_SECONDS);
            defaultValue(engine, "nopInTimeoutSeconds", DEFAULT_NOP_IN_TIMEOUT_SECONDS);
        }
        defaultValue(config, "stateDirectory", DEFAULT_STATE_DIRECTORY);
        if (config.get("metrics") instanceof ObjectNode metrics)
        {
            defaultValue(metrics, "listen", MetricsConfig.OFF);   // the section is optional: no default object
        }
        if (config.get("security") instanceof ObjectNode security)
        {
            applySecurity(security);   // optional too: without it the engine takes ConfigDefaults.security()
        }
    }

    private static void applySecurity(final ObjectNode security)
    {
        final SecurityConfig d = ConfigDefaults.security();
        if (!security.has("chapAlgorithms"))
        {
            final ArrayNode algorithms = security.putArray("chapAlgorithms");
            d.chapAlgorithms().forEach(algorithms::add);
        }
        defaultValue(security, "loginTimeoutSeconds", d.loginTimeoutSeconds());
        defaultValue(security, "maxFailedLoginsPerInitiator", d.maxFailedLoginsPerInitiator());
        defaultValue(security, "maxFailedLoginsPerSource", d.maxFailedLoginsPerSource());
        defaultValue(security, "failedLoginWindowSeconds", d.failedLoginWindowSeconds());
        defaultValue(security, "lockoutSeconds", d.lockoutSeconds());
        defaultValue(security, "lockedLoginDelayMillis", d.lockedLoginDelayMillis());
        defaultValue(security, "maxSessionsPerTarget", d.maxSessionsPerTarget());
        defaultValue(security, "maxSessionsPerInitiator", d.maxSessionsPerInitiator());
        defaultValue(security, "maxConnectionsPerSource", d.maxConnectionsPerSource());
        defaultValue(security, "maxConnections", d.maxConnections());
    }

    private static void applyBackstore(final ObjectNode backstore, final String path, final List<ConfigProblem> problems)
    {
        final JsonNode size = backstore.get("sizeBytes");
        if (null != size && size.isTextual())
        {
            // Sizes may be written as in the CLI ("10G"); stored as a number of bytes.
            try
            {
                backstore.put("sizeBytes", Sizes.parse(size.asText()));
            }
            catch (final IllegalArgumentException ex)
            {
                problems.add(ConfigProblem.error(path + ".sizeBytes", ex.getMessage()));
                backstore.put("sizeBytes", 0L);
            }
        }
        defaultValue(backstore, "sizeBytes", 0L);
        final boolean block = TYPE_BLOCK.equals(backstore.path("type").asText());
        defaultValue(backstore, "blockSize", block ? AUTO_BLOCK_SIZE : DEFAULT_BLOCK_SIZE);
        defaultValue(backstore, "directIo", true);
        defaultValue(backstore, "writeCache", false);
        defaultValue(backstore, "grow", false);
        if (TYPE_RAM.equals(backstore.path("type").asText()))
        {
            defaultValue(backstore, "hugePages", true);
        }
        if (backstore.get("rbd") instanceof ObjectNode rbd)
        {
            defaultValue(rbd, "cephId", RbdConfig.DEFAULT_CEPH_ID);
        }
    }

    private static void applyTarget(final ObjectNode target)
    {
        final ArrayNode tpgs = defaultArray(target, "tpgs");
        for (int j = 0; null != tpgs && j < tpgs.size(); j++)
        {
            if (!(tpgs.get(j) instanceof ObjectNode tpg))
            {
                continue;
            }
            defaultValue(tpg, "tag", DEFAULT_TPG_TAG);
            defaultValue(tpg, "enabled", true);
            defaultValue(tpg, "generateNodeAcls", false);
            defaultValue(tpg, "authentication", AUTH_NONE);
            final ArrayNode portals = defaultArray(tpg, "portals");
            for (int k = 0; null != portals && k < portals.size(); k++)
            {
                if (portals.get(k) instanceof ObjectNode portal)
                {
                    defaultValue(portal, "ip", DEFAULT_PORTAL_IP);
                    defaultValue(portal, "port", DEFAULT_PORT);
                }
            }
            final ArrayNode luns = defaultArray(tpg, "luns");
            for (int k = 0; null != luns && k < luns.size(); k++)
            {
                if (luns.get(k) instanceof ObjectNode lun)
                {
                    defaultValue(lun, "readOnly", false);
                }
            }
            defaultArray(tpg, "acls");
        }
    }

    private static ArrayNode defaultArray(final ObjectNode parent, final String field)
    {
        if (!parent.has(field))
        {
            parent.set(field, JsonNodeFactory.instance.arrayNode());
        }
        return parent.get(field) instanceof ArrayNode array ? array : null;
    }

    private static ObjectNode defaultObject(final ObjectNode parent, final String field)
    {
        if (!parent.has(field))
        {
            parent.set(field, JsonNodeFactory.instance.objectNode());
        }
        return parent.get(field) instanceof ObjectNode object ? object : null;
    }

    private static void defaultValue(final ObjectNode parent, final String field, final String value)
    {
        if (!parent.has(field))
        {
            parent.put(field, value);
        }
    }

    private static void defaultValue(final ObjectNode parent, final String field, final int value)
    {
        if (!parent.has(field))
        {
            parent.put(field, value);
        }
    }

    private static void defaultValue(final ObjectNode parent, final String field, final long value)
    {
        if (!parent.has(field))
        {
            parent.put(field, value);
        }
    }

    private static void defaultValue(final ObjectNode parent, final String field, final boolean value)
    {
        if (!parent.has(field))
        {
            parent.put(field, value);
        }
    }
}
