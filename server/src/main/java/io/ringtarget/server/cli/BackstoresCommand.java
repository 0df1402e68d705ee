package io.ringtarget.server.cli;

import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.ConfigDefaults;
import io.ringtarget.server.config.ConfigEditor;
import io.ringtarget.server.config.DeviceIdentifiers;
import io.ringtarget.server.config.RbdConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ringtarget backstores ...}: targetcli's /backstores. */
@Command(
    name = "backstores",
    description = "Storage objects exported as LUNs: fileio (a file), block (a disk, LVM LV, ZVOL), ram, rbd (a Ceph " +
        "RBD image).",
    subcommands = {
        BackstoresCommand.Fileio.class,
        BackstoresCommand.Block.class,
        BackstoresCommand.Ram.class,
        BackstoresCommand.Rbd.class,
        BackstoresCommand.ListBackstores.class,
        BackstoresCommand.Resize.class,
        BackstoresCommand.Delete.class },
    footer = {
        "",
        "Examples:",
        "  ringtarget backstores fileio create disk1 /var/iscsi_disks/disk1.img 10G",
        "  ringtarget backstores block create lv0 /dev/vg0/lv0",
        "  ringtarget backstores ram create scratch 1G",
        "  ringtarget backstores rbd create vm1 rbd/vm1 --ceph-conf /etc/ceph/ceph.conf --ceph-id iscsi",
        "  ringtarget backstores resize disk1 20G",
        "  ringtarget backstores delete disk1" })
final class BackstoresCommand extends CommandGroup
{
    /** Options common to every backstore type. */
    static final class Common
    {
        @Option(names = "--block-size", paramLabel = "BYTES",
            description = "Logical block size reported to initiators: 512, 1024, 2048 or 4096 " +
                "(default 512; block: the device's own).")
        Integer blockSize;

        @Option(names = "--write-cache", description = "Report a volatile write cache (WCE), so initiators send " +
            "SYNCHRONIZE CACHE; default off.")
        boolean writeCache;

        @Option(names = "--serial", paramLabel = "TEXT", description = "Unit serial number (VPD 0x80); default random.")
        String serial;

        @Option(names = "--wwn", paramLabel = "HEX16", description = "NAA designator (VPD 0x83), 16 hex digits; " +
            "default random (NAA 3). Keep it when moving a LUN so that multipath sees the same device.")
        String wwn;

        String serialOrNew()
        {
            return null == serial ? DeviceIdentifiers.randomSerial() : serial;
        }

        String wwnOrNew()
        {
            return null == wwn ? DeviceIdentifiers.randomWwn() : wwn;
        }
    }

    @Command(name = "fileio", description = "Backstores on a regular file.",
        subcommands = { Fileio.Create.class })
    static final class Fileio extends CommandGroup
    {
        @Command(name = "create", description = "Creates a fileio backstore. The file is created sparse by the " +
            "target when it does not exist.",
            footer = { "", "Example:", "  ringtarget backstores fileio create disk1 /var/iscsi_disks/disk1.img 10G" })
        static final class Create extends EditCommand
        {
            @Parameters(index = "0", paramLabel = "NAME", description = "Name of the backstore.")
            String name;

            @Parameters(index = "1", paramLabel = "PATH", description = "The file.")
            Path path;

            @Parameters(index = "2", paramLabel = "SIZE", arity = "0..1", converter = SizeConverter.class,
                description = "Size: 10G, 512M, 4096 (binary units). Default: the size of the existing file.")
            Long size;

            @Option(names = "--buffered", description = "Buffered I/O through the page cache instead of O_DIRECT.")
            boolean buffered;

            @Option(names = "--grow", description = "Let the target extend an existing file that is smaller than " +
                "SIZE (sparse, when it starts); without it that is refused.")
            boolean grow;

