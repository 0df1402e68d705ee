package io.ringtarget.nativetests.peers;

import io.ringtarget.nativetests.support.ExternalProcess;
import io.ringtarget.nativetests.support.LoopDevice;
import io.ringtarget.nativetests.support.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The peer target tgt, driven by the same real clients and helpers the ringtarget end-to-end tests use:
 * tgtd on a loopback port with a file LUN, libiscsi's iscsi-ls / iscsi-inq / iscsi-readcapacity16, and fio's
 * libiscsi engine writing with crc32c verification. It proves the infrastructure (process start and stop,
 * tool lookup, URLs, loop devices) against a target known to work.
 */
@Timeout(300)
class TgtPeerTest
{
    private static final long LUN_BYTES = 64L << 20;
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);
    private static final int O_DIRECT = 0x4000;

    @TempDir
    static Path dir;

    private static TgtTarget tgt;

    @BeforeAll
    static void start() throws IOException
    {
        Tools.requireRoot();
        Tools.require("iscsi-ls");
        Tools.require("iscsi-inq");
        Tools.require("iscsi-readcapacity16");
        final Path disk = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw"))
        {
            f.setLength(LUN_BYTES);
        }
        tgt = TgtTarget.start(dir, disk, false);
    }

    @AfterAll
    static void stop()
    {
        if (null != tgt)
        {
            tgt.close();
            assertFalse(tgt.process().isAlive(), "tgtd still running after close()");
        }
    }

    @Test
    void sendTargetsDiscoveryListsTheTargetAndItsDisk()
    {
        final ExternalProcess.Result r = ExternalProcess.run(CLIENT_TIMEOUT, Tools.require("iscsi-ls").toString(),
            "-s", "iscsi://127.0.0.1:" + tgt.port());
        assertTrue(r.ok(), r.output());
        assertTrue(r.output().contains("Target:" + TgtTarget.IQN), r.output());
        assertTrue(r.output().matches("(?s).*Lun:1\\s+Type:DIRECT_ACCESS.*"), r.output());
    }

    @Test
    void inquiryReportsADirectAccessDevice()
    {
        final ExternalProcess.Result r = ExternalProcess.run(CLIENT_TIMEOUT, Tools.require("iscsi-inq").toString(),
            tgt.url());
        assertTrue(r.ok(), r.output());
        assertTrue(r.output().contains("Peripheral Device Type:DIRECT_ACCESS"), r.output());
    }

    @Test
    void readCapacity16ReportsTheFileSize()
    {
        assertEquals(LUN_BYTES, capacity(tgt.url()));
    }

    @Test
    void aLunThatDoesNotExistIsRefused()
    {
        final ExternalProcess.Result r = ExternalProcess.run(CLIENT_TIMEOUT,
            Tools.require("iscsi-readcapacity16").toString(), tgt.url(7));
        assertFalse(r.ok(), "READ CAPACITY on LUN 7 succeeded: " + r.output());
    }

    @Test
    void fioRandomWritesReadBackWithValidCrc32c()
    {
        final ExternalProcess.Result r = fioVerify(tgt.url(), "16m");
        assertTrue(r.ok(), r.output());
        assertEquals(List.of(), fioErrors(r.output()), r.output());
        // The verify phase read back every block written: 16 MiB / 4 KiB.
        assertEquals(4096, readIos(r.output()), r.output());
    }

    @Test
    void loopDeviceWithDirectIoServedWithODirect() throws IOException
    {
        Tools.require("losetup");
        try (LoopDevice loop = LoopDevice.create(dir.resolve("loop.img"), 32L << 20);
            TgtTarget direct = TgtTarget.start(dir, loop.path(), true))
        {
            assertTrue(loop.directIo(), "loop device without direct I/O: " + loop.path());
            assertEquals(32L << 20, capacity(direct.url()));
            final ExternalProcess.Result r = fioVerify(direct.url(), "8m");
            assertTrue(r.ok(), r.output());
            assertEquals(List.of(), fioErrors(r.output()), r.output());
            assertTrue(openedWithDirectIo(direct.process().pid(), loop.path()),
                "tgtd has no O_DIRECT descriptor on " + loop.path());
        }
    }

    private static long capacity(final String url)
    {
        final ExternalProcess.Result r = ExternalProcess.run(CLIENT_TIMEOUT,
            Tools.require("iscsi-readcapacity16").toString(), url);
        assertTrue(r.ok(), r.output());
        final Matcher m = Pattern.compile("Total size:(\\d+)").matcher(r.output());
        assertTrue(m.find(), r.output());
        return Long.parseLong(m.group(1));
    }

    private static ExternalProcess.Result fioVerify(final String url, final String size)
    {
        return ExternalProcess.run(Duration.ofSeconds(120), Tools.fio().toString(),
            "--name=verify", "--ioengine=libiscsi", "--filename=" + Tools.fioFilename(url),
            "--rw=randwrite", "--bs=4k", "--iodepth=8", "--size=" + size,
            "--verify=crc32c", "--do_verify=1", "--verify_fatal=1", "--verify_state_save=0",
            "--output-format=json");
    }

    /** Non-zero "error" fields of fio's JSON jobs. */
    private static List<String> fioErrors(final String json)
    {
        final List<String> errors = new ArrayList<>();
        final Matcher m = Pattern.compile("\"error\"\\s*:\\s*(\\d+)").matcher(json);
        boolean any = false;
        while (m.find())
        {
            any = true;
            if (!"0".equals(m.group(1)))
            {
                errors.add("error=" + m.group(1));
            }
        }
        if (!any)
        {
            errors.add("no fio JSON result");
        }
        return errors;
    }

    /** total_ios of the first "read" section: the verify phase's reads. */
    private static long readIos(final String json)
    {
        final Matcher m = Pattern.compile("\"read\"\\s*:\\s*\\{[^}]*?\"total_ios\"\\s*:\\s*(\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static boolean openedWithDirectIo(final long pid, final Path device) throws IOException
    {
        final Path real = device.toRealPath();
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd")))
        {
            for (final Path fd : fds.toList())
            {
                try
                {
                    if (Files.readSymbolicLink(fd).equals(real))
                    {
                        final String info = Files.readString(
                            Path.of("/proc", Long.toString(pid), "fdinfo", fd.getFileName().toString()));
                        final Matcher m = Pattern.compile("flags:\\s+([0-7]+)").matcher(info);
                        if (m.find() && (Integer.parseInt(m.group(1), 8) & O_DIRECT) != 0)
                        {
                            return true;
                        }
                    }
                }
                catch (final IOException ignore)
                {
                    // the descriptor closed meanwhile
                }
            }
        }
        return false;
    }
}
