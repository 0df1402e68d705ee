package io.ringtarget.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

import static io.ringtarget.server.config.ConfigDefaults.AUTH_NONE;
import static io.ringtarget.server.config.ConfigDefaults.AUTO_BLOCK_SIZE;
import static io.ringtarget.server.config.ConfigDefaults.DEFAULT_BLOCK_SIZE;
import static io.ringtarget.server.config.ConfigDefaults.DEFAULT_IDLE_SPIN_MICROS;
import static io.ringtarget.server.config.ConfigDefaults.DEFAULT_NOP_IN_INTERVAL_SECONDS;
import static io.ringtarget.server.config.ConfigDefaults.DEFAULT_NOP_IN_TIMEOUT_SECONDS;
import static io.ringtarget.server.config.ConfigDefaults.DEFAULT_PORT;
import static io.ringtarget.server.config.ConfigDefaults.DEFAULT_PORTAL_IP;
import static io.ringtarget.server.config.ConfigDefaults.DEFAULT_TPG_TAG;
import static io.ringtarget.server.config.ConfigDefaults.IDLE_RING;
import static io.ringtarget.server.config.ConfigDefaults.TYPE_BLOCK;

/**
 * Fills the defaults of {@link ConfigDefaults} into a configuration's JSON tree before it is bound to the records,
 * so that a field left out of the file takes the documented default rather than Java's 0/false (see
 * docs/configuration.md for the table).
 */
final class TreeDefaults
{
    private TreeDefaults()
    {
    }

    /**
     * Fills in the defaults of missing (or null) fields of a configuration JSON tree, in place. Containers of the
     * wrong JSON type are left alone for the binding to report with their path. Problems found on the way
     * (a missing required LUN number, a size that does not parse) are added to {@code problems}.
     */
    static void applyTo(final JsonNode root, final List<ConfigProblem> problems)
    {
        if (!(root instanceof ObjectNode config))
        {
            problems.add(ConfigProblem.error("", "the configuration must be a JSON object { ... }"));
            return;
        }
        final ArrayNode backstores = defaultArray(config, "backstores");
        final ArrayNode targets = defaultArray(config, "targets");
        final ObjectNode discoveryAuth = defaultObject(config, "discoveryAuth");
        final ObjectNode engine = defaultObject(config, "engine");

        if (null != backstores)
        {
            for (int i = 0; i < backstores.size(); i++)
            {
                if (backstores.get(i) instanceof ObjectNode backstore)
                {
                    applyBackstore(backstore, "backstores[" + i + "]", problems);
                }
            }
        }
        if (null != targets)
        {
            for (int i = 0; i < targets.size(); i++)
            {
                if (targets.get(i) instanceof ObjectNode target)
                {
                    applyTarget(target, "targets[" + i + "]", problems);
                }
            }
        }
        if (null != discoveryAuth)
        {
            defaultText(discoveryAuth, "authentication", AUTH_NONE);
        }
        if (null != engine)
        {
            defaultInt(engine, "loops", 0);
            defaultBoolean(engine, "pinCpus", false);
            defaultText(engine, "idleStrategy", IDLE_RING);
            defaultInt(engine, "idleSpinMicros", DEFAULT_IDLE_SPIN_MICROS);
            defaultInt(engine, "nopInIntervalSeconds", DEFAULT_NOP_IN_INTERVAL_SECONDS);
            defaultInt(engine, "nopInTimeoutSeconds", DEFAULT_NOP_IN_TIMEOUT_SECONDS);
        }
    }

    private static void applyBackstore(final ObjectNode backstore, final String path, final List<ConfigProblem> problems)
    {
        final JsonNode type = backstore.get("type");
        final boolean block = null != type && TYPE_BLOCK.equals(type.asText());
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
        defaultLong(backstore, "sizeBytes", 0);
        defaultInt(backstore, "blockSize", block ? AUTO_BLOCK_SIZE : DEFAULT_BLOCK_SIZE);
        defaultBoolean(backstore, "directIo", true);
        defaultBoolean(backstore, "writeCache", false);
    }

    private static void applyTarget(final ObjectNode target, final String path, final List<ConfigProblem> problems)
    {
        final ArrayNode tpgs = defaultArray(target, "tpgs");
        if (null == tpgs)
        {
            return;
        }
        for (int j = 0; j < tpgs.size(); j++)
        {
            if (!(tpgs.get(j) instanceof ObjectNode tpg))
            {
                continue;
            }
            final String tpgPath = path + ".tpgs[" + j + "]";
            defaultInt(tpg, "tag", DEFAULT_TPG_TAG);
            defaultBoolean(tpg, "enabled", true);
            defaultBoolean(tpg, "generateNodeAcls", false);
            defaultText(tpg, "authentication", AUTH_NONE);
            final ArrayNode portals = defaultArray(tpg, "portals");
            if (null != portals)
            {
                for (final JsonNode node : portals)
                {
                    if (node instanceof ObjectNode portal)
                    {
                        defaultText(portal, "ip", DEFAULT_PORTAL_IP);
                        defaultInt(portal, "port", DEFAULT_PORT);
                    }
                }
            }
            final ArrayNode luns = defaultArray(tpg, "luns");
            if (null != luns)
            {
                for (int k = 0; k < luns.size(); k++)
                {
                    if (luns.get(k) instanceof ObjectNode lun)
                    {
                        if (isMissing(lun.get("lun")))
                        {
                            problems.add(ConfigProblem.error(tpgPath + ".luns[" + k + "].lun",
                                "the LUN number is required (0..16383)"));
                            lun.put("lun", -1);
                        }
                        defaultBoolean(lun, "readOnly", false);
                    }
                }
            }
            defaultArray(tpg, "acls");
        }
    }

    private static boolean isMissing(final JsonNode node)
    {
        return null == node || node.isNull();
    }

    private static ArrayNode defaultArray(final ObjectNode parent, final String field)
    {
        if (isMissing(parent.get(field)))
        {
            parent.set(field, JsonNodeFactory.instance.arrayNode());
        }
        return parent.get(field) instanceof ArrayNode array ? array : null;
    }

    private static ObjectNode defaultObject(final ObjectNode parent, final String field)
    {
        if (isMissing(parent.get(field)))
        {
            parent.set(field, JsonNodeFactory.instance.objectNode());
        }
        return parent.get(field) instanceof ObjectNode object ? object : null;
    }

    private static void defaultText(final ObjectNode parent, final String field, final String value)
    {
        if (isMissing(parent.get(field)))
        {
            parent.put(field, value);
        }
    }

    private static void defaultInt(final ObjectNode parent, final String field, final int value)
    {
        if (isMissing(parent.get(field)))
        {
            parent.put(field, value);
        }
    }

    private static void defaultLong(final ObjectNode parent, final String field, final long value)
    {
        if (isMissing(parent.get(field)))
        {
            parent.put(field, value);
        }
    }

    private static void defaultBoolean(final ObjectNode parent, final String field, final boolean value)
    {
        if (isMissing(parent.get(field)))
        {
            parent.put(field, value);
        }
    }
}
