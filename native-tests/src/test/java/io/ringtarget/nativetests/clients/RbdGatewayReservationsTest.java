package io.ringtarget.nativetests.clients;

import io.ringtarget.nativetests.support.ExternalProcess;
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
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Persistent reservations of one rbd image served by two gateways (two {@code ringtarget serve} processes, TPG 1 on
 * A, TPG 2 on B) are those of one logical unit (SPC-4 5.12): native-tests/src/test/c/pr-gateways.c logs initiator X
 * in to A and Y to B; X's REGISTER and RESERVE through A are what Y reads through B and what B enforces (Y's WRITE
 * gets RESERVATION CONFLICT, its READ under WRITE EXCLUSIVE is served), Y's PREEMPT AND ABORT through B removes X's
 * registration on A too (X's next command through A gets UNIT ATTENTION, REGISTRATIONS PREEMPTED, then RESERVATION
 * CONFLICT), and A killed (SIGKILL) and started again reads the state back from the cluster; Y's CLEAR through B,
 * whose notify waits for the killed A's watch to end, ends it on A.
 */
@Timeout(300)
class RbdGatewayReservationsTest
{
    private static final String IQN = "iqn.2026-11.io.ringtarget:pr-gateways";

    @TempDir
    Path dir;

    /**
     * Two initiators change their keys as fast as they can, one through each gateway: the gateways' writes of the
     * state race, and every change must be kept (compare-and-swap, the loser running again on the winner's state):
     * PRgeneration counts all of them, and each initiator's last key is there, seen alike through both gateways.
     */
    @Test
    void changesThroughBothGatewaysAtOnceAreAllKept() throws Exception
    {
        final Path program = Tools.libiscsiProgram(dir, "pr-gateways");
        final int count = 150;
        try (ThrowawayCeph ceph = RbdGateways.cluster())
        {
            final RbdConfig image = ceph.image("raced", "64M");
            try (RbdGateways.Pair gateways = RbdGateways.Pair.serve(dir, IQN, image, AluaConfig.ACTIVE_OPTIMIZED,
                AluaConfig.ACTIVE_OPTIMIZED))
            {
                final int portA = gateways.portA();
                final int portB = gateways.portB();
                final long start = System.nanoTime();
                final Process throughA = new ProcessBuilder(program.toString(), "race", Tools.iscsiUrl(portA, IQN, 0),
                    "iqn.2026-11.io.ringtarget.test:race-a", "0x1000", Integer.toString(count))
                    .redirectErrorStream(true).start();
                final Process throughB = new ProcessBuilder(program.toString(), "race", Tools.iscsiUrl(portB, IQN, 0),
                    "iqn.2026-11.io.ringtarget.test:race-b", "0x2000", Integer.toString(count))
                    .redirectErrorStream(true).start();
                final String outA = new String(throughA.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                final String outB = new String(throughB.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(throughA.waitFor(120, TimeUnit.SECONDS) && throughB.waitFor(120, TimeUnit.SECONDS));
                final long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                final String evidence = outA + outB + gateways.logs();
                assertEquals(0, throughA.exitValue(), evidence);
                assertEquals(0, throughB.exitValue(), evidence);
                System.out.println(2 * count + " REGISTER AND IGNORE EXISTING KEY, half through each gateway at " +
                    "once, in " + millis + " ms");
                for (final int port : new int[] {portA, portB})
                {
                    final ExternalProcess.Result keys = ExternalProcess.run(Duration.ofSeconds(60), program.toString(),
                        "keys", Tools.iscsiUrl(port, IQN, 0));
                    assertTrue(keys.ok(), keys.output());
                    final String line = keys.output().lines().filter(l -> l.startsWith("KEYS ")).findFirst()
                        .orElseThrow(() -> new AssertionError(keys.output()));
                    System.out.println("through port " + port + ": " + line);
                    assertTrue(line.startsWith("KEYS generation=" + 2 * count + " keys="), line + evidence);
                    final List<String> last = List.of(line.substring(line.indexOf("keys=") + 5).split(","));
                    assertEquals(2, last.size(), line);
                    assertTrue(last.contains(Integer.toHexString(0x1000 + count)) &&
                        last.contains(Integer.toHexString(0x2000 + count)), line);
                }
            }
        }
    }

    @Test
    void reservationsMadeThroughOneGatewayHoldThroughTheOther() throws Exception
    {
        final Path program = Tools.libiscsiProgram(dir, "pr-gateways");
        try (ThrowawayCeph ceph = RbdGateways.cluster())
        {
            final RbdConfig image = ceph.image("clustered", "64M");
            try (RbdGateways.Pair gateways = RbdGateways.Pair.serve(dir, IQN, image, AluaConfig.ACTIVE_OPTIMIZED,
                AluaConfig.ACTIVE_OPTIMIZED))
            {
                final RingtargetProcess a = gateways.a();
                final int portA = gateways.portA();
                final int portB = gateways.portB();
                assertTrue(a.logText().contains("persistent reservations shared by every gateway of the image"),
                    a.logText());
                final Process p = new ProcessBuilder(program.toString(), "steps", Tools.iscsiUrl(portA, IQN, 0),
                    Tools.iscsiUrl(portB, IQN, 0)).redirectErrorStream(true).start();
                final List<String> lines = new ArrayList<>();
                String restarted = null;
                String lsB = null;
                try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8)))
                {
                    for (String line = out.readLine(); line != null; line = out.readLine())
                    {
                        System.out.println("pr-gateways: " + line);
                        lines.add(line);
                        if (line.equals("RESTART-A"))
                        {
                            // What an administrator sees of it on either gateway: Y holds it, through B's port.
                            final String held = "1 registration, Write Exclusive reservation held by " +
                                "iqn.2026-11.io.ringtarget.test:pr-y,i,0x";
                            lsB = RbdGateways.ls(gateways.configB());
                            assertTrue(lsB.contains(held) && lsB.contains("(key 0xbb02, relative target port 2); " +
                                "shared by the image's gateways"), lsB);
                            final String lsA = RbdGateways.ls(gateways.configA());
                            assertTrue(lsA.contains(held), lsA);
                            restarted = a.restart(true);
                            System.out.println("gateway A: " + restarted);
                            final OutputStream go = p.getOutputStream();
                            go.write("go\n".getBytes(StandardCharsets.US_ASCII));
                            go.flush();
                        }
                    }
                }
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "pr-gateways did not end");
                final String evidence = String.join("\n", lines) + gateways.logs();
                assertEquals(0, p.exitValue(), evidence);
                assertTrue(lines.contains("RESULT ok"), evidence);
                assertTrue(null != restarted, evidence);
                System.out.println("ringtarget ls of B, Y holding the reservation:\n" + lsB);
                // CLEAR through B: nothing registered, so no line for it on A.
                final String lsAfter = RbdGateways.ls(gateways.configA());
                assertTrue(!lsAfter.contains("persistent reservations"), lsAfter);
            }
            // What the gateways kept: the object beside the image, which CLEAR left without registrations.
            final String object = ceph.rados("-p", "rbd", "ls").lines().filter(o -> o.startsWith("ringtarget_pr."))
                .findFirst().orElseThrow(() -> new AssertionError("no ringtarget_pr object in pool rbd"));
            final String stored = ceph.rados("-p", "rbd", "get", object, "-");
            assertTrue(stored.startsWith("aptpl 0\n"), stored);
            assertTrue(stored.contains("\ncount 0\n"), stored);
        }
    }
}
