package io.ringtarget.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;

/**
 * The admin socket's protocol: one JSON object a line each way, a request then its response, then the connection
 * closes. Unknown fields are ignored both ways, so a newer CLI and an older target (or the reverse) still understand
 * what they have in common.
 */
final class AdminMessages
{
    /** A request larger than this is refused (a batch of 100,000 lines fits). */
    static final int MAX_LINE = 64 * 1024 * 1024;

    private static final JsonMapper MAPPER = JsonMapper.builder()
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .build();

    private AdminMessages()
    {
    }

    static String write(final Object message)
    {
        try
        {
            return MAPPER.writeValueAsString(message);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException("cannot write " + message.getClass().getSimpleName(), ex);
        }
    }

    static <T> T read(final String line, final Class<T> type) throws IOException
    {
        try
        {
            return MAPPER.readValue(line, type);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IOException("not a " + type.getSimpleName() + ": " + ex.getOriginalMessage(), ex);
        }
    }
}