            @Option(names = "--soft-threshold", paramLabel = "PERCENT", description = "Warn every initiator " +
                "(THIN PROVISIONING SOFT THRESHOLD REACHED) once the blocks holding storage reach PERCENT (1-100) of " +
                "the LUN.")
            Integer softThreshold;

            @Option(names = "--available-threshold", paramLabel = "PERCENT", description = "Warn every initiator " +
                "(THIN PROVISIONING SOFT THRESHOLD REACHED) once the storage beneath can take fewer new blocks than " +
                "PERCENT (1-100) of the LUN.")
            Integer availableThreshold;

            @Mixin
            Common common;

            @Override
            RingtargetConfig edit(final RingtargetConfig current)
            {
                return ConfigEditor.addBackstore(current, new BackstoreConfig(
                    name, ConfigDefaults.TYPE_FILEIO, path.toAbsolutePath().normalize().toString(),
                    null == size ? 0 : size,
                    null == common.blockSize ? ConfigDefaults.DEFAULT_BLOCK_SIZE : common.blockSize,
                    !buffered, common.writeCache, common.serialOrNew(), common.wwnOrNew(), grow, null, softThreshold,
                    availableThreshold));
            }

            @Override
            String done(final RingtargetConfig before, final RingtargetConfig after)
            {
                return "Created fileio " + name + " with size " + (null == size ? "of the existing file" : Sizes.format(size)) + ".";
            }
        }
    }

    @Command(name = "block", description = "Backstores on a block device: a disk, an LVM logical volume, a ZVOL.",
        subcommands = { Block.Create.class })
    static final class Block extends CommandGroup
    {
        @Command(name = "create", description = "Creates a block backstore.",
            footer = { "", "Example:", "  ringtarget backstores block create lv0 /dev/vg0/lv0" })
        static final class Create extends EditCommand
        {
            @Parameters(index = "0", paramLabel = "NAME", description = "Name of the backstore.")
            String name;

            @Parameters(index = "1", paramLabel = "DEVICE", description = "The block device (e.g. /dev/vg0/lv0, /dev/sdb).")
            Path device;

            @Mixin
            Common common;

            @Override
            RingtargetConfig edit(final RingtargetConfig current)
            {
                return ConfigEditor.addBackstore(current, new BackstoreConfig(
                    name, ConfigDefaults.TYPE_BLOCK, device.toAbsolutePath().normalize().toString(), 0,
                    null == common.blockSize ? ConfigDefaults.AUTO_BLOCK_SIZE : common.blockSize,
                    true, common.writeCache, common.serialOrNew(), common.wwnOrNew()));
            }

            @Override
            String done(final RingtargetConfig before, final RingtargetConfig after)
            {
                return "Created block storage object " + name + " using " + device + ".";
            }
        }
    }

    @Command(name = "ram", description = "Backstores in memory (lost when the target stops).",
        subcommands = { Ram.Create.class })
    static final class Ram extends CommandGroup
    {
        @Command(name = "create", description = "Creates a ram backstore.",
            footer = { "", "Example:", "  ringtarget backstores ram create scratch 1G" })
        static final class Create extends EditCommand
        {
            @Parameters(index = "0", paramLabel = "NAME", description = "Name of the backstore.")
            String name;

            @Parameters(index = "1", paramLabel = "SIZE", converter = SizeConverter.class,
                description = "Size: 1G, 512M (binary units).")
            long size;

            @Option(names = "--soft-threshold", paramLabel = "PERCENT", description = "Warn every initiator " +
                "(THIN PROVISIONING SOFT THRESHOLD REACHED) once the blocks holding storage reach PERCENT (1-100) of " +
                "the LUN.")
            Integer softThreshold;

            @Option(names = "--available-threshold", paramLabel = "PERCENT", description = "Warn every initiator " +
                "(THIN PROVISIONING SOFT THRESHOLD REACHED) once the storage beneath can take fewer new blocks than " +
                "PERCENT (1-100) of the LUN.")
            Integer availableThreshold;

