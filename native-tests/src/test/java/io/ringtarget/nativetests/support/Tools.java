package io.ringtarget.nativetests.support;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Finds the external tools the native tests drive (libiscsi's clients, fio with the libiscsi engine, tgt,
 * losetup). A missing tool fails the test when {@code CI=true} (CI installs everything through
 * bin/install-test-deps.sh, so absence there is a bug) and otherwise skips it through an assumption.
 */
public final class Tools
{
    private static final String[] EXTRA_DIRS = { "/usr/sbin", "/sbin", "/usr/local/sbin" };
    private static volatile Path fio;

    private Tools()
    {
    }

    /**
     * @return true when the environment says this is CI ({@code CI=true}).
     */
    public static boolean isCi()
    {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * The path of an executable on PATH (or in the sbin directories, where tgtd and losetup live).
     *
     * @param binary the executable's name.
     * @return its path; fails (CI) or skips (elsewhere) the calling test when it is missing.
     */
    public static Path require(final String binary)
    {
        final Path found = which(binary);
        if (null == found)
        {
            unavailable(binary + " is not installed (bin/install-test-deps.sh installs it)");
        }
        return found;
    }

    /**
     * Requires root, which loop devices and tgtd's control socket in /var/run need.
     */
    public static void requireRoot()
    {
        if (!"root".equals(System.getProperty("user.name")))
        {
            unavailable("needs root (loop devices, tgtd)");
        }
    }

    /**
     * fio built with the libiscsi engine by bench/scripts/build-fio.sh: {@code $RINGTARGET_CACHE/fio/fio}, or
     * {@code .cache/fio/fio} in the first directory upwards from the working directory that has one.
     *
     * @return its path; fails (CI) or skips (elsewhere) the calling test when it is missing.
     */
    public static Path fio()
    {
        Path found = fio;
        if (null == found)
        {
            found = findFio();
            if (null == found)
            {
                unavailable("fio with the libiscsi engine is not built (bench/scripts/build-fio.sh)");
            }
            final ExternalProcess.Result help = ExternalProcess.run(Duration.ofSeconds(30), found.toString(),
                "--enghelp");
            if (!help.output().contains("libiscsi"))
            {
                unavailable(found + " has no libiscsi engine (bench/scripts/build-fio.sh builds one)");
            }
            fio = found;
        }
        return found;
    }

    /**
     * The iSCSI URL libiscsi's tools take.
     *
     * @param port the portal's port on {@value Ports#LOOPBACK}.
     * @param iqn  the target name.
     * @param lun  the LUN.
     * @return {@code iscsi://127.0.0.1:PORT/IQN/LUN}.
     */
    public static String iscsiUrl(final int port, final String iqn, final int lun)
    {
        return "iscsi://" + Ports.LOOPBACK + ":" + port + "/" + iqn + "/" + lun;
    }

    /**
     * An iSCSI URL as fio's {@code --filename} wants it: fio splits file names on ':', so every colon of the
     * URL is escaped with a backslash.
     *
     * @param url an iSCSI URL.
     * @return the escaped form.
     */
    public static String fioFilename(final String url)
    {
        return url.replace(":", "\\:");
    }

    /**
     * Deletes a directory and everything below it, as a test's cleanup: the host is left as the test found it.
     *
     * @param dir the directory; null or missing: nothing to do.
     */
    public static void deleteTree(final Path dir) throws IOException
    {
        if (null == dir || !Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path p : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Compiles native-tests/src/test/c/NAME.c, a libiscsi client of the tests, into {@code dir}.
     *
     * @return the program.
     */
    public static Path libiscsiProgram(final Path dir, final String name)
    {
        require("gcc");
        final Path program = dir.resolve(name);
        final ExternalProcess.Result built = ExternalProcess.run(java.time.Duration.ofSeconds(60), "gcc", "-O2",
            "-Wall", "-o", program.toString(), repoRoot().resolve("native-tests/src/test/c/" + name + ".c").toString(),
            "-liscsi");
        if (!built.ok())
        {
            throw new AssertionError("gcc " + name + ".c: " + built.output());
        }
        return program;
    }

    /**
     * The root of the ringtarget checkout: the first directory upwards from the working directory that holds
     * both {@code pom.xml} and the {@code ringtarget} launcher.
     *
     * @return its absolute path.
     */
    public static Path repoRoot()
    {
        for (Path dir = Path.of("").toAbsolutePath(); null != dir; dir = dir.getParent())
        {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isRegularFile(dir.resolve("ringtarget")))
            {
                return dir;
            }
        }
        throw new IllegalStateException("not inside the ringtarget checkout: " + Path.of("").toAbsolutePath());
    }

    static Path which(final String binary)
    {
        final String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (final String dir : path.split(":"))
        {
            final Path p = Path.of(dir.isEmpty() ? "." : dir, binary);
            if (Files.isExecutable(p) && Files.isRegularFile(p))
            {
                return p;
            }
        }
        for (final String dir : EXTRA_DIRS)
        {
            final Path p = Path.of(dir, binary);
            if (Files.isExecutable(p) && Files.isRegularFile(p))
            {
                return p;
            }
        }
        return null;
    }

    private static Path findFio()
    {
        final String cache = System.getenv("RINGTARGET_CACHE");
        if (null != cache && Files.isExecutable(Path.of(cache, "fio", "fio")))
        {
            return Path.of(cache, "fio", "fio");
        }
        for (Path dir = Path.of("").toAbsolutePath(); null != dir; dir = dir.getParent())
        {
            final Path candidate = dir.resolve(".cache/fio/fio");
            if (Files.isExecutable(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Fails the calling test on CI (where everything is installed, so absence is a bug) and skips it elsewhere.
     *
     * @param why what is missing.
     */
    static void unavailable(final String why)
    {
        if (isCi())
        {
            fail(why);
        }
        Assumptions.abort(why);
    }
}
