package io.ringtarget.nativetests.support;

import io.ringtarget.server.config.RbdConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A throwaway single-node Ceph cluster (bin/ceph-throwaway.sh: one monitor and one memstore OSD on 127.0.0.1,
 * cephx, pool {@code rbd}; about 3 s to start) for a test class, with images made by the rbd command; {@link #close}
 * kills its daemons and deletes its directory. Without Ceph the test fails under CI and is skipped elsewhere
 * ({@link Tools#require}).
 */
public final class ThrowawayCeph implements AutoCloseable
{
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final Path dir;
    private final String conf;
    private final String keyring;

    private ThrowawayCeph(final Map<String, String> env)
    {
        this.dir = Path.of(env.get("CEPH_DIR"));
        this.conf = env.get("CEPH_CONF");
        this.keyring = env.get("CEPH_KEYRING");
    }

    /** Starts a cluster (bin/ceph-throwaway.sh start): its monitor and OSD run until {@link #close}. */
    public static ThrowawayCeph start()
    {
        Tools.require("ceph-osd");
        Tools.require("ceph-mon");
        Tools.require("rbd");
        final ExternalProcess.Result r = ExternalProcess.run(TIMEOUT, script().toString(), "start");
        if (!r.ok())
        {
            throw new IllegalStateException("bin/ceph-throwaway.sh start failed: " + r.output());
        }
        final Map<String, String> env = new HashMap<>();
        r.output().lines().filter(l -> l.startsWith("CEPH_") && l.indexOf('=') > 0)
            .forEach(l -> env.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1).strip()));
        return new ThrowawayCeph(env);
    }

    private static Path script()
    {
        return Tools.repoRoot().resolve("bin/ceph-throwaway.sh");
    }

    public String conf()
    {
        return conf;
    }

    public String keyring()
    {
        return keyring;
    }

    public Path dir()
    {
        return dir;
    }

    /**
     * Appends lines to the cluster's ceph.conf, e.g. a {@code [client]} section with librbd options: the monitor and
     * the OSD have read theirs, librbd clients started from now on (gateways, the rbd command) read them.
     */
    public void appendConf(final String lines) throws IOException
    {
        Files.writeString(Path.of(conf), System.lineSeparator() + lines + System.lineSeparator(),
            java.nio.file.StandardOpenOption.APPEND);
    }

    /** Makes {@code rbd/NAME} of {@code size} (rbd's units: 1G, 256M) with the default features. */
    public RbdConfig image(final String name, final String size)
    {
        rbd("create", "--size", size, "rbd/" + name);
        return new RbdConfig("rbd/" + name, conf, "admin", keyring);
    }

    /** Runs the rbd command on this cluster; fails on a non-zero exit. */
    public String rbd(final String... args)
    {
        final List<String> command = new ArrayList<>(List.of("rbd", "-c", conf));
        command.addAll(List.of(args));
        final ExternalProcess.Result r = ExternalProcess.run(TIMEOUT, command.toArray(String[]::new));
        if (!r.ok())
        {
            throw new IllegalStateException(String.join(" ", command) + ": " + r.output());
        }
        return r.output();
    }

    /** Runs the rados command on this cluster; fails on a non-zero exit. */
    public String rados(final String... args)
    {
        final List<String> command = new ArrayList<>(List.of("rados", "-c", conf));
        command.addAll(List.of(args));
        final ExternalProcess.Result r = ExternalProcess.run(TIMEOUT, command.toArray(String[]::new));
        if (!r.ok())
        {
            throw new IllegalStateException(String.join(" ", command) + ": " + r.output());
        }
        return r.output();
    }

    /** The image's bytes as librbd reads them ({@code rbd export}), not through any gateway. */
    public byte[] export(final String name) throws IOException
    {
        final Path file = dir.resolve("export-" + name + "-" + System.nanoTime());
        rbd("export", "--no-progress", "rbd/" + name, file.toString());
        try
        {
            return Files.readAllBytes(file);
        }
        finally
        {
            Files.deleteIfExists(file);
        }
    }

    @Override
    public void close()
    {
        final ExternalProcess.Result r = ExternalProcess.run(TIMEOUT, script().toString(), "stop", dir.toString());
        if (!r.ok())
        {
            throw new IllegalStateException("bin/ceph-throwaway.sh stop failed: " + r.output());
        }
    }
}