            @Option(names = "--no-huge-pages", description = "Keep the memory in 4 KiB pages, taken page by page, " +
                "instead of 2 MiB transparent huge pages taken a region at a time (slower random I/O; hugePages " +
                "false in the file).")
            boolean noHugePages;

            @Mixin
            Common common;

            @Override
            RingtargetConfig edit(final RingtargetConfig current)
            {
                return ConfigEditor.addBackstore(current, new BackstoreConfig(
                    name, ConfigDefaults.TYPE_RAM, null, size,
                    null == common.blockSize ? ConfigDefaults.DEFAULT_BLOCK_SIZE : common.blockSize,
                    true, common.writeCache, common.serialOrNew(), common.wwnOrNew(), false, null, softThreshold,
                    availableThreshold, !noHugePages));
            }

            @Override
            String done(final RingtargetConfig before, final RingtargetConfig after)
            {
                return "Created ram backstore " + name + " with size " + Sizes.format(size) + ".";
            }
        }
    }

    @Command(name = "rbd", description = "Backstores on Ceph RBD images, through librbd.",
        subcommands = { Rbd.Create.class })
    static final class Rbd extends CommandGroup
    {
        @Command(name = "create", description = "Creates an rbd backstore on an existing image (rbd create makes " +
            "one) or on a snapshot of one (rbd snap create), which is served read-only. Its serial number and WWN " +
            "come from the image (and the snapshot) unless given, so that every gateway exporting it presents the " +
            "same device.",
            footer = { "", "Examples:",
                "  ringtarget backstores rbd create vm1 rbd/vm1 --ceph-conf /etc/ceph/ceph.conf --ceph-id iscsi",
                "  ringtarget backstores rbd create vm1-monday rbd/vm1@monday --ceph-conf /etc/ceph/ceph.conf",
                "  ringtarget backstores rbd create db1 rbd/tenant1/db1 --ceph-conf /etc/ceph/ceph.conf" })
        static final class Create extends EditCommand
        {
            @Parameters(index = "0", paramLabel = "NAME", description = "Name of the backstore.")
            String name;

            @Parameters(index = "1", paramLabel = "POOL/[NAMESPACE/]IMAGE[@SNAPSHOT]",
                description = "The image, as the rbd command names it; with @SNAPSHOT one of its snapshots.")
            String image;

            @Option(names = "--ceph-conf", paramLabel = "FILE", required = true,
                description = "The ceph.conf naming the cluster's monitors (and any librbd options).")
            Path cephConf;

            @Option(names = "--ceph-id", paramLabel = "ID",
                description = "The Ceph client to connect as, without \"client.\" (default: admin).")
            String cephId;

            @Option(names = "--keyring", paramLabel = "FILE",
                description = "A keyring with the client's key (default: the one the ceph.conf names).")
            Path keyring;

            @Mixin
            Common common;

            @Override
            RingtargetConfig edit(final RingtargetConfig current)
            {
                return ConfigEditor.addBackstore(current, BackstoreConfig.rbd(name,
                    new RbdConfig(image, cephConf.toAbsolutePath().normalize().toString(),
                        null == cephId ? RbdConfig.DEFAULT_CEPH_ID : cephId,
                        null == keyring ? null : keyring.toAbsolutePath().normalize().toString()),
                    null == common.blockSize ? ConfigDefaults.DEFAULT_BLOCK_SIZE : common.blockSize,
                    common.writeCache, common.serial, common.wwn));
            }

            @Override
            String done(final RingtargetConfig before, final RingtargetConfig after)
            {
                return "Created rbd backstore " + name + " on " + (image.indexOf('@') >= 0 ? "snapshot " + image +
                    " (read-only)" : "image " + image) + ".";
            }
        }
    }

