package io.ringtarget.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.ringtarget.server.admin.LiveView;

/** {@code ringtarget ls --json}: the served configuration as a JSON object (not a string in one), and the live state. */
final class LiveViews
{
    private static final JsonMapper MAPPER = JsonMapper.builder()
        .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).build();

    private LiveViews()
    {
    }

    static String json(final LiveView view)
    {
        try
        {
            final ObjectNode root = MAPPER.createObjectNode();
            root.set("config", MAPPER.readTree(view.config()));
            root.set("sessions", MAPPER.valueToTree(view.sessions()));
            root.set("alua", MAPPER.valueToTree(view.alua()));
            root.set("sizes", MAPPER.valueToTree(view.sizes()));
            root.set("media", MAPPER.valueToTree(view.media()));
            root.set("memory", MAPPER.valueToTree(view.memory()));
            root.set("modes", MAPPER.valueToTree(view.modes()));
            root.set("reservations", MAPPER.valueToTree(view.reservations()));
            return MAPPER.writeValueAsString(root);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException("cannot write the view", ex);
        }
    }
}
