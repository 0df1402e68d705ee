package io.ringtarget.nativetests.support;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Linux kernel initiator in a QEMU guest: Debian 12's own kernel (6.1, with iscsi_tcp, dm-multipath and
 * scsi_dh_alua as modules) and a busybox initramfs with open-iscsi, multipath-tools, sg3-utils and fio
 * ({@link GuestImage}), booted under TCG because this host's kernel has no iscsi_tcp and its /dev/kvm cannot run
 * a stock kernel. The guest runs one shell script and powers off; {@link #boot()} returns what its serial console
 * said ({@link GuestRun}).
 *
 * <p>Networking is QEMU's user mode (slirp), loopback only on the host: NIC {@code i} of the guest is
 * 10.0.(2+i).15/24, and its gateway 10.0.(2+i).2 ({@link #hostAddress(int)}) is the host's 127.0.0.1: slirp turns
 * a guest connection to that address into a connection from the host's 127.0.0.1 to 127.0.0.1 on the same port. So the target listens on 127.0.0.1 (or the wildcard), and the guest
 * logs in to 10.0.2.2:PORT. SendTargets answers 127.0.0.1:PORT, the target's own address, which is the guest's own
 * loopback: scripts create node records by hand ({@code rt_node} of /lib/rt-guest.sh).
 *
 * <p>The script is /test/run, with the files given by {@link #file}, in a second gzipped cpio archive appended to
 * the cached initramfs; /lib/rt-guest.sh has helpers (rt_iscsid, rt_login, rt_disk, rt_result...). QEMU is killed
 * at the time limit and always before {@link #boot()} returns; the console is kept under
 * native-tests/target/kernel-initiator/ and the per-boot initrd is deleted.
 */
public final class KernelInitiatorGuest
{
    /** The time limit of a boot unless {@link #timeout} says otherwise. Measured here: 20-60 s for a login and I/O. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    /**
     * How long QEMU may take to power off after the script's end: seconds normally; the kernel's power-off has
     * hung here once (soft lockups) with sessions left under a multipath map, which /init now logs out first.
     */
    private static final Duration POWER_OFF_GRACE = Duration.ofSeconds(30);
    /**
     * How long a boot may take to reach its script (RT-GUEST-READY, 5-7 s of guest time here) unless
     * {@link #readyLimit} says otherwise: a guest silent that long never started it (a TCG guest hung once before its
     * kernel printed a word, in a CI run) and is booted once more, as nothing of the test has happened yet. A guest
     * that hangs again is reported as it is.
     */
    private static final Duration READY_LIMIT = Duration.ofSeconds(120);
    private static final String READY_MARKER = "RT-GUEST-READY ";
    private static final String PANIC = "Kernel panic - not syncing";
    private static final int BOOTS = 2;
    private static final Duration POLL = Duration.ofMillis(250);

    private final String name;
    private final String script;
    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final Map<String, HostAction> hostActions = new LinkedHashMap<>();
    private final List<String> kernelArgs = new ArrayList<>();
    private int nics = 1;
    private int cpus = 2;
    private int memoryMiB = 1024;
    /** The Debian suite of the guest's kernel; null: Debian 12's own. */
    private String kernelFrom;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Duration readyLimit = READY_LIMIT;

    private KernelInitiatorGuest(final String name, final String script)
    {
        this.name = name;
        this.script = script;
    }

    /** Something the host does when the guest's script asks for it with {@code rt_host WORD ARGS...}. */
    @FunctionalInterface
    public interface HostAction
    {
        /**
         * @param args the words after WORD, as one string.
         * @return a one-line answer for the script (rt_host prints it), or null.
         * @throws Exception when it could not be done: the script's rt_host fails with the message.
         */
        String run(String args) throws Exception;
    }

    /**
     * A guest that will run {@code script}.
     *
     * @param name   a name for its console log (letters, digits, '-').
     * @param script a busybox sh script; its exit status becomes {@link GuestRun#status()}.
     * @return the guest, not booted yet.
     */
    public static KernelInitiatorGuest withScript(final String name, final String script)
    {
        if (!name.matches("[A-Za-z0-9-]+"))
        {
            throw new IllegalArgumentException("letters, digits and '-' only: " + name);
        }
        return new KernelInitiatorGuest(name, script);
    }

    /**
     * The host's 127.0.0.1 as NIC {@code nic} of the guest reaches it.
     *
     * @param nic the NIC's index (0 for the first).
     * @return 10.0.(2+nic).2.
     */
    public static String hostAddress(final int nic)
    {
        return "10.0." + (2 + nic) + ".2";
    }

    /**
     * @param name    a file name, put in the guest's /test/ beside the script.
     * @param content its content.
     * @return this.
     */
    public KernelInitiatorGuest file(final String name, final String content)
    {
        if (name.contains("/") || "run".equals(name))
        {
            throw new IllegalArgumentException("a plain name other than 'run': " + name);
        }
        files.put(name, content.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /**
     * @param count user-network NICs (default 1); each is another path to the host's loopback.
     * @return this.
     */
    public KernelInitiatorGuest nics(final int count)
    {
        if (count < 1 || count > 8)
        {
            throw new IllegalArgumentException("1 to 8 NICs: " + count);
        }
        this.nics = count;
        return this;
    }

    /**
     * @param count virtual CPUs (default 2; TCG runs one host thread per vCPU).
     * @return this.
     */
    public KernelInitiatorGuest cpus(final int count)
    {
        this.cpus = count;
        return this;
    }

    /**
     * @param mib the guest's memory (default 1024 MiB; the initramfs takes about 32 MiB of it).
     * @return this.
     */
    public KernelInitiatorGuest memoryMiB(final int mib)
    {
        this.memoryMiB = mib;
        return this;
    }

    /**
     * @param suite a Debian suite whose kernel the guest boots instead of Debian 12's (bookworm-backports: what a test
     *              of a feature newer than 6.1 needs); the rest of the image is the same
     *              ({@link GuestImage#get(String)}).
     * @return this.
     */
    public KernelInitiatorGuest kernelFrom(final String suite)
    {
        this.kernelFrom = suite;
        return this;
    }

    /**
     * @param limit how long the boot may take in all before QEMU is killed (default {@link #DEFAULT_TIMEOUT}).
     * @return this.
     */
    public KernelInitiatorGuest timeout(final Duration limit)
    {
        this.timeout = limit;
        return this;
    }

    /**
     * @param args more kernel parameters (e.g. "loglevel=7" for the kernel's messages on the console).
     * @return this.
     */
    public KernelInitiatorGuest kernelArgs(final String... args)
    {
        kernelArgs.addAll(List.of(args));
        return this;
    }

    /**
     * What the host does when the script runs {@code rt_host WORD ARGS...} (of /lib/rt-guest.sh), over the guest's
     * second serial port; the script goes on once it is done. {@code link N on|off} is always there: it connects
     * or pulls the cable of NIC N (QEMU's {@code set_link}; the guest sees its carrier go).
     *
     * @param word   the request's first word.
     * @param action what to do, on a thread of the harness.
     * @return this.
     */
    public KernelInitiatorGuest hostAction(final String word, final HostAction action)
    {
        hostActions.put(word, action);
        return this;
    }

    /** How long a boot may take to reach the script before it is booted once more (the harness's own test). */
    public KernelInitiatorGuest readyLimit(final Duration limit)
    {
        this.readyLimit = limit;
        return this;
    }

    /**
     * Boots the guest, waits until it powers off or the time limit passes (then kills QEMU) and reads its console. A
     * guest that has not reached its script within {@link #readyLimit}, or ended (a kernel panic) before it did, is
     * booted once more.
     *
     * @return what the guest did.
     */
    public GuestRun boot()
    {
        for (int boot = 1; ; boot++)
        {
            final GuestRun run = bootOnce(boot, boot < BOOTS);
            if (null != run)
            {
                return run;
            }
        }
    }

    /**
     * One boot of the guest.
     *
     * @param boot     which boot this is, from 1.
     * @param mayRetry a boot that does not reach its script within {@link #readyLimit}, or ends before it does, is
     *                 given up (null).
     * @return what the guest did, or null for a boot given up.
     */
    private GuestRun bootOnce(final int boot, final boolean mayRetry)
    {
        final GuestImage image = null == kernelFrom ? GuestImage.get() : GuestImage.get(kernelFrom);
        final Path logDir = Tools.repoRoot().resolve("native-tests/target/kernel-initiator");
        final String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss-SSS"));
        final Path console = logDir.resolve(name + "-" + stamp + ".console.log");
        final Path qemuLog = logDir.resolve(name + "-" + stamp + ".qemu.log");
        Path work = null;
        GuestHostChannel channel = null;
        try
        {
            Files.createDirectories(logDir);
            work = Files.createTempDirectory("ringtarget-guest");
            final Path initrd = work.resolve("initrd");
            writeInitrd(image, initrd);
            final QemuMonitor monitor = new QemuMonitor(work.resolve("monitor.sock"));
            final Map<String, HostAction> actions = new LinkedHashMap<>(hostActions);
            actions.putIfAbsent("link", args -> link(monitor, args));
            channel = new GuestHostChannel(work.resolve("host.sock"), actions);
            final long start = System.nanoTime();
            final long deadline = start + timeout.toNanos();
            boolean timedOut = false;
            boolean hungAtPowerOff = false;
            try (ExternalProcess qemu = ExternalProcess.start(qemuLog, command(image, initrd, console, work))
                .stopGrace(Duration.ofSeconds(2)))
            {
                channel.start();
                long scriptEnded = 0;
                boolean ready = false;
                while (qemu.awaitExit(POLL).isEmpty())
                {
                    final long now = System.nanoTime();
                    if (!ready && now - start > readyLimit.toNanos())
                    {
                        ready = read(console).contains(READY_MARKER);
                        if (!ready && mayRetry)
                        {
                            System.err.println("guest " + name + ": no " + READY_MARKER.trim() + " within " +
                                readyLimit.toSeconds() + " s (console " + console + ": " + read(console).length() +
                                " bytes); its script never started, booting it once more");
                            return null;   // close() below kills QEMU
                        }
                    }
                    if (0 == scriptEnded && read(console).contains(GuestRun.EXIT_MARKER))
                    {
                        scriptEnded = now;
                    }
                    if (0 != scriptEnded && now - scriptEnded > POWER_OFF_GRACE.toNanos())
                    {
                        hungAtPowerOff = true;  // the script's result is in; close() below kills QEMU
                        break;
                    }
                    if (now - deadline > 0)
                    {
                        timedOut = true;
                        break;
                    }
                }
            }
            final Duration wall = Duration.ofNanos(System.nanoTime() - start);
            final String said = read(console);
            if (mayRetry && !timedOut && !said.contains(READY_MARKER))
            {
                // QEMU ended (-no-reboot, panic=-1) before the script started: a guest kernel that panicked while
                // booting (a CI run: an int3 oops in text patching under TCG on two vCPUs). Nothing of the test ran.
                System.err.println("guest " + name + ": ended after " + wall.toMillis() / 1000.0 + " s before " +
                    READY_MARKER.trim() + " (console " + console + (said.contains(PANIC) ? ": a kernel panic" : "") +
                    "); its script never started, booting it once more");
                return null;
            }
            return GuestRun.parse(said, console, timedOut, hungAtPowerOff, wall, boot);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot boot the guest " + name, ex);
        }
        finally
        {
            if (null != channel)
            {
                channel.shutdown();
            }
            deleteTree(work);
        }
    }

    /** {@code link N on|off}: QEMU's set_link on the netdev of NIC N. */
    private String link(final QemuMonitor monitor, final String args) throws IOException
    {
        final String[] w = args.split("\\s+");
        if (w.length != 2 || !w[0].matches("[0-9]+") || Integer.parseInt(w[0]) >= nics || !w[1].matches("on|off"))
        {
            throw new IllegalArgumentException("link NIC on|off, NIC 0.." + (nics - 1) + ": not \"" + args + "\"");
        }
        final String out = monitor.command("set_link n" + w[0] + " " + w[1], Duration.ofSeconds(10));
        if (!out.isEmpty())
        {
            throw new IOException("set_link n" + w[0] + " " + w[1] + ": " + out);
        }
        return "NIC " + w[0] + " " + w[1];
    }

    private static String read(final Path console) throws IOException
    {
        // Not Files.readString: a stray byte on a serial console must not throw (malformed input is replaced).
        return Files.isRegularFile(console) ? new String(Files.readAllBytes(console), StandardCharsets.UTF_8) : "";
    }

    private void writeInitrd(final GuestImage image, final Path initrd) throws IOException
    {
        final NewcArchive overlay = new NewcArchive().file("test/run", script.getBytes(StandardCharsets.UTF_8));
        files.forEach((n, content) -> overlay.file("test/" + n, content));
        // The kernel unpacks concatenated archives one after the other; the second adds /test to the first.
        Files.copy(image.initramfs(), initrd);
        try (OutputStream out = Files.newOutputStream(initrd, StandardOpenOption.APPEND))
        {
            out.write(overlay.gzipped());
        }
    }

    private String[] command(final GuestImage image, final Path initrd, final Path console, final Path work)
    {
        final List<String> ips = new ArrayList<>();
        final List<String> cmd = new ArrayList<>(List.of(Tools.require("qemu-system-x86_64").toString(),
            "-accel", "tcg", "-machine", "q35", "-cpu", "max", "-smp", Integer.toString(cpus),
            "-m", Integer.toString(memoryMiB), "-nodefaults", "-no-user-config", "-display", "none",
            // -no-reboot: a panic (panic=-1 reboots at once) ends QEMU rather than booting again.
            "-no-reboot", "-serial", "file:" + console,
            // ttyS1: the script's channel to the host (rt_host); the monitor: set_link for "link" requests.
            "-chardev", "socket,id=host,path=" + work.resolve("host.sock") + ",server=on,wait=off",
            "-serial", "chardev:host",
            "-monitor", "unix:" + work.resolve("monitor.sock") + ",server=on,wait=off",
            "-kernel", image.kernel().toString(), "-initrd", initrd.toString()));
        for (int i = 0; i < nics; i++)
        {
            cmd.addAll(List.of("-netdev", "user,id=n" + i + ",net=10.0." + (2 + i) + ".0/24",
                "-device", "virtio-net-pci,netdev=n" + i));
            ips.add("10.0." + (2 + i) + ".15/24");
        }
        final List<String> append = new ArrayList<>(List.of("console=ttyS0", "panic=-1", "quiet",
            "rt.ip=" + String.join(",", ips)));
        append.addAll(kernelArgs);
        cmd.addAll(List.of("-append", String.join(" ", append)));
        return cmd.toArray(String[]::new);
    }

    private static void deleteTree(final Path dir)
    {
        try
        {
            Tools.deleteTree(dir);
        }
        catch (final IOException ignore)
        {
            // a temp directory left behind is harmless; the boot's result matters
        }
    }
}
