package io.ringtarget.server.cli;

/** A duration as {@code ringtarget ls} and {@code sessions} show how long a session has been up: 2d03h, 1h05m, 42s. */
final class Uptime
{
    private Uptime()
    {
    }

    static String format(final long millis)
    {
        final long seconds = Math.max(0, millis / 1000);
        if (seconds < 60)
        {
            return seconds + "s";
        }
        if (seconds < 3600)
        {
            return seconds / 60 + "m" + String.format("%02ds", seconds % 60);
        }
        if (seconds < 86_400)
        {
            return seconds / 3600 + "h" + String.format("%02dm", seconds / 60 % 60);
        }
        return seconds / 86_400 + "d" + String.format("%02dh", seconds / 3600 % 24);
    }
}
