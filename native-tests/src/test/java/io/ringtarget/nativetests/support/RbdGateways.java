package io.ringtarget.nativetests.support;

import io.ringtarget.server.config.AluaConfig;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.ConfigFiles;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.MetricsConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RbdConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A gateway of docs/ceph.md's "Two gateways with ALUA": the configuration file of a {@code ringtarget serve} that
 * exports one rbd image (backstore {@code rbd0}) as LUN 0 of a target whose IQN every gateway shares, through a TPG
 * of its own tag and ALUA state, with a metrics endpoint and a state directory of its own.
 */
public final class RbdGateways
{
    /** The log line of a fenced gateway that serves the image again. */
    public static final String REOPENED = ".*rbd0: opened the image again as a new Ceph client.*";

    private RbdGateways()
    {
    }

    /**
     * A throwaway cluster configured as docs/ceph.md has gateways that share an image: without librbd's cache (with
     * it, a fenced gateway resumed after a takeover was seen to answer GOOD to writes Ceph refused).
     */
    public static ThrowawayCeph cluster() throws IOException
    {
        final ThrowawayCeph ceph = ThrowawayCeph.start();
        try
        {
            ceph.appendConf("[client]\nrbd cache = false");
            return ceph;
        }
        catch (final IOException | RuntimeException ex)
        {
            ceph.close();
            throw ex;
        }
    }

    /**
     * Two gateways of one image, each a {@code ringtarget serve} of its own: A through TPG 1 (preferred), B through
     * TPG 2, in the ALUA states given, each with a metrics endpoint; closing stops both.
     */
    public record Pair(Path configA, Path configB, int portA, int portB, int metricsA, int metricsB,
        RingtargetProcess a, RingtargetProcess b) implements AutoCloseable
    {
        public static Pair serve(final Path dir, final String iqn, final RbdConfig image, final String aluaA,
            final String aluaB) throws IOException
        {
            return serve(dir, iqn, image, 512, aluaA, aluaB);
        }

        /** @param blockSize the LUN's logical block size (512 or 4096). */
        public static Pair serve(final Path dir, final String iqn, final RbdConfig image, final int blockSize,
            final String aluaA, final String aluaB) throws IOException
        {
            final int portA = Ports.free();
            final int portB = Ports.free();
            final int metricsA = Ports.free();
            final int metricsB = Ports.free();
            final Path configA = config(dir, iqn, "a", image, blockSize, 1, portA, metricsA, aluaA, true);
            final Path configB = config(dir, iqn, "b", image, blockSize, 2, portB, metricsB, aluaB, false);
            final RingtargetProcess a = RingtargetProcess.serve(configA, dir.resolve("a.log"), portA);
            try
            {
                return new Pair(configA, configB, portA, portB, metricsA, metricsB, a,
                    RingtargetProcess.serve(configB, dir.resolve("b.log"), portB));
            }
            catch (final RuntimeException ex)
            {
                a.close();
                throw ex;
            }
        }

        /** Both gateways' logs, for failure messages. */
        public String logs()
        {
            return "\nA:\n" + a.logText() + "\nB:\n" + b.logText();
        }

        @Override
        public void close()
        {
            try
            {
                a.close();
            }
            finally
            {
                b.close();
            }
        }
    }

    /** A test's end: the gateways (when started), the cluster (when started), then the directory they used. */
    public static void stop(final Pair gateways, final ThrowawayCeph ceph, final Path dir) throws IOException
    {
        try
        {
            if (null != gateways)
            {
                gateways.close();
            }
        }
        finally
        {
            if (null != ceph)
            {
                ceph.close();
            }
            Tools.deleteTree(dir);
        }
    }

    /** {@code ringtarget ls} of the gateway serving {@code config}, through its admin socket. */
    public static String ls(final Path config)
    {
        final ExternalProcess.Result r = RingtargetCli.run("ls", "--admin-socket",
            config.resolveSibling(config.getFileName() + ".admin.sock").toString());
        if (r.exitCode() != 0)
        {
            throw new AssertionError("ringtarget ls: " + r.output());
        }
        return r.output();
    }

    /**
     * @param dir   where the file and the state directory go ({@code NAME.json}, {@code state-NAME}).
     * @param name  the gateway's name in those.
     * @return the configuration file.
     */
    public static Path config(final Path dir, final String iqn, final String name, final RbdConfig image,
        final int blockSize, final int tag, final int port, final int metricsPort, final String aluaState,
        final boolean preferred) throws IOException
    {
        final List<LunConfig> lun = List.of(new LunConfig(0, "rbd0", false));
        final RingtargetConfig config = new RingtargetConfig(
            List.of(BackstoreConfig.rbd("rbd0", image, blockSize, false, null, null)),
            List.of(new TargetConfig(iqn, "gateways", List.of(
                new TpgConfig(tag, true, List.of(new PortalConfig(Ports.LOOPBACK, port)), lun, List.of(), true, "none")
                    .withAlua(new AluaConfig(aluaState, preferred))))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(1, false, "ring", 5, 15),
            new MetricsConfig(Ports.LOOPBACK + ":" + metricsPort), dir.resolve("state-" + name).toString());
        final Path file = dir.resolve(name + ".json");
        ConfigFiles.save(config, file);
        return file;
    }
}
