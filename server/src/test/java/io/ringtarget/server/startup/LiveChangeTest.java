package io.ringtarget.server.startup;

import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.scsi.AccessState;
import io.ringtarget.scsi.LogicalUnit;
import io.ringtarget.scsi.TargetPortGroup;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.ConfigEditor;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TargetServer#apply}: what stays is the served object (logical units keep reservations and unit attentions,
 * target ports their ALUA group), ALUA settings of the file change the running group (issue 11's admin change, live),
 * portals come and go, and a change that cannot be saved or made changes nothing, in memory or on disk.
 */
class LiveChangeTest
{
    private static final String T = "iqn.2026-11.io.ringtarget:change";

    @TempDir
    Path dir;

    private static int freePort() throws IOException
    {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            return s.getLocalPort();
        }
    }

    private RingtargetConfig config(final int port)
    {
        return new RingtargetConfig(
            List.of(new BackstoreConfig("ram0", "ram", null, 8L << 20, 512, true, false, "change-ram0", "3000000000000040"),
                new BackstoreConfig("ram1", "ram", null, 4L << 20, 512, true, false, "change-ram1", "3000000000000041")),
            List.of(new TargetConfig(T, null, List.of(new TpgConfig(1, true, List.of(new PortalConfig("127.0.0.1", port)),
                List.of(new LunConfig(0, "ram0", false)), List.of(), true, "none")))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(1, false, "ring", 50, 5, 15))
            .withStateDirectory(dir.resolve("state").toString());
    }

    private static PortalGroup tpg(final TargetServer server)
    {
        return server.served().find(T).portalGroup(1);
    }

    private static final ConfigSaver NO_FILE = config -> { };
    private static final String ENGINE_AT_NEXT_START = "engine loops, CPU pinning, idle strategy, TCP congestion " +
        "control and data buffers apply at the next start";

    @Test
    void whatStaysIsTheServedLogicalUnitAndTargetPort() throws IOException
    {
        final RingtargetConfig first = config(freePort());
        try (TargetServer server = TargetServer.start(first, new PrintStream(new ByteArrayOutputStream())))
        {
            final PortalGroup before = tpg(server);
            final LogicalUnit lun0 = before.lun(0).logicalUnit();

            final AppliedChange added = server.apply(ConfigEditor.addLun(first, T, 1, "ram1", 1, false), NO_FILE);
            final PortalGroup after = tpg(server);
            assertNotSame(before, after, "a new TPG object in a new registry");
            assertSame(lun0, after.lun(0).logicalUnit(), "LUN 0's logical unit stays: reservations, unit attentions");
            assertSame(before.targetPort(), after.targetPort(), "the session's I_T nexus stays");
            assertEquals(4L << 20, after.lun(1).logicalUnit().blockCount() * 512);
            assertTrue(added.done().contains("LUN 1 of " + T + " tpg 1 (ram1) added"), added.done()::toString);

            final AppliedChange again = server.apply(server.config(), NO_FILE);
            assertTrue(again.nothing(), again::toString);
            assertSame(lun0, tpg(server).lun(0).logicalUnit());

            // Engine settings belong to the process: saved, applied at the next start, and the change says so.
            final AppliedChange reno = server.apply(server.config().withEngine(
                server.config().engine().withTcpCongestionControl("reno")), NO_FILE);
            assertEquals(List.of(ENGINE_AT_NEXT_START), reno.warnings());
            final AppliedChange buffers = server.apply(server.config().withEngine(
                server.config().engine().withDataBuffers(512, null)), NO_FILE);
            assertEquals(List.of(ENGINE_AT_NEXT_START), buffers.warnings());
            final AppliedChange noSpill = server.apply(server.config().withEngine(
                server.config().engine().withSpillRegionMiB(0)), NO_FILE);
            assertEquals(List.of(ENGINE_AT_NEXT_START), noSpill.warnings());
            // Receive coalescing is the loops': it applies at once, to the open connections too.
            final AppliedChange coalescing = server.apply(server.config().withEngine(
                server.config().engine().withReceiveCoalescingMicros(0)), NO_FILE);
            assertEquals(List.of(), coalescing.warnings());
            assertEquals(List.of("no receive coalescing (was 50 us), on every connection"), coalescing.done());
            assertEquals(0, server.receiveCoalescingNanos());
            final AppliedChange back = server.apply(server.config().withEngine(
                server.config().engine().withReceiveCoalescingMicros(null)), NO_FILE);
            assertEquals(List.of("receives coalesced 50 us (was none), on every connection"), back.done());
            assertEquals(50_000, server.receiveCoalescingNanos());
        }
    }

    @Test
    void ramBackstoresThatCouldOutgrowTheMachinesMemoryAreWarnedOfAtStartAndWhenAdded() throws IOException
    {
        // The size of the machine's memory: allowed (taken as written), more than can ever be available.
        final long machine = ((com.sun.management.OperatingSystemMXBean)java.lang.management.ManagementFactory
            .getOperatingSystemMXBean()).getTotalMemorySize() & -(1L << 20);
        final BackstoreConfig big = new BackstoreConfig("big", "ram", null, machine, 4096, true, false, "change-big",
            null);
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final RingtargetConfig first = config(freePort());
        try (TargetServer server = TargetServer.start(first, new PrintStream(log, true)))
        {
            final AppliedChange small = server.apply(ConfigEditor.addBackstore(first, new BackstoreConfig("small",
                "ram", null, 1L << 20, 512, true, false, "change-small", null)), NO_FILE);
            assertTrue(small.warnings().isEmpty(), small::toString);
            final AppliedChange added = server.apply(ConfigEditor.addBackstore(server.config(), big), NO_FILE);
            assertTrue(added.warnings().stream().anyMatch(w -> w.startsWith("the 4 ram backstores (") &&
                w.endsWith("(DATA PROTECT, SPACE ALLOCATION FAILED WRITE PROTECT)")), added::toString);
            assertEquals(0, server.memoryBytes("big"), "nothing taken until written");
        }
        try (TargetServer server = TargetServer.start(ConfigEditor.addBackstore(first, big),
            new PrintStream(log, true)))
        {
            server.flushLog();
            assertTrue(log.toString().contains("WARN  backstore: the 3 ram backstores ("), log::toString);
        }
    }

    @Test
    void anAclsNopInSettingsReachTheServedTpgAndOnlyItsInitiator() throws IOException
    {
        final String host = "iqn.1994-05.com.client:host1";
        final RingtargetConfig first = ConfigEditor.addAcl(config(freePort()), T, 1,
            new io.ringtarget.server.config.AclConfig(host, null));
        try (TargetServer server = TargetServer.start(first, new PrintStream(new ByteArrayOutputStream())))
        {
            assertEquals(5_000_000_000L, tpg(server).nopInIntervalNanos(host, 5_000_000_000L), "the engine's");
            final AppliedChange changed = server.apply(ConfigEditor.setAclNopIn(first, T, 1, host, 30, 90), NO_FILE);
            assertTrue(changed.done().contains("NOP-In settings of " + host + " of " + T + " tpg 1 changed"),
                changed.done()::toString);
            assertEquals(30_000_000_000L, tpg(server).nopInIntervalNanos(host, 5_000_000_000L), "its ACL's, at once");
            assertEquals(90_000_000_000L, tpg(server).nopInTimeoutNanos(host, 15_000_000_000L));
            assertEquals(5_000_000_000L, tpg(server).nopInIntervalNanos("iqn.1994-05.com.client:other",
                5_000_000_000L), "another initiator: the TPG's (here the engine's)");
        }
    }

    @Test
    void aluaSettingsOfTheFileChangeTheRunningGroupAndOnlyThen() throws IOException
    {
        final RingtargetConfig first = config(freePort());
        try (TargetServer server = TargetServer.start(first, new PrintStream(new ByteArrayOutputStream())))
        {
            final TargetPortGroup group = tpg(server).targetPort().group();
            final RingtargetConfig standby = ConfigEditor.setTpgAlua(first, T, 1, "standby", true);
            server.apply(standby, NO_FILE);
            assertEquals(AccessState.STANDBY, group.accessState(), "an implicit transition, live");
            assertTrue(group.preferred());
            assertEquals(TargetPortGroup.STATUS_IMPLICIT, group.statusCode());
            assertEquals("standby", server.aluaState(T, 1));

            // An initiator's SET TARGET PORT GROUPS (here: the group itself) is not undone by an unrelated change.
            group.accessState(AccessState.ACTIVE_NON_OPTIMIZED);
            server.apply(ConfigEditor.addLun(standby, T, 1, "ram1", 1, false), NO_FILE);
            assertEquals(AccessState.ACTIVE_NON_OPTIMIZED, group.accessState());
            assertSame(group, tpg(server).targetPort().group());
        }
    }

    @Test
    void portalsComeAndGo() throws IOException
    {
        final int port = freePort();
        final int second = freePort();
        final RingtargetConfig first = config(port);
        try (TargetServer server = TargetServer.start(first, new PrintStream(new ByteArrayOutputStream())))
        {
            final RingtargetConfig two = ConfigEditor.addPortal(first, T, 1, new PortalConfig("127.0.0.1", second));
            final AppliedChange added = server.apply(two, NO_FILE);
            assertTrue(added.done().contains("listening on 127.0.0.1:" + second), added.done()::toString);
            connect(second);
            assertEquals(List.of("127.0.0.1:" + port, "127.0.0.1:" + second), server.portals());

            server.apply(ConfigEditor.deletePortal(two, T, 1, new PortalConfig("127.0.0.1", port)), NO_FILE);
            assertThrows(ConnectException.class, () -> connect(port));
            connect(second);
        }
    }

    @Test
    void aChangeThatCannotBeSavedOrMadeChangesNothing() throws IOException
    {
        final int port = freePort();
        final RingtargetConfig first = config(port);
        final Path disk = dir.resolve("disk2.img");
        try (TargetServer server = TargetServer.start(first, new PrintStream(new ByteArrayOutputStream())))
        {
            final RingtargetConfig withDisk = ConfigEditor.addLun(ConfigEditor.addBackstore(
                ConfigEditor.addPortal(first, T, 1, new PortalConfig("127.0.0.1", freePort())),
                new BackstoreConfig("disk2", "fileio", disk.toString(), 1L << 20, 512, true, false, "d2", "3000000000000042")),
                T, 1, "disk2", 1, false);
            final List<RingtargetConfig> saved = new ArrayList<>();
            final IOException failed = assertThrows(IOException.class, () -> server.apply(withDisk, config ->
            {
                saved.add(config);
                throw new IOException("disk full");
            }));
            assertEquals("disk full", failed.getMessage());
            assertEquals(1, saved.size());
            assertSame(first, server.config(), "in memory");
            assertFalse(Files.exists(disk), "the file the change created is gone again");
            assertEquals(List.of("127.0.0.1:" + port), server.portals(), "the new portal was closed");
            assertFalse(tpg(server).servesPortal("127.0.0.1", withDisk.targets().getFirst().tpgs().getFirst().portals()
                .get(1).port()));
            assertEquals(-1, server.sizeBytes("disk2"));

            // Changing a served backstore's path: refused, with what to do.
            final RingtargetConfig moved = first.withBackstores(List.of(new BackstoreConfig("ram0", "fileio",
                disk.toString(), 8L << 20, 512, true, false, "change-ram0", "3000000000000040"), first.backstores().get(1)));
            final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> server.apply(moved, NO_FILE));
            assertEquals("backstore ram0: its type, path, hugePages cannot change while " + T + " tpg 1 LUN 0 " +
                "maps it (delete that LUN first, or restart the target)", refused.getMessage());
            assertSame(first, server.config());
            assertFalse(Files.exists(disk));
        }
    }

    @Test
    void aNewLogicalUnitWhoseReservationStateCannotBeReadIsRefusedAsTheSystemSaidIt() throws IOException
    {
        final RingtargetConfig first = config(freePort());
        try (TargetServer server = TargetServer.start(first, new PrintStream(new ByteArrayOutputStream())))
        {
            final RingtargetConfig withLun1 = ConfigEditor.addLun(first, T, 1, "ram1", 1, false);
            server.apply(withLun1, NO_FILE);
            final Path state = tpg(server).lun(1).logicalUnit().stateFiles().persistentReservationFile();
            server.apply(first, NO_FILE);
            Files.createDirectories(state.getParent());
            Files.writeString(state, "not a reservation state");

            // Building LUN 1's logical unit again reads the state file: an IOException naming it, not a crash.
            final IOException refused = assertThrows(IOException.class, () -> server.apply(withLun1, config ->
            {
                throw new AssertionError("a refused change is not saved");
            }));
            assertTrue(refused.getMessage().contains(state.toString()), refused::getMessage);
            assertSame(first, server.config());
            assertArrayEquals(new long[] {0}, tpg(server).lunNumbers(), "LUN 0 only, as served before");
        }
    }

    private static void connect(final int port) throws IOException
    {
        try (Socket s = new Socket())
        {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        }
    }
}
