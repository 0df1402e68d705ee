package io.ringtarget.iscsi.text;

import io.ringtarget.backstore.RamBackstore;
import io.ringtarget.iscsi.TestInitiator;
import io.ringtarget.iscsi.TestInitiator.Pdu;
import io.ringtarget.iscsi.engine.EngineSettings;
import io.ringtarget.iscsi.engine.IscsiEngine;
import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.iscsi.login.TargetLimits;
import io.ringtarget.iscsi.node.DiscoveryAuth;
import io.ringtarget.iscsi.node.LunMapping;
import io.ringtarget.iscsi.node.NodeAcl;
import io.ringtarget.iscsi.node.Portal;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.scsi.AccessState;
import io.ringtarget.scsi.LogicalUnit;
import io.ringtarget.scsi.LogicalUnitIdentity;
import io.ringtarget.scsi.TargetPort;
import io.ringtarget.scsi.TargetPortGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * SendTargets over a target with three TPGs, each on its own port and each a target port of one logical unit: a
 * discovery session through any portal lists every portal of every TPG that admits the initiator, with its tag
 * (RFC 7143 appendix C), so that multipath finds every path from one discovery; a TPG whose ACL does not admit the
 * initiator is not listed.
 */
class SendTargetsOverTpgsTest
{
    private static final String IQN = "iqn.2026-11.io.ringtarget:paths";
    private static final String OTHER = "iqn.2026-11.io.ringtarget.test:someone-else";
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static final int[] PORTS = new int[3];
    private static RamBackstore ram;
    private static EventLog log;
    private static IscsiEngine engine;

    @BeforeAll
    static void start() throws IOException
    {
        ram = new RamBackstore("ram0", 1L << 20, 512);
        log = new EventLog(new PrintStream(LOG, true), false, EventLog.Level.INFO);
        final TargetNode node = new TargetNode(IQN, null);
        final TargetPort[] ports = new TargetPort[3];
        for (int i = 0; i < 3; i++)
        {
            PORTS[i] = freePort();
            ports[i] = new TargetPort(i + 1, IQN, i + 1, new TargetPortGroup(i + 1,
                i == 0 ? AccessState.ACTIVE_OPTIMIZED : AccessState.ACTIVE_NON_OPTIMIZED, i == 0));
        }
        final LogicalUnit lu = new LogicalUnit(new LogicalUnitIdentity(LogicalUnitIdentity.DEFAULT_VENDOR,
            "ringtarget", "0001", "paths0", 0, IQN), ram.blockCount(), ram.blockSize(), false, false).targetPorts(ports);
        for (int i = 0; i < 3; i++)
        {
            final boolean open = i < 2;   // TPG 3 admits only OTHER
            node.add(new PortalGroup(node, i + 1, List.of(new Portal("127.0.0.1", PORTS[i])),
                List.of(new LunMapping(0, lu, ram, false)), open ? List.of() : List.of(new NodeAcl(OTHER, null)),
                open, false, ports[i], PortalGroup.ENGINE_NOP_IN, PortalGroup.ENGINE_NOP_IN));
        }
        final TargetRegistry registry = new TargetRegistry();
        registry.add(node);
        engine = IscsiEngine.start(registry, DiscoveryAuth.NONE, TargetLimits.defaults(),
            new EngineSettings(1, false, "ring", 50_000, 5, 15), log);
    }

    @AfterAll
    static void stop()
    {
        engine.close();
        ram.close();
        log.close();
    }

    @Test
    void discoveryThroughAnyPortalListsEveryPortalOfEveryTpgThatAdmitsTheInitiator() throws IOException
    {
        for (final int asked : new int[]{PORTS[0], PORTS[1]})
        {
            assertEquals(List.of("TargetName=" + IQN, "TargetAddress=127.0.0.1:" + PORTS[0] + ",1",
                "TargetAddress=127.0.0.1:" + PORTS[1] + ",2"), sendTargets(asked), "asked on " + asked + "\n" + LOG);
        }
    }

    private static List<String> sendTargets(final int port) throws IOException
    {
        try (TestInitiator i = new TestInitiator("127.0.0.1", port))
        {
            i.loginStep(true, 0, 1, "InitiatorName=" + TestInitiator.INITIATOR, "SessionType=Discovery", "AuthMethod=None");
            assertEquals(0, TestInitiator.loginStatus(i.loginStep(true, 1, 3, "HeaderDigest=None", "DataDigest=None")));
            i.send(i.textRequest(0xffffffff), TestInitiator.keys("SendTargets=All"));
            final Pdu text = i.receive();
            assertEquals(Opcode.TEXT_RESPONSE, text.opcode());
            final List<String> pairs = new ArrayList<>();
            Arrays.stream(new String(text.data(), StandardCharsets.UTF_8).split("\0"))
                .filter(s -> !s.isEmpty()).forEach(pairs::add);
            return pairs;
        }
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket s = new ServerSocket(0))
        {
            return s.getLocalPort();
        }
    }
}