    @Command(name = "list", aliases = "ls", description = "Lists the backstores and the LUNs using them.")
    static final class ListBackstores implements Callable<Integer>
    {
        @Mixin
        ConfigFileOption config;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception
        {
            final PrintWriter out = spec.commandLine().getOut();
            final RingtargetConfig current = config.loadOrEmpty();
            if (current.backstores().isEmpty())
            {
                out.println("No backstores.");
            }
            for (final BackstoreConfig backstore : current.backstores())
            {
                final List<String> users = ConfigEditor.lunsUsing(current, backstore.name());
                out.println(backstore.name() + "  " + ConfigTree.describe(backstore) +
                    (users.isEmpty() ? "  (not used)" : "  used by " + String.join(", ", users)));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "resize", description = "Gives a backstore a larger size. A running target grows a fileio file " +
        "(sparse) at once and its initiators get CAPACITY DATA HAS CHANGED; a block backstore takes its device's size " +
        "(after lvextend: resize NAME without SIZE). Shrinking is refused.",
        footer = { "", "Examples:", "  ringtarget backstores resize disk1 20G",
            "  lvextend -L +10G vg0/lv0 && ringtarget backstores resize lv0" })
    static final class Resize extends EditCommand
    {
        @Parameters(index = "0", paramLabel = "NAME", description = "Name of the backstore.")
        String name;

        @Parameters(index = "1", paramLabel = "SIZE", arity = "0..1", converter = SizeConverter.class,
            description = "The new size: 20G, 512M (binary units); not for a block backstore.")
        Long size;

        @Override
        RingtargetConfig edit(final RingtargetConfig current)
        {
            final BackstoreConfig b = ConfigEditor.backstore(current, Paths.backstoreName(name));
            if (null == size)
            {
                if (!ConfigDefaults.TYPE_BLOCK.equals(b.type()))
                {
                    throw new IllegalArgumentException("the new SIZE of \"" + b.name() + "\" is needed");
                }
                return current;   // a running target reads the device's size again with every change
            }
            return ConfigEditor.resizeBackstore(current, b.name(), size, currentBytes(b));
        }

        /** The size the backstore has now: the file's when it is larger than the configured one (or that is 0). */
        private static long currentBytes(final BackstoreConfig b)
        {
            long bytes = b.sizeBytes();
            if (null != b.path() && ConfigDefaults.TYPE_FILEIO.equals(b.type()))
            {
                try
                {
                    bytes = Math.max(bytes, java.nio.file.Files.size(Path.of(b.path())));
                }
                catch (final java.io.IOException ex)
                {
                    // no file yet: the configured size is all there is
                }
            }
            return bytes;
        }

        @Override
        String done(final RingtargetConfig before, final RingtargetConfig after)
        {
            return null == size ? "Read the size of " + Paths.backstoreName(name) + " again." :
                "Resized " + Paths.backstoreName(name) + " to " + Sizes.format(size) + ".";
        }
    }

    @Command(name = "delete", description = "Deletes a backstore (its file or device is left alone). One a LUN uses " +
        "is refused, naming the LUN, unless --force, which deletes its LUNs first.",
        footer = { "", "Examples:", "  ringtarget backstores delete disk1",
            "  ringtarget backstores delete disk1 --force     # also its LUNs" })
    static final class Delete extends EditCommand
    {
        @Parameters(index = "0", paramLabel = "NAME", description = "Name of the backstore.")
        String name;

        @Option(names = "--force", description = "Delete the LUNs that export it first (initiators see them go).")
        boolean force;

        @Override
        RingtargetConfig edit(final RingtargetConfig current)
        {
            return ConfigEditor.deleteBackstore(current, Paths.backstoreName(name), force);
        }

        @Override
        String done(final RingtargetConfig before, final RingtargetConfig after)
        {
            final List<String> luns = ConfigEditor.lunsUsing(before, Paths.backstoreName(name));
            return "Deleted storage object " + Paths.backstoreName(name) +
                (luns.isEmpty() ? "" : " and " + String.join(", ", luns)) + ".";
        }
    }
}
