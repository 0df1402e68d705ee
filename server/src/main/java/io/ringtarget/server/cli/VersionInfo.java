package io.ringtarget.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The version the jar was built as: the project version (manifest) and the git commit the build wrote into the jar
 * ({@value #COMMIT_RESOURCE}), so that {@code -V} identifies a build without git at run time.
 */
public final class VersionInfo
{
    /** Written by the build (io.ringtarget.server.cli.build.BuildArtifacts), read here. */
    public static final String COMMIT_RESOURCE = "io/ringtarget/server/cli/commit.txt";
    /** The commit of a build outside a git work tree. */
    public static final String UNKNOWN = "unknown";

    private VersionInfo()
    {
    }

    /** {@code ringtarget 0.1.0-SNAPSHOT (commit 8b6dee0-dirty)}. */
    public static String line()
    {
        return line(commit());
    }

    /**
     * @param commit the commit, or null when it is not known.
     * @return the version line.
     */
    public static String line(final String commit)
    {
        final String version = Main.class.getPackage().getImplementationVersion();
        return "ringtarget " + (null == version ? "(development build)" : version) + " (commit " +
            (null == commit || commit.isBlank() ? UNKNOWN : commit) + ")";
    }

    /** The commit the build recorded, or null (run from classes that no build wrote it for). */
    static String commit()
    {
        try (InputStream in = VersionInfo.class.getClassLoader().getResourceAsStream(COMMIT_RESOURCE))
        {
            return null == in ? null : new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
        }
        catch (final IOException ex)
        {
            return null;
        }
    }
}
