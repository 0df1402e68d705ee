package io.ringtarget.iscsi.command;

import io.ringtarget.backstore.Backstore;
import io.ringtarget.scsi.BlockDevice;

/** The event loop's own handle of each backstore, on its ring (opened on first use). */
public interface BackstoreDevices
{
    BlockDevice device(Backstore backstore);
}
