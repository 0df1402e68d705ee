package io.ringtarget.server.config;

import io.ringtarget.iscsi.node.ChapAlgorithm;
import io.ringtarget.iscsi.login.LoginLimits;

import java.util.List;

/**
 * The documented default values of the configuration (the tables of docs/configuration.md), and the names that
 * fields take. {@link TreeDefaults} fills them into a file's JSON tree; the CLI and the engine use them directly.
 */
public final class ConfigDefaults
{
    /** RFC 7143 section 4.2.7.6 (well-known port 3260). */
    public static final int DEFAULT_PORT = 3260;
    public static final String DEFAULT_PORTAL_IP = IpLiterals.IPV4_WILDCARD;
    /** The first TPG's tag, as targetcli's "tpg1". */
    public static final int DEFAULT_TPG_TAG = 1;
    /** Logical block size of fileio and ram backstores; block backstores default to 0 = the device's own. */
    public static final int DEFAULT_BLOCK_SIZE = 512;
    public static final int AUTO_BLOCK_SIZE = 0;
    public static final String AUTH_NONE = "none";
    public static final String AUTH_CHAP = "chap";
    public static final String TYPE_BLOCK = "block";
    public static final String TYPE_FILEIO = "fileio";
    public static final String TYPE_RAM = "ram";
    /** A Ceph RBD image through librbd. */
    public static final String TYPE_RBD = "rbd";
    public static final String IDLE_RING = "ring";
    /**
     * A "ring" loop polls 50 µs after its last work before it sleeps, as Linux's socket busy polling is commonly
     * set (net.core.busy_poll=50): a request that follows within that time costs no wake-up (docs/benchmarks.md).
     */
    public static final int DEFAULT_IDLE_SPIN_MICROS = 50;
    /** A NOP-In ping after 5 s of silence, the connection dropped after 15 s more without its NOP-Out. */
    public static final int DEFAULT_NOP_IN_INTERVAL_SECONDS = 5;
    public static final int DEFAULT_NOP_IN_TIMEOUT_SECONDS = 15;
    /**
     * Where state that must survive a restart is kept: persistent reservations made with APTPL=1
     * ({@code persistent-reservations/<unit serial>.pr}), as LIO keeps them under /var/target/pr.
     */
    public static final String DEFAULT_STATE_DIRECTORY = "/var/lib/ringtarget";

    private ConfigDefaults()
    {
    }

    /** Engine settings when the file has none: one loop per core, "ring" idling after 50 µs, NOP-In 5 s / 15 s. */
    public static EngineConfig engine()
    {
        return new EngineConfig(0, false, IDLE_RING, DEFAULT_IDLE_SPIN_MICROS, DEFAULT_NOP_IN_INTERVAL_SECONDS,
            DEFAULT_NOP_IN_TIMEOUT_SECONDS);
    }

    /**
     * CHAP algorithms strongest first (the Linux kernel target and open-iscsi know all four); MD5 last, for libiscsi,
     * QEMU and VMware, which offer only MD5. A TPG switches MD5 off by leaving it out of its own list.
     */
    public static final List<String> DEFAULT_CHAP_ALGORITHMS =
        ChapAlgorithm.DEFAULT_ORDER.stream().map(ChapAlgorithm::configName).toList();

    /**
     * The login defences and limits when the file has no security section: login within 15 s (LIO's login timeout);
     * 5 failed authentications by one initiator name, or 20 failed logins from one address, within 60 s lock it out
     * for 60 s, refusals answered after 1 s; 1024 sessions per target, 256 per initiator name, 1024 connections per
     * source address, 16384 in all.
     */
    public static SecurityConfig security()
    {
        return new SecurityConfig(DEFAULT_CHAP_ALGORITHMS, (int)(LoginLimits.DEFAULT_LOGIN_TIMEOUT_MILLIS / 1000),
            LoginLimits.DEFAULT_MAX_FAILURES_PER_INITIATOR, LoginLimits.DEFAULT_MAX_FAILURES_PER_SOURCE,
            (int)(LoginLimits.DEFAULT_FAILURE_WINDOW_MILLIS / 1000), (int)(LoginLimits.DEFAULT_LOCKOUT_MILLIS / 1000),
            (int)LoginLimits.DEFAULT_LOCKED_RESPONSE_DELAY_MILLIS, LoginLimits.DEFAULT_MAX_SESSIONS_PER_TARGET,
            LoginLimits.DEFAULT_MAX_SESSIONS_PER_INITIATOR, LoginLimits.DEFAULT_MAX_CONNECTIONS_PER_SOURCE,
            LoginLimits.DEFAULT_MAX_CONNECTIONS);
    }

    /** Discovery sessions without authentication. */
    public static DiscoveryAuthConfig discoveryAuth()
    {
        return new DiscoveryAuthConfig(AUTH_NONE, null);
    }

    /** A configuration with nothing in it, what the CLI starts from when the file does not exist yet. */
    public static RingtargetConfig empty()
    {
        return new RingtargetConfig(List.of(), List.of(), discoveryAuth(), engine(), null, DEFAULT_STATE_DIRECTORY);
    }
}
