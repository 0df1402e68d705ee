package io.ringtarget.server.startup;

import io.ringtarget.backstore.Backstore;
import io.ringtarget.backstore.FileBackstore;
import io.ringtarget.backstore.RamBackstore;
import io.ringtarget.backstore.rbd.RbdBackstore;
import io.ringtarget.backstore.rbd.RbdImageSpec;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.Sizes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collection;

/** Opens the backstore a configuration entry describes. */
final class BackstoreFactory
{
    private BackstoreFactory()
    {
    }

    static Backstore open(final BackstoreConfig config) throws IOException
    {
        try
        {
            return create(config);
        }
        catch (final UncheckedIOException ex)
        {
            throw ex.getCause();
        }
        catch (final IOException ex)
        {
            throw new IOException("backstore " + config.name() + " (" + config.type() + " " + where(config) + "): " +
                ex.getMessage(), ex);
        }
        catch (final RuntimeException ex)
        {
            throw new IOException("backstore " + config.name() + " (" + config.type() + " " + where(config) + "): " +
                ex.getMessage(), ex);
        }
    }

    /**
     * What the start-up log says of a file or device backstore that makes atomic writes (WRITE ATOMIC(16)), which
     * depends on its file system or device; null for the others (without them, a RAM backstore, which always makes
     * them, an rbd one, which never does): a target with a thousand LUNs on ext4 says nothing a thousand times.
     */
    static String atomicWrites(final Backstore backstore)
    {
        if (!(backstore instanceof FileBackstore) || backstore.atomicWriteMaxBytes() == 0)
        {
            return null;
        }
        return backstore.name() + ": atomic writes (WRITE ATOMIC(16)) of " + backstore.atomicWriteUnitBytes() +
            " to " + backstore.atomicWriteMaxBytes() +
            " bytes, a power of two at a multiple of its length (RWF_ATOMIC)";
    }

    /**
     * A warning when the RAM backstores, filled, would need more memory than the machine has available now
     * (MemAvailable) above the reserve it keeps free: their memory is taken as they are written (RamBackstore), so
     * such a target serves until its initiators have written that much, and then refuses writes to blocks never
     * written (SPACE ALLOCATION FAILED WRITE PROTECT). Null when they fit, or when /proc/meminfo cannot be read.
     */
    static String ramCommitment(final Collection<Backstore> backstores)
    {
        long toCommit = 0;
        long total = 0;
        int count = 0;
        for (final Backstore b : backstores)
        {
            if (b instanceof RamBackstore ram)
            {
                final long held = ram.memoryBytes();
                total += ram.sizeBytes();
                toCommit += Math.max(0, ram.sizeBytes() - held);
                count++;
            }
        }
        final long available = RamBackstore.machineMemoryAvailableBytes();
        final long reserve = RamBackstore.machineReserveBytes();
        if (count == 0 || available < 0 || toCommit <= available - reserve)
        {
            return null;
        }
        return (count == 1 ? "the ram backstore (" : "the " + count + " ram backstores (") + Sizes.format(total) +
            ") would need " + Sizes.format(toCommit) + " more memory once written in full, and " +
            Sizes.format(available) + " is available, of which " + Sizes.format(reserve) + " is kept free: their " +
            "memory is taken as they are written, and once it runs out, writes to blocks never written are refused " +
            "(DATA PROTECT, SPACE ALLOCATION FAILED WRITE PROTECT)";
    }

    private static String where(final BackstoreConfig config)
    {
        if (null != config.rbd())
        {
            return config.rbd().image();
        }
        return config.path() == null ? "" : config.path();
    }

    private static Backstore create(final BackstoreConfig config) throws IOException
    {
        final int blockSize = config.blockSize() > 0 ? config.blockSize() : 512;
        return switch (config.type())
        {
            case "ram" -> new RamBackstore(config.name(), config.sizeBytes(), blockSize, config.usesHugePages());
            case "fileio" -> ofKind(FileBackstore.fileio(config.name(), Path.of(config.path()), config.sizeBytes(),
                blockSize, config.directIo(), false, config.grow()), FileBackstore.Kind.FILEIO);
            // A raw disk, an LVM logical volume (/dev/vg/lv) or a ZVOL (/dev/zvol/pool/vol): one code path.
            case "block" -> ofKind(FileBackstore.block(config.name(), Path.of(config.path()), config.blockSize(), false),
                FileBackstore.Kind.BLOCK);
            case "rbd" -> RbdBackstore.open(config.name(), RbdImageSpec.of(config.rbd().image(), config.rbd().cephConf(),
                config.rbd().cephIdOrDefault(), config.rbd().keyring()), blockSize, false);
            default -> throw new IOException("backstore " + config.name() + ": unknown type " + config.type());
        };
    }

    /**
     * FileBackstore serves a file and a device alike; the configuration's type says which was meant. Validation
     * refuses a mismatch already; this holds for programs that start a configuration without validating it, and
     * for a path that changed in between.
     */
    private static FileBackstore ofKind(final FileBackstore backstore, final FileBackstore.Kind expected)
    {
        if (backstore.kind() != expected)
        {
            backstore.close();
            throw new IllegalArgumentException(backstore.path() + (expected == FileBackstore.Kind.BLOCK ?
                " is a regular file: use type \"fileio\"" : " is a block device: use type \"block\""));
        }
        return backstore;
    }
}
