package io.ringtarget.iscsi.connection;

import io.ringtarget.iscsi.TestInitiator;
import io.ringtarget.iscsi.TestInitiator.Pdu;
import io.ringtarget.iscsi.engine.EngineSettings;
import io.ringtarget.iscsi.engine.IscsiEngine;
import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.iscsi.login.TargetLimits;
import io.ringtarget.iscsi.node.DiscoveryAuth;
import io.ringtarget.iscsi.node.NodeAcl;
import io.ringtarget.iscsi.node.Portal;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.scsi.TargetPort;
import io.ringtarget.scsi.TargetPortGroup;
import io.ringtarget.pdu.NopInPdu;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.pdu.PduHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * NOP-In settings per TPG on a real engine and real sockets: the engine's pings are off, the TPG's are 1 s / 2 s.
 * A normal session is pinged as its TPG says, with TCP keepalive to match; a discovery session keeps the engine's
 * settings; an initiator that never answers a ping (as iPXE) keeps its connection; one that answered and went
 * silent is dropped. A second TPG has its pings off and one ACL with pings of its own (1 s / 2 s): only that
 * initiator's sessions are pinged.
 */
class NopInPerTpgTest
{
    private static final String IQN = "iqn.2026-11.io.ringtarget:nopin";
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static EventLog log;
    private static IscsiEngine engine;
    private static int port;
    private static int port2;
    private static final String PINGED = "iqn.2026-12.io.ringtarget.test:pinged-by-its-acl";

