package io.ringtarget.nativetests.initiator;

import io.ringtarget.nativetests.support.GuestRun;
import io.ringtarget.nativetests.support.KernelInitiatorGuest;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.server.config.AclConfig;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.ChapConfig;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.MappedLunConfig;
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
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Linux's own initiator (open-iscsi in a QEMU guest, {@link KernelInitiatorGuest}) against the security and copy
 * features of ringtarget: CHAP SHA256 where MD5 is switched off (through an ACL that maps the guest LUN 1 of two: the
 * kernel finds it without a LUN 0), mutual CHAP SHA3-256 chosen as the first of open-iscsi's list (the TPG lists MD5
 * first: RFC 7143 6.2.1 gives the initiator's order),
 * a wrong secret refused, sg_xcopy's EXTENDED COPY between two logical units of a TPG, a read-only ACL, an ACL that
 * shows the TPG's LUNs under numbers of its own (one write-protected), and discovery, a CHAP login and I/O over an
 * IPv6 portal ([::1], which the guest reaches as [fec0::2] through QEMU's user networking). One boot.
 */
class KernelInitiatorSecurityTest
{
    static final String SHA256_TARGET = "iqn.2026-11.io.ringtarget:sha256";
    static final String SHA3_TARGET = "iqn.2026-11.io.ringtarget:sha3";
    static final String READ_ONLY_TARGET = "iqn.2026-11.io.ringtarget:read-only";
    static final String RENUMBERED_TARGET = "iqn.2026-12.io.ringtarget:renumbered";
    static final String GUEST = "iqn.2026-11.io.ringtarget.guest:kernel";
    static final String SECRET = "guest-Secret-2026";
    static final String TARGET_SECRET = "target-Secret-26";

    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static TargetServer server;
    private static GuestRun run;
    private static int port6;

    @BeforeAll
    static void bootTheGuest() throws Exception
    {
        final int port = Ports.free();
        port6 = Ports.free();
        final List<PortalConfig> portal = List.of(new PortalConfig(Ports.LOOPBACK, port), new PortalConfig("::1", port6));
        final RingtargetConfig config = new RingtargetConfig(
            List.of(new BackstoreConfig("a", "ram", null, 8L << 20, 512, true, false, "ka", null),
                new BackstoreConfig("b", "ram", null, 8L << 20, 512, true, false, "kb", null),
                new BackstoreConfig("c", "ram", null, 8L << 20, 512, true, false, "kc", null),
                new BackstoreConfig("d", "ram", null, 12L << 20, 512, true, false, "kd", null),
                new BackstoreConfig("e", "ram", null, 8L << 20, 512, true, false, "ke", null),
                new BackstoreConfig("f", "ram", null, 6L << 20, 512, true, false, "kf", null),
                new BackstoreConfig("g", "ram", null, 10L << 20, 512, true, false, "kg", null)),
            List.of(
                new TargetConfig(SHA256_TARGET, "sha256", List.of(new TpgConfig(1, true, portal,
                    List.of(new LunConfig(0, "a", false), new LunConfig(1, "d", false)),
                    List.of(new AclConfig(GUEST, new ChapConfig("guest", SECRET, null, null),
                        List.of(MappedLunConfig.of(1)))), false,
                    "chap")
                    .withChapAlgorithms(List.of("SHA256")))),
                new TargetConfig(SHA3_TARGET, "sha3", List.of(new TpgConfig(1, true, portal,
                    List.of(new LunConfig(0, "b", false), new LunConfig(1, "c", false)),
                    List.of(new AclConfig(GUEST, new ChapConfig("guest", SECRET, "target", TARGET_SECRET))), false,
                    "chap").withChapAlgorithms(List.of("MD5", "SHA1", "SHA256", "SHA3-256")))),
                new TargetConfig(READ_ONLY_TARGET, "read-only", List.of(new TpgConfig(1, true, portal,
                    List.of(new LunConfig(0, "e", false)), List.of(new AclConfig(GUEST, null, null, true)), false,
                    "none"))),
                // targetcli's mapped_lun0 -> lun1 and mapped_lun1 -> lun0 with write_protect=1: swapped for the guest.
                new TargetConfig(RENUMBERED_TARGET, "renumbered", List.of(new TpgConfig(1, true, portal,
                    List.of(new LunConfig(0, "f", false), new LunConfig(1, "g", false)),
                    List.of(new AclConfig(GUEST, null, List.of(new MappedLunConfig(0, 1, null),
                        new MappedLunConfig(1, 0, true)))), false, "none")))),
            new DiscoveryAuthConfig("none", null),
            new EngineConfig(1, false, "ring", 5, 15));
        server = TargetServer.start(config, new PrintStream(LOG, true));
        final String script = GuestScripts.read("security.sh")
            .replace("@SHA256_TARGET@", SHA256_TARGET)
            .replace("@SHA3_TARGET@", SHA3_TARGET)
            .replace("@READ_ONLY_TARGET@", READ_ONLY_TARGET)
            .replace("@RENUMBERED_TARGET@", RENUMBERED_TARGET)
            .replace("@PORTAL@", KernelInitiatorGuest.hostAddress(0) + ":" + port)
            .replace("@PORT6@", Integer.toString(port6))
            .replace("@SECRET@", SECRET)
            .replace("@TARGET_SECRET@", TARGET_SECRET);
        run = KernelInitiatorGuest.withScript("security", script).boot();
        server.flushLog();
        System.out.println("KernelInitiatorSecurityTest: QEMU ran " + run.wall().toMillis() / 1000.0 + " s; console " +
            run.consoleLog());
        run.lines("RT-STEP").forEach(System.out::println);
        run.results().forEach((k, v) -> System.out.println("  " + k + " = " + v));
        log().lines().filter(l -> l.contains("login")).forEach(l -> System.out.println("  target: " + l));
    }

    @AfterAll
    static void stop()
    {
        if (null != server)
        {
            server.close();
        }
    }

    private static String log()
    {
        return LOG.toString(StandardCharsets.UTF_8);
    }

    /** Whether a line of the target's log has every one of {@code parts}. */
    private static boolean logLine(final String... parts)
    {
        return log().lines().anyMatch(l -> Stream.of(parts).allMatch(l::contains));
    }

    @Test
    void theGuestScriptRanToItsEnd()
    {
        assertTrue(run.ok(), run.describe() + "\n" + log());
    }

    @Test
    void chapSha256LogsInWhereMd5IsOffAndAWrongSecretIsRefused()
    {
        assertEquals("refused", run.result("wrong_secret"), run.describe());
        assertEquals(Long.toString(12L << 20), run.result("sha256_disk_bytes"), "the mapped LUN 1: " + run.describe());
        assertEquals("none", run.result("masked_lun0_disk"), "LUN 0 is not the guest's: " + run.describe());
        assertTrue(log().contains("CHAP response of guest does not match"), log());
        assertTrue(logLine(SHA256_TARGET, "(CHAP SHA256)"), log());
    }

    @Test
    void aReadOnlyAclsDiskIsWriteProtectedInTheGuestAndReadable()
    {
        assertEquals("1", run.result("ro_flag"), "Linux took the WP bit of MODE SENSE: " + run.result("ro_kernel") +
            "\n" + run.describe());
        System.out.println("KernelInitiatorSecurityTest: read-only flag at login " + run.result("ro_flag_at_login") +
            " (1 unless the kernel's first MODE SENSE missed it; then a rescan found it)");
        assertEquals("refused", run.result("ro_write"), run.describe());
        assertEquals("ok", run.result("ro_read"), run.describe());
    }

    @Test
    void anAclsRenumberedLunsAreTheGuestsDisksUnderItsNumbers()
    {
        assertEquals(Long.toString(10L << 20), run.result("renumbered_lun0_bytes"), "LUN 0 is the TPG's LUN 1: " +
            run.describe());
        assertEquals("0", run.result("renumbered_lun0_ro"), run.describe());
        assertEquals(Long.toString(6L << 20), run.result("renumbered_lun1_bytes"), "LUN 1 is the TPG's LUN 0: " +
            run.describe());
        assertEquals("1", run.result("renumbered_lun1_ro"), "write-protected for the guest: " + run.describe());
        assertEquals("same", run.result("renumbered_lun0_io"), run.describe());
    }

    @Test
    void mutualChapTakesSha3FromOpenIscsisList()
    {
        assertTrue(logLine(SHA3_TARGET, "(CHAP SHA3-256)"), log());
    }

    @Test
    void aWrongSha3SecretIsRefusedAndTheInitiatorRefusesATargetWithoutTheRightSecret()
    {
        assertEquals("refused", run.result("wrong_secret_sha3"), run.describe());
        assertEquals("refused", run.result("wrong_target_secret"), run.describe());
        // Both wrong initiator secrets (SHA256, SHA3-256) were found out by the target (RFC 7143 12.1.3).
        assertEquals(2, log().lines().filter(l -> l.contains("login refused") &&
            l.contains("CHAP response of guest does not match")).count(), log());
    }

    @Test
    void theKernelInitiatorDiscoversLogsInAndDoesIoOverIpv6()
    {
        // SendTargets over IPv6 lists the [::1] portal (and the IPv4 one) of each target (RFC 7143 13.9, 13.8).
        assertTrue(String.valueOf(run.result("ipv6_discovery")).contains("[::1]:" + port6 + ",1 " + SHA256_TARGET), run.describe());
        assertEquals("same", run.result("ipv6_io"), run.describe());
        // iscsiadm prints the session's portal unabbreviated: [fec0:0000:...:0002]:PORT,1.
        assertTrue(String.valueOf(run.result("ipv6_session_address"))
            .matches("\\[fec0(:0000){6}:0002]:" + port6 + ",1"), run.describe());
        assertTrue(logLine(SHA256_TARGET, "on [::1]:" + port6, "(CHAP SHA256)"), log());
    }

    @Test
    void sgXcopyCopiesBetweenTwoLogicalUnits()
    {
        assertEquals("0", run.result("xcopy_status"), run.describe());
        assertEquals("same", run.result("xcopy_data"), run.describe());
    }

    @Test
    void noSecretReachesTheLog()
    {
        assertFalse(log().contains(SECRET) || log().contains(TARGET_SECRET), log());
    }
}
