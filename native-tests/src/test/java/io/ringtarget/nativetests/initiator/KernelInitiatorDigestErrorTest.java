package io.ringtarget.nativetests.initiator;

import io.ringtarget.nativetests.support.CorruptingProxy;
import io.ringtarget.nativetests.support.GuestRun;
import io.ringtarget.nativetests.support.KernelInitiatorGuest;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;
import io.ringtarget.server.startup.TargetServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Data digest errors with the Linux kernel initiator (open-iscsi in a QEMU guest, CRC32C header and data digests):
 * a relay between the guest and the target flips a byte of a write command's immediate data, then of a Data-Out
 * ({@link CorruptingProxy}). RFC 7143 7.8 at ERL 0: the target answers the PDU with a Reject (data digest error) and,
 * once the command's data is all in, ends the command in CHECK CONDITION, ABORTED COMMAND, PROTOCOL SERVICE CRC ERROR,
 * which the kernel retries at once. A target that only dropped the PDU would leave the command waiting for data the
 * initiator never sends again, until the disk's 30 s command timeout and the error handler's abort.
 */
class KernelInitiatorDigestErrorTest
{
    static final String TARGET = "iqn.2026-12.io.ringtarget:digest";

    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static TargetServer server;
    private static CorruptingProxy proxy;
    private static GuestRun run;

    @BeforeAll
    static void bootTheGuest() throws Exception
    {
        final int port = Ports.free();
        final RingtargetConfig config = new RingtargetConfig(
            List.of(new BackstoreConfig("disk", "ram", null, 16L << 20, 512, true, false, "digest-disk", null)),
            List.of(new TargetConfig(TARGET, "digest", List.of(new TpgConfig(1, true,
                List.of(new PortalConfig(Ports.LOOPBACK, port)), List.of(new LunConfig(0, "disk", false)), List.of(),
                true, "none")))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(1, false, "ring", 5, 15));
        server = TargetServer.start(config, new PrintStream(LOG, true));
        proxy = new CorruptingProxy(port);
        final String script = GuestScripts.read("digest-error.sh")
            .replace("@TARGET@", TARGET)
            .replace("@PORTAL@", KernelInitiatorGuest.hostAddress(0) + ":" + proxy.port());
        run = KernelInitiatorGuest.withScript("digest-error", script)
            .timeout(Duration.ofMinutes(5))
            .hostAction("corrupt", args ->
            {
                proxy.corruptNext("command".equals(args) ? CorruptingProxy.COMMAND : CorruptingProxy.DATA_OUT);
                return null;
            })
            .hostAction("corrupted", args -> Integer.toString(proxy.corrupted()))
            .boot();
        server.flushLog();
        System.out.println("KernelInitiatorDigestErrorTest: QEMU ran " + run.wall().toMillis() / 1000.0 +
            " s; console " + run.consoleLog());
        run.lines("RT-STEP").forEach(System.out::println);
        run.results().forEach((k, v) -> System.out.println("  " + k + " = " + v));
        log().lines().filter(l -> l.contains("closing")).forEach(l -> System.out.println("  target: " + l));
    }

    @AfterAll
    static void stop() throws IOException
    {
        if (null != proxy)
        {
            proxy.close();
        }
        if (null != server)
        {
            server.close();
        }
    }

    private static String log()
    {
        return LOG.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aWriteWhoseImmediateDataWasCorruptedIsRetriedAtOnceAndLands()
    {
        assertWriteRetried("immediate", "1");
    }

    @Test
    void aWriteWhoseDataOutWasCorruptedIsRetriedAtOnceAndLands()
    {
        assertWriteRetried("data_out", "2");
    }

    @Test
    void theTargetRejectedBothPdusAndTheSessionStayed()
    {
        assertTrue(run.ok(), run.describe() + "\n" + log());
        assertEquals("CRC32C", run.result("negotiated_data_digest"), run.describe());
        assertEquals("2", run.result("rejected"), "the kernel logged both Rejects (data digest error): " +
            run.describe());
        assertEquals("0", run.result("conn_errors"), "no connection error, no session recovery: " + run.describe());
        assertEquals("LOGGED_IN", run.result("session_state").strip(), run.describe());
        assertTrue(log().contains("digest errors 2"), "the connection counted two data digest errors:\n" + log());
    }

    private static void assertWriteRetried(final String name, final String corruptedSoFar)
    {
        assertTrue(run.ok(), run.describe() + "\n" + log());
        assertEquals("0", run.result(name + "_exit"), "the write succeeded: " + run.describe());
        assertEquals("same", run.result(name + "_data"), "the write's data reads back: " + run.describe());
        assertEquals(corruptedSoFar, run.result(name + "_corrupted"), "the relay corrupted it: " + run.describe());
        // The retry follows the CHECK CONDITION at once; without it the command would wait out the 30 s timeout.
        assertTrue(Double.parseDouble(run.result(name + "_seconds")) < 10, "retried at once, not after the " +
            "command timeout: " + run.describe());
    }
}
