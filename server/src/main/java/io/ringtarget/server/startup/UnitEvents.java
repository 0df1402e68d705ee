package io.ringtarget.server.startup;

import io.ringtarget.backstore.BackstoreEvents;
import io.ringtarget.backstore.rbd.RbdBackstore;
import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.scsi.AccessState;
import io.ringtarget.scsi.LogicalUnit;
import io.ringtarget.scsi.MediumEvents;
import io.ringtarget.scsi.TargetPort;
import io.ringtarget.scsi.TargetPortGroup;
import io.ringtarget.server.config.Sizes;

/**
 * What a backstore reports about its storage, applied to the logical unit on it and logged: a resize becomes the new
 * capacity (CAPACITY DATA HAS CHANGED for every I_T nexus, SBC-3 4.10); fencing (another gateway took an RBD image
 * over) puts the target port groups the unit is reached through into the unavailable state (an implicit transition,
 * SPC-4 5.15.2.4.5: ASYMMETRIC ACCESS STATE CHANGED, then REPORT TARGET PORT GROUPS says so and TEST UNIT READY fails),
 * so that multipath keeps the path down instead of retrying it, and holds them so (an initiator's SET TARGET PORT
 * GROUPS fails) until the image is opened again, which puts back the states they had (unless an administrator
 * changed one meanwhile). And what the logical unit tells of
 * SANITIZE and FORMAT UNIT operations, logged: who started one, and how it ended.
 */
final class UnitEvents implements BackstoreEvents, MediumEvents
{
    private static final String SUBSYSTEM = "backstore";
    private static final String LUN = "lun";

    private final String backstore;
    private final LogicalUnit unit;
    private final EventLog log;
    /** The groups a fencing holds unavailable (backstore threads, one at a time). */
    private final java.util.Set<TargetPortGroup> held = new java.util.LinkedHashSet<>();

    /** @param log null: nothing is logged. */
    UnitEvents(final String backstore, final LogicalUnit unit, final EventLog log)
    {
        this.backstore = backstore;
        this.unit = unit;
        this.log = log;
    }

    @Override
    public void capacityChanged(final long blockCount)
    {
        final long before = unit.blockCount();
        unit.blockCount(blockCount);
        info(backstore + ": capacity changed from " + before + " to " + blockCount + " blocks of " + unit.blockSize() +
            " bytes; initiators are told (CAPACITY DATA HAS CHANGED)");
    }

    @Override
    public void ownershipTaken(final String previousOwner)
    {
        info(backstore + ": took the image's exclusive lock" + (null == previousOwner ? "" :
            " over from " + previousOwner + ", which is blocklisted: it can write no more"));
    }

    @Override
    public synchronized void fencedOff()
    {
        // The ports it is reached through now: a live change may have added or removed a TPG mapping it.
        for (final TargetPort port : unit.targetPorts())
        {
            final TargetPortGroup group = port.group();
            if (group.supports(AccessState.UNAVAILABLE) && held.add(group))
            {
                group.holdUnavailable(); // held: an initiator's SET TARGET PORT GROUPS cannot make it active meanwhile
            }
        }
        if (null != log)
        {
            log.warn(SUBSYSTEM, backstore + ": another gateway took the image over and this one is blocklisted: " +
                "its reads and writes are refused; target port group(s) now unavailable; it opens the image again " +
                "as a new Ceph client in " + RbdBackstore.REOPEN_DELAY_SECONDS + " s");
        }
    }

    @Override
    public synchronized void reopened()
    {
        final StringBuilder restored = new StringBuilder();
        for (final TargetPortGroup group : held)
        {
            final AccessState back = group.releaseUnavailable();
            if (null != back)
            {
                restored.append(restored.isEmpty() ? "" : ", ").append(group.id()).append(' ').append(back.label());
            }
        }
        held.clear();
        info(backstore + ": opened the image again as a new Ceph client, serving it again" + (restored.isEmpty() ?
            "" : "; target port group(s) back to their states: " + restored) + "; the next write through this " +
            "gateway takes the image over");
    }

