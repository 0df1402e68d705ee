package io.ringtarget.server.config;

import io.ringtarget.backstore.rbd.RbdImageSpec;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules of the backstores section that its schema cannot express ({@link ConfigValidator}): unique names, one
 * backstore per file, device or RBD image however it is spelt, absolute paths, a fileio file outside /dev, the
 * fields a type ignores; and, when the machine is checked, its files and devices ({@link HostChecks}).
 */
final class BackstoreRules
{
    /** The backstore types whose rules this class knows; the schema refuses any other. */
    private static final Set<String> TYPES = Set.of(ConfigDefaults.TYPE_BLOCK, ConfigDefaults.TYPE_FILEIO,
        ConfigDefaults.TYPE_RAM, ConfigDefaults.TYPE_RBD);
    /** Where devices live: never the place of a fileio file. */
    private static final Path DEV = Path.of("/dev");

    private final ConfigProblems problems;
    private final boolean checkFiles;

    BackstoreRules(final ConfigProblems problems, final boolean checkFiles)
    {
        this.problems = problems;
        this.checkFiles = checkFiles;
    }

    /** Checks every backstore, and records in {@code byName} those with a name of their own. */
    void backstores(final List<BackstoreConfig> backstores, final Map<String, BackstoreConfig> byName)
    {
        final Map<String, String> namePaths = new HashMap<>();
        final Map<Object, String> filePaths = new HashMap<>();
        final List<LoopDevice> loopDevices = new ArrayList<>();
        for (int i = 0; i < backstores.size(); i++)
        {
            final String path = "backstores[" + i + "]";
            final BackstoreConfig backstore = backstores.get(i);
            if (null == backstore)
            {
                problems.error(path, "null is not a backstore");
                continue;
            }
            final String name = backstore.name();
            if (null != name)
            {
                final String other = namePaths.putIfAbsent(name, path);
                if (null != other)
                {
                    problems.error(path + ".name", "duplicate backstore name \"" + name + "\" (also " + other + ")");
                }
                else
                {
                    byName.put(name, backstore);
                }
            }
            backstore(path, backstore, filePaths, loopDevices);
        }
        // A loop device (or a partition of one) over a file that another backstore serves is that file's data too;
        // the kernel's exclusive claim of the device does not cover the file, so it is checked here.
        for (final LoopDevice loop : loopDevices)
        {
            final String other = filePaths.get(loop.backingFile());
            if (null != other)
            {
                problems.error(loop.path() + ".path", "\"" + loop.device() + "\" is a loop device over the file of " +
                    other + ": two backstores writing the same data corrupt it (export one backstore from several " +
                    "LUNs instead)");
            }
        }
    }

    /** A block backstore ({@code path}) on a loop device over a file, keyed as {@link FileIdentity#of} keys it. */
    private record LoopDevice(String path, Path device, Object backingFile)
    {
    }

    private void backstore(final String path, final BackstoreConfig backstore, final Map<Object, String> filePaths,
        final List<LoopDevice> loopDevices)
    {
        final String type = backstore.type();
        if (null == type || !TYPES.contains(type))
        {
            return; // the schema reports it; the rules below depend on the type
        }
        final int blockSize = backstore.blockSize();
        if (!problems.schemaFound(path + ".blockSize") && blockSize > 0 && backstore.sizeBytes() > 0 &&
            backstore.sizeBytes() % blockSize != 0)
        {
            problems.warning(path + ".sizeBytes", backstore.sizeBytes() + " is not a multiple of the block size " +
                blockSize + "; the last partial block is not exported");
        }
        switch (type)
        {
            case ConfigDefaults.TYPE_RAM ->
            {
                if (backstore.sizeBytes() <= 0)
                {
                    problems.error(path + ".sizeBytes", "a ram backstore needs a size > 0");
                }
                if (null != backstore.path() && !backstore.path().isEmpty())
                {
                    problems.warning(path + ".path", "ignored: a ram backstore has no file");
                }
                if (backstore.usesHugePages() && checkFiles)
                {
                    problems.addAll(HostChecks.hugePages(path));
                }
            }
            case ConfigDefaults.TYPE_FILEIO -> fileio(path, backstore, filePaths);
            case ConfigDefaults.TYPE_RBD -> rbd(path, backstore, filePaths);
            default -> block(path, backstore, filePaths, loopDevices);
        }
        if (null != backstore.rbd() && !ConfigDefaults.TYPE_RBD.equals(type))
        {
            problems.warning(path + ".rbd", "ignored: only an rbd backstore has an image");
        }
        if (backstore.grow() && !ConfigDefaults.TYPE_FILEIO.equals(type))
        {
            problems.warning(path + ".grow", "ignored: only a fileio backstore's file is grown");
        }
        if (Boolean.TRUE.equals(backstore.hugePages()) && !ConfigDefaults.TYPE_RAM.equals(type))
        {
            problems.warning(path + ".hugePages", "ignored: only a ram backstore's memory is the target's own");
        }
        if (null != backstore.softThresholdPercent() && !problems.schemaFound(path + ".softThresholdPercent") &&
            !ConfigDefaults.TYPE_FILEIO.equals(type) && !ConfigDefaults.TYPE_RAM.equals(type))
        {
            problems.error(path + ".softThresholdPercent", "a " + type + " backstore cannot tell how many blocks it " +
                "holds storage for (a thin LV's pool or an image's usage is not read): only ram and fileio have a " +
                "soft threshold");
        }
        if (null != backstore.availableThresholdPercent() &&
            !problems.schemaFound(path + ".availableThresholdPercent") &&
            !ConfigDefaults.TYPE_FILEIO.equals(type) && !ConfigDefaults.TYPE_RAM.equals(type))
        {
            problems.error(path + ".availableThresholdPercent", "a " + type + " backstore cannot tell how much " +
                "storage is left beneath it (a thin LV's pool or a Ceph pool is not read): only ram and fileio have " +
                "an available threshold");
        }
    }

