package io.ringtarget.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Default values of fields missing from a configuration file, and the demo configuration.
 * <p>
 * The defaults are applied to the JSON tree before it is bound to the records, so that a field left out of the file
 * takes the documented default rather than Java's 0/false (see docs/configuration.md for the table).
 */
public final class ConfigDefaults
{
    /** RFC 7143 section 4.2.7.6 (well-known port 3260). */
    public static final int DEFAULT_PORT = 3260;
    public static final String DEFAULT_PORTAL_IP = "0.0.0.0";
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
    public static final String IDLE_RING = "ring";
    /**
     * A "ring" loop polls 50 µs after its last work before it sleeps, as Linux's socket busy polling is commonly
     * set (net.core.busy_poll=50): a request that follows within that time costs no wake-up (docs/benchmarks.md).
     */
    public static final int DEFAULT_IDLE_SPIN_MICROS = 50;
    /** Upper bound of idleSpinMicros: beyond 10 ms a loop might as well use the "busy" strategy. */
    public static final int MAX_IDLE_SPIN_MICROS = 10_000;
    /** A NOP-In ping after 5 s of silence, the connection dropped after 15 s more without its NOP-Out. */
    public static final int DEFAULT_NOP_IN_INTERVAL_SECONDS = 5;
    public static final int DEFAULT_NOP_IN_TIMEOUT_SECONDS = 15;

    public static final String DEMO_TARGET_IQN = "iqn.2026-11.io.ringtarget:demo";
    public static final String DEMO_BACKSTORE = "demo";
    public static final String DEMO_PORTAL = "127.0.0.1:3260";
    public static final long DEMO_SIZE_BYTES = 1L << 30;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    private ConfigDefaults()
    {
    }

    /** Engine settings when the file has none: one loop per core, "ring" idling after 50 µs, NOP-In 5 s / 15 s. */
    public static EngineConfig engine()
    {
        return new EngineConfig(0, false, IDLE_RING, DEFAULT_IDLE_SPIN_MICROS, DEFAULT_NOP_IN_INTERVAL_SECONDS,
            DEFAULT_NOP_IN_TIMEOUT_SECONDS);
    }

    /** Discovery sessions without authentication. */
    public static DiscoveryAuthConfig discoveryAuth()
    {
        return new DiscoveryAuthConfig(AUTH_NONE, null);
    }

    /** A configuration with nothing in it, what the CLI starts from when the file does not exist yet. */
    public static RingtargetConfig empty()
    {
        return new RingtargetConfig(List.of(), List.of(), discoveryAuth(), engine());
    }

    /**
     * The demo configuration: target {@value #DEMO_TARGET_IQN}, TPG 1 with one portal, LUN 0 on backstore
     * {@value #DEMO_BACKSTORE}, any initiator admitted (generateNodeAcls), no authentication.
     *
     * @param portalHostPort      {@code HOST[:PORT]} ({@code [v6]:PORT} for IPv6); null for {@value #DEMO_PORTAL}.
     * @param sizeBytes           size of the LUN; 0 or less for the default: 1 GiB for ram and for a new file, the
     *                            file's or device's own size when the path exists.
     * @param backstorePathOrNull null for a ram LUN; a block device path for a block LUN; any other path for a
     *                            fileio LUN (created by the engine when missing).
     * @return the demo configuration.
     * @throws IllegalArgumentException when the portal is not an IP address and port.
     */
    public static RingtargetConfig demo(final String portalHostPort, final long sizeBytes, final String backstorePathOrNull)
    {
        final PortalConfig portal = parsePortal(null == portalHostPort ? DEMO_PORTAL : portalHostPort);
        final BackstoreConfig backstore;
        if (null == backstorePathOrNull)
        {
            final long size = sizeBytes > 0 ? sizeBytes : DEMO_SIZE_BYTES;
            backstore = new BackstoreConfig(
                DEMO_BACKSTORE, TYPE_RAM, null, size, DEFAULT_BLOCK_SIZE, true, false,
                stableSerial("ram"), stableWwn("ram"));
        }
        else
        {
            final Path path = Path.of(backstorePathOrNull).toAbsolutePath().normalize();
            final String key = path.toString();
            if (isBlockDevice(path))
            {
                backstore = new BackstoreConfig(
                    DEMO_BACKSTORE, TYPE_BLOCK, key, Math.max(0, sizeBytes), AUTO_BLOCK_SIZE, true, false,
                    stableSerial(key), stableWwn(key));
            }
            else
            {
                final long size = sizeBytes > 0 ? sizeBytes : (Files.exists(path) ? 0 : DEMO_SIZE_BYTES);
                backstore = new BackstoreConfig(
                    DEMO_BACKSTORE, TYPE_FILEIO, key, size, DEFAULT_BLOCK_SIZE, true, false,
                    stableSerial(key), stableWwn(key));
            }
        }
        final TpgConfig tpg = new TpgConfig(
            DEFAULT_TPG_TAG, true, List.of(portal), List.of(new LunConfig(0, DEMO_BACKSTORE, false)), List.of(),
            true, AUTH_NONE);
        return new RingtargetConfig(
            List.of(backstore), List.of(new TargetConfig(DEMO_TARGET_IQN, "ringtarget demo", List.of(tpg))),
            discoveryAuth(), engine());
    }