    @Override
    public void mediumRemoved(final String what)
    {
        if (null != log)
        {
            log.warn(SUBSYSTEM, backstore + ": the " + what + " it serves was removed: reads answer NOT READY, " +
                "MEDIUM NOT PRESENT; delete the LUN (and the backstore) that export it");
        }
    }

    @Override
    public void reopenFailed(final String reason)
    {
        if (null != log)
        {
            log.warn(SUBSYSTEM, backstore + ": " + reason);
        }
    }

    @Override
    public void sharedReservationsWarning(final String what)
    {
        if (null != log)
        {
            log.warn(SUBSYSTEM, backstore + ": " + what);
        }
    }

    @Override
    public void takeoverFailed(final String reason)
    {
        if (null != log)
        {
            log.warn(SUBSYSTEM, backstore + ": " + reason + "; the writes that waited for it fail");
        }
    }

    @Override
    public void spaceExhausted(final long refused, final long availableBytes, final long reserveBytes)
    {
        if (null != log)
        {
            log.warn(SUBSYSTEM, backstore + ": " + refused + (refused == 1 ? " write" : " writes") + " refused for " +
                "lack of memory (the machine has " + (availableBytes < 0 ? "?" : Sizes.format(availableBytes)) +
                " available and keeps " + Sizes.format(reserveBytes) + " free): initiators get DATA PROTECT, SPACE " +
                "ALLOCATION FAILED WRITE PROTECT; blocks already written are served as before. Free memory, or " +
                "unmap (fstrim) what the LUNs no longer need");
        }
    }

    @Override
    public void softThresholdReached(final long mappedBlocks, final long thresholdBlocks, final long blockCount)
    {
        if (null != log)
        {
            log.warn(LUN, "backstore " + backstore + ": soft threshold reached: " + mappedBlocks + " of its " +
                blockCount + " blocks hold storage (" + (mappedBlocks * 100 / blockCount) + "%, threshold " +
                thresholdBlocks + "): every initiator is told, THIN PROVISIONING SOFT THRESHOLD REACHED; told again " +
                "once the used blocks fell below it and reach it again");
        }
    }

    @Override
    public void availableThresholdReached(final long availableBlocks, final long thresholdBlocks, final long blockCount)
    {
        if (null != log)
        {
            log.warn(LUN, "backstore " + backstore + ": available threshold reached: the storage beneath can take " +
                availableBlocks + " more of its " + blockCount + " blocks (" + (availableBlocks * 100 / blockCount) +
                "%, threshold " + thresholdBlocks + "): every initiator is told, THIN PROVISIONING SOFT THRESHOLD " +
                "REACHED; told again once that rose above it and falls below it again");
        }
    }

    @Override
    public void operationStarted(final String operation, final String initiatorPort)
    {
        if (null != log)
        {
            log.warn(LUN, "backstore " + backstore + ": " + operation + " started by " + initiatorPort +
                ": every block changes; the LUN answers NOT READY until it ends");
        }
    }

    @Override
    public void operationResumed(final String operation, final int percentDone)
    {
        if (null != log)
        {
            log.warn(LUN, "backstore " + backstore + ": " + operation + (percentDone == 0 ?
                " started again after a restart, from its first block" : " goes on after a restart from " +
                percentDone + "%, where it was last saved") + "; the LUN answers NOT READY until it ends");
        }
    }

    @Override
    public void operationEnded(final String operation, final boolean completed, final long elapsedNanos)
    {
        if (null == log)
        {
            return;
        }
        final String took = String.format(java.util.Locale.ROOT, "%.1f s", elapsedNanos / 1e9);
        if (completed)
        {
            log.info(LUN, "backstore " + backstore + ": " + operation + " completed in " + took);
        }
        else
        {
            log.warn(LUN, "backstore " + backstore + ": " + operation + " failed after " + took + ": the LUN " +
                "answers MEDIUM ERROR until a SANITIZE" + (operation.startsWith("FORMAT") ? " or FORMAT UNIT" : "") +
                " completes");
        }
    }

    private void info(final String message)
    {
        if (null != log)
        {
            log.info(SUBSYSTEM, message);
        }
    }
}
