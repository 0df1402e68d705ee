package io.ringtarget.nativetests.clients;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Boot from iSCSI as a diskless machine does: QEMU's own network boot firmware (SeaBIOS and the iPXE option ROM of
 * Debian's ipxe-qemu, under TCG) gets an iPXE script by TFTP (QEMU's user networking) that runs {@code sanboot
 * iscsi:...}; iPXE logs in, hooks the LUN as BIOS drive 0x80 (INT 13h) and boots its MBR. The MBR here is a boot
 * sector of ours that reads sector 2 through INT 13h (iPXE turns it into an iSCSI READ) and prints it to the serial
 * port, waits 8 s, reads and prints sector 3. iPXE never answers NOP-In pings and the engine pings every second
 * here: the second read shows that the session survives them (README, "iPXE").
 */
@Timeout(300)
class IpxeSanBootTest
{
    private static final String TARGET = "iqn.2026-12.io.ringtarget:sanboot";
    private static final String INITIATOR = "iqn.2026-12.io.ringtarget:ipxe-host";
    private static final String MARKER = "7f3a9c";

    /**
     * The boot sector (16-bit real mode, loaded at 0x7c00), assembled with GNU as from this listing:
     * <pre>
     * 7c00 fa             cli
     * 7c01 31 c0          xor  ax,ax
     * 7c03 8e d8          mov  ds,ax
     * 7c05 8e c0          mov  es,ax
     * 7c07 8e d0          mov  ss,ax
     * 7c09 bc 00 7c       mov  sp,0x7c00
     * 7c0c fb             sti
     * 7c0d 88 16 6f 7c    mov  [drive],dl       ; the BIOS drive iPXE boots (0x80)
     * 7c11 b1 02          mov  cl,2             ; sector 2 (LBA 1)
     * 7c13 e8 18 00       call readprint
     * 7c16 8b 1e 6c 04    mov  bx,[0x046c]      ; BIOS tick count, 18.2 a second
     * 7c1a 81 c3 92 00    add  bx,146           ; 8 s
     * 7c1e f4             wait: hlt
     * 7c1f a1 6c 04       mov  ax,[0x046c]
     * 7c22 29 d8          sub  ax,bx
     * 7c24 78 f8          js   wait
     * 7c26 b1 03          mov  cl,3             ; sector 3 (LBA 2)
     * 7c28 e8 03 00       call readprint
     * 7c2b f4             hang: hlt
     * 7c2c eb fd          jmp  hang
     * 7c2e b8 01 02       readprint: mov ax,0x0201   ; INT 13h AH=02h: read one sector
     * 7c31 30 ed          xor  ch,ch            ; cylinder 0
     * 7c33 30 f6          xor  dh,dh            ; head 0
     * 7c35 8a 16 6f 7c    mov  dl,[drive]
     * 7c39 bb 00 7e       mov  bx,0x7e00        ; into 0000:7e00
     * 7c3c cd 13          int  0x13
     * 7c3e fb             sti                   ; a BIOS handler may return with interrupts off (retf 2)
     * 7c3f be 00 7e       mov  si,0x7e00
     * 7c42 73 03          jnc  print
     * 7c44 be 53 7c       mov  si,failed
     * 7c47 ba f8 03       print: mov dx,0x3f8  ; COM1
     * 7c4a ac             next: lodsb
     * 7c4b 84 c0          test al,al
     * 7c4d 74 03          jz   done
     * 7c4f ee             out  dx,al
     * 7c50 eb f8          jmp  next
     * 7c52 c3             done: ret
     * 7c53                failed: "RT-ISCSI-BOOT read failed\r\n", 0
     * 7c6f                drive: 0
     * 7dfe 55 aa
     * </pre>
     */
    private static final byte[] BOOT_CODE = HexFormat.of().parseHex(
        "fa31c08ed88ec08ed0bc007cfb88166f7cb102e818008b1e6c0481c39200f4a16c0429d878f8b103e80300f4ebfd" +
        "b8010230ed30f68a166f7cbb007ecd13fbbe007e7303be537cbaf803ac84c07403eeebf8c3");

    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static TargetServer server;
    private static String serial;
    /** The target's log when the machine had printed all it prints, before it was stopped. */
    private static String logWhileRunning;

    @TempDir
    static Path dir;

