package io.ringtarget.iscsi.engine;

import io.ringtarget.backstore.RamBackstore;
import io.ringtarget.iscsi.TestInitiator;
import io.ringtarget.iscsi.TestInitiator.Pdu;
import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.iscsi.login.TargetLimits;
import io.ringtarget.iscsi.loop.IscsiContext;
import io.ringtarget.iscsi.node.DiscoveryAuth;
import io.ringtarget.iscsi.node.LunMapping;
import io.ringtarget.iscsi.node.Portal;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.iscsi.node.TpgParameters;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.pdu.R2tPdu;
import io.ringtarget.pdu.ScsiCommandPdu;
import io.ringtarget.pdu.ScsiResponsePdu;
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
import java.lang.foreign.MemorySegment;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A TPG's own operational keys (LIO's TPG parameters) over real sockets: a login offered what open-iscsi offers by
 * default gets the TPG's values in its answers, a write then runs as they say (no immediate data, an R2T per
 * MaxBurstLength, one at a time, Data-Out of at most the declared MaxRecvDataSegmentLength) and its data lands; a
 * discovery session gets the engine's; a live change leaves a logged-in session with what it negotiated and
 * gives the next login the new values.
 */
class TpgParametersTest
{
    private static final String IQN = "iqn.2026-12.io.ringtarget:parameters";
    private static final int BLOCK = 512;
    private static final int WRITE_BYTES = 128 * 1024;
    /** Small bursts, R2T first, no immediate data: what LIO or SPDK administrators set for some initiators. */
    private static final TpgParameters TUNED = new TpgParameters(16384, 65536, 8192, 1, true, false);
    /** What open-iscsi offers with iscsid.conf's defaults. */
    private static final String[] OPEN_ISCSI = {"HeaderDigest=None", "DataDigest=None", "InitialR2T=No",
        "ImmediateData=Yes", "MaxRecvDataSegmentLength=262144", "MaxBurstLength=16776192", "FirstBurstLength=262144",
        "DefaultTime2Wait=2", "DefaultTime2Retain=0", "MaxOutstandingR2T=1", "IFMarker=No", "OFMarker=No",
        "ErrorRecoveryLevel=0", "DataPDUInOrder=Yes", "DataSequenceInOrder=Yes", "MaxConnections=1"};

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private EventLog eventLog;
    private RamBackstore ram;
    private LogicalUnit unit;
    private TargetPort port;
    private Portal portal;
    private IscsiEngine engine;

    @BeforeEach
    void start() throws IOException
    {
        eventLog = new EventLog(new PrintStream(log, true), false, EventLog.Level.DEBUG);
        ram = new RamBackstore("ram0", 8L << 20, BLOCK);
        port = new TargetPort(1, IQN, 1, new TargetPortGroup(1));
        unit = new LogicalUnit(new LogicalUnitIdentity(LogicalUnitIdentity.DEFAULT_VENDOR, "ringtarget", "0001",
            "params0", 0, IQN), ram.blockCount(), ram.blockSize(), ram.supportsUnmap(), false).targetPorts(port);
        try (ServerSocket s = new ServerSocket(0))
        {
            portal = new Portal("127.0.0.1", s.getLocalPort());
        }
        engine = IscsiEngine.start(registry(TUNED), DiscoveryAuth.NONE, TargetLimits.defaults(),
            new EngineSettings(1, false, "ring", 50_000, 0, 0), eventLog);
    }

    @AfterEach
    void stop()
    {
        engine.close();
        ram.close();
        eventLog.close();
    }

    private TargetRegistry registry(final TpgParameters parameters)
    {
        final TargetRegistry registry = new TargetRegistry();
        final TargetNode node = new TargetNode(IQN, null);
        node.add(new PortalGroup(node, 1, List.of(portal), List.of(new LunMapping(0, unit, ram, false)), List.of(),
            true, false, port, PortalGroup.ENGINE_NOP_IN, PortalGroup.ENGINE_NOP_IN, null, parameters));
        registry.add(node);
        return registry;
    }