    /**
     * Parses {@code HOST[:PORT]}: an IPv4 literal, or an IPv6 literal in brackets when a port follows
     * ({@code [::1]:3260}); the port defaults to {@value #DEFAULT_PORT}. Host names are refused: a portal is an
     * address the target binds.
     *
     * @param hostPort the text to parse.
     * @return the portal.
     * @throws IllegalArgumentException with an administrator's message when the text is not an address and port.
     */
    public static PortalConfig parsePortal(final String hostPort)
    {
        final String text = null == hostPort ? "" : hostPort.strip();
        String host = text;
        String port = null;
        if (text.startsWith("["))
        {
            final int close = text.indexOf(']');
            if (close < 0)
            {
                throw new IllegalArgumentException("\"" + hostPort + "\": missing ']' after the IPv6 address");
            }
            host = text.substring(1, close);
            if (close + 1 < text.length())
            {
                if (text.charAt(close + 1) != ':')
                {
                    throw new IllegalArgumentException("\"" + hostPort + "\" is not [IPv6]:PORT");
                }
                port = text.substring(close + 2);
            }
        }
        else if (text.indexOf(':') == text.lastIndexOf(':') && text.indexOf(':') >= 0)
        {
            host = text.substring(0, text.indexOf(':'));
            port = text.substring(text.indexOf(':') + 1);
        }
        final String ipProblem = ipProblem(host);
        if (null != ipProblem)
        {
            throw new IllegalArgumentException(ipProblem);
        }
        int portNumber = DEFAULT_PORT;
        if (null != port)
        {
            try
            {
                portNumber = Integer.parseInt(port);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("\"" + port + "\" is not a TCP port (1..65535)", ex);
            }
            if (portNumber < 1 || portNumber > 65535)
            {
                throw new IllegalArgumentException(portNumber + " is not a TCP port (1..65535)");
            }
        }
        return new PortalConfig(canonicalIp(host), portNumber);
    }

    /** Why {@code ip} is not an IPv4 or IPv6 literal, or null when it is one. */
    static String ipProblem(final String ip)
    {
        if (null == ip || ip.isEmpty())
        {
            return "an IP address is required (0.0.0.0 for every IPv4 address, :: for every IPv6 address)";
        }
        // InetAddress also takes the old BSD forms ("1.2.3" = 1.2.0.3); a portal is written as a dotted quad.
        if (ip.indexOf(':') < 0 && !IPV4.matcher(ip).matches())
        {
            return "\"" + ip + "\" is not an IPv4 or IPv6 address (host names are not accepted: a portal is an " +
                "address to listen on)";
        }
        try
        {
            InetAddress.ofLiteral(ip);
            return null;
        }
        catch (final IllegalArgumentException ex)
        {
            return "\"" + ip + "\" is not an IPv4 or IPv6 address (host names are not accepted: a portal is an " +
                "address to listen on)";
        }
    }

    /** The address as Java prints it (IPv6 compressed form); the text unchanged when it is not a literal. */
    static String canonicalIp(final String ip)
    {
        try
        {
            final InetAddress address = InetAddress.ofLiteral(ip);
            return address instanceof java.net.Inet6Address ? compressIpv6(address.getHostAddress()) : address.getHostAddress();
        }
        catch (final IllegalArgumentException ex)
        {
            return ip;
        }
    }

