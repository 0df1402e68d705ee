package io.ringtarget.nativetests.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The kernel and initramfs of the kernel initiator guest, built (or found in the cache) by
 * native-tests/qemu/build-guest.sh once per JVM. The first build on a machine downloads about 85 MB of Debian
 * packages and compiles the guest's fio (a minute or two); later ones reuse the cache in about a second.
 *
 * @param kernel    Debian's vmlinuz.
 * @param initramfs the gzipped cpio archive with /init, the modules and the tools.
 * @param key       what the build was made from (package versions, scripts), for messages.
 */
public record GuestImage(Path kernel, Path initramfs, String key)
{
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(15);
    private static volatile GuestImage built;

    /**
     * The image, built when this JVM first asks. Needs qemu-system-x86_64 and what build-guest.sh uses; a missing
     * tool or a failed build fails the calling test on CI and skips it elsewhere.
     *
     * @return the image.
     */
    public static synchronized GuestImage get()
    {
        if (null == built)
        {
            Tools.require("qemu-system-x86_64");
            for (final String tool : new String[] { "dpkg-deb", "cpio", "readelf", "gzip", "apt-get" })
            {
                Tools.require(tool);
            }
            final Path script = Tools.repoRoot().resolve("native-tests/qemu/build-guest.sh");
            final ExternalProcess.Result r = ExternalProcess.run(BUILD_TIMEOUT, script.toString());
            if (!r.ok())
            {
                Tools.unavailable("build-guest.sh failed (exit " + r.exitCode() + "):\n" + r.output());
            }
            built = new GuestImage(Path.of(value(r.output(), "KERNEL")), Path.of(value(r.output(), "INITRAMFS")),
                value(r.output(), "KEY"));
            if (!Files.isRegularFile(built.kernel()) || !Files.isRegularFile(built.initramfs()))
            {
                throw new IllegalStateException("build-guest.sh named files that do not exist:\n" + r.output());
            }
        }
        return built;
    }

    private static String value(final String output, final String name)
    {
        return output.lines()
            .filter(l -> l.startsWith(name + "="))
            .map(l -> l.substring(name.length() + 1))
            .reduce((a, b) -> b)
            .orElseThrow(() -> new IllegalStateException("build-guest.sh printed no " + name + "=:\n" + output));
    }
}
