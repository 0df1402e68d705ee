package io.ringtarget.nativetests.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtarget.nativetests.support.ExternalProcess;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.nativetests.support.RingtargetCli;
import io.ringtarget.nativetests.support.Tools;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.ConfigFiles;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12's scale case: {@code ringtarget batch} creates 1,000 fileio backstores and their LUNs on a running target
 * (2,000 commands, one admin connection, applied as one change) while fio with the libiscsi engine writes and verifies
 * LUN 0 of another target of the same process without an error; libiscsi's iscsi-ls then finds the 1,000 LUNs, and a
 * {@code serve} started again on the saved file serves all of them. The time the batch took is printed (it is not
 * asserted: other builds share this machine); that the target applied it once, not a line at a time, is.
 * <p>
 * fio runs on a target whose LUNs do not change: libiscsi hands a unit attention (REPORTED LUNS DATA HAS CHANGED) to
 * fio as a failed I/O, and fio's libiscsi engine does not retry; the kernel initiator does
 * ({@code LiveChangesKernelInitiatorTest}).
 */
class BatchThousandLunsTest
{
    private static final String IO = "iqn.2026-11.io.ringtarget:io";
    private static final String VMS = "iqn.2026-11.io.ringtarget:vms";
    private static final int LUNS = 1000;
    private static final Pattern LUN_LINE = Pattern.compile("Lun:(\\d+)");

    @TempDir
    Path dir;

    @Test
    void aThousandLunsInOneBatchWhileFioVerifiesAndAllAreThereAfterARestart() throws Exception
    {
        Tools.require("iscsi-ls");
        final Path fio = Tools.fio();
        final int port = Ports.free();
        final Path file = dir.resolve("etc/saveconfig.json");
        final Path socket = dir.resolve("run/admin.sock");
        final Path disks = Files.createDirectories(dir.resolve("disks"));
        ConfigFiles.save(config(port).withStateDirectory(dir.resolve("state").toString()), file);
        final Path batch = dir.resolve("vms.rt");
        final StringBuilder lines = new StringBuilder("# 1,000 VM disks: a backstore and a LUN each\n");
        for (int i = 0; i < LUNS; i++)
        {
            lines.append("backstores fileio create vm").append(i).append(' ').append(disks.resolve("vm" + i + ".img"))
                .append(" 1M\n");
            lines.append("iscsi tpg luns create ").append(VMS).append(" vm").append(i).append(" --lun ").append(i)
                .append('\n');
        }
        Files.writeString(batch, lines);

        try (ExternalProcess serve = RingtargetCli.start(dir.resolve("serve.log"), Map.of(),
            "serve", "-c", file.toString(), "--admin-socket", socket.toString(), "--metrics", "off"))
        {
            awaitListening(serve, "admin: listening on " + socket);
            try (ExternalProcess io = ExternalProcess.start(dir.resolve("fio.log"), fio.toString(), "--name=verify",
                "--ioengine=libiscsi", "--filename=" + Tools.fioFilename(Tools.iscsiUrl(port, IO, 0)),
                "--rw=randwrite", "--bs=4k", "--iodepth=16", "--size=32M", "--verify=crc32c", "--do_verify=1",
                "--verify_fatal=1", "--verify_backlog=256", "--time_based", "--runtime=15", "--randrepeat=0",
                "--verify_state_save=0"))
            {
                Thread.sleep(3_000);   // fio logged in and writes
                final long start = System.nanoTime();
                final ExternalProcess.Result result = RingtargetCli.run(Duration.ofMinutes(5), "batch", batch.toString(),
                    "-c", file.toString());
                final long millis = (System.nanoTime() - start) / 1_000_000;
                System.out.println("BatchThousandLunsTest: batch of " + 2 * LUNS + " lines (" + LUNS + " backstores and " +
                    "LUNs) took " + millis + " ms, JVM start included");
                assertEquals(0, result.exitCode(), result.output() + serve.logText());
                assertTrue(result.output().contains("applied to the running target (pid " + serve.pid() + ")"),
                    result.output());
                assertTrue(result.output().contains(2 * LUNS + " of " + 2 * LUNS + " commands applied"), result.output());
                assertTrue(result.output().contains(LUNS + " LUNs added"), result.output());
                assertTrue(io.isAlive(), "fio still runs: the batch happened during its I/O");

                final OptionalInt fioExit = io.awaitExit(Duration.ofMinutes(3));
                assertEquals(OptionalInt.of(0), fioExit, io.logText());
                assertTrue(io.logText().contains("err= 0"), io.logText());
            }
            assertEquals(1, count(serve.logText(), "configuration applied (ringtarget batch of " + 2 * LUNS + " lines)"),
                "one change for the whole batch: " + serve.logText());
            assertEquals(LUNS, lunsSeen(port), "libiscsi sees every LUN");
        }

        // The saved file restores all of them.
        final RingtargetConfig saved = ConfigFiles.load(file);
        assertEquals(LUNS + 1, saved.backstores().size());
        try (ExternalProcess again = RingtargetCli.start(dir.resolve("serve-again.log"), Map.of(),
            "serve", "-c", file.toString(), "--admin-socket", socket.toString(), "--metrics", "off"))
        {
            awaitListening(again, "admin: listening on " + socket);
            assertEquals(LUNS, lunsSeen(port), "after a restart too");
            final ExternalProcess.Result ls = RingtargetCli.run("ls", "--json", "-c", file.toString());
            assertEquals(0, ls.exitCode(), ls.output());
            final JsonNode view = new ObjectMapper().readTree(ls.output().substring(ls.output().indexOf('{')));
            assertEquals(LUNS, view.get("config").get("targets").get(1).get("tpgs").get(0).get("luns").size());
            assertEquals(LUNS + 1, view.get("sizes").size(), "every backstore open");
        }
    }

