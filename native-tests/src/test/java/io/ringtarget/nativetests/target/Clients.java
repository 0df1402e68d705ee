package io.ringtarget.nativetests.target;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** Runs the real iSCSI clients (libiscsi's tools, fio) with a time limit and captures what they print. */
final class Clients
{
    private Clients()
    {
    }

    record Result(int exitCode, String output)
    {
    }

    /** In CI a missing tool fails the test (CI installs them); elsewhere the test is skipped. */
    static void require(final String... tools)
    {
        for (final String tool : tools)
        {
            if (which(tool) == null)
            {
                if ("true".equals(System.getenv("CI")))
                {
                    fail(tool + " is not installed (bin/install-test-deps.sh installs it)");
                }
                Assumptions.abort(tool + " is not installed");
            }
        }
    }

    static String which(final String tool)
    {
        for (final String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
        {
            final File f = new File(dir, tool);
            if (f.canExecute())
            {
                return f.getPath();
            }
        }
        return null;
    }

    /** fio with the libiscsi engine, built by bench/scripts/build-fio.sh into .cache/fio/fio. */
    static String fio()
    {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve(".cache/fio/fio")))
        {
            dir = dir.getParent();
        }
        if (dir == null)
        {
            if ("true".equals(System.getenv("CI")))
            {
                fail("fio with libiscsi not built (bench/scripts/build-fio.sh)");
            }
            Assumptions.abort("fio with libiscsi not built (bench/scripts/build-fio.sh)");
        }
        return dir.resolve(".cache/fio/fio").toString();
    }

    static int freePort()
    {
        try (ServerSocket s = new ServerSocket(0))
        {
            return s.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    static Result run(final int timeoutSeconds, final String... command)
    {
        try
        {
            final Path out = Files.createTempFile("client", ".out");
            try
            {
                final Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                    .start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS))
                {
                    p.destroyForcibly().waitFor();
                    return new Result(-1, "TIMEOUT after " + timeoutSeconds + " s: " + String.join(" ", command) +
                        "\n" + Files.readString(out, StandardCharsets.UTF_8));
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            }
            finally
            {
                Files.deleteIfExists(out);
            }
        }
        catch (final IOException ex)
        {
            return new Result(-2, ex.toString());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return new Result(-3, ex.toString());
        }
    }

    /** fio over libiscsi: write with verify=crc32c, then fio reads everything back and verifies. */
    static Result fioVerify(final String url, final String rw, final String bs, final int iodepth, final String size)
    {
        final String filename = url.replace(":", "\\:");
        final List<String> cmd = new ArrayList<>(List.of(fio(), "--name=verify", "--ioengine=libiscsi",
            "--filename=" + filename, "--rw=" + rw, "--bs=" + bs, "--iodepth=" + iodepth, "--size=" + size,
            "--verify=crc32c", "--do_verify=1", "--verify_fatal=1", "--randrepeat=0", "--norandommap=0"));
        return run(300, cmd.toArray(new String[0]));
    }
}
