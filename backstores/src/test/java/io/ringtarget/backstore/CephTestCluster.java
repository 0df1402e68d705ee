package io.ringtarget.backstore;

import io.ringtarget.backstore.rbd.RbdImageSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A throwaway Ceph cluster for one test class (bin/ceph-throwaway.sh: one monitor and one memstore OSD on
 * 127.0.0.1, about a second to start): images made with the rbd command, torn down (daemons killed, directory
 * deleted) by {@link #close()}. Without Ceph installed the test is skipped, and fails when CI=true
 * (bin/install-test-deps.sh installs it there).
 */
final class CephTestCluster implements AutoCloseable
{
    final Path dir;
    final String conf;
    final String keyring;

    private CephTestCluster(final Map<String, String> env)
    {
        this.dir = Path.of(env.get("CEPH_DIR"));
        this.conf = env.get("CEPH_CONF");
        this.keyring = env.get("CEPH_KEYRING");
    }

    static CephTestCluster start() throws IOException, InterruptedException
    {
        final boolean installed = Files.isExecutable(Path.of("/usr/bin/ceph-osd"));
        if (!"true".equals(System.getenv("CI")))
        {
            assumeTrue(installed, "Ceph is not installed (bin/install-test-deps.sh installs ceph-mon, ceph-osd)");
        }
        final String out = exec(script().toString(), "start");
        final Map<String, String> env = new HashMap<>();
        for (final String line : out.split("\n"))
        {
            final int eq = line.indexOf('=');
            if (line.startsWith("CEPH_") && eq > 0)
            {
                env.put(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }
        return new CephTestCluster(env);
    }

    private static Path script()
    {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent())
        {
            final Path s = d.resolve("bin/ceph-throwaway.sh");
            if (Files.isExecutable(s))
            {
                return s;
            }
        }
        throw new IllegalStateException("bin/ceph-throwaway.sh not found above " + Path.of("").toAbsolutePath());
    }

    /** A new image POOL rbd, with the default features (exclusive-lock among them) unless given. */
    RbdImageSpec image(final String name, final String size, final String... extra) throws IOException, InterruptedException
    {
        final List<String> args = new ArrayList<>(List.of("create", "--size", size));
        args.addAll(List.of(extra));
        args.add("rbd/" + name);
        rbd(args.toArray(String[]::new));
        return new RbdImageSpec("rbd", name, conf, "admin", null);
    }

    String rbd(final String... args) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>(List.of("rbd", "-c", conf));
        command.addAll(List.of(args));
        return exec(command.toArray(String[]::new));
    }

    /** The same client through a keyring file of another name: librados gives it a connection of its own. */
    RbdImageSpec asAnotherGateway(final RbdImageSpec spec) throws IOException
    {
        final Path copy = dir.resolve("keyring-" + System.nanoTime());
        Files.copy(Path.of(keyring), copy);
        return new RbdImageSpec(spec.pool(), spec.image(), spec.cephConf(), spec.cephId(), copy.toString());
    }

    /** The same image through a copy of the ceph.conf with {@code lines} added: a connection of its own. */
    RbdImageSpec withConf(final RbdImageSpec spec, final String lines) throws IOException
    {
        final Path copy = dir.resolve("ceph-" + System.nanoTime() + ".conf");
        Files.writeString(copy, Files.readString(Path.of(conf)) + "\n[client]\n" + lines + "\n");
        return new RbdImageSpec(spec.pool(), spec.image(), copy.toString(), spec.cephId(), spec.keyring());
    }

    /**
     * Stops the cluster's OSD (SIGSTOP: it answers nothing, as a hung or unreachable one) until closed, or until a
     * watchdog lets it go on after {@code watchdogMillis} (so that a command which waits for it on the test's own
     * thread still ends, and the test fails on what it measured).
     */
    AutoCloseable stopOsd(final long watchdogMillis) throws IOException, InterruptedException
    {
        final String pid = Files.readString(dir.resolve("run/osd.0.pid")).trim();
        final Thread watchdog = Thread.ofPlatform().daemon().start(() ->
        {
            try
            {
                Thread.sleep(watchdogMillis);
                exec("kill", "-CONT", pid);
            }
            catch (final InterruptedException ex)
            {
                // the test let it go on itself
            }
            catch (final IOException ex)
            {
                throw new java.io.UncheckedIOException(ex);
            }
        });
        exec("kill", "-STOP", pid);
        return () ->
        {
            watchdog.interrupt();
            exec("kill", "-CONT", pid);
        };
    }

    static String exec(final String... command) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", command));
        }
        if (p.exitValue() != 0)
        {
            throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + out);
        }
        return out;
    }

    @Override
    public void close() throws IOException, InterruptedException
    {
        exec(script().toString(), "stop", dir.toString());
    }
}
