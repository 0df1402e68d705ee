package io.ringtarget.iscsi.command;

import io.ringtarget.backstore.Backstore;
import io.ringtarget.backstore.RamBackstore;
import io.ringtarget.iscsi.node.LunMapping;
import io.ringtarget.iscsi.node.MappedLun;
import io.ringtarget.iscsi.node.NodeAcl;
import io.ringtarget.iscsi.node.Portal;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.scsi.ItNexus;
import io.ringtarget.scsi.LogicalUnit;
import io.ringtarget.scsi.LogicalUnitIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * LUN masking in the command path: a session bound for an initiator whose node ACL maps only some LUNs reaches those
 * alone, by LUN number (commands, task management) and by identity (EXTENDED COPY's CSCD descriptors, which could
 * otherwise name a logical unit the initiator is not shown).
 */
class MappedLunsExecutorTest
{
    private static final String IQN = "iqn.2026-12.io.ringtarget:masking";
    private static final String HOST1 = "iqn.2026-12.io.ringtarget.test:host1";
    private static final String HOST2 = "iqn.2026-12.io.ringtarget.test:host2";
    private static final String HOST3 = "iqn.2026-12.io.ringtarget.test:host3";

    private final RamBackstore ram0 = new RamBackstore("ram0", 1L << 20, 512);
    private final RamBackstore ram1 = new RamBackstore("ram1", 1L << 20, 512);
    private final LogicalUnit lu0 = unit("SERIAL0", ram0);
    private final LogicalUnit lu1 = unit("SERIAL1", ram1);
    private final List<Backstore> asked = new ArrayList<>();

    @AfterEach
    void close()
    {
        ram0.close();
        ram1.close();
    }

    private static LogicalUnit unit(final String serial, final RamBackstore ram)
    {
        return new LogicalUnit(LogicalUnitIdentity.of(IQN, serial), ram.blockCount(), ram.blockSize(), true, false);
    }

    private CommandExecutor boundFor(final String initiator)
    {
        final TargetNode node = new TargetNode(IQN, null);
        final PortalGroup tpg = new PortalGroup(node, 1, List.of(new Portal("127.0.0.1", 3260)),
            List.of(new LunMapping(0, lu0, ram0, false), new LunMapping(1, lu1, ram1, false)),
            List.of(new NodeAcl(HOST1, null, MappedLun.sameNumbers(1)), new NodeAcl(HOST2, null),
                new NodeAcl(HOST3, null, List.of())),
            false, false);
        final BackstoreDevices devices = b ->
        {
            asked.add(b);
            return null;
        };
        return new CommandExecutor(devices).bind(tpg, initiator, new ItNexus(initiator + ",i,0x1", tpg.targetPort()));
    }

    /** An NAA designator of a logical unit, as an EXTENDED COPY CSCD descriptor carries it. */
    private static MemorySegment naa(final LogicalUnit unit)
    {
        final MemorySegment s = MemorySegment.ofArray(new byte[8]);
        s.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 0, unit.identity().naa());
        return s;
    }

    @Test
    void aSessionReachesOnlyTheLunsItsAclMaps()
    {
        final CommandExecutor host1 = boundFor(HOST1);
        assertArrayEquals(new long[]{1}, host1.luns().lunNumbers());
        assertNull(host1.lun(0L), "LUN 0 is hidden from HOST1");
        assertSame(lu1, host1.lun(1L << 48).logicalUnit());
        assertNull(host1.logicalUnit(1, 3, naa(lu0), 0, 8), "nor can an EXTENDED COPY name it");
        assertNull(host1.device(lu0));
        assertSame(lu1, host1.logicalUnit(1, 3, naa(lu1), 0, 8));
        host1.device(lu1);
        assertEquals(List.of(ram1), asked, "the copy reaches the visible unit's backstore only");

        final CommandExecutor host2 = boundFor(HOST2);
        assertArrayEquals(new long[]{0, 1}, host2.luns().lunNumbers(), "an ACL without mapped LUNs sees them all");
        assertSame(lu0, host2.logicalUnit(1, 3, naa(lu0), 0, 8));

        final CommandExecutor host3 = boundFor(HOST3);
        assertArrayEquals(new long[0], host3.luns().lunNumbers());
        assertNull(host3.lun(0L));
        assertNull(host3.lun(1L << 48));
    }
}
