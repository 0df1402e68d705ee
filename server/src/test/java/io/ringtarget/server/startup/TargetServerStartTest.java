package io.ringtarget.server.startup;

import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.logging.LogManager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Starting a target from a configuration: the portals are bound before any backstore is opened, so a start that
 * cannot serve its portals opens nothing; what refuses a start is named (portal or file, and the OS error).
 */
class TargetServerStartTest
{
    private final Path image = Path.of("/var/tmp", "ringtarget-start-" + ProcessHandle.current().pid() + "-" +
        System.nanoTime() + ".img");

    @AfterEach
    void cleanUp() throws IOException
    {
        Files.deleteIfExists(image);
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            return s.getLocalPort();
        }
    }

    /** A RAM LUN and a fileio LUN on {@code image} (created at start when missing), on 127.0.0.1:port. */
    private RingtargetConfig config(final int port)
    {
        return new RingtargetConfig(
            List.of(new BackstoreConfig("ram0", "ram", null, 16L << 20, 512, true, false, "start-ram0", null),
                new BackstoreConfig("file0", "fileio", image.toString(), 16L << 20, 512, true, false, null, null)),
            List.of(new TargetConfig("iqn.2026-11.io.ringtarget:start", null, List.of(new TpgConfig(1, true,
                List.of(new PortalConfig("127.0.0.1", port)),
                List.of(new LunConfig(0, "ram0", false), new LunConfig(1, "file0", false)), List.of(), true, "none")))),
            new DiscoveryAuthConfig("none", null),
            new EngineConfig(2, false, "ring", 5, 15));
    }

    @Test
    void aPortInUseIsNamedAndNoBackstoreIsOpened() throws IOException
    {
        try (ServerSocket other = new ServerSocket(0, 8, InetAddress.getByName("127.0.0.1")))
        {
            final IOException ex = assertThrows(IOException.class,
                () -> TargetServer.start(config(other.getLocalPort()), new PrintStream(new ByteArrayOutputStream())));
            assertEquals("127.0.0.1:" + other.getLocalPort() + " is already served by another process (bind: " +
                "EADDRINUSE (Address already in use))", ex.getMessage());
            assertFalse(Files.exists(image), "the fileio backstore was not opened (it would have been created)");
        }
    }

    @Test
    void theSameConfigurationServedTwiceIsRefusedAndOpensNothing() throws IOException
    {
        final int port = freePort();
        try (TargetServer first = TargetServer.start(config(port), new PrintStream(new ByteArrayOutputStream())))
        {
            assertEquals(List.of("127.0.0.1:" + port), first.portals());
            final long size = Files.size(image);
            Files.delete(image);   // the first server keeps its descriptors; a second start would create it anew
            final IOException ex = assertThrows(IOException.class,
                () -> TargetServer.start(config(port), new PrintStream(new ByteArrayOutputStream())));
            assertTrue(ex.getMessage().startsWith("127.0.0.1:" + port + " is already served by another process"),
                ex.getMessage());
            assertFalse(Files.exists(image), "the refused start opened no backstore");
            assertEquals(16L << 20, size);
        }
    }

    @Test
    void aBackingFileServedByAnotherProcessIsNamedAndThePortalIsReleased() throws Exception
    {
        final Path flock = Path.of("/usr/bin/flock");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(flock), "util-linux flock not installed");
        Files.write(image, new byte[16 << 20]);
        final int port = freePort();
        final Process holder = new ProcessBuilder(flock.toString(), "-o", "-x", image.toString(), "sh", "-c",
            "echo locked; exec sleep 60").redirectErrorStream(true).start();
        try
        {
            assertEquals("locked", new String(holder.getInputStream().readNBytes(6), StandardCharsets.UTF_8));
            final IOException ex = assertThrows(IOException.class,
                () -> TargetServer.start(config(port), new PrintStream(new ByteArrayOutputStream())));
            assertTrue(ex.getMessage().startsWith(image + " is in use by another process"), ex.getMessage());
        }
        finally
        {
            holder.descendants().forEach(ProcessHandle::destroy);
            holder.destroy();
            assertTrue(holder.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
        }
        // The refused start closed its portal sockets: the same configuration starts now.
        TargetServer.start(config(port), new PrintStream(new ByteArrayOutputStream())).close();
    }

    @Test
    void theStateDirectoryIsCreatedOwnerOnlyAndATornReservationFileRefusesTheStartNamingIt(@TempDir final Path dir)
        throws IOException
    {
        final Path state = dir.resolve("state/ringtarget");
        final int port = freePort();
        final RingtargetConfig config = config(port).withStateDirectory(state.toString());
        TargetServer.start(config, new PrintStream(new ByteArrayOutputStream())).close();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));

        final String serial = "start-ram0";    // ram0's; the file is named after the unit serial
        final Path pr = Files.createDirectories(state.resolve("persistent-reservations")).resolve(serial + ".pr");
        Files.writeString(pr, "ringtarget persistent reservations 1\nserial " + serial + "\ngeneration 3\n");
        final IOException ex = assertThrows(IOException.class,
            () -> TargetServer.start(config, new PrintStream(new ByteArrayOutputStream())));
        assertTrue(ex.getMessage().contains(pr.toString()), ex.getMessage());
        assertEquals("ringtarget persistent reservations 1\nserial " + serial + "\ngeneration 3\n",
            Files.readString(pr), "the torn file is left for the administrator");
        Files.delete(pr);
        TargetServer.start(config, new PrintStream(new ByteArrayOutputStream())).close();  // the portal was released
    }

    @Test
    void aStateDirectoryThatCannotBeCreatedIsNamed() throws IOException
    {
        final IOException ex = assertThrows(IOException.class, () -> TargetServer.start(
            config(freePort()).withStateDirectory("/proc/ringtarget-state"), new PrintStream(new ByteArrayOutputStream())));
        assertTrue(ex.getMessage().startsWith("cannot use the state directory /proc/ringtarget-state: "), ex.getMessage());
        assertFalse(Files.exists(image), "no backstore was opened");
    }

    @Test
    void theIoUringSetUpIsLoggedOnceForAllLoops() throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final EventLog log = new EventLog(new PrintStream(out, true), false, EventLog.Level.INFO);
        JulBridge.install(log);   // the rings log through System.Logger, as in ServerRunner
        try
        {
            TargetServer.start(config(freePort()), log).close();
            log.flush();
            final String text = out.toString(StandardCharsets.UTF_8);
            assertEquals(1, text.lines().filter(l -> l.contains("features=")).count(), text);
            assertTrue(text.contains("INFO  engine: 2 event loop(s), io_uring fd="), text);
        }
        finally
        {
            log.close();
            LogManager.getLogManager().reset();
            LogManager.getLogManager().readConfiguration();
        }
    }

    @Test
    void theDataBufferSettingsReachEveryLoop() throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final RingtargetConfig sized = config(freePort());
        final RingtargetConfig config = sized.withEngine(sized.engine().withDataBuffers(64, 4).withSpillRegionMiB(0));
        TargetServer.start(config, new PrintStream(out, true)).close();
        final String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(2, text.lines().filter(l -> l.contains(": 64 x 64 KiB + 4 MiB (transfers up to 16 MiB) of data " +
            "buffers registered with io_uring (READ_FIXED/WRITE_FIXED), no spill region")).count(), text);
        assertFalse(text.contains("refused to map"), text);

        final RingtargetConfig spill = sized.withEngine(sized.engine().withDataBuffers(64, 4).withSpillRegionMiB(6));
        out.reset();
        TargetServer.start(spill, new PrintStream(out, true)).close();
        assertEquals(2, out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains(
            "(READ_FIXED/WRITE_FIXED), 6 MiB to spill into")).count(), out::toString);
    }

    @Test
    void aTpgsNopInSettingsReachItsPortalGroupAndTheOthersTakeTheEnginesAtRunTime()
    {
        final PortalConfig portal = new PortalConfig("127.0.0.1", 3260);
        final RingtargetConfig config = new RingtargetConfig(List.of(),
            List.of(new TargetConfig("iqn.2026-11.io.ringtarget:own", null, List.of(new TpgConfig(1, true, List.of(portal),
                    List.of(), List.of(), true, "none", 30, 60))),
                new TargetConfig("iqn.2026-11.io.ringtarget:engine", null, List.of(new TpgConfig(1, true,
                    List.of(portal), List.of(), List.of(), true, "none")))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(1, false, "ring", 5, 15));
        final io.ringtarget.iscsi.node.TargetRegistry registry = TargetRegistryBuilder.build(config, java.util.Map.of(), null);
        final io.ringtarget.iscsi.node.PortalGroup own =
            registry.find("iqn.2026-11.io.ringtarget:own").portalGroups().getFirst();
        assertEquals(30_000_000_000L, own.nopInIntervalNanos(5_000_000_000L));
        assertEquals(60_000_000_000L, own.nopInTimeoutNanos(15_000_000_000L));
        final io.ringtarget.iscsi.node.PortalGroup engine =
            registry.find("iqn.2026-11.io.ringtarget:engine").portalGroups().getFirst();
        assertEquals(7_000_000_000L, engine.nopInIntervalNanos(7_000_000_000L), "whatever the engine runs with");
        assertEquals(9_000_000_000L, engine.nopInTimeoutNanos(9_000_000_000L));
    }
}
