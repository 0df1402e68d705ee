package io.ringtarget.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HostChecksTest
{
    @TempDir
    Path dir;

    @Test
    void fileioAcceptsAnExistingFileOrANewOneWithASizeInAnExistingDirectory() throws IOException
    {
        final Path existing = Files.write(dir.resolve("disk.img"), new byte[4096]);

        assertEquals(List.of(), HostChecks.fileio("backstores[0]", existing, 0, false));
        assertEquals(List.of(), HostChecks.fileio("backstores[0]", dir.resolve("new.img"), 1 << 20, false));
    }

    @Test
    void hugePagesAreWarnedOfWhereTheHostGivesNone() throws IOException
    {
        final Path setting = dir.resolve("enabled");
        Files.writeString(setting, "always [madvise] never\n");
        assertEquals(List.of(), HostChecks.hugePages("backstores[2]", setting));
        Files.writeString(setting, "[always] madvise never\n");
        assertEquals(List.of(), HostChecks.hugePages("backstores[2]", setting));
        Files.writeString(setting, "always madvise [never]\n");
        assertEquals(List.of("warning: backstores[2].hugePages: the host's transparent huge pages are off (" + setting +
                ": always madvise [never]): the memory comes in 4 KiB pages, still taken a 2 MiB region at a time " +
                "(echo madvise > " + setting + " to have them)"),
            strings(HostChecks.hugePages("backstores[2]", setting)));
        assertEquals(List.of("warning: backstores[2].hugePages: this kernel has no transparent huge pages (no " +
                dir.resolve("none") + "): the memory comes in 4 KiB pages, still taken a 2 MiB region at a time"),
            strings(HostChecks.hugePages("backstores[2]", dir.resolve("none"))));
    }

    @Test
    void fileioRefusesWhatCannotBeServed() throws IOException
    {
        final Path link = Files.createSymbolicLink(dir.resolve("null"), Path.of("/dev/null"));

        assertEquals(List.of("backstores[0].path: \"" + dir + "\" is a directory"),
            strings(HostChecks.fileio("backstores[0]", dir, 0, false)));
        assertEquals(List.of("backstores[0].path: \"" + link + "\" is not a regular file"),
            strings(HostChecks.fileio("backstores[0]", link, 0, false)));
        assertEquals(List.of(
                "backstores[0].path: directory \"" + dir.resolve("no") + "\" does not exist (the file is created, " +
                    "its directory is not)",
                "backstores[0].sizeBytes: \"" + dir.resolve("no/f.img") + "\" does not exist, so a size is needed " +
                    "to create it"),
            strings(HostChecks.fileio("backstores[0]", dir.resolve("no/f.img"), 0, false)));
    }

    @Test
    void fileioRefusesToGrowAnExistingFileUnlessAsked() throws IOException
    {
        final Path existing = Files.write(dir.resolve("disk.img"), new byte[1 << 20]);
        final Path empty = Files.createFile(dir.resolve("empty.img"));

        assertEquals(List.of("backstores[0].sizeBytes: \"" + existing + "\" is 1MiB, smaller than 1GiB: an existing " +
                "file is not grown unless asked (\"grow\": true in the file, --grow on the command line)"),
            strings(HostChecks.fileio("backstores[0]", existing, 1L << 30, false)));
        assertEquals(List.of(), HostChecks.fileio("backstores[0]", existing, 1L << 30, true));
        assertEquals(List.of(), HostChecks.fileio("backstores[0]", existing, 1 << 20, false), "its own size");
        assertEquals(List.of(), HostChecks.fileio("backstores[0]", existing, 4096, false), "smaller: exports less");
        assertEquals(List.of(), HostChecks.fileio("backstores[0]", empty, 1L << 30, false), "empty: nothing to lose");
    }

    @Test
    void blockNeedsAnExistingBlockDevice() throws IOException
    {
        final Path file = Files.write(dir.resolve("disk.img"), new byte[4096]);

        assertEquals(List.of("backstores[1].path: \"" + file + "\" is not a block device (a regular file: use type " +
            "\"fileio\")"), strings(HostChecks.block("backstores[1]", file)));
        assertEquals(List.of("backstores[1].path: \"" + dir + "\" is not a block device"),
            strings(HostChecks.block("backstores[1]", dir)));
        assertEquals(List.of("backstores[1].path: \"" + dir.resolve("sdz") + "\" does not exist"),
            strings(HostChecks.block("backstores[1]", dir.resolve("sdz"))));
    }

    @Test
    void portalAddressesOfOtherHostsAreAWarning()
    {
        assertEquals(List.of(), HostChecks.portalAddress("targets[0].tpgs[0].portals[0]", "127.0.0.1"));
        // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never an address of this machine.
        assertEquals(List.of("warning: targets[0].tpgs[0].portals[0].ip: \"192.0.2.1\" is not an address of this " +
                "host: the target cannot listen on it until it is configured"),
            strings(HostChecks.portalAddress("targets[0].tpgs[0].portals[0]", "192.0.2.1")));
    }

    private static List<String> strings(final List<ConfigProblem> problems)
    {
        return problems.stream().map(ConfigProblem::toString).toList();
    }
}
