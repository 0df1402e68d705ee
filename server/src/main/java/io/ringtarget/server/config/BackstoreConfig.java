package io.ringtarget.server.config;

/**
 * A backstore: {@code block} (raw disk, LVM LV, ZVOL path), {@code fileio} (regular file, created sparse at
 * {@code sizeBytes} if missing) or {@code ram}. {@code sizeBytes} 0 means "the device's or file's own size".
 * {@code blockSize} is the logical block size reported to initiators (512 or 4096; block devices default to
 * their BLKSSZGET). {@code directIo} false selects buffered I/O for fileio. {@code serial} is the unit serial
 * number (VPD 0x80) and {@code wwn} 16 hex digits of the NAA designator (VPD 0x83); both generated if blank.
 */
public record BackstoreConfig(
    String name,
    String type,
    String path,
    long sizeBytes,
    int blockSize,
    boolean directIo,
    boolean writeCache,
    String serial,
    String wwn)
{
}
