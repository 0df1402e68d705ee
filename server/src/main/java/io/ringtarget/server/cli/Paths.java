package io.ringtarget.server.cli;

/** Accepts targetcli's object paths where ringtarget takes names, so that targetcli habits keep working. */
final class Paths
{
    private Paths()
    {
    }

    /** {@code /backstores/fileio/disk1} or {@code disk1} gives {@code disk1}. */
    static String backstoreName(final String nameOrPath)
    {
        if (nameOrPath.startsWith("/backstores/"))
        {
            final int slash = nameOrPath.lastIndexOf('/');
            return nameOrPath.substring(slash + 1);
        }
        return nameOrPath;
    }
}
