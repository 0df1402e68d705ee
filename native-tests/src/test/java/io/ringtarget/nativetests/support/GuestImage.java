package io.ringtarget.nativetests.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

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
    private static final Map<String, GuestImage> BUILT_WITH_KERNEL_FROM = new HashMap<>();

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
            built = build();
        }
        return built;
    }

    /**
     * The image with the kernel of another Debian suite ({@code build-guest.sh --kernel-from SUITE}), built when this
     * JVM first asks for it; the same tools and scripts as {@link #get()}'s.
     *
     * @param suite e.g. bookworm-backports.
     * @return the image.
     */
    public static synchronized GuestImage get(final String suite)
    {
        GuestImage image = BUILT_WITH_KERNEL_FROM.get(suite);
        if (null == image)
        {
            image = build("--kernel-from", suite);
            BUILT_WITH_KERNEL_FROM.put(suite, image);
        }
        return image;
    }

    private static GuestImage build(final String... arguments)
    {
        Tools.require("qemu-system-x86_64");
        for (final String tool : new String[] { "dpkg-deb", "cpio", "readelf", "gzip", "apt-get", "gcc", "xz" })
        {
            Tools.require(tool);
        }
        final String[] command = new String[arguments.length + 1];
        command[0] = Tools.repoRoot().resolve("native-tests/qemu/build-guest.sh").toString();
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        final ExternalProcess.Result r = ExternalProcess.run(BUILD_TIMEOUT, command);
        if (!r.ok())
        {
            Tools.unavailable("build-guest.sh failed (exit " + r.exitCode() + "):\n" + r.output());
        }
        final GuestImage image = new GuestImage(Path.of(value(r.output(), "KERNEL")),
            Path.of(value(r.output(), "INITRAMFS")), value(r.output(), "KEY"));
        if (!Files.isRegularFile(image.kernel()) || !Files.isRegularFile(image.initramfs()))
        {
            throw new IllegalStateException("build-guest.sh named files that do not exist:\n" + r.output());
        }
        return image;
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
