package io.ringtarget.nativetests.clients;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtarget.nativetests.support.ExternalProcess;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.nativetests.support.Tools;
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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * qemu-img with QEMU's own libiscsi block driver (qemu-block-extra), as Proxmox VE and libvirt use it to copy disk
 * images to and from iSCSI LUNs: {@code info} reads the LUN's size, {@code convert} writes an image and skips or
 * zeroes its zero ranges (a second convert over written data must leave zeros there), {@code compare} reads it all
 * back, and {@code map} asks which ranges hold data (GET LBA STATUS: a thin RAM LUN reports the blocks never written
 * or zeroed as deallocated).
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QemuImgOverLibiscsiTest
{
    private static final String TARGET = "iqn.2026-12.io.ringtarget:qemu-img";
    private static final int MIB = 1 << 20;
    private static final long SIZE = 64L * MIB;

    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static TargetServer server;
    private static String url;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws IOException
    {
        Tools.require("qemu-img");
        final int port = Ports.free();
        server = TargetServer.start(new RingtargetConfig(
            List.of(new BackstoreConfig("disk", "ram", null, SIZE, 512, false, false, null, null)),
            List.of(new TargetConfig(TARGET, "qemu-img", List.of(new TpgConfig(1, true,
                List.of(new PortalConfig(Ports.LOOPBACK, port)), List.of(new LunConfig(0, "disk", false)), List.of(),
                true, "none")))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(1, false, "ring", 5, 15)),
            new PrintStream(LOG, true));
        url = Tools.iscsiUrl(port, TARGET, 0);
    }

    @AfterAll
    static void stop()
    {
        if (null != server)
        {
            server.close();
        }
    }

    @Test
    @Order(1)
    void infoReadsTheLunsSize() throws IOException
    {
        final JsonNode info = new ObjectMapper().readTree(qemuImg("info", "--output=json", url));
        assertEquals(SIZE, info.get("virtual-size").asLong(), info.toString());
    }

    @Test
    @Order(2)
    void anImageConvertedOntoTheLunReadsBackWholeAndMapsItsDataAndItsHoles() throws IOException
    {
        // Data in [0, 16 MiB) and [40, 48 MiB), zeros elsewhere.
        final byte[] image = new byte[(int)SIZE];
        fill(image, 0, 16 * MIB, 1);
        fill(image, 40 * MIB, 8 * MIB, 100);
        final Path source = Files.write(dir.resolve("first.raw"), image);
        qemuImg("convert", "-n", "-O", "raw", source.toString(), url);
        assertTrue(qemuImg("compare", source.toString(), url).contains("Images are identical"));
        assertEquals(List.of("0+16 data", "16+24 zero", "40+8 data", "48+16 zero"), map());
    }

    @Test
    @Order(3)
    void aSecondConvertLeavesZerosWhereItsImageHasThem() throws IOException
    {
        // Zeros over [0, 8 MiB) and [40, 48 MiB), which hold data now; new data in [8, 16) and [56, 64 MiB).
        final byte[] image = new byte[(int)SIZE];
        fill(image, 8 * MIB, 8 * MIB, 7);
        fill(image, 56 * MIB, 8 * MIB, 200);
        final Path source = Files.write(dir.resolve("second.raw"), image);
        qemuImg("convert", "-n", "-O", "raw", source.toString(), url);
        assertTrue(qemuImg("compare", source.toString(), url).contains("Images are identical"), LOG::toString);
        // The zeroed ranges were unmapped (WRITE SAME with UNMAP, or UNMAP): the thin LUN holds no storage there.
        assertEquals(List.of("0+8 zero", "8+8 data", "16+40 zero", "56+8 data"), map());
    }

    /** qemu-img map's extents, as "START+LENGTH data|zero" in MiB. */
    private static List<String> map() throws IOException
    {
        final List<String> extents = new ArrayList<>();
        for (final JsonNode e : new ObjectMapper().readTree(qemuImg("map", "--output=json", url)))
        {
            final String kind = e.get("data").asBoolean() ? "data" : "zero";
            final String extent = e.get("start").asLong() / MIB + "+" + e.get("length").asLong() / MIB + " " + kind;
            final int last = extents.size() - 1;
            if (last >= 0 && extents.get(last).endsWith(kind))
            {
                // qemu-img may split one kind of range in two: join them.
                final String[] previous = extents.get(last).split("[+ ]");
                extents.set(last, previous[0] + "+" + (Long.parseLong(previous[1]) + e.get("length").asLong() / MIB) +
                    " " + kind);
            }
            else
            {
                extents.add(extent);
            }
        }
        return extents;
    }

    /** Each 4 KiB block of the range filled with one byte, never 0 (qemu-img skips a zero block as a hole). */
    private static void fill(final byte[] image, final int offset, final int length, final int seed)
    {
        for (int i = 0; i < length; i += 4096)
        {
            Arrays.fill(image, offset + i, offset + i + 4096, (byte)(1 + (seed + i / 4096) % 255));
        }
    }

    private static String qemuImg(final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>(List.of(Tools.require("qemu-img").toString()));
        command.addAll(List.of(args));
        final ExternalProcess.Result r = ExternalProcess.run(Duration.ofMinutes(2), command.toArray(String[]::new));
        if (!r.ok())
        {
            throw new IOException(String.join(" ", command) + " exited " + r.exitCode() + ":\n" + r.output() + "\n" +
                LOG);
        }
        return r.output();
    }
}