    private static String compressIpv6(final String full)
    {
        // Java prints 0:0:0:0:0:0:0:1; administrators write ::1. Replace the longest run of zero groups.
        final String[] groups = full.split(":", -1);
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < groups.length; )
        {
            if (groups[i].equals("0"))
            {
                int j = i;
                while (j < groups.length && groups[j].equals("0"))
                {
                    j++;
                }
                if (j - i > bestLength && j - i > 1)
                {
                    bestStart = i;
                    bestLength = j - i;
                }
                i = j;
            }
            else
            {
                i++;
            }
        }
        if (bestStart < 0)
        {
            return full;
        }
        final String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        final String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail;
    }

    /** True when {@code path} (following symbolic links, as /dev/vg0/lv0 is one) is a block device. */
    public static boolean isBlockDevice(final Path path)
    {
        try
        {
            final int mode = (Integer)Files.getAttribute(path, "unix:mode");
            return (mode & 0170000) == 0060000; // S_IFMT, S_IFBLK
        }
        catch (final IOException | UnsupportedOperationException | IllegalArgumentException ex)
        {
            return false;
        }
    }

    /** A random unit serial number (VPD page 0x80): 32 hex digits. */
    public static String generateSerial()
    {
        final byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * A random 8-byte NAA designator (VPD page 0x83) as 16 hex digits. NAA 3 = "locally assigned" (SPC-4
     * 7.8.6.6.4): right for a random identifier, since it claims no IEEE company id.
     */
    public static String generateWwn()
    {
        final byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        bytes[0] = (byte)(0x30 | (bytes[0] & 0x0f));
        return HexFormat.of().formatHex(bytes);
    }

    private static String stableSerial(final String key)
    {
        return sha256Hex("ringtarget demo serial " + key).substring(0, 32);
    }

    private static String stableWwn(final String key)
    {
        // The same demo backstore keeps its identity across restarts, so initiators see the same device again.
        return "3" + sha256Hex("ringtarget demo wwn " + key).substring(0, 15);
    }

    private static String sha256Hex(final String text)
    {
        try
        {
            return HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is required of every JDK", ex);
        }
    }

    /**
     * Fills in the defaults of missing (or null) fields of a configuration JSON tree, in place. Containers of the
     * wrong JSON type are left alone for the binding to report with their path. Problems found on the way
     * (a missing required LUN number, a size that does not parse) are added to {@code problems}.
     */
    static void applyTo(final JsonNode root, final List<ConfigProblem> problems)
    {
        if (!(root instanceof ObjectNode config))
        {
            problems.add(ConfigProblem.error("", "the configuration must be a JSON object { ... }"));
            return;
        }
        final ArrayNode backstores = defaultArray(config, "backstores");
        final ArrayNode targets = defaultArray(config, "targets");
        final ObjectNode discoveryAuth = defaultObject(config, "discoveryAuth");
        final ObjectNode engine = defaultObject(config, "engine");

        if (null != backstores)
        {
            for (int i = 0; i < backstores.size(); i++)
            {
                if (backstores.get(i) instanceof ObjectNode backstore)
                {
                    applyBackstore(backstore, "backstores[" + i + "]", problems);
                }
            }
        }
        if (null != targets)
        {
            for (int i = 0; i < targets.size(); i++)
            {
                if (targets.get(i) instanceof ObjectNode target)
                {
                    applyTarget(target, "targets[" + i + "]", problems);
                }
            }
        }
        if (null != discoveryAuth)
        {
            defaultText(discoveryAuth, "authentication", AUTH_NONE);
        }
        if (null != engine)
        {
            defaultInt(engine, "loops", 0);
            defaultBoolean(engine, "pinCpus", false);
            defaultText(engine, "idleStrategy", IDLE_RING);
            defaultInt(engine, "idleSpinMicros", DEFAULT_IDLE_SPIN_MICROS);
            defaultInt(engine, "nopInIntervalSeconds", DEFAULT_NOP_IN_INTERVAL_SECONDS);
            defaultInt(engine, "nopInTimeoutSeconds", DEFAULT_NOP_IN_TIMEOUT_SECONDS);
        }
    }

    private static void applyBackstore(final ObjectNode backstore, final String path, final List<ConfigProblem> problems)
    {
        final JsonNode type = backstore.get("type");
        final boolean block = null != type && TYPE_BLOCK.equals(type.asText());
        final JsonNode size = backstore.get("sizeBytes");
        if (null != size && size.isTextual())
        {
            // Sizes may be written as in the CLI ("10G"); stored as a number of bytes.
            try
            {
                backstore.put("sizeBytes", Sizes.parse(size.asText()));
            }
            catch (final IllegalArgumentException ex)
            {
                problems.add(ConfigProblem.error(path + ".sizeBytes", ex.getMessage()));
                backstore.put("sizeBytes", 0L);
            }
        }
        defaultLong(backstore, "sizeBytes", 0);
        defaultInt(backstore, "blockSize", block ? AUTO_BLOCK_SIZE : DEFAULT_BLOCK_SIZE);
        defaultBoolean(backstore, "directIo", true);
        defaultBoolean(backstore, "writeCache", false);
    }

    private static void applyTarget(final ObjectNode target, final String path, final List<ConfigProblem> problems)
    {
        final ArrayNode tpgs = defaultArray(target, "tpgs");
        if (null == tpgs)
        {
            return;
        }
        for (int j = 0; j < tpgs.size(); j++)
        {
            if (!(tpgs.get(j) instanceof ObjectNode tpg))
            {
                continue;
            }
            final String tpgPath = path + ".tpgs[" + j + "]";
            defaultInt(tpg, "tag", DEFAULT_TPG_TAG);
            defaultBoolean(tpg, "enabled", true);
            defaultBoolean(tpg, "generateNodeAcls", false);
            defaultText(tpg, "authentication", AUTH_NONE);
            final ArrayNode portals = defaultArray(tpg, "portals");
            if (null != portals)
            {
                for (final JsonNode node : portals)
                {
                    if (node instanceof ObjectNode portal)
                    {
                        defaultText(portal, "ip", DEFAULT_PORTAL_IP);
                        defaultInt(portal, "port", DEFAULT_PORT);
                    }
                }
            }
            final ArrayNode luns = defaultArray(tpg, "luns");
            if (null != luns)
            {
                for (int k = 0; k < luns.size(); k++)
                {
                    if (luns.get(k) instanceof ObjectNode lun)
                    {
                        if (isMissing(lun.get("lun")))
                        {
                            problems.add(ConfigProblem.error(tpgPath + ".luns[" + k + "].lun",
                                "the LUN number is required (0..16383)"));
                            lun.put("lun", -1);
                        }
                        defaultBoolean(lun, "readOnly", false);
                    }
                }
            }
            defaultArray(tpg, "acls");
        }
    }

    private static boolean isMissing(final JsonNode node)
    {
        return null == node || node.isNull();
    }

    private static ArrayNode defaultArray(final ObjectNode parent, final String field)
    {
        if (isMissing(parent.get(field)))
        {
            parent.set(field, JsonNodeFactory.instance.arrayNode());
        }
        return parent.get(field) instanceof ArrayNode array ? array : null;
    }

    private static ObjectNode defaultObject(final ObjectNode parent, final String field)
    {
        if (isMissing(parent.get(field)))
        {
            parent.set(field, JsonNodeFactory.instance.objectNode());
        }
        return parent.get(field) instanceof ObjectNode object ? object : null;
    }

    private static void defaultText(final ObjectNode parent, final String field, final String value)
    {
        if (isMissing(parent.get(field)))
        {
            parent.put(field, value);
        }
    }

    private static void defaultInt(final ObjectNode parent, final String field, final int value)
    {
        if (isMissing(parent.get(field)))
        {
            parent.put(field, value);
        }
    }

    private static void defaultLong(final ObjectNode parent, final String field, final long value)
    {
        if (isMissing(parent.get(field)))
        {
            parent.put(field, value);
        }
    }

    private static void defaultBoolean(final ObjectNode parent, final String field, final boolean value)
    {
        if (isMissing(parent.get(field)))
        {
            parent.put(field, value);
        }
    }
}
