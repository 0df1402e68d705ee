package io.ringtarget.nativetests.peers;

import io.ringtarget.nativetests.support.ExternalProcess;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.nativetests.support.Tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * tgt's userspace target (tgtd) serving one file or device as LUN 1 of one target on a loopback port, with a
 * private control socket ({@code -C N}) so that it never clashes with another tgtd on the machine. LUN 0 is
 * tgt's own controller LUN.
 */
final class TgtTarget implements AutoCloseable
{
    static final String IQN = "iqn.2026-11.io.ringtarget.test:tgt";
    static final int LUN = 1;
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(20);

    private final ExternalProcess tgtd;
    private final int port;
    private final String control;
    private final String tgtadm;

    private TgtTarget(final ExternalProcess tgtd, final int port, final String control, final String tgtadm)
    {
        this.tgtd = tgtd;
        this.port = port;
        this.control = control;
        this.tgtadm = tgtadm;
    }

    /**
     * Starts tgtd on a free loopback port and exports {@code backing} as LUN 1.
     *
     * @param logDir   where tgtd's log goes.
     * @param backing  the file or block device.
     * @param directIo open it with O_DIRECT ({@code --bsoflags direct}).
     * @return the running target.
     */
    static TgtTarget start(final Path logDir, final Path backing, final boolean directIo)
    {
        final String tgtd = Tools.require("tgtd").toString();
        final String tgtadm = Tools.require("tgtadm").toString();
        final int port = Ports.free();
        final String control = Integer.toString(freeControlPort());
        final ExternalProcess process = ExternalProcess.start(logDir.resolve("tgtd-" + port + ".log"),
            tgtd, "-f", "-C", control, "--iscsi", "portal=" + Ports.LOOPBACK + ":" + port)
            .stopGrace(Duration.ofSeconds(2));    // tgtd ignores SIGTERM while it has targets
        final TgtTarget target = new TgtTarget(process, port, control, tgtadm);
        try
        {
            target.awaitControl();
            target.admin("--op", "new", "--mode", "target", "--tid", "1", "-T", IQN);
            if (directIo)
            {
                target.admin("--op", "new", "--mode", "logicalunit", "--tid", "1", "--lun", "1",
                    "-b", backing.toString(), "--bsoflags", "direct");
            }
            else
            {
                target.admin("--op", "new", "--mode", "logicalunit", "--tid", "1", "--lun", "1",
                    "-b", backing.toString());
            }
            target.admin("--op", "bind", "--mode", "target", "--tid", "1", "-I", "ALL");
            if (!Ports.awaitListening(port, 10_000, process))
            {
                throw new IllegalStateException("tgtd does not listen on " + port + ": " + process.logText());
            }
            return target;
        }
        catch (final RuntimeException ex)
        {
            target.close();
            throw ex;
        }
    }

    int port()
    {
        return port;
    }

    /**
     * A second portal of tgtd on a free loopback port ({@code tgtadm --mode portal}): tgt has no portal groups,
     * every portal reaches every target, so this is a second path to the same LUN.
     *
     * @return its port.
     */
    int addPortal()
    {
        final int second = Ports.free();
        admin("--op", "new", "--mode", "portal", "--param", "portal=" + Ports.LOOPBACK + ":" + second);
        if (!Ports.awaitListening(second, 10_000, tgtd))
        {
            throw new IllegalStateException("tgtd does not listen on " + second + ": " + tgtd.logText());
        }
        return second;
    }

    String url(final int lun)
    {
        return Tools.iscsiUrl(port, IQN, lun);
    }

    String url()
    {
        return url(LUN);
    }

    ExternalProcess process()
    {
        return tgtd;
    }

    @Override
    public void close()
    {
        tgtd.close();
    }

    private void awaitControl()
    {
        final long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        ExternalProcess.Result r;
        do
        {
            if (!tgtd.isAlive())
            {
                throw new IllegalStateException("tgtd exited: " + tgtd.logText());
            }
            r = ExternalProcess.run(ADMIN_TIMEOUT, tgtadm, "-C", control, "--lld", "iscsi", "--op", "show",
                "--mode", "target");
            if (r.ok())
            {
                return;
            }
            sleep();
        }
        while (System.nanoTime() < deadline);
        throw new IllegalStateException("tgtd control socket " + control + " not ready: " + r.output());
    }

    private void admin(final String... args)
    {
        final String[] cmd = new String[args.length + 5];
        cmd[0] = tgtadm;
        cmd[1] = "-C";
        cmd[2] = control;
        cmd[3] = "--lld";
        cmd[4] = "iscsi";
        System.arraycopy(args, 0, cmd, 5, args.length);
        final ExternalProcess.Result r = ExternalProcess.run(ADMIN_TIMEOUT, cmd);
        if (!r.ok())
        {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + r.output());
        }
    }

    /** tgtd's control "port" names a UNIX socket /var/run/tgtd/socket.N; pick an N nobody uses. */
    private static int freeControlPort()
    {
        // tgtd refuses -C values above a short's range ("out of range"): stay within 1000..32000.
        for (int n = 1_000 + (int)(ProcessHandle.current().pid() % 20_000); n < 32_000; n++)
        {
            if (!Files.exists(Path.of("/var/run/tgtd/socket." + n)) && !Files.exists(Path.of("/run/tgtd/socket." + n)))
            {
                return n;
            }
        }
        throw new IllegalStateException("no free tgtd control socket number");
    }

    private static void sleep()
    {
        try
        {
            Thread.sleep(100);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
