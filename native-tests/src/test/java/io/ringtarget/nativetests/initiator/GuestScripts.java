package io.ringtarget.nativetests.initiator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The guest's shell scripts, test resources under {@code /kernel-initiator/}. */
final class GuestScripts
{
    private GuestScripts()
    {
    }

    /** The text of {@code /kernel-initiator/NAME}; an IOException names a missing one. */
    static String read(final String name) throws IOException
    {
        try (InputStream in = GuestScripts.class.getResourceAsStream("/kernel-initiator/" + name))
        {
            if (null == in)
            {
                throw new IOException("no resource /kernel-initiator/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