    @BeforeAll
    static void bootFromTheLun() throws Exception
    {
        final Path qemu = Tools.require("qemu-system-x86_64");
        final Path disk = dir.resolve("boot.img");
        Files.write(disk, bootDisk());
        final int port = Ports.free();
        // Pings every second, 2 s to answer: iPXE answers none during the boot sector's 8 s wait.
        server = TargetServer.start(new RingtargetConfig(
            List.of(new BackstoreConfig("boot", "fileio", disk.toString(), 0, 512, false, false, null, null)),
            List.of(new TargetConfig(TARGET, "sanboot", List.of(new TpgConfig(1, true,
                List.of(new PortalConfig(Ports.LOOPBACK, port)), List.of(new LunConfig(0, "boot", false)), List.of(),
                true, "none")))),
            new DiscoveryAuthConfig("none", null), new EngineConfig(1, false, "ring", 1, 2)),
            new PrintStream(LOG, true));
        final Path tftp = Files.createDirectories(dir.resolve("tftp"));
        Files.writeString(tftp.resolve("boot.ipxe"), "#!ipxe\n" +
            "echo RT-IPXE script running\n" +
            "set initiator-iqn " + INITIATOR + "\n" +
            // QEMU's user networking: 10.0.2.2 is the host's 127.0.0.1.
            "sanboot iscsi:10.0.2.2::" + port + ":0:" + TARGET + " || echo RT-IPXE sanboot failed\n");
        final Path console = Files.createDirectories(Path.of("target", "ipxe")).resolve("sanboot-serial.log");
        Files.deleteIfExists(console);
        final Process vm = new ProcessBuilder(qemu.toString(), "-accel", "tcg", "-machine", "q35,graphics=off",
            "-m", "256", "-display", "none", "-monitor", "none", "-serial", "file:" + console,
            "-netdev", "user,id=n0,tftp=" + tftp + ",bootfile=boot.ipxe", "-device", "virtio-net-pci,netdev=n0",
            "-boot", "n", "-no-reboot")
            .redirectErrorStream(true).redirectOutput(dir.resolve("qemu.log").toFile()).start();
        try
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            String text = "";
            while (System.nanoTime() - deadline < 0 && vm.isAlive() &&
                !(text.contains("sector 3") || text.contains("read failed") || text.contains("RT-IPXE sanboot failed")))
            {
                Thread.sleep(250);
                text = Files.exists(console) ? Files.readString(console, StandardCharsets.ISO_8859_1) : "";
            }
            Thread.sleep(250);   // the rest of the line
            serial = Files.exists(console) ? Files.readString(console, StandardCharsets.ISO_8859_1) : "";
            logWhileRunning = LOG.toString();
        }
        finally
        {
            vm.destroyForcibly();
            vm.waitFor(30, TimeUnit.SECONDS);
        }
        System.out.println("IpxeSanBootTest, what the machine printed (SeaBIOS, iPXE, the boot sector):\n" +
            serial.replaceAll("\u001b\\[[0-9;?]*[A-Za-z]", "") + "\nThe target's log:\n" + LOG);
    }

    /** 64 MiB (iPXE's INT 13h gives a smaller disk no whole cylinder): the boot sector, then sectors 2 and 3. */
    private static byte[] bootDisk()
    {
        final byte[] disk = new byte[64 << 20];
        System.arraycopy(BOOT_CODE, 0, disk, 0, BOOT_CODE.length);
        final byte[] failed = "RT-ISCSI-BOOT read failed\r\n\0".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(failed, 0, disk, 0x53, failed.length);
        disk[510] = 0x55;
        disk[511] = (byte)0xAA;
        sector(disk, 1, "RT-ISCSI-BOOT sector 2 read through iPXE: " + MARKER + "\r\n");
        sector(disk, 2, "RT-ISCSI-BOOT sector 3 read 8 s later: " + MARKER + "\r\n");
        return disk;
    }

    private static void sector(final byte[] disk, final int lba, final String text)
    {
        final byte[] bytes = (text + "\0").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, disk, lba * 512, bytes.length);
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
    void iPxeBootsTheLunsBootSectorWhichReadsTheLunThroughInt13()
    {
        assertTrue(serial.contains("RT-IPXE script running"), "iPXE ran the script it got by TFTP:\n" + serial);
        assertFalse(serial.contains("read failed") || serial.contains("sanboot failed"), serial + "\n" + LOG);
        assertTrue(serial.contains("RT-ISCSI-BOOT sector 2 read through iPXE: " + MARKER), serial + "\n" + LOG);
        assertTrue(LOG.toString().contains("login: " + INITIATOR + ",i,0x"), LOG.toString());
    }

    @Test
    void theSessionOfAnInitiatorThatAnswersNoPingOutlivesThePingTimeout()
    {
        // 8 s of unanswered NOP-In pings (every 1 s, 2 s timeout) between the two reads, on the same session.
        assertTrue(serial.contains("RT-ISCSI-BOOT sector 3 read 8 s later: " + MARKER), serial + "\n" + LOG);
        final String log = logWhileRunning;
        assertEquals(1, log.lines().filter(l -> l.contains("login: " + INITIATOR)).count(), log);
        assertFalse(log.lines().anyMatch(l -> l.contains(INITIATOR) && l.contains("closing:")), log);
        assertTrue(log.contains("no answer to a NOP-In ping from an initiator that has answered none and never " +
            "pinged (iPXE)"), log);
    }
}
