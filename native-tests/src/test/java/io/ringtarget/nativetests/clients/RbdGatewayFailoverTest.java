package io.ringtarget.nativetests.clients;

import io.ringtarget.nativetests.support.ExternalProcess;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.nativetests.support.RbdGateways;
import io.ringtarget.nativetests.support.RingtargetProcess;
import io.ringtarget.nativetests.support.ThrowawayCeph;
import io.ringtarget.nativetests.support.Tools;
import io.ringtarget.server.config.AluaConfig;
import io.ringtarget.server.config.RbdConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two gateways (two {@code ringtarget serve} processes) export one rbd image as one LUN: A through TPG 1
 * (active/optimized), B through TPG 2 (active/non-optimized). A libiscsi initiator with both paths
 * (native-tests/src/test/c/two-path-writer.c, dm-multipath's failover reduced to its core) writes through A;
 * A is SIGKILLed mid-run; the initiator sends the write that failed, and the rest, through B, whose first write
 * takes the image's exclusive lock (break + blocklist of A); every acknowledged write reads back. Then B, the owner
 * now, is frozen (SIGSTOP) with a write in its socket; A, served again, takes the image over; B resumed gets
 * nothing into the image: Ceph refuses its late write (B is blocklisted), which the image's content shows, and B
 * acknowledges none of them. Last, both fenced gateways serve again without a restart: B opens the image again as a
 * new Ceph client after the hold-down, its TPG back to active/non-optimized, and a write through it takes the image
 * back (A fenced in turn); A, refused once, opens it again too and takes it back with its next write.
 */
@Timeout(600)
class RbdGatewayFailoverTest
{
    private static final String IQN = "iqn.2026-11.io.ringtarget:gateways";
    private static final int SLOTS = 1024;
    private static final int SLOT_BYTES = 4096;
    private static final int MAGIC = 0x52425354;
    private static final int TAG_NEW_OWNER = 0xA2A2;
    private static final int TAG_STALE = 0x5757;
    private static final int TAG_B_AGAIN = 0xB3B3;
    private static final int TAG_A_AGAIN = 0xA4A4;
    private static final int FENCED_SLOTS = 64;

    @TempDir
    Path dir;

    /** A client whose output lines arrive in a queue (stderr goes to the test's output). */
    private record Client(Process process, BlockingQueue<String> lines)
    {
        static Client start(final String... command) throws IOException
        {
            final Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread.ofPlatform().daemon().start(() ->
            {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8)))
                {
                    for (String line = in.readLine(); line != null; line = in.readLine())
                    {
                        System.out.println("two-path-writer: " + line);
                        lines.add(line);
                    }
                }
                catch (final IOException ignore)
                {
                    // the process ended
                }
            });
            return new Client(p, lines);
        }

        String await(final String prefix) throws InterruptedException
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline)
            {
                final String line = lines.poll(1, TimeUnit.SECONDS);
                if (null != line && line.startsWith(prefix))
                {
                    return line;
                }
                if (null == line && !process.isAlive() && lines.isEmpty())
                {
                    break;
                }
            }
            throw new AssertionError("two-path-writer never printed " + prefix + " (exit " +
                (process.isAlive() ? "none yet" : process.exitValue()) + ")");
        }

        int exit() throws InterruptedException
        {
            if (!process.waitFor(120, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                throw new AssertionError("two-path-writer did not end");
            }
            return process.exitValue();
        }
    }

    private static long metric(final int port, final String sample) throws IOException, InterruptedException
    {
        final String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + Ports.LOOPBACK + ":" + port + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        final Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + "\\s+(\\S+)$").matcher(scrape);
        assertTrue(m.find(), sample + " in\n" + scrape);
        return (long)Double.parseDouble(m.group(1));
    }

    /** The tags of the fenced slots, run-length encoded ("64 x a2a2"), for failure messages. */
    private static String slotTags(final ByteBuffer bytes)
    {
        final StringBuilder out = new StringBuilder();
        int run = 0;
        int previous = 0;
        for (int slot = 0; slot <= FENCED_SLOTS; slot++)
        {
            final int tag = slot < FENCED_SLOTS ? bytes.getInt(slot * SLOT_BYTES + 12) : ~previous;
            if (slot > 0 && tag != previous)
            {
                out.append(run).append(" x ").append(Integer.toHexString(previous)).append(' ');
                run = 0;
            }
            previous = tag;
            run++;
        }
        return out.toString().strip();
    }

    @Test
    void writesContinueThroughTheSecondGatewayAndAFrozenOldOwnerWritesNothing() throws Exception
    {
        final Path writer = Tools.libiscsiProgram(dir, "two-path-writer");
        // The gateways' configuration docs/ceph.md recommends: without librbd's cache. With it (writearound, the
        // default) a fenced gateway resumed after the takeover was seen to answer GOOD to a few writes that Ceph
        // refused (2 runs of 6: 5 and 1 of 64; never with the cache off): the image stays as it should, but that
        // initiator is told its FUA write is stored.
        try (ThrowawayCeph ceph = RbdGateways.cluster())
        {
            final RbdConfig image = ceph.image("shared", "256M");
            try (RbdGateways.Pair gateways = RbdGateways.Pair.serve(dir, IQN, image, AluaConfig.ACTIVE_OPTIMIZED,
                AluaConfig.ACTIVE_NON_OPTIMIZED))
            {
                final RingtargetProcess a = gateways.a();
                final RingtargetProcess b = gateways.b();
                final Path configA = gateways.configA();
                final Path configB = gateways.configB();
                final int metricsA = gateways.metricsA();
                final int metricsB = gateways.metricsB();
                final String urlA = Tools.iscsiUrl(gateways.portA(), IQN, 0);
                final String urlB = Tools.iscsiUrl(gateways.portB(), IQN, 0);
                // 1. SIGKILL of the gateway in use, mid-run: the initiator goes on through the other one.
                final Client run = Client.start(writer.toString(), "write", urlA, urlB, Integer.toString(SLOTS),
                    "1500", "6000");
                run.await("KILL-ME");
                final long killedAt = System.nanoTime();
                System.out.println("gateway A: " + a.restart(true));   // A comes back, idle, for step 2
                final String result;
                try
                {
                    result = run.await("RESULT");
                }
                catch (final AssertionError ex)
                {
                    throw new AssertionError(ex.getMessage() + "\nA:\n" + a.logText() + "\nB:\n" + b.logText(), ex);
                }
                assertEquals(0, run.exit(), result + "\nA:\n" + a.logText() + "\nB:\n" + b.logText());
                assertTrue(result.contains(" mismatches=0"), result);
                final Matcher failover = Pattern.compile("failover_ms=(\\d+)").matcher(result);
                assertTrue(failover.find(), result);
                // From the failed write to its acknowledgement through B: login, break + blocklist, acquire.
                assertTrue(Long.parseLong(failover.group(1)) < 20_000, result);
                System.out.println("failover: " + result + "; A was killed " +
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt) + " ms before the run ended");

                // 2. B, the owner now, freezes with a write of its initiator in its socket; A takes the image over.
                final Client stale = Client.start(writer.toString(), "stale", urlB, "0",
                    Integer.toString(FENCED_SLOTS), Integer.toString(TAG_STALE));
                stale.await("READY");
                b.freeze();   // every thread stopped before the write goes out: none of B's can still serve it
                final OutputStream go = stale.process().getOutputStream();
                go.write("go\n".getBytes(StandardCharsets.US_ASCII));
                go.flush();
                final ExternalProcess.Result takeover = ExternalProcess.run(Duration.ofSeconds(120),
                    writer.toString(), "fill", urlA, "0", Integer.toString(FENCED_SLOTS),
                    Integer.toString(TAG_NEW_OWNER));
                assertTrue(takeover.ok(), takeover.output() + "\nA:\n" + a.logText());
                b.signal("CONT");
                final String late = stale.await("STALE");
                assertEquals(0, stale.exit(), late);
                System.out.println("frozen old owner resumed: " + late);

                // The image as librbd reads it: the new owner's data; the late writes nowhere. Read before judging the
                // answers, so that a failure says both what the initiator was told and what the image holds.
                final ByteBuffer bytes = ByteBuffer.wrap(ceph.export("shared")).order(ByteOrder.nativeOrder());
                final String evidence = late + "\nimage: " + slotTags(bytes) + "\nA (whose takeover names whom it " +
                    "broke and blocklisted):\n" + a.logText() + "\nB:\n" + b.logText();
                for (int slot = 0; slot < SLOTS; slot++)
                {
                    final int at = slot * SLOT_BYTES;
                    if (slot < FENCED_SLOTS)
                    {
                        assertEquals(MAGIC, bytes.getInt(at), "slot " + slot + "\n" + evidence);
                        assertEquals(TAG_NEW_OWNER, bytes.getInt(at + 12),
                            "slot " + slot + " holds the new owner's data\n" + evidence);
                    }
                    assertTrue(bytes.getInt(at + 12) != TAG_STALE,
                        "a late write of the frozen gateway in slot " + slot + "\n" + evidence);
                }
                assertTrue(late.startsWith("STALE acked=0 "), "the fenced gateway acknowledged writes: " + evidence);
                final String bLog = b.logText();
                assertNotNull(bLog);
                System.out.println("gateway B after resuming:\n" + bLog.lines()
                    .filter(l -> l.contains("fenc") || l.contains("lock") || l.contains("blocklist"))
                    .reduce("", (x, y) -> x + y + "\n"));

                // 3. No restart: B, fenced, opens the image again as a new Ceph client (not covered by the blocklist
                // entry) after the hold-down, its TPG back to the state the fencing took it from.
                assertTrue(b.awaitLogLine(RbdGateways.REOPENED, Duration.ofSeconds(90)),
                    "B never served again:\n" + b.logText());
                assertTrue(b.logText().contains("target port group(s) back to their states: 2 active/non-optimized"),
                    b.logText());
                final ExternalProcess.Result back = ExternalProcess.run(Duration.ofSeconds(120), writer.toString(),
                    "fill", urlB, "0", Integer.toString(FENCED_SLOTS), Integer.toString(TAG_B_AGAIN));
                assertTrue(back.ok(), back.output() + "\nB:\n" + b.logText());
                // A learns it was blocklisted from its next write (refused: NOT READY), then serves again too.
                final ExternalProcess.Result refused = ExternalProcess.run(Duration.ofSeconds(120), writer.toString(),
                    "fill", urlA, Integer.toString(FENCED_SLOTS), "1", Integer.toString(TAG_A_AGAIN));
                assertTrue(!refused.ok(), "a write through the fenced A: " + refused.output());
                assertTrue(a.awaitLogLine(RbdGateways.REOPENED, Duration.ofSeconds(90)),
                    "A never served again:\n" + a.logText());
                final ExternalProcess.Result again = ExternalProcess.run(Duration.ofSeconds(120), writer.toString(),
                    "fill", urlA, Integer.toString(FENCED_SLOTS), Integer.toString(FENCED_SLOTS),
                    Integer.toString(TAG_A_AGAIN));
                assertTrue(again.ok(), again.output() + "\nA:\n" + a.logText());
                System.out.println("served again without a restart:\n" + (a.logText() + b.logText()).lines()
                    .filter(l -> l.contains("opened the image again") || l.contains("took the image's exclusive lock"))
                    .reduce("", (x, y) -> x + y + "\n"));
                // What a Prometheus scrape shows of it. A owns the image: fenced once, reopened once, two takeovers
                // (after B's freeze and after its reopen; its counts before the SIGKILL went with it).
                final String lun = "{backstore=\"rbd0\",lun=\"0\",target=\"" + IQN + "\"}";
                assertEquals(1, metric(metricsA, "ringtarget_lun_rbd_lock_owner" + lun));
                assertEquals(0, metric(metricsA, "ringtarget_lun_rbd_fenced" + lun));
                assertEquals(1, metric(metricsA, "ringtarget_lun_rbd_fencings_total" + lun));
                assertEquals(1, metric(metricsA, "ringtarget_lun_rbd_reopens_total" + lun));
                assertEquals(2, metric(metricsA, "ringtarget_lun_rbd_lock_takeovers_total" + lun));
                // B, with no I/O since, finds out by itself that A took the image back (its owner check): fenced a
                // second time, its TPG unavailable, with no command to tell it.
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (metric(metricsB, "ringtarget_lun_rbd_fencings_total" + lun) < 2 && System.nanoTime() < deadline)
                {
                    Thread.sleep(100);
                }
                assertEquals(2, metric(metricsB, "ringtarget_lun_rbd_fencings_total" + lun), b.logText());
                assertEquals(0, metric(metricsB, "ringtarget_lun_rbd_lock_owner" + lun));
                assertEquals(1, metric(metricsB, "ringtarget_alua_state{state=\"unavailable\",target=\"" + IQN +
                    "\",tpg=\"2\"}"), "B's TPG while fenced");
                assertEquals(2, metric(metricsB, "ringtarget_lun_rbd_lock_takeovers_total" + lun));
                assertTrue(metric(metricsB, "ringtarget_lun_rbd_reopens_total" + lun) >= 1);
                // ringtarget ls through each gateway's admin socket says the same.
                assertTrue(RbdGateways.ls(configA).contains("exclusive lock held"), RbdGateways.ls(configA));
                final String lsB = RbdGateways.ls(configB);
                assertTrue(lsB.contains("fenced: another gateway took the image over") ||
                    lsB.contains("exclusive lock not held"), lsB);
                final ByteBuffer after = ByteBuffer.wrap(ceph.export("shared")).order(ByteOrder.nativeOrder());
                for (int slot = 0; slot < 2 * FENCED_SLOTS; slot++)
                {
                    assertEquals(slot < FENCED_SLOTS ? TAG_B_AGAIN : TAG_A_AGAIN, after.getInt(slot * SLOT_BYTES + 12),
                        "slot " + slot + "\nA:\n" + a.logText() + "\nB:\n" + b.logText());
                }
            }
        }
    }
}
