/**
 * The transport-independent SCSI device server (SPC-4, SBC-3): {@link io.ringtarget.scsi.LogicalUnit} executes
 * a {@link io.ringtarget.scsi.ScsiTask} against the calling loop's {@link io.ringtarget.scsi.BlockDevice} and
 * tells its {@link io.ringtarget.scsi.ScsiTaskListener}; {@link io.ringtarget.scsi.ReportLuns} and
 * {@link io.ringtarget.scsi.TransportCommands} answer what the transport owns. See docs/scsi.md.
 */
package io.ringtarget.scsi;
