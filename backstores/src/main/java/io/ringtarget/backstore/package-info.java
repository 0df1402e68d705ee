/**
 * Storage behind logical units: {@link io.ringtarget.backstore.RamBackstore} and
 * {@link io.ringtarget.backstore.FileBackstore} ({@code fileio} and {@code block}), each handing every event
 * loop its own {@link io.ringtarget.scsi.BlockDevice} that submits on that loop's ring. See docs/scsi.md.
 */
package io.ringtarget.backstore;