    private TestInitiator login(final long isid, final Map<String, String> expected) throws IOException
    {
        final TestInitiator initiator = new TestInitiator("127.0.0.1", portal.port());
        initiator.isid = isid;
        final Pdu response = initiator.login(IQN, OPEN_ISCSI);
        assertEquals(0, TestInitiator.loginStatus(response), log::toString);
        final Map<String, String> answered = response.keys();
        expected.forEach((key, value) -> assertEquals(value, answered.get(key), key + " in " + answered));
        initiator.clearUnitAttention(0);
        return initiator;
    }

    private static Map<String, String> tunedAnswers()
    {
        return Map.of("MaxRecvDataSegmentLength", "16384", "MaxBurstLength", "65536", "FirstBurstLength", "8192",
            "MaxOutstandingR2T", "1", "InitialR2T", "Yes", "ImmediateData", "No");
    }

    private static Map<String, String> engineAnswers()
    {
        return Map.of("MaxRecvDataSegmentLength", "262144", "MaxBurstLength", "16776192", "FirstBurstLength", "262144",
            "InitialR2T", "No", "ImmediateData", "Yes");
    }

    /**
     * WRITE(16) of {@link #WRITE_BYTES} at {@code lba} with no unsolicited data, each R2T answered as asked; returns
     * the R2Ts' desired lengths in order.
     */
    private static List<Integer> writeBySolicitedData(final TestInitiator i, final long lba, final byte[] data)
        throws IOException
    {
        final byte[] bhs = i.scsiCommand(0, TestInitiator.cdb16(0x8A, lba, data.length / BLOCK), data.length, false,
            true);
        final int itt = new ScsiCommandPdu().wrap(MemorySegment.ofArray(bhs), 0)
            .initiatorTaskTag();
        i.send(bhs, null);
        final List<Integer> bursts = new ArrayList<>();
        while (true)
        {
            final Pdu pdu = i.receiveWithin(5_000);
            assertNotNull(pdu, "an R2T or the SCSI Response");
            if (pdu.opcode() == Opcode.R2T)
            {
                bursts.add(new R2tPdu().wrap(pdu.header(), 0).desiredDataTransferLength());
                i.answerR2t(pdu, 0, itt, data, i::send);
                continue;
            }
            assertEquals(Opcode.SCSI_RESPONSE, pdu.opcode(), TestInitiator.name(pdu));
            assertEquals(0, new ScsiResponsePdu().wrap(pdu.header(), 0).status(), "GOOD");
            return bursts;
        }
    }

    private static byte[] readBack(final TestInitiator i, final long lba) throws IOException
    {
        final TestInitiator.ScsiResult read = i.command(0, TestInitiator.cdb16(0x88, lba, WRITE_BYTES / BLOCK), null,
            new byte[WRITE_BYTES]);
        assertEquals(0, read.status());
        return read.data();
    }

    @Test
    void aLoginGetsTheTpgsKeysAndAWriteRunsByThem() throws IOException
    {
        try (TestInitiator i = login(1, tunedAnswers()))
        {
            final byte[] data = TestInitiator.pattern(WRITE_BYTES, 11);
            // InitialR2T=Yes and ImmediateData=No: nothing unsolicited; MaxBurstLength 64 KiB: two R2Ts, one at a time.
            assertEquals(List.of(65536, 65536), writeBySolicitedData(i, 100, data), log::toString);
            assertArrayEquals(data, readBack(i, 100));
        }
        eventLog.flush();
        assertContains("InitialR2T=Yes ImmediateData=No MaxRecvDataSegmentLength=16384");
        assertContains("MaxBurstLength=65536 FirstBurstLength=8192 MaxOutstandingR2T=1");
    }

    @Test
    void aDiscoverySessionGetsTheEnginesKeys() throws IOException
    {
        try (TestInitiator i = new TestInitiator("127.0.0.1", portal.port()))
        {
            i.loginStep(true, 0, 1, "InitiatorName=" + TestInitiator.INITIATOR, "SessionType=Discovery",
                "AuthMethod=None");
            final Pdu op = i.loginStep(true, 1, 3, "HeaderDigest=None", "MaxRecvDataSegmentLength=262144");
            assertEquals(0, TestInitiator.loginStatus(op));
            assertEquals("262144", op.keys().get("MaxRecvDataSegmentLength"), op.keys().toString());
        }
    }

