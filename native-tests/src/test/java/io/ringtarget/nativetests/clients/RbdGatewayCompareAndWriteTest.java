package io.ringtarget.nativetests.clients;

import io.ringtarget.nativetests.support.ExternalProcess;
import io.ringtarget.nativetests.support.RbdGateways;
import io.ringtarget.nativetests.support.ThrowawayCeph;
import io.ringtarget.nativetests.support.Tools;
import io.ringtarget.server.config.AluaConfig;
import io.ringtarget.server.config.RbdConfig;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * COMPARE AND WRITE through gateway B of an rbd image while an initiator keeps writing the same block through gateway
 * A (native-tests/src/test/c/caw-gateways.c): what VMware's ATS heartbeat meets when its hosts reach the image through
 * different gateways around a failover. B has to take the image over from A (break the lock, blocklist A) before it
 * may write, and A's writer (a write every 2 ms) goes on meanwhile: the compare must be made with what the image holds
 * when B writes, so a compare-and-write during which A acknowledged a write answers MISCOMPARE and writes nothing.
 * B does it with one OSD operation (rbd_aio_compare_and_write) for one 512-byte sector, and for a 4096-byte block
 * with a read made once it holds the lock; a read made before (reads need no lock), a compare and a write would
 * answer GOOD and overwrite the writes A acknowledged while B took the image over. Once A is fenced, B's next attempt
 * matches and writes.
 */
@Timeout(300)
class RbdGatewayCompareAndWriteTest
{
    private static final String IQN = "iqn.2026-12.io.ringtarget:caw-gateways";

    @TempDir
    Path dir;

    /**
     * 512-byte blocks: one OSD operation (rbd_aio_compare_and_write). 4096-byte blocks, which librbd 16.2 does not
     * compare and write in one operation: the gateway reads only once it holds the image's lock (A fenced, its later
     * writes refused), then compares and writes.
     */
    @ParameterizedTest
    @ValueSource(ints = {512, 4096})
    void aCompareAndWriteComparesWithWhatTheImageHoldsWhenItWrites(final int blockSize) throws Exception
    {
        final Path program = Tools.libiscsiProgram(dir, "caw-gateways");
        final String block = Integer.toString(blockSize);
        try (ThrowawayCeph ceph = RbdGateways.cluster())
        {
            final RbdConfig image = ceph.image("ats", "64M");
            try (RbdGateways.Pair gateways = RbdGateways.Pair.serve(dir, IQN, image, blockSize,
                AluaConfig.ACTIVE_OPTIMIZED, AluaConfig.ACTIVE_OPTIMIZED))
            {
                final Process writer = new ProcessBuilder(program.toString(), "writer",
                    Tools.iscsiUrl(gateways.portA(), IQN, 0), "30", "2", block).redirectErrorStream(true).start();
                final List<String> acks = new CopyOnWriteArrayList<>();
                final Thread reader = Thread.ofPlatform().start(() ->
                {
                    try (BufferedReader in = new BufferedReader(new InputStreamReader(writer.getInputStream(),
                        StandardCharsets.UTF_8)))
                    {
                        for (String line = in.readLine(); line != null; line = in.readLine())
                        {
                            acks.add(line);
                        }
                    }
                    catch (final java.io.IOException ignore)
                    {
                        // the writer ended
                    }
                });
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (acks.size() < 50 && System.nanoTime() < deadline)
                {
                    Thread.sleep(10);   // A holds the lock and writes steadily
                }
                assertTrue(acks.size() >= 50, "the writer through A: " + acks + gateways.logs());
                final ExternalProcess.Result caw = ExternalProcess.run(Duration.ofSeconds(60), program.toString(),
                    "caw", Tools.iscsiUrl(gateways.portB(), IQN, 0), block);
                assertTrue(caw.ok(), caw.output() + gateways.logs());
                assertTrue(writer.waitFor(60, TimeUnit.SECONDS), "the writer never stopped (A never fenced)");
                reader.join();
                // Each attempt: B read seq R at time T0 and was answered at T1. A write A acknowledged in between
                // changed the block after B's read; a GOOD answer then overwrote it: a lost update, unless the compare
                // was made when B wrote (the OSD's operation), which finds the change and answers MISCOMPARE.
                final List<String> reads = caw.output().lines().filter(l -> l.startsWith("READ ")).toList();
                final List<String> answers = caw.output().lines().filter(l -> l.startsWith("CAW ")).toList();
                assertEquals(reads.size(), answers.size(), caw.output());
                assertTrue(!answers.isEmpty(), caw.output());
                int raced = 0;
                for (int i = 0; i < answers.size(); i++)
                {
                    final long readSeq = Long.parseUnsignedLong(reads.get(i).split(" ")[1]);
                    final long readAt = Long.parseLong(reads.get(i).split(" ")[2]);
                    final String answer = answers.get(i);
                    final long answeredAt = Long.parseLong(answer.substring(answer.lastIndexOf(' ') + 1));
                    final long changed = acks.stream().filter(l -> l.startsWith("ACK ")).map(l -> l.split(" "))
                        .filter(f -> Long.parseLong(f[1]) > readSeq && Long.parseLong(f[2]) > readAt &&
                            Long.parseLong(f[2]) < answeredAt)
                        .count();
                    System.out.println("attempt " + (i + 1) + ": B read seq " + readSeq + "; " + changed +
                        " writes acknowledged through A before B's answer, " + (answeredAt - readAt) / 1_000_000 +
                        " ms after its read: " + answer);
                    if (changed > 0)
                    {
                        raced++;
                        // MISCOMPARE (0x0E), MISCOMPARE DURING VERIFY OPERATION (1D/00): nothing written.
                        assertTrue(answer.startsWith("CAW status=0x02 key=14 ascq=0x1d00 "), "attempt " + (i + 1) +
                            " overwrote " + changed + " acknowledged writes: " + answer + "\n" + caw.output() +
                            gateways.logs());
                    }
                }
                System.out.println("the writer through A: " + acks.get(acks.size() - 1));
                assertTrue(raced > 0, "A's writer did not go on while B took the image over: nothing raced\n" +
                    caw.output() + gateways.logs());
                final long stored = ByteBuffer.wrap(ceph.export("ats"), 0, blockSize).order(ByteOrder.nativeOrder())
                    .getLong(0);
                final boolean written = answers.get(answers.size() - 1).startsWith("CAW status=0x00 ");
                assertEquals(written, stored == -1L, "block 0 holds sequence " + Long.toUnsignedString(stored) +
                    " after " + answers);
                assertEquals(0, writer.exitValue());
            }
        }
    }

    private static String line(final String output, final String prefix)
    {
        return output.lines().filter(l -> l.startsWith(prefix)).findFirst()
            .orElseThrow(() -> new AssertionError("no " + prefix.strip() + " line in\n" + output));
    }
}
