package io.ringtarget.iscsi.command;

import io.ringtarget.iscsi.node.LunMapping;
import io.ringtarget.iscsi.node.LunView;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.scsi.BlockDevice;
import io.ringtarget.scsi.CopyTargets;
import io.ringtarget.scsi.ItNexus;
import io.ringtarget.scsi.LogicalUnit;
import io.ringtarget.scsi.ReportLuns;
import io.ringtarget.scsi.ScsiTask;
import io.ringtarget.scsi.TransportCommands;

import java.lang.foreign.MemorySegment;

/**
 * Hands a command whose data is all in to the logical unit its LUN names among the LUNs the session sees (its TPG's,
 * or those its node ACL maps: {@link PortalGroup#lunsOf}), with this loop's handle of the backstore beneath it. REPORT
 * LUNS is addressed to the target, whatever LUN it names (SPC-4 6.33), and is answered with the LUNs the session
 * sees; any other LUN gets LOGICAL UNIT NOT SUPPORTED. An EXTENDED COPY may name any logical unit the session sees
 * ({@link CopyTargets}): its copies run on this loop with this loop's handles of the backstores.
 */
public final class CommandExecutor implements CopyTargets
{
    private final BackstoreDevices devices;
    private PortalGroup portalGroup;
    private LunView luns = LunView.NONE;
    private ItNexus nexus;

    public CommandExecutor(final BackstoreDevices devices)
    {
        this.devices = devices;
    }

    /**
     * The TPG and I_T nexus of the session (after login, and after a live change of its TPG), with the LUNs its
     * initiator sees there.
     */
    public CommandExecutor bind(final PortalGroup portalGroup, final String initiatorName, final ItNexus nexus)
    {
        this.portalGroup = portalGroup;
        this.luns = null == portalGroup ? LunView.NONE : portalGroup.lunsOf(initiatorName);
        this.nexus = nexus;
        return this;
    }

    public PortalGroup portalGroup()
    {
        return portalGroup;
    }

    public ItNexus nexus()
    {
        return nexus;
    }

    /** The LUNs the session sees. */
    public LunView luns()
    {
        return luns;
    }

    /** The LUN mapping a LUN field names, or null. */
    public LunMapping lun(final long lunField)
    {
        return luns.lun(ReportLuns.decodeLun(lunField));
    }

    /**
     * The mapping of the LUN {@code c} names when it is served by a device that
     * {@link BlockDevice#writesBeforeReturning} (RAM), else null: a WRITE to it may run with its data where it was
     * received ({@link ScsiTask#receivedData}), by {@link #execute(Command, LunMapping)} with this mapping.
     */
    public LunMapping unbufferedWriteLun(final Command c)
    {
        final LunMapping mapping = lun(c.lun);
        return mapping != null && devices.device(mapping.backstore()).writesBeforeReturning() ? mapping : null;
    }

    /** @return whether the task completed before this returned (its listener called). */
    public boolean execute(final Command c)
    {
        final ScsiTask task = c.task;
        if (c.dataDigestError)
        {
            // RFC 7143 7.8 b: all the data is in, some of it lost to a digest error; nothing is written.
            TransportCommands.protocolServiceCrcError(task);
            return true;
        }
        if (task.opcode() == ReportLuns.OPCODE)
        {
            ReportLuns.execute(task, luns.lunNumbers(), luns.lunNumbers().length);
            return true;
        }
        final LunMapping mapping = lun(c.lun);
        if (mapping == null)
        {
            TransportCommands.unsupportedLun(task);
            return true;
        }
        return execute(c, mapping);
    }

    /** {@link #execute(Command)} of a command whose LUN is known to be {@code mapping} in the session's TPG. */
    public boolean execute(final Command c, final LunMapping mapping)
    {
        final ScsiTask task = c.task;
        task.device(devices.device(mapping.backstore())).copyTargets(this).writeProtected(mapping.readOnly());
        // From here on backstore I/O may own the buffer until the task completes (the LU always completes it).
        c.state = Command.EXECUTING;
        return mapping.logicalUnit().execute(task);
    }

    @Override
    public LogicalUnit logicalUnit(
        final int codeSet, final int designatorType, final MemorySegment designator, final long offset, final int length)
    {
        final LogicalUnit[] units = luns.logicalUnits();
        for (final LogicalUnit unit : units)
        {
            if (unit.identity().matches(codeSet, designatorType, designator, offset, length))
            {
                return unit;
            }
        }
        return null;
    }

    @Override
    public BlockDevice device(final LogicalUnit unit)
    {
        final LogicalUnit[] units = luns.logicalUnits();
        for (int i = 0; i < units.length; i++)
        {
            if (units[i] == unit)
            {
                return devices.device(luns.lun(luns.lunNumbersOf(i)[0]).backstore());
            }
        }
        return null;
    }
}