    private static RingtargetConfig config(final int port)
    {
        final PortalConfig portal = new PortalConfig(Ports.LOOPBACK, port);
        return new RingtargetConfig(
            List.of(new BackstoreConfig("io0", "ram", null, 32L << 20, 512, true, false, "batch-io0", "3000000000000020")),
            List.of(new TargetConfig(IO, null, List.of(new TpgConfig(1, true, List.of(portal),
                    List.of(new LunConfig(0, "io0", false)), List.of(), true, "none"))),
                new TargetConfig(VMS, null, List.of(new TpgConfig(1, true, List.of(portal), List.of(), List.of(), true,
                    "none")))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(2, false, "ring", 50, 5, 15));
    }

    /** The LUNs of the VM target that iscsi-ls -s lists (REPORT LUNS, then each LUN's inquiry and capacity). */
    private static int lunsSeen(final int port)
    {
        final ExternalProcess.Result ls = ExternalProcess.run(Duration.ofMinutes(3), "iscsi-ls", "-s",
            "iscsi://" + Ports.LOOPBACK + ":" + port);
        assertEquals(0, ls.exitCode(), ls.output());
        final int start = ls.output().indexOf("Target:" + VMS);
        assertTrue(start >= 0, ls.output());
        final int next = ls.output().indexOf("Target:", start + 1);
        final String vms = ls.output().substring(start, next < 0 ? ls.output().length() : next);
        final Matcher m = LUN_LINE.matcher(vms);
        int n = 0;
        while (m.find())
        {
            n++;
        }
        return n;
    }

    private static void awaitListening(final ExternalProcess serve, final String line) throws InterruptedException
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!serve.logText().contains(line))
        {
            assertTrue(serve.isAlive(), serve::logText);
            assertTrue(System.nanoTime() - deadline < 0, serve::logText);
            Thread.sleep(100);
        }
    }

    private static int count(final String text, final String what)
    {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1))
        {
            n++;
        }
        return n;
    }
}
