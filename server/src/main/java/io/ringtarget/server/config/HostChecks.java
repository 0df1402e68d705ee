package io.ringtarget.server.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks of a configuration against this machine: a block backstore's device exists and is one, a fileio
 * backstore's file is usable or can be created, a portal's address is configured here. Kept apart from
 * {@link ConfigValidator}'s rules, which hold wherever the file is: these depend on the machine that serves it, and
 * are skipped when a file is checked for another one ({@code config validate --no-files}).
 */
final class HostChecks
{
    private static final Path AVAILABLE_CONGESTION_CONTROL =
        Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control");

    /** The host's transparent huge pages: "[always] madvise never" and the like, the one in brackets in force. */
    private static final Path TRANSPARENT_HUGEPAGE = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

    private HostChecks()
    {
    }

    /**
     * A ram backstore that asks for huge pages on a host that gives none (its transparent huge pages "never", or a
     * kernel without them): served in 4 KiB pages, and still accounted in 2 MiB regions, so said.
     */
    static List<ConfigProblem> hugePages(final String path)
    {
        return hugePages(path, TRANSPARENT_HUGEPAGE);
    }

    /** As {@link #hugePages(String)}, the host's setting read from {@code settingFile}. */
    static List<ConfigProblem> hugePages(final String path, final Path settingFile)
    {
        String setting;
        try
        {
            setting = Files.readString(settingFile).trim();
        }
        catch (final IOException ex)
        {
            setting = null;
        }
        if (null != setting && !setting.contains("[never]"))
        {
            return List.of();
        }
        return List.of(ConfigProblem.warning(path + ".hugePages", (null == setting ? "this kernel has no transparent " +
            "huge pages (no " + settingFile + ")" : "the host's transparent huge pages are off (" + settingFile + ": " +
            setting + ")") + ": the memory comes in 4 KiB pages, still taken a 2 MiB region at a time" +
            (null == setting ? "" : " (echo madvise > " + settingFile + " to have them)")));
    }

    /**
     * A fileio backstore's file: when it exists, a regular file (not a directory, not a block device); when it does
     * not, its directory exists and a size is given to create it with.
     *
     * @param path      JSON path of the backstore, for the problems.
     * @param file      the file, an absolute path.
     * @param sizeBytes the configured size; 0 for the file's own.
     * @param grow      whether an existing file smaller than {@code sizeBytes} may be grown to it.
     * @return the problems found, none when the file can be served.
     */
    static List<ConfigProblem> fileio(final String path, final Path file, final long sizeBytes, final boolean grow)
    {
        final List<ConfigProblem> problems = new ArrayList<>();
        if (Files.exists(file))
        {
            if (Files.isDirectory(file))
            {
                problems.add(ConfigProblem.error(path + ".path", "\"" + file + "\" is a directory"));
            }
            else if (BlockDevices.isBlockDevice(file))
            {
                problems.add(ConfigProblem.error(path + ".type", "\"" + file + "\" is a block device: use type \"block\""));
            }
            else if (!Files.isRegularFile(file))
            {
                problems.add(ConfigProblem.error(path + ".path", "\"" + file + "\" is not a regular file"));
            }
            else if (!grow)
            {
                notGrown(path, file, sizeBytes, problems);
            }
            return problems;
        }
        final Path parent = file.getParent();
        if (null == parent || !Files.isDirectory(parent))
        {
            problems.add(ConfigProblem.error(path + ".path",
                "directory \"" + parent + "\" does not exist (the file is created, its directory is not)"));
        }
        if (sizeBytes == 0)
        {
            problems.add(ConfigProblem.error(path + ".sizeBytes",
                "\"" + file + "\" does not exist, so a size is needed to create it"));
        }
        return problems;
    }

    /** An existing file smaller than the configured size is refused: the target would grow it (an empty one it may). */
    private static void notGrown(final String path, final Path file, final long sizeBytes, final List<ConfigProblem> problems)
    {
        final long size;
        try
        {
            size = Files.size(file);
        }
        catch (final IOException ex)
        {
            problems.add(ConfigProblem.error(path + ".path", "\"" + file + "\": " + ConfigFileError.reason(ex)));
            return;
        }
        if (size > 0 && sizeBytes > size)
        {
            problems.add(ConfigProblem.error(path + ".sizeBytes", "\"" + file + "\" is " + Sizes.format(size) +
                ", smaller than " + Sizes.format(sizeBytes) + ": an existing file is not grown unless asked (\"grow\": " +
                "true in the file, --grow on the command line)"));
        }
    }

    /**
     * A block backstore's device exists and is a block device (symbolic links such as /dev/vg0/lv0 followed).
     *
     * @param path   JSON path of the backstore, for the problems.
     * @param device the device, an absolute path.
     * @return the problems found, none when the device can be served.
     */
    static List<ConfigProblem> block(final String path, final Path device)
    {
        if (!Files.exists(device))
        {
            return List.of(ConfigProblem.error(path + ".path", "\"" + device + "\" does not exist"));
        }
        if (!BlockDevices.isBlockDevice(device))
        {
            return List.of(ConfigProblem.error(path + ".path", "\"" + device + "\" is not a block device" +
                (Files.isRegularFile(device) ? " (a regular file: use type \"fileio\")" : "")));
        }
        return List.of();
    }

    /**
     * A portal's address is one of this machine's (a warning otherwise: it may be configured later).
     *
     * @param path JSON path of the portal, for the problem.
     * @param ip   the address, a canonical IP literal other than a wildcard.
     * @return the problem found, none when the address is local or that cannot be told.
     */
    static List<ConfigProblem> portalAddress(final String path, final String ip)
    {
        if (isLocalAddress(ip))
        {
            return List.of();
        }
        return List.of(ConfigProblem.warning(path + ".ip", "\"" + ip + "\" is not an address of this host: the " +
            "target cannot listen on it until it is configured"));
    }

    /**
     * A TCP congestion control algorithm this kernel has (tcp_available_congestion_control) or can load as a module
     * (the target, as root, makes the kernel load it when a connection asks for it).
     *
     * @param path JSON path of the setting, for the problem.
     * @param name the algorithm ("cubic", "dctcp", ...).
     * @return the problem found, none when it is there or that cannot be told.
     */
    static List<ConfigProblem> congestionControl(final String path, final String name)
    {
        final String available;
        try
        {
            available = Files.readString(AVAILABLE_CONGESTION_CONTROL).strip();
        }
        catch (final IOException ex)
        {
            return List.of(); // cannot tell: the engine's start tries it and says why it failed
        }
        if (List.of(available.split("\\s+")).contains(name) || isModule("tcp_" + name))
        {
            return List.of();
        }
        return List.of(ConfigProblem.error(path, "\"" + name + "\" is not a TCP congestion control of this host " +
            "(available: " + available + "; none by that name among the kernel's modules)"));
    }

    private static boolean isModule(final String module)
    {
        final Path dir = Path.of("/lib/modules", System.getProperty("os.version"), "kernel", "net", "ipv4");
        try (var files = Files.list(dir))
        {
            return files.anyMatch(f -> f.getFileName().toString().startsWith(module + ".ko"));
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    private static boolean isLocalAddress(final String ip)
    {
        try
        {
            return null != NetworkInterface.getByInetAddress(InetAddress.ofLiteral(ip));
        }
        catch (final SocketException | IllegalArgumentException ex)
        {
            return true; // cannot tell: say nothing rather than warn wrongly
        }
    }
}