    private Path absolutePath(final String path, final BackstoreConfig backstore, final Map<Object, String> filePaths)
    {
        final String file = backstore.path();
        if (null == file || file.isEmpty())
        {
            problems.error(path + ".path", "required for a " + backstore.type() + " backstore");
            return null;
        }
        final Path resolved;
        try
        {
            resolved = Path.of(file);
        }
        catch (final InvalidPathException ex)
        {
            problems.error(path + ".path", "\"" + file + "\" is not a valid path");
            return null;
        }
        if (!resolved.isAbsolute())
        {
            problems.error(path + ".path", "\"" + file + "\" must be an absolute path");
            return null;
        }
        // On this machine, the same storage however it is spelt (links, device nodes); elsewhere, the same spelling.
        final Object key = checkFiles ? FileIdentity.of(resolved) : resolved.normalize().toString();
        final String other = filePaths.putIfAbsent(key, path);
        if (null != other)
        {
            problems.error(path + ".path", "\"" + file + "\" is the same " + (checkFiles ? "file or device" : "path") +
                " as " + other + ": two backstores writing the same data corrupt it (export one backstore from " +
                "several LUNs instead)");
        }
        return resolved;
    }

    private void fileio(final String path, final BackstoreConfig backstore, final Map<Object, String> filePaths)
    {
        final Path file = absolutePath(path, backstore, filePaths);
        if (null != file && file.normalize().startsWith(DEV))
        {
            // A missing /dev/sdX would be created as a regular file in /dev (RAM, gone at the next boot), and an
            // existing device is not a file: either way "block" was meant.
            problems.error(path + ".path", "\"" + file + "\" is under /dev: a fileio backstore is a regular file; " +
                "for a device use type \"block\"" + (checkFiles && !Files.exists(file) ? " (and \"" + file +
                "\" does not exist)" : ""));
            return;
        }
        if (null != file && checkFiles)
        {
            problems.addAll(HostChecks.fileio(path, file, backstore.sizeBytes(), backstore.grow()));
        }
    }

    private void rbd(final String path, final BackstoreConfig backstore, final Map<Object, String> filePaths)
    {
        final RbdConfig rbd = backstore.rbd();
        if (null == rbd)
        {
            problems.error(path + ".rbd", "required for an rbd backstore: {\"image\": \"POOL/IMAGE\", \"cephConf\": " +
                "\"/etc/ceph/ceph.conf\"}");
            return;
        }
        final String imageProblem = RbdImageSpec.problem(rbd.image());
        if (null != imageProblem)
        {
            problems.error(path + ".rbd.image", imageProblem);
        }
        else
        {
            // The same image twice in one target: two handles of one process would take the lock from each other.
            final String other = filePaths.putIfAbsent("rbd " + rbd.cephConf() + " " + rbd.image(), path);
            if (null != other)
            {
                problems.error(path + ".rbd.image", "\"" + rbd.image() + "\" is the image of " + other + " too: " +
                    "export one backstore from several LUNs instead");
            }
        }
        clientFile(path + ".rbd.cephConf", rbd.cephConf(), true);
        clientFile(path + ".rbd.keyring", rbd.keyring(), false);
        if (null != backstore.path() && !backstore.path().isEmpty())
        {
            problems.warning(path + ".path", "ignored: an rbd backstore's image is rbd.image");
        }
        if (backstore.sizeBytes() > 0)
        {
            problems.warning(path + ".sizeBytes",
                "ignored: an rbd backstore has its image's size (rbd resize changes it)");
        }
    }

    /** A ceph.conf or keyring: an absolute path, readable when this machine is checked. */
    private void clientFile(final String path, final String file, final boolean required)
    {
        if (null == file || file.isEmpty())
        {
            if (required)
            {
                problems.error(path, "required: the ceph.conf that names the cluster's monitors");
            }
            return;
        }
        final Path resolved;
        try
        {
            resolved = Path.of(file);
        }
        catch (final InvalidPathException ex)
        {
            problems.error(path, "\"" + file + "\" is not a valid path");
            return;
        }
        if (!resolved.isAbsolute())
        {
            problems.error(path, "\"" + file + "\" must be an absolute path");
        }
        else if (checkFiles && !Files.isReadable(resolved))
        {
            problems.error(path, "\"" + file + "\" cannot be read");
        }
    }

    private void block(final String path, final BackstoreConfig backstore, final Map<Object, String> filePaths,
        final List<LoopDevice> loopDevices)
    {
        final Path device = absolutePath(path, backstore, filePaths);
        if (!backstore.directIo())
        {
            problems.warning(path + ".directIo", "ignored: block backstores always use O_DIRECT");
        }
        if (null != device && checkFiles)
        {
            problems.addAll(HostChecks.block(path, device));
            final Object backing = FileIdentity.loopBackingFile(device);
            if (null != backing)
            {
                loopDevices.add(new LoopDevice(path, device, backing));
            }
        }
    }
}
