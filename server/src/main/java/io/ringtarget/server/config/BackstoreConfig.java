package io.ringtarget.server.config;

/**
 * A backstore: {@code block} (raw disk, LVM LV, ZVOL path), {@code fileio} (regular file, created sparse at
 * {@code sizeBytes} if missing) or {@code ram}. {@code sizeBytes} 0 means "the device's or file's own size".
 * {@code blockSize} is the logical block size reported to initiators (512 or 4096; block devices default to
 * their BLKSSZGET). {@code directIo} false selects buffered I/O for fileio. {@code serial} is the unit serial
 * number (VPD 0x80) and {@code wwn} 16 hex digits of the NAA designator (VPD 0x83); both generated if blank.
 * {@code grow} true lets the target extend an existing fileio file smaller than {@code sizeBytes}; without it that
 * is refused (a smaller file is more often the wrong file than one meant to grow). {@code rbd} says where the image
 * of an {@code rbd} backstore is (null for the other types); such a backstore's serial and NAA, when left blank,
 * come from the image, so that every gateway exporting it presents the same device. {@code softThresholdPercent} (null:
 * none) is the share of the LUN's blocks which, once the backstore holds storage for them, warns every initiator
 * (THIN PROVISIONING SOFT THRESHOLD REACHED); {@code availableThresholdPercent} (null: none) the share of the LUN's
 * blocks which, once the storage beneath can take fewer new blocks, warns them the same way; {@code ram} and
 * {@code fileio} only. {@code hugePages} (null: the type's default) keeps a {@code ram} backstore's memory in 2 MiB
 * transparent huge pages, taken from the machine a whole 2 MiB region at a time (RamBackstore), unless false; the other
 * types ignore it ({@link #usesHugePages}).
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
    String wwn,
    boolean grow,
    RbdConfig rbd,
    Integer softThresholdPercent,
    Integer availableThresholdPercent,
    Boolean hugePages)
{
    /** With the type's default pages: huge pages for ram (as the file's reader fills in), none for the others. */
    public BackstoreConfig(
        final String name,
        final String type,
        final String path,
        final long sizeBytes,
        final int blockSize,
        final boolean directIo,
        final boolean writeCache,
        final String serial,
        final String wwn,
        final boolean grow,
        final RbdConfig rbd,
        final Integer softThresholdPercent,
        final Integer availableThresholdPercent)
    {
        this(name, type, path, sizeBytes, blockSize, directIo, writeCache, serial, wwn, grow, rbd, softThresholdPercent,
            availableThresholdPercent, ConfigDefaults.TYPE_RAM.equals(type) ? Boolean.TRUE : null);
    }

    /** Without an available threshold. */
    public BackstoreConfig(
        final String name,
        final String type,
        final String path,
        final long sizeBytes,
        final int blockSize,
        final boolean directIo,
        final boolean writeCache,
        final String serial,
        final String wwn,
        final boolean grow,
        final RbdConfig rbd,
        final Integer softThresholdPercent)
    {
        this(name, type, path, sizeBytes, blockSize, directIo, writeCache, serial, wwn, grow, rbd, softThresholdPercent,
            null);
    }

    /** Without soft thresholds. */
    public BackstoreConfig(
        final String name,
        final String type,
        final String path,
        final long sizeBytes,
        final int blockSize,
        final boolean directIo,
        final boolean writeCache,
        final String serial,
        final String wwn,
        final boolean grow,
        final RbdConfig rbd)
    {
        this(name, type, path, sizeBytes, blockSize, directIo, writeCache, serial, wwn, grow, rbd, null);
    }

    /** Any type but {@code rbd}. */
    public BackstoreConfig(
        final String name,
        final String type,
        final String path,
        final long sizeBytes,
        final int blockSize,
        final boolean directIo,
        final boolean writeCache,
        final String serial,
        final String wwn,
        final boolean grow)
    {
        this(name, type, path, sizeBytes, blockSize, directIo, writeCache, serial, wwn, grow, null);
    }

    /** Without {@code grow}: an existing file keeps its size or is refused. */
    public BackstoreConfig(
        final String name,
        final String type,
        final String path,
        final long sizeBytes,
        final int blockSize,
        final boolean directIo,
        final boolean writeCache,
        final String serial,
        final String wwn)
    {
        this(name, type, path, sizeBytes, blockSize, directIo, writeCache, serial, wwn, false);
    }

    /**
     * An {@code rbd} backstore: the image's size is its own (no {@code sizeBytes}), I/O goes through librbd (no
     * {@code path}, {@code directIo} or {@code grow}).
     */
    public static BackstoreConfig rbd(
        final String name, final RbdConfig rbd, final int blockSize, final boolean writeCache, final String serial,
        final String wwn)
    {
        return new BackstoreConfig(name, ConfigDefaults.TYPE_RBD, null, 0, blockSize, true, writeCache, serial, wwn,
            false, rbd);
    }

    public BackstoreConfig withWriteCache(final boolean newWriteCache)
    {
        return new BackstoreConfig(name, type, path, sizeBytes, blockSize, directIo, newWriteCache, serial, wwn, grow,
            rbd, softThresholdPercent, availableThresholdPercent, hugePages);
    }

    public BackstoreConfig withGrow(final boolean newGrow)
    {
        return new BackstoreConfig(name, type, path, sizeBytes, blockSize, directIo, writeCache, serial, wwn, newGrow,
            rbd, softThresholdPercent, availableThresholdPercent, hugePages);
    }

    public BackstoreConfig withSoftThresholdPercent(final Integer percent)
    {
        return new BackstoreConfig(name, type, path, sizeBytes, blockSize, directIo, writeCache, serial, wwn, grow, rbd,
            percent, availableThresholdPercent, hugePages);
    }

    public BackstoreConfig withAvailableThresholdPercent(final Integer percent)
    {
        return new BackstoreConfig(name, type, path, sizeBytes, blockSize, directIo, writeCache, serial, wwn, grow, rbd,
            softThresholdPercent, percent, hugePages);
    }

    /** Whether its memory is in huge pages: a ram backstore's unless {@code hugePages} is false. */
    public boolean usesHugePages()
    {
        return ConfigDefaults.TYPE_RAM.equals(type) && !Boolean.FALSE.equals(hugePages);
    }

    public BackstoreConfig withHugePages(final Boolean newHugePages)
    {
        return new BackstoreConfig(name, type, path, sizeBytes, blockSize, directIo, writeCache, serial, wwn, grow, rbd,
            softThresholdPercent, availableThresholdPercent, newHugePages);
    }

    public BackstoreConfig withIdentifiers(final String newSerial, final String newWwn)
    {
        return new BackstoreConfig(name, type, path, sizeBytes, blockSize, directIo, writeCache, newSerial, newWwn,
            grow, rbd, softThresholdPercent, availableThresholdPercent, hugePages);
    }
}