    @BeforeAll
    static void start() throws IOException
    {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
            ServerSocket s2 = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            port = s.getLocalPort();
            port2 = s2.getLocalPort();
        }
        final TargetRegistry registry = new TargetRegistry();
        final TargetNode node = new TargetNode(IQN, null);
        node.add(new PortalGroup(node, 1, List.of(new Portal("127.0.0.1", port)), List.of(), List.of(), true, false,
            new TargetPort(1, IQN, 1, new TargetPortGroup(1)), 1, 2));
        node.add(new PortalGroup(node, 2, List.of(new Portal("127.0.0.1", port2)), List.of(),
            List.of(new NodeAcl(PINGED, null, null, false, 1, 2)), true, false,
            new TargetPort(2, IQN, 2, new TargetPortGroup(2)), 0, 0));
        registry.add(node);
        log = new EventLog(new PrintStream(LOG, true), false, EventLog.Level.DEBUG);
        engine = IscsiEngine.start(registry, DiscoveryAuth.NONE, TargetLimits.defaults(),
            new EngineSettings(1, false, "ring", 50_000, 0, 0), log);
    }

    @AfterAll
    static void stop()
    {
        engine.close();
        log.close();
    }

    private static TestInitiator loggedIn() throws IOException
    {
        final TestInitiator i = new TestInitiator("127.0.0.1", port);
        assertEquals(0, TestInitiator.loginStatus(i.login(IQN)), LOG.toString());
        return i;
    }

    private static int pingTag(final Pdu pdu)
    {
        assertNotNull(pdu, "a NOP-In ping");
        assertEquals(Opcode.NOP_IN, pdu.opcode(), TestInitiator.name(pdu));
        assertEquals(PduHeader.RESERVED_TAG, pdu.itt());
        return new NopInPdu().wrap(pdu.header(), 0).targetTransferTag();
    }

    /**
     * The timer of the target's end of the connection to {@code clientPort}, from /proc/net/tcp ("tr": 0 none,
     * 1 retransmission, 2 keepalive, ...), or -1 when the connection is not there.
     */
    private static int targetSideTimer(final int clientPort) throws IOException
    {
        return targetSideTimer(port, clientPort);
    }

    private static int targetSideTimer(final int targetPort, final int clientPort) throws IOException
    {
        final String local = String.format(Locale.ROOT, ":%04X", targetPort);
        final String remote = String.format(Locale.ROOT, ":%04X", clientPort);
        for (final String line : Files.readAllLines(Path.of("/proc/net/tcp")))
        {
            final String[] f = line.trim().split("\\s+");
            if (f.length > 5 && f[1].endsWith(local) && f[2].endsWith(remote) && "01".equals(f[3]))
            {
                return Integer.parseInt(f[5].substring(0, f[5].indexOf(':')), 16);
            }
        }
        return -1;
    }

    @Test
    void anInitiatorThatNeverAnswersIsPingedOnceAndKeepsItsConnectionWatchedByTcpKeepalive() throws IOException
    {
        try (TestInitiator i = loggedIn())
        {
            pingTag(i.receiveWithin(3_000));   // the TPG's 1 s, though the engine's pings are off
            // Unanswered for the TPG's 2 s and more: an initiator that answered none is not dropped ...
            assertNull(i.receiveWithin(4_000), "no second ping");
            assertFalse(i.closedByTarget(1_000), "still connected: " + LOG);
            // ... and the kernel watches the peer instead: the target's socket has its keepalive timer running.
            assertEquals(2, targetSideTimer(i.localPort()), "keepalive timer on the target's socket");
            log.flush();
            assertTrue(LOG.toString().contains("pings stop, TCP keepalive finds a dead peer"), LOG.toString());
        }
    }

    @Test
    void anInitiatorThatAnsweredAndFellSilentIsDroppedOnTheTpgsTimeout() throws IOException
    {
        try (TestInitiator i = loggedIn())
        {
            final int tag = pingTag(i.receiveWithin(3_000));
            i.send(i.nopOut(PduHeader.RESERVED_TAG, tag, true), null);
            pingTag(i.receiveWithin(3_000));
            assertTrue(i.closedByTarget(5_000), "dropped 2 s after the unanswered ping: " + LOG);
        }
    }

    @Test
    void anInitiatorThatPingsTheTargetIsDroppedWhenItAnswersNoPing() throws IOException
    {
        try (TestInitiator i = loggedIn())
        {
            // open-iscsi's own ping (immediate, asks for an answer), then silence, as with its cable pulled.
            i.send(i.nopOut(0x77, PduHeader.RESERVED_TAG, true), null);
            final Pdu answer = i.receiveWithin(3_000);
            assertNotNull(answer, "the answer to its ping");
            assertEquals(0x77, answer.itt(), TestInitiator.name(answer));
            pingTag(i.receiveWithin(3_000));
            assertTrue(i.closedByTarget(5_000), "dropped 2 s after the unanswered ping: " + LOG);
        }
    }

    @Test
    void anAclsOwnSettingsPingItsInitiatorInATpgWithoutPings() throws IOException
    {
        try (TestInitiator other = new TestInitiator("127.0.0.1", port2))
        {
            assertEquals(0, TestInitiator.loginStatus(other.login(IQN)), LOG.toString());   // admitted without an ACL
            try (TestInitiator pinged = new TestInitiator("127.0.0.1", port2))
            {
                pinged.initiatorName = PINGED;
                assertEquals(0, TestInitiator.loginStatus(pinged.login(IQN)), LOG.toString());
                final int tag = pingTag(pinged.receiveWithin(3_000));   // its ACL's 1 s; the TPG's pings are off
                pinged.send(pinged.nopOut(PduHeader.RESERVED_TAG, tag, true), null);
                pingTag(pinged.receiveWithin(3_000));
                assertTrue(pinged.closedByTarget(5_000), "dropped on its ACL's 2 s: " + LOG);
            }
            assertNull(other.receiveWithin(1_000), "the TPG's pings are off for the others");
            assertEquals(0, targetSideTimer(port2, other.localPort()), "and so is their TCP keepalive");
        }
    }

    @Test
    void aDiscoverySessionKeepsTheEnginesSettings() throws IOException
    {
        try (TestInitiator i = new TestInitiator("127.0.0.1", port))
        {
            i.loginStep(true, 0, 1, "InitiatorName=" + TestInitiator.INITIATOR, "SessionType=Discovery",
                "AuthMethod=None");
            assertEquals(0, TestInitiator.loginStatus(i.loginStep(true, 1, 3, "HeaderDigest=None")));
            assertNull(i.receiveWithin(3_000), "the engine's pings are off");
            assertEquals(0, targetSideTimer(i.localPort()), "and so is TCP keepalive");
        }
    }
}
