package io.ringtarget.iscsi.engine;

import io.ringtarget.backstore.RamBackstore;
import io.ringtarget.iscsi.TestInitiator;
import io.ringtarget.iscsi.TestInitiator.Pdu;
import io.ringtarget.iscsi.connection.PortalSockets;
import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.iscsi.login.LoginStatus;
import io.ringtarget.iscsi.login.TargetLimits;
import io.ringtarget.iscsi.loop.IscsiContext;
import io.ringtarget.iscsi.node.DiscoveryAuth;
import io.ringtarget.iscsi.node.LunMapping;
import io.ringtarget.iscsi.node.MappedLun;
import io.ringtarget.iscsi.node.NodeAcl;
import io.ringtarget.iscsi.node.Portal;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.iscsi.session.SessionSnapshot;
import io.ringtarget.scsi.LogicalUnit;
import io.ringtarget.scsi.LogicalUnitIdentity;
import io.ringtarget.scsi.TargetPort;
import io.ringtarget.scsi.TargetPortGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Live changes of a running engine over real connections on loopback ({@link IscsiEngine#reconfigure}): a LUN added or
 * removed raises REPORTED LUNS DATA HAS CHANGED on the sessions of its TPG, which go on with their commands; an ACL or
 * a portal removed ends exactly the sessions it admitted or carried; a new portal accepts logins; a retired
 * backstore's handles are released; {@link IscsiEngine#sessions} lists who is logged in.
 */
class LiveReconfigurationTest
{
    private static final String IQN = "iqn.2026-11.io.ringtarget:live";
    private static final String HOST1 = "iqn.2026-11.io.ringtarget.test:host1";
    private static final String HOST2 = "iqn.2026-11.io.ringtarget.test:host2";
    private static final String HOST3 = "iqn.2026-11.io.ringtarget.test:host3";
    private static final int BLOCK = 512;
    private static final int GOOD = 0;
    private static final int CHECK_CONDITION = 2;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private EventLog eventLog;
    private RamBackstore ram0;
    private RamBackstore ram1;
    private LogicalUnit lu0;
    private LogicalUnit lu1;
    private TargetPort port;
    private IscsiEngine engine;

    @BeforeEach
    void units()
    {
        eventLog = new EventLog(new PrintStream(log, true), false, EventLog.Level.DEBUG);
        ram0 = new RamBackstore("ram0", 8L << 20, BLOCK);
        ram1 = new RamBackstore("ram1", 4L << 20, BLOCK);
        port = new TargetPort(1, IQN, 1, new TargetPortGroup(1));
        lu0 = unit("live0", ram0);
        lu1 = unit("live1", ram1);
    }

    @AfterEach
    void close()
    {
        if (null != engine)
        {
            engine.close();
        }
        ram0.close();
        ram1.close();
        eventLog.close();
    }

    private LogicalUnit unit(final String serial, final RamBackstore ram)
    {
        return new LogicalUnit(new LogicalUnitIdentity(LogicalUnitIdentity.DEFAULT_VENDOR, "ringtarget", "0001", serial,
            0, IQN), ram.blockCount(), ram.blockSize(), ram.supportsUnmap(), false).targetPorts(port);
    }

    /** TPG 1 of the one target, with the running target port (a live change keeps it). */
    private TargetRegistry registry(final List<Portal> portals, final List<LunMapping> luns, final List<String> acls)
    {
        return registryWithAcls(portals, luns, acls.stream().map(a -> new NodeAcl(a, null)).toList());
    }

    private TargetRegistry registryWithAcls(final List<Portal> portals, final List<LunMapping> luns,
        final List<NodeAcl> acls)
    {
        final TargetRegistry registry = new TargetRegistry();
        final TargetNode node = new TargetNode(IQN, null);
        node.add(new PortalGroup(node, 1, portals, luns, acls, false, false, port, PortalGroup.ENGINE_NOP_IN,
            PortalGroup.ENGINE_NOP_IN));
        registry.add(node);
        return registry;
    }

    /** What the engine logged so far, for a failure's message (the log is written by a thread of its own). */
    private String engineLog()
    {
        eventLog.flush();
        String sessions;
        try
        {
            sessions = engine.sessions(10_000).toString();
        }
        catch (final IOException ex)
        {
            sessions = ex.toString();
        }
        return "sessions " + sessions + "\n" + log;
    }

    private void start(final TargetRegistry registry) throws IOException
    {
        engine = IscsiEngine.start(registry, DiscoveryAuth.NONE, TargetLimits.defaults(),
            new EngineSettings(2, false, "ring", 50_000, 0, 0), eventLog);
    }

    private Reconfigured change(final TargetRegistry registry, final List<Portal> added, final List<Portal> removed,
        final RamBackstore... retired) throws IOException
    {
        final PortalSockets sockets = added.isEmpty() ? null : PortalSockets.open(added, 2);
        return engine.reconfigure(new EngineChange(registry, DiscoveryAuth.NONE, 0, 0,
            IscsiContext.DEFAULT_RECEIVE_COALESCING_NANOS, sockets, removed,
            List.of(retired)), 10_000);
    }

    @Test
    void aLunAddedOrRemovedIsReportedToTheSessionsOfItsTpgWhoseCommandsGoOn() throws Exception
    {
        final Portal portal = new Portal("127.0.0.1", freePort());
        final LunMapping lun0 = new LunMapping(0, lu0, ram0, false);
        start(registry(List.of(portal), List.of(lun0), List.of(HOST1)));
        try (TestInitiator host1 = login(portal, HOST1, 0x1L))
        {
            assertEquals(GOOD, command(host1, 0, testUnitReady(), null).status(), log::toString);

            final Reconfigured added = change(registry(List.of(portal), List.of(lun0, new LunMapping(1, lu1, ram1, false)),
                List.of(HOST1)), List.of(), List.of());
            assertEquals(0, added.sessionsEnded());
            assertUnitAttention(command(host1, 0, testUnitReady(), null), 0x3F, 0x0E);
            assertEquals(GOOD, command(host1, 0, testUnitReady(), null).status(), "reported once");
            final TestInitiator.ScsiResult luns = command(host1, 0, reportLuns(), new byte[32]);
            assertEquals(GOOD, luns.status());
            assertEquals(16, ByteBuffer.wrap(luns.data()).getInt(0), "REPORT LUNS: two LUNs");
            final TestInitiator.ScsiResult capacity = command(host1, 1, readCapacity10(), new byte[8]);
            assertEquals(GOOD, capacity.status(), "the new LUN answers at once");
            assertEquals(ram1.blockCount() - 1, ByteBuffer.wrap(capacity.data()).getInt(0));

            final Reconfigured removed = change(registry(List.of(portal), List.of(lun0), List.of(HOST1)), List.of(),
                List.of(), ram1);
            assertTrue(removed.awaitReleased(10_000), "the loops released their handles of the retired backstore");
            assertUnitAttention(command(host1, 0, testUnitReady(), null), 0x3F, 0x0E);
            final TestInitiator.ScsiResult gone = command(host1, 1, testUnitReady(), null);
            assertEquals(CHECK_CONDITION, gone.status());
            assertEquals(0x25, gone.sense()[12] & 0xFF, "LOGICAL UNIT NOT SUPPORTED");
            assertEquals(GOOD, command(host1, 0, testUnitReady(), null).status(), "the session goes on");
        }
    }

    @Test
    void removingAnAclOrAPortalEndsOnlyTheSessionsItAdmittedOrCarried() throws Exception
    {
        final Portal p1 = new Portal("127.0.0.1", freePort());
        final Portal p2 = new Portal("127.0.0.1", freePort());
        final List<LunMapping> luns = List.of(new LunMapping(0, lu0, ram0, false));
        start(registry(List.of(p1, p2), luns, List.of(HOST1, HOST2)));
        try (TestInitiator host1 = login(p1, HOST1, 0x1L);
             TestInitiator host2 = login(p1, HOST2, 0x2L);
             TestInitiator host2OnP2 = login(p2, HOST2, 0x3L))
        {
            assertEquals(3, engine.sessions(10_000).size());

            final Reconfigured aclRemoved = change(registry(List.of(p1, p2), luns, List.of(HOST2)), List.of(), List.of());
            assertEquals(1, aclRemoved.sessionsEnded(), this::engineLog);
            assertTrue(host1.closedByTarget(5_000), "the session of the removed ACL ends");
            assertEquals(GOOD, command(host2, 0, testUnitReady(), null).status(), "the others go on");
            assertEquals(GOOD, command(host2OnP2, 0, testUnitReady(), null).status());
            try (TestInitiator again = new TestInitiator("127.0.0.1", p1.port()))
            {
                again.initiatorName = HOST1;
                assertEquals(LoginStatus.AUTHORIZATION_FAILURE, TestInitiator.loginStatus(again.login(IQN)));
            }

            final Portal p3 = new Portal("127.0.0.1", freePort());
            final Reconfigured portalMoved = change(registry(List.of(p1, p3), luns, List.of(HOST2)), List.of(p3),
                List.of(p2));
            assertEquals(1, portalMoved.sessionsEnded(), this::engineLog);
            assertTrue(host2OnP2.closedByTarget(5_000), "the session through the removed portal ends");
            assertEquals(GOOD, command(host2, 0, testUnitReady(), null).status(), "the session on p1 goes on");
            assertThrows(ConnectException.class, () -> new TestInitiator("127.0.0.1", p2.port()).close(),
                "nothing listens on the removed portal");
            try (TestInitiator onP3 = login(p3, HOST2, 0x4L))
            {
                assertEquals(GOOD, command(onP3, 0, testUnitReady(), null).status(), "the new portal serves");
                assertEquals(List.of(p1.toString(), p3.toString()), engine.portals());
                final List<SessionSnapshot> sessions = engine.sessions(10_000);
                assertEquals(2, sessions.size(), sessions::toString);
                for (final SessionSnapshot s : sessions)
                {
                    assertEquals(HOST2, s.initiatorName());
                    assertEquals(IQN, s.targetName());
                    assertEquals(1, s.tpgTag());
                    assertFalse(s.discovery());
                }
                assertTrue(sessions.stream().anyMatch(s -> s.portal().equals(p3.toString()) && s.isid() == 0x4L &&
                    s.commands() == 1), sessions::toString);
            }
        }
        eventLog.flush();
        assertTrue(log.toString().contains("configuration changed: no ACL admits " + HOST1), log::toString);
        assertTrue(log.toString().contains("configuration changed: portal 127.0.0.1:" + p2.port() + " removed"),
            log::toString);
    }

    @Test
    void anAclsMappedLunsAreAllItsSessionsSeeAndAChangeOfThemIsReportedAtOnce() throws Exception
    {
        final Portal portal = new Portal("127.0.0.1", freePort());
        final List<LunMapping> luns = List.of(new LunMapping(0, lu0, ram0, false), new LunMapping(1, lu1, ram1, false));
        final NodeAcl host2SeesAll = new NodeAcl(HOST2, null);
        start(registryWithAcls(List.of(portal), luns,
            List.of(new NodeAcl(HOST1, null, MappedLun.sameNumbers(1)), host2SeesAll)));
        try (TestInitiator host1 = login(portal, HOST1, 0x1L);
             TestInitiator host2 = login(portal, HOST2, 0x2L))
        {
            assertArrayEquals(new int[]{1}, reportedLuns(host1), "HOST1 is shown its mapped LUN only");
            assertArrayEquals(new int[]{0, 1}, reportedLuns(host2), "an ACL without mapped LUNs sees them all");
            for (final SessionSnapshot s : engine.sessions(10_000))
            {
                assertArrayEquals(HOST1.equals(s.initiatorName()) ? new long[]{1} : new long[]{0, 1}, s.luns(),
                    "ringtarget sessions -v shows what " + s.initiatorName() + " sees");
                assertFalse(s.readOnly());
            }
            assertLogicalUnitNotSupported(command(host1, 0, testUnitReady(), null));
            assertLogicalUnitNotSupported(command(host1, 0, readCapacity10(), new byte[8]));
            final TestInitiator.ScsiResult capacity = command(host1, 1, readCapacity10(), new byte[8]);
            assertEquals(GOOD, capacity.status());
            assertEquals(ram1.blockCount() - 1, ByteBuffer.wrap(capacity.data()).getInt(0), "LUN 1 is ram1");
            assertEquals(GOOD, command(host2, 0, testUnitReady(), null).status());

            final Reconfigured widened = change(registryWithAcls(List.of(portal), luns,
                List.of(new NodeAcl(HOST1, null, MappedLun.sameNumbers(0, 1)), host2SeesAll)), List.of(), List.of());
            assertEquals(0, widened.sessionsEnded(), "a change of mapped LUNs ends no session");
            assertUnitAttention(command(host1, 1, testUnitReady(), null), 0x3F, 0x0E);
            assertArrayEquals(new int[]{0, 1}, reportedLuns(host1));
            assertEquals(GOOD, command(host1, 0, testUnitReady(), null).status(), "LUN 0 is HOST1's now");
            assertUnitAttention(command(host2, 0, testUnitReady(), null), 0x3F, 0x0E);
            assertEquals(GOOD, command(host2, 0, testUnitReady(), null).status(), "reported once");

            final Reconfigured none = change(registryWithAcls(List.of(portal), luns,
                List.of(new NodeAcl(HOST1, null, List.of()), host2SeesAll)), List.of(), List.of());
            assertEquals(0, none.sessionsEnded(), "an ACL that sees no LUN still admits its initiator");
            assertArrayEquals(new int[0], reportedLuns(host1));
            assertLogicalUnitNotSupported(command(host1, 1, testUnitReady(), null));
            assertUnitAttention(command(host2, 0, testUnitReady(), null), 0x3F, 0x0E);
            assertArrayEquals(new int[]{0, 1}, reportedLuns(host2), "HOST2's LUNs did not change");
        }
    }

    @Test
    void anAclShowsTpgLunsUnderNumbersOfItsOwnAndMayOnlyReadOneOfThem() throws Exception
    {
        final Portal portal = new Portal("127.0.0.1", freePort());
        final List<LunMapping> luns = List.of(new LunMapping(0, lu0, ram0, false), new LunMapping(1, lu1, ram1, false));
        final NodeAcl host2SeesAll = new NodeAcl(HOST2, null);
        // targetcli's mapped_lun0 -> lun1 and mapped_lun1 -> lun0 with write_protect=1: HOST1 sees them swapped.
        final NodeAcl swapped =
            new NodeAcl(HOST1, null, List.of(new MappedLun(0, 1, false), new MappedLun(1, 0, true)));
        start(registryWithAcls(List.of(portal), luns, List.of(swapped, host2SeesAll)));
        try (TestInitiator host1 = login(portal, HOST1, 0x1L);
             TestInitiator host2 = login(portal, HOST2, 0x2L))
        {
            assertArrayEquals(new int[]{0, 1}, reportedLuns(host1));
            final TestInitiator.ScsiResult capacity = command(host1, 0, readCapacity10(), new byte[8]);
            assertEquals(GOOD, capacity.status());
            assertEquals(ram1.blockCount() - 1, ByteBuffer.wrap(capacity.data()).getInt(0), "HOST1's LUN 0 is ram1");

            final byte[] block = new byte[BLOCK];
            java.util.Arrays.fill(block, (byte)0x3C);
            final long writesBefore = lunWrites("ram1");
            assertEquals(GOOD, host1.command(0, write10(5), block, null).status(), "HOST1 writes its LUN 0");
            final TestInitiator.ScsiResult seen = host2.command(1L << 48, read10(5), null, new byte[BLOCK]);
            assertEquals(GOOD, seen.status());
            assertArrayEquals(block, seen.data(), "the write went to the TPG's LUN 1");
            assertEquals(writesBefore + 1, lunWrites("ram1"), "counted under the TPG's LUN 1 (ram1)");

            final TestInitiator.ScsiResult refused = host1.command(1L << 48, write10(5), block, null);
            assertEquals(CHECK_CONDITION, refused.status(), "HOST1's LUN 1 (the TPG's LUN 0) is read-only");
            assertEquals(0x07, refused.sense()[2] & 0x0F, "DATA PROTECT");
            final TestInitiator.ScsiResult untouched = host2.command(0, read10(5), null, new byte[BLOCK]);
            assertArrayEquals(new byte[BLOCK], untouched.data(), "the refused write's data is not in ram0");
            assertEquals(GOOD, host2.command(0, write10(6), block, null).status(), "HOST2 writes the TPG's LUN 0");

            for (final SessionSnapshot s : engine.sessions(10_000))
            {
                assertEquals(HOST1.equals(s.initiatorName()) ? "0 (TPG LUN 1), 1 (TPG LUN 0, read-only)" : "0, 1",
                    s.lunsDescribed(), "ringtarget sessions -v for " + s.initiatorName());
            }

            // Mapped under the TPG's own numbers again: a different logical unit behind LUN 0, reported at once.
            final Reconfigured renumbered = change(registryWithAcls(List.of(portal), luns,
                List.of(new NodeAcl(HOST1, null, MappedLun.sameNumbers(0, 1)), host2SeesAll)), List.of(), List.of());
            assertEquals(0, renumbered.sessionsEnded());
            assertUnitAttention(command(host1, 0, testUnitReady(), null), 0x3F, 0x0E);
            final TestInitiator.ScsiResult again = command(host1, 0, readCapacity10(), new byte[8]);
            assertEquals(ram0.blockCount() - 1, ByteBuffer.wrap(again.data()).getInt(0), "HOST1's LUN 0 is ram0 now");
        }
    }

    private long lunWrites(final String backstore)
    {
        final io.ringtarget.iscsi.stats.EngineMetrics metrics = engine.metrics();
        for (int key = 0; key < metrics.model().lunCount(); key++)
        {
            if (metrics.model().lunServed(key) && metrics.model().lun(key).backstore().equals(backstore))
            {
                return metrics.lunWrites(key);
            }
        }
        throw new AssertionError("no LUN on " + backstore);
    }

    @Test
    void aReadOnlyAclsInitiatorReadsButItsWritesFailWithDataProtectUntilItMayWriteAgain() throws Exception
    {
        final Portal portal = new Portal("127.0.0.1", freePort());
        final List<LunMapping> luns = List.of(new LunMapping(0, lu0, ram0, false));
        final NodeAcl host2Writes = new NodeAcl(HOST2, null);
        start(registryWithAcls(List.of(portal), luns, List.of(new NodeAcl(HOST1, null, null, true), host2Writes)));
        try (TestInitiator host1 = login(portal, HOST1, 0x1L);
             TestInitiator host2 = login(portal, HOST2, 0x2L))
        {
            final byte[] block = new byte[BLOCK];
            java.util.Arrays.fill(block, (byte)0x5A);
            final TestInitiator.ScsiResult refused = host1.command(0, write10(7), block, null);
            assertEquals(CHECK_CONDITION, refused.status());
            assertEquals(0x07, refused.sense()[2] & 0x0F, "DATA PROTECT");
            assertArrayEquals(new int[]{0x27, 0x00}, new int[]{refused.sense()[12] & 0xFF, refused.sense()[13] & 0xFF},
                "WRITE PROTECTED");
            final TestInitiator.ScsiResult untouched = host2.command(0, read10(7), null, new byte[BLOCK]);
            assertEquals(GOOD, untouched.status());
            assertArrayEquals(new byte[BLOCK], untouched.data(), "the refused write's data is not in the LUN");
            assertEquals(0x80, modeSenseDeviceSpecific(host1) & 0x80, "MODE SENSE shows HOST1 the WP bit");
            for (final SessionSnapshot s : engine.sessions(10_000))
            {
                assertEquals(HOST1.equals(s.initiatorName()), s.readOnly(), s.initiatorName());
            }
            assertEquals(0, modeSenseDeviceSpecific(host2) & 0x80, "and not HOST2");

            assertEquals(GOOD, host2.command(0, write10(7), block, null).status(), "HOST2 writes");
            final TestInitiator.ScsiResult read = host1.command(0, read10(7), null, new byte[BLOCK]);
            assertEquals(GOOD, read.status(), "HOST1 reads");
            assertArrayEquals(block, read.data());

            final Reconfigured writable = change(registryWithAcls(List.of(portal), luns,
                List.of(new NodeAcl(HOST1, null, null, false), host2Writes)), List.of(), List.of());
            assertEquals(0, writable.sessionsEnded());
            // SPC-4 5.14: the WP bit is a mode parameter; its change is HOST1's unit attention, not HOST2's.
            assertUnitAttention(host1.command(0, write10(8), block, null), 0x2A, 0x01);
            assertEquals(GOOD, host1.command(0, write10(8), block, null).status(),
                "writable again at once, and no REPORTED LUNS DATA HAS CHANGED for it");
            assertEquals(0, modeSenseDeviceSpecific(host1) & 0x80, "MODE SENSE shows HOST1 no WP bit now");
            assertEquals(GOOD, host2.command(0, read10(8), null, new byte[BLOCK]).status(), "no unit attention");

            // Read-only again, through a mapping of its own this time (a mapping's :ro): reported the same way.
            change(registryWithAcls(List.of(portal), luns,
                List.of(new NodeAcl(HOST1, null, List.of(new MappedLun(0, 0, true))), host2Writes)), List.of(),
                List.of());
            assertUnitAttention(host1.command(0, read10(8), null, new byte[BLOCK]), 0x2A, 0x01);
            assertEquals(0x80, modeSenseDeviceSpecific(host1) & 0x80, "MODE SENSE shows HOST1 the WP bit again");
            assertEquals(CHECK_CONDITION, host1.command(0, write10(8), block, null).status(), "DATA PROTECT");
            assertEquals(GOOD, host2.command(0, write10(8), block, null).status(), "HOST2 still writes, told nothing");

            // An unchanged protection is no unit attention (the change below only adds an ACL).
            change(registryWithAcls(List.of(portal), luns,
                List.of(new NodeAcl(HOST1, null, List.of(new MappedLun(0, 0, true))), host2Writes,
                    new NodeAcl(HOST3, null))), List.of(), List.of());
            assertEquals(GOOD, host1.command(0, read10(8), null, new byte[BLOCK]).status());
        }
    }

    private static byte[] write10(final int lba)
    {
        final byte[] cdb = new byte[10];
        cdb[0] = 0x2A;
        ByteBuffer.wrap(cdb).putInt(2, lba);
        cdb[8] = 1;
        return cdb;
    }

    private static byte[] read10(final int lba)
    {
        final byte[] cdb = write10(lba);
        cdb[0] = 0x28;
        return cdb;
    }

    /** MODE SENSE(6) of all pages: the header's DEVICE-SPECIFIC PARAMETER (SBC-4 6.5.2: bit 7 is WP). */
    private static int modeSenseDeviceSpecific(final TestInitiator i) throws IOException
    {
        final byte[] cdb = new byte[6];
        cdb[0] = 0x1A;
        cdb[2] = 0x3F;
        cdb[4] = (byte)252;
        final TestInitiator.ScsiResult result = command(i, 0, cdb, new byte[252]);
        assertEquals(GOOD, result.status(), "MODE SENSE");
        return result.data()[2] & 0xFF;
    }

    /** The LUN numbers REPORT LUNS lists (peripheral device addressing, single level: byte 1 of each entry). */
    private static int[] reportedLuns(final TestInitiator i) throws IOException
    {
        final TestInitiator.ScsiResult result = command(i, 0, reportLuns(), new byte[32]);
        assertEquals(GOOD, result.status(), "REPORT LUNS");
        final ByteBuffer data = ByteBuffer.wrap(result.data());
        final int[] luns = new int[data.getInt(0) / 8];
        for (int k = 0; k < luns.length; k++)
        {
            luns[k] = data.getShort(8 + 8 * k);
        }
        return luns;
    }

    /** ILLEGAL REQUEST, LOGICAL UNIT NOT SUPPORTED (SPC-4 4.6.3): how a LUN the session does not see answers. */
    private static void assertLogicalUnitNotSupported(final TestInitiator.ScsiResult result)
    {
        assertEquals(CHECK_CONDITION, result.status());
        assertEquals(0x05, result.sense()[2] & 0x0F, "ILLEGAL REQUEST");
        assertArrayEquals(new int[]{0x25, 0x00}, new int[]{result.sense()[12] & 0xFF, result.sense()[13] & 0xFF});
    }

    private static TestInitiator login(final Portal portal, final String name, final long isid) throws IOException
    {
        final TestInitiator initiator = new TestInitiator("127.0.0.1", portal.port());
        initiator.initiatorName = name;
        initiator.isid = isid;
        final Pdu response = initiator.login(IQN);
        assertEquals(0, TestInitiator.loginStatus(response), name + " logs in through " + portal);
        return initiator;
    }

    private static byte[] testUnitReady()
    {
        return new byte[6];
    }

    private static byte[] reportLuns()
    {
        final byte[] cdb = new byte[12];
        cdb[0] = (byte)0xA0;
        cdb[9] = 32;
        return cdb;
    }

    private static byte[] readCapacity10()
    {
        final byte[] cdb = new byte[10];
        cdb[0] = 0x25;
        return cdb;
    }

    private static void assertUnitAttention(final TestInitiator.ScsiResult result, final int asc, final int ascq)
    {
        assertEquals(CHECK_CONDITION, result.status());
        assertEquals(0x06, result.sense()[2] & 0x0F, "UNIT ATTENTION");
        assertArrayEquals(new int[]{asc, ascq}, new int[]{result.sense()[12] & 0xFF, result.sense()[13] & 0xFF});
    }

    private static TestInitiator.ScsiResult command(final TestInitiator i, final long lun, final byte[] cdb,
        final byte[] in) throws IOException
    {
        return i.command(lun << 48, cdb, null, in);
    }

    private static int freePort()
    {
        try (ServerSocket s = new ServerSocket(0))
        {
            return s.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