    @Test
    void aLiveChangeLeavesALoggedInSessionItsKeysAndTheNextLoginGetsTheNewOnes() throws IOException
    {
        try (TestInitiator before = login(1, tunedAnswers()))
        {
            final Reconfigured change = engine.reconfigure(new EngineChange(registry(TpgParameters.ENGINE),
                DiscoveryAuth.NONE, 0, 0, IscsiContext.DEFAULT_RECEIVE_COALESCING_NANOS, null, List.of(),
                List.of()), 10_000);
            assertEquals(0, change.sessionsEnded(), log::toString);
            final byte[] data = TestInitiator.pattern(WRITE_BYTES, 12);
            assertEquals(List.of(65536, 65536), writeBySolicitedData(before, 200, data), "negotiated at its login");
            assertArrayEquals(data, readBack(before, 200));

            try (TestInitiator after = login(2, engineAnswers()))
            {
                final byte[] more = TestInitiator.pattern(WRITE_BYTES, 13);
                final TestInitiator.ScsiResult write = after.command(0,
                    TestInitiator.cdb16(0x8A, 300, WRITE_BYTES / BLOCK), more, null);
                assertEquals(0, write.status(), "all of it immediate data: FirstBurstLength 256 KiB, no R2T");
                assertArrayEquals(more, readBack(after, 300));
            }
        }
    }

    @Test
    void aTpgThatRequiresDigestsRefusesALoginWithoutThemAndServesOneWithThem() throws IOException
    {
        engine.reconfigure(new EngineChange(registry(new TpgParameters(null, null, null, null, null, null, "CRC32C",
            "CRC32C", 10, 0)), DiscoveryAuth.NONE, 0, 0, IscsiContext.DEFAULT_RECEIVE_COALESCING_NANOS, null,
            List.of(), List.of()), 10_000);
        try (TestInitiator without = new TestInitiator("127.0.0.1", portal.port()))
        {
            // open-iscsi's default offer: HeaderDigest=None. No common digest: the login fails.
            assertEquals(0x0200, TestInitiator.loginStatus(without.login(IQN, OPEN_ISCSI)), "Initiator error: " + log);
        }
        eventLog.flush();
        assertContains("HeaderDigest=None offered; the TPG allows CRC32C");
        try (TestInitiator silent = new TestInitiator("127.0.0.1", portal.port()))
        {
            // An initiator that leaves the key out gets its default, None: refused too.
            assertEquals(0x0200, TestInitiator.loginStatus(silent.login(IQN, "MaxRecvDataSegmentLength=262144")));
        }
        eventLog.flush();
        assertContains("HeaderDigest not negotiated; the TPG requires CRC32C");

        final String[] withDigests = OPEN_ISCSI.clone();
        withDigests[0] = "HeaderDigest=CRC32C,None";
        withDigests[1] = "DataDigest=None,CRC32C";
        try (TestInitiator i = new TestInitiator("127.0.0.1", portal.port()))
        {
            i.isid = 3;
            final Pdu response = i.login(IQN, withDigests);
            assertEquals(0, TestInitiator.loginStatus(response), log::toString);
            final Map<String, String> answered = response.keys();
            assertEquals("CRC32C", answered.get("HeaderDigest"));
            assertEquals("CRC32C", answered.get("DataDigest"), "the initiator's first choice the TPG allows");
            assertEquals("10", answered.get("DefaultTime2Wait"), "the higher of 2 and the TPG's 10 (13.15)");
            assertEquals("0", answered.get("DefaultTime2Retain"), "the lower of 0 and the TPG's 0 (13.16)");
            assertTrue(i.headerDigest && i.dataDigest);
            i.clearUnitAttention(0);
            final byte[] data = TestInitiator.pattern(WRITE_BYTES, 14);
            assertEquals(0, i.command(0, TestInitiator.cdb16(0x8A, 400, WRITE_BYTES / BLOCK), data, null).status(),
                "a write with both digests");
            assertArrayEquals(data, readBack(i, 400));
        }
    }

    private void assertContains(final String text)
    {
        assertTrue(log.toString().contains(text), text + " in\n" + log);
    }
}
