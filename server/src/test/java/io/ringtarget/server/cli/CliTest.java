package io.ringtarget.server.cli;

import io.ringtarget.server.config.AclConfig;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.ChapConfig;
import io.ringtarget.server.config.ConfigDefaults;
import io.ringtarget.server.config.ConfigFiles;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.ConfigSchema;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.MappedLunConfig;
import io.ringtarget.server.config.BcryptHash;
import io.ringtarget.server.config.MetricsBasicAuthConfig;
import io.ringtarget.server.config.MetricsConfig;
import io.ringtarget.server.config.MetricsTlsConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RbdConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.ringtarget.server.cli.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliTest
{
    private static final String TARGET = "iqn.2026-04.com.example:target1";
    private static final String HOST1 = "iqn.1994-05.com.client:host1";
    private static final String HOST2 = "iqn.1994-05.com.client:host2";

    @TempDir
    Path dir;

    Path config;
    Path disk;

    @BeforeEach
    void paths() throws IOException
    {
        config = dir.resolve("etc/ringtarget/saveconfig.json");
        disk = Files.createDirectories(dir.resolve("var/iscsi_disks")).resolve("disk1.img");
    }

    private CliRunner.Result ok(final String... args)
    {
        final CliRunner.Result result = run(config, args);
        assertEquals(0, result.exitCode(), result::toString);
        return result;
    }

    /** Runs a command that must be refused with exit code 2 and leave the file untouched; returns stderr. */
    private String refused(final String... args) throws IOException
    {
        final byte[] before = Files.exists(config) ? Files.readAllBytes(config) : null;
        final CliRunner.Result result = run(config, args);
        assertEquals(2, result.exitCode(), result::toString);
        if (null == before)
        {
            assertFalse(Files.exists(config), "nothing saved");
        }
        else
        {
            assertArrayEquals(before, Files.readAllBytes(config), "file unchanged");
        }
        return result.err();
    }

    /** The seed guide's targetcli session, command by command. */
    private void targetcliSession()
    {
        assertEquals("Created fileio disk1 with size 10GiB.\n",
            ok("backstores", "fileio", "create", "disk1", disk.toString(), "10G").out());
        assertTrue(ok("iscsi", "create", TARGET).out().startsWith("Created target " + TARGET + ".\nCreated TPG 1.\n"));
        assertEquals("Created network portal 0.0.0.0:3260.\n",
            ok("iscsi", "tpg", "portals", "create", TARGET, "0.0.0.0", "3260").out());
        assertEquals("Created LUN 0 (disk1).\n", ok("iscsi", "tpg", "luns", "create", TARGET, "/backstores/fileio/disk1").out());
        assertEquals("Created Node ACL for " + HOST1 + ".\n", ok("iscsi", "tpg", "acls", "create", TARGET, HOST1).out());
        assertTrue(ok("saveconfig").out().contains("is up to date"));
    }

    @Test
    void targetcliSessionGivesTheSameObjectTree() throws IOException
    {
        targetcliSession();

        final RingtargetConfig saved = ConfigFiles.load(config);
        final BackstoreConfig disk1 = saved.backstores().getFirst();
        assertTrue(disk1.serial().matches("[0-9a-f]{32}"), disk1.serial());
        assertTrue(disk1.wwn().matches("3[0-9a-f]{15}"), disk1.wwn());
        assertEquals(new RingtargetConfig(
                List.of(new BackstoreConfig("disk1", "fileio", disk.toString(), 10L << 30, 512, true, false,
                    disk1.serial(), disk1.wwn())),
                List.of(new TargetConfig(TARGET, null, List.of(new TpgConfig(1, true,
                    List.of(new PortalConfig("0.0.0.0", 3260)), List.of(new LunConfig(0, "disk1", false)),
                    List.of(new AclConfig(HOST1, null)), false, "none")))),
                new DiscoveryAuthConfig("none", null), ConfigDefaults.engine())
                .withStateDirectory(ConfigDefaults.DEFAULT_STATE_DIRECTORY),
            saved);
        final CliRunner.Result validate = ok("config", "validate");
        assertEquals(config + ": valid\n", validate.out());
    }

    @Test
    void multipathPortalsAndChapAfterTheSession() throws IOException
    {
        targetcliSession();

        ok("iscsi", "tpg", "portals", "delete", TARGET, "0.0.0.0");
        ok("iscsi", "tpg", "portals", "create", TARGET, "10.0.1.10", "3260");
        ok("iscsi", "tpg", "portals", "create", TARGET, "10.0.2.10");
        assertEquals("10.0.1.10:3260\n10.0.2.10:3260\n", ok("iscsi", "tpg", "portals", "list", TARGET).out());

        ok("iscsi", "tpg", "acls", "set-auth", TARGET, HOST1, "--chap-user", "host1", "--chap-password", "host1-secret");
        ok("iscsi", "tpg", "acls", "create", TARGET, HOST2, "--chap-user", "host2", "--chap-password", "host2-secret",
            "--mutual-user", "target1", "--mutual-password", "target1-secret");
        assertEquals("TPG 1: authentication chap, generateNodeAcls false, enabled.\n",
            ok("iscsi", "tpg", "set", TARGET, "--authentication", "chap").out());
        ok("discovery-auth", "set", "--authentication", "chap", "--user", "discovery", "--password", "discovery-secret");

        final RingtargetConfig saved = ConfigFiles.load(config);
        final TpgConfig tpg = saved.targets().getFirst().tpgs().getFirst();
        assertEquals(List.of(new PortalConfig("10.0.1.10", 3260), new PortalConfig("10.0.2.10", 3260)), tpg.portals());
        assertEquals(List.of(new AclConfig(HOST1, new ChapConfig("host1", "host1-secret", null, null)),
            new AclConfig(HOST2, new ChapConfig("host2", "host2-secret", "target1", "target1-secret"))), tpg.acls());
        assertEquals("chap", tpg.authentication());
        assertEquals(new DiscoveryAuthConfig("chap", new ChapConfig("discovery", "discovery-secret", null, null)),
            saved.discoveryAuth());
        assertEquals(HOST1 + "  CHAP user host1  all LUNs\n" +
            HOST2 + "  CHAP user host2, mutual user target1  all LUNs\n",
            ok("iscsi", "tpg", "acls", "list", TARGET).out());
        assertTrue(Files.exists(config.resolveSibling("saveconfig.json.bak")));
    }

    @Test
    void anAclsMappedLunsAreSetListedAndFollowDeletedLuns() throws IOException
    {
        targetcliSession();
        ok("backstores", "ram", "create", "r1", "64M");
        ok("backstores", "ram", "create", "r2", "64M");
        assertEquals("Created LUN 1 (r1).\n", ok("iscsi", "tpg", "luns", "create", TARGET, "r1").out());
        assertEquals("Created Node ACL for " + HOST2 + ", seeing LUN 1.\n",
            ok("iscsi", "tpg", "acls", "create", TARGET, HOST2, "--mapped-luns", "lun1").out());
        assertEquals("Created LUN 2 (r2). Not seen by " + HOST2 + " (mapped LUNs of their own: iscsi tpg acls " +
            "set-luns).\n", ok("iscsi", "tpg", "luns", "create", TARGET, "r2").out());
        assertEquals(HOST1 + "  all LUNs\n" + HOST2 + "  LUN 1\n", ok("iscsi", "tpg", "acls", "list", TARGET).out());
        final String tree = ok("ls").out();
        assertTrue(tree.contains("o- " + HOST1 + " ") && tree.contains("[no CHAP]"), tree);
        assertTrue(tree.contains("o- " + HOST2 + " ") && tree.contains("[no CHAP, LUN 1]"), tree);

        assertEquals(HOST2 + " sees LUNs 0, 2 of TPG 1.\n",
            ok("iscsi", "tpg", "acls", "set-luns", TARGET, HOST2, "2,0").out());
        assertEquals(List.of(MappedLunConfig.of(0), MappedLunConfig.of(2)), acl(HOST2).mappedLuns(), "kept in order");
        assertTrue(Files.readString(config).contains("\"mappedLuns\" : [ 0, 2 ]"), "plain numbers, as older versions " +
            "wrote them: " + Files.readString(config));
        assertTrue(refused("iscsi", "tpg", "acls", "set-luns", TARGET, HOST2, "0,5").contains(
            "TPG 1 has no LUN 5 (LUNs: 0, 1, 2)"));
        assertTrue(refused("iscsi", "tpg", "acls", "set-luns", TARGET, HOST2, "0,x").contains(
            "\"x\" is not a LUN number"));
        assertTrue(refused("iscsi", "tpg", "acls", "set-luns", TARGET, HOST2, "0,0").contains("LUN numbers repeat"));
        assertTrue(refused("iscsi", "tpg", "acls", "create", TARGET, "iqn.1994-05.com.client:host3", "--mapped-luns",
            "9").contains("TPG 1 has no LUN 9"));

        assertEquals("Deleted LUN 2. Removed from the mapped LUNs of " + HOST2 + ".\n",
            ok("iscsi", "tpg", "luns", "delete", TARGET, "2").out());
        assertEquals(List.of(MappedLunConfig.of(0)), acl(HOST2).mappedLuns());
        ok("iscsi", "tpg", "luns", "create", TARGET, "r2", "--lun", "2");
        assertEquals(List.of(MappedLunConfig.of(0)), acl(HOST2).mappedLuns(),
            "a new LUN under the old number stays hidden");
        assertEquals("Deleted LUN 0. Removed from the mapped LUNs of " + HOST2 + ".\n",
            ok("iscsi", "tpg", "luns", "delete", TARGET, "0").out());
        assertEquals(List.of(), acl(HOST2).mappedLuns(), "masking never widens: no LUN left, none seen");
        assertEquals(HOST1 + "  all LUNs\n" + HOST2 + "  no LUN\n",
            ok("iscsi", "tpg", "acls", "list", TARGET).out());

        ok("iscsi", "tpg", "acls", "set-luns", TARGET, HOST2, "1,2");
        ok("backstores", "delete", "r2", "--force");
        assertEquals(List.of(MappedLunConfig.of(1)), acl(HOST2).mappedLuns(),
            "a LUN deleted with its backstore leaves the lists too");
        // targetcli's mapped_lun0 -> lun1 with write_protect=1.
        assertEquals(HOST2 + " sees LUN 0 (TPG LUN 1, read-only) of TPG 1.\n",
            ok("iscsi", "tpg", "acls", "set-luns", TARGET, HOST2, "0=1:ro").out());
        assertEquals(List.of(new MappedLunConfig(0, 1, true)), acl(HOST2).mappedLuns());
        assertTrue(Files.readString(config).contains("\"tpgLun\" : 1"), Files.readString(config));
        assertEquals(HOST1 + "  all LUNs\n" + HOST2 + "  LUN 0 (TPG LUN 1, read-only)\n",
            ok("iscsi", "tpg", "acls", "list", TARGET).out());
        assertTrue(refused("iscsi", "tpg", "acls", "set-luns", TARGET, HOST2, "0=1,0=1")
            .contains("LUN numbers repeat"));
        assertTrue(refused("iscsi", "tpg", "acls", "set-luns", TARGET, HOST2, "3=7").contains("TPG 1 has no LUN 7"));
        assertTrue(refused("iscsi", "tpg", "acls", "set-luns", TARGET, HOST2, "0=y").contains("\"0=y\" is not a LUN"));
        assertEquals(HOST2 + " sees all LUNs of TPG 1.\n",
            ok("iscsi", "tpg", "acls", "set-luns", TARGET, HOST2, "all").out());
        assertNull(acl(HOST2).mappedLuns());
        assertFalse(Files.readString(config).contains("mappedLuns"), "all LUNs: the field is left out");
        ok("iscsi", "tpg", "acls", "set-luns", TARGET, HOST2, "none");
        assertTrue(Files.readString(config).contains("\"mappedLuns\" : [ ]"), Files.readString(config));
        ok("iscsi", "tpg", "acls", "set-auth", TARGET, HOST2, "--chap-user", "host2", "--chap-password",
            "host2-secret");
        assertEquals(List.of(), acl(HOST2).mappedLuns(), "CHAP set-auth keeps the mapped LUNs");
    }

    @Test
    void aReadOnlyAclIsCreatedSetListedAndSavedOnlyWhenTrue() throws IOException
    {
        targetcliSession();
        final String backup = "iqn.1994-05.com.client:backup";
        assertEquals("Created Node ACL for " + backup + ", seeing LUN 0, read-only.\n",
            ok("iscsi", "tpg", "acls", "create", TARGET, backup, "--mapped-luns", "0", "--read-only").out());
        assertTrue(acl(backup).readOnlyOrDefault());
        assertTrue(Files.readString(config).contains("\"readOnly\" : true"), Files.readString(config));
        assertEquals(HOST1 + "  all LUNs\n" + backup + "  LUN 0  read-only\n",
            ok("iscsi", "tpg", "acls", "list", TARGET).out());
        assertTrue(ok("ls").out().contains("[no CHAP, LUN 0, read-only]"));

        assertEquals(HOST1 + " may only read its LUNs of TPG 1.\n",
            ok("iscsi", "tpg", "acls", "set-read-only", TARGET, HOST1, "true").out());
        assertEquals(backup + " may write its LUNs of TPG 1.\n",
            ok("iscsi", "tpg", "acls", "set-read-only", TARGET, backup, "false").out());
        assertEquals(new AclConfig(backup, null, List.of(MappedLunConfig.of(0)), null), acl(backup),
            "false is left out of the file");
        assertEquals(List.of(MappedLunConfig.of(0)), acl(backup).mappedLuns(), "set-read-only keeps the mapped LUNs");
        assertTrue(refused("iscsi", "tpg", "acls", "set-read-only", TARGET, HOST1, "maybe").contains("maybe"));
        assertTrue(refused("iscsi", "tpg", "acls", "set-read-only", TARGET, HOST2, "true").contains(
            "TPG 1 has no ACL for " + HOST2));
    }

    @Test
    void aTpgsOwnChapCredentialsLetAnyInitiatorInWithCredentials() throws IOException
    {
        targetcliSession();
        assertTrue(refused("iscsi", "tpg", "set", TARGET, "--generate-node-acls", "true", "--authentication", "chap")
            .contains("without the TPG's own chap credentials"));
        assertEquals("Set the CHAP credentials of TPG 1 for initiators without an ACL.\n",
            ok("iscsi", "tpg", "set-auth", TARGET, "--chap-user", "lab", "--chap-password", "lab-Secret-2026").out());
        ok("iscsi", "tpg", "acls", "set-auth", TARGET, HOST1, "--chap-user", "host1", "--chap-password",
            "host1-secret");
        assertEquals("TPG 1: authentication chap, generateNodeAcls true, enabled.\n",
            ok("iscsi", "tpg", "set", TARGET, "--generate-node-acls", "true", "--authentication", "chap").out());
        final TpgConfig tpg = ConfigFiles.load(config).targets().getFirst().tpgs().getFirst();
        assertEquals(new ChapConfig("lab", "lab-Secret-2026", null, null), tpg.chap());
        final String tree = ok("ls").out();
        assertTrue(tree.contains("auth chap, TPG CHAP user lab]"), tree);
        assertFalse(tree.contains("lab-Secret-2026"), "never the secret");
        assertTrue(refused("iscsi", "tpg", "set-auth", TARGET).contains("without the TPG's own chap credentials"),
            "removing them is refused while generated ACLs need them");
        ok("iscsi", "tpg", "set", TARGET, "--generate-node-acls", "false");
        assertEquals("Removed the CHAP credentials of TPG 1 for initiators without an ACL.\n",
            ok("iscsi", "tpg", "set-auth", TARGET).out());
        assertNull(ConfigFiles.load(config).targets().getFirst().tpgs().getFirst().chap());
    }

    @Test
    void engineSettingsAreSetWithoutEditingTheFileByHand() throws IOException
    {
        targetcliSession();
        assertEquals("Engine: loops 4 pinned, idle busy, receives coalesced 50 us, NOP-In 5s/15s, TCP cubic, " +
            "buffers 24 MiB pinned + 64 MiB spill per loop.\n",
            ok("engine", "set", "--loops", "4", "--pin-cpus", "true", "--idle-strategy", "busy",
                "--tcp-congestion-control", "cubic", "--data-buffers", "128", "--large-transfer-region-mib", "16")
                .out());
        EngineConfig engine = ConfigFiles.load(config).engine();
        assertEquals(new EngineConfig(4, true, "busy", ConfigDefaults.DEFAULT_IDLE_SPIN_MICROS, 5, 15, "cubic", 128,
            16), engine);
        ok("engine", "set", "--tcp-congestion-control", "default", "--data-buffers", "default",
            "--large-transfer-region-mib", "default", "--idle-strategy", "ring", "--idle-spin-micros", "0");
        engine = ConfigFiles.load(config).engine();
        assertEquals(new EngineConfig(4, true, "ring", 0, 5, 15, null, null, null), engine, "defaults left out again");
        assertFalse(Files.readString(config).contains("dataBuffers"));

        assertEquals("Engine: loops 4 pinned, idle ring (polls 0 us), receives coalesced 50 us, NOP-In 5s/15s, " +
            "buffers 48 MiB pinned per loop, no spill region.\n", ok("engine", "set", "--spill-region-mib", "0").out());
        assertEquals(Integer.valueOf(0), ConfigFiles.load(config).engine().spillRegionMiB());
        assertTrue(Files.readString(config).contains("\"spillRegionMiB\" : 0"), "saved");
        ok("engine", "set", "--spill-region-mib", "default");
        assertNull(ConfigFiles.load(config).engine().spillRegionMiB(), "the default left out again");
        assertTrue(refused("engine", "set", "--spill-region-mib", "-1").contains("spillRegionMiB"));

        assertTrue(ok("engine", "set", "--receive-coalescing-micros", "0").out().contains(", no receive coalescing,"));
        assertEquals(Integer.valueOf(0), ConfigFiles.load(config).engine().receiveCoalescingMicros());
        assertTrue(Files.readString(config).contains("\"receiveCoalescingMicros\" : 0"), "saved");
        ok("engine", "set", "--receive-coalescing-micros", "default");
        assertNull(ConfigFiles.load(config).engine().receiveCoalescingMicros(), "the default left out again");
        assertTrue(refused("engine", "set", "--receive-coalescing-micros", "20000").contains(
            "engine.receiveCoalescingMicros: 20000 is not a receive coalescing time in microseconds (0..10000)"));

        assertTrue(refused("engine", "set").contains("nothing to set"));
        assertTrue(refused("engine", "set", "--idle-strategy", "spin").contains(
            "engine.idleStrategy: unknown idleStrategy \"spin\": one of ring, busy, backoff"));
        assertTrue(refused("engine", "set", "--data-buffers", "8").contains(
            "engine.dataBuffers: 8 is not a number of 64 KiB data buffers per loop (16..8192)"));
        assertTrue(refused("engine", "set", "--data-buffers", "many").contains("\"many\" is not a number"));
    }

    private AclConfig acl(final String initiator) throws IOException
    {
        return ConfigFiles.load(config).targets().getFirst().tpgs().getFirst().acls().stream()
            .filter(a -> a.initiatorIqn().equals(initiator)).findFirst().orElseThrow();
    }

    @Test
    void editsThatCannotBeMadeAreRefusedWithTheReason() throws IOException
    {
        targetcliSession();

        assertTrue(refused("backstores", "delete", "disk1").contains(
            "backstore \"disk1\" is used by " + TARGET + " tpg 1 LUN 0; delete that LUN first"));
        assertTrue(refused("iscsi", "tpg", "luns", "create", TARGET, "disk9").contains(
            "no backstore named \"disk9\" (backstores: disk1)"));
        assertTrue(refused("iscsi", "tpg", "luns", "create", TARGET, "disk1", "--lun", "0").contains(
            "LUN 0 exists already in TPG 1"));
        assertTrue(refused("iscsi", "create", TARGET).contains("target " + TARGET + " exists already"));
        assertTrue(refused("iscsi", "create", "iqn.2026-04.com.Example:t2").contains("iSCSI names are lowercase"));
        assertTrue(refused("iscsi", "tpg", "portals", "create", TARGET, "0.0.0.0", "3260").contains(
            "portal 0.0.0.0:3260 exists already"));
        assertTrue(refused("iscsi", "tpg", "portals", "create", TARGET, "storage.example.com").contains(
            "is not an IPv4 or IPv6 address"));
        assertTrue(refused("iscsi", "tpg", "portals", "create", TARGET, "fe80::1").contains(
            "targets[0] (" + TARGET + ").tpgs[0].portals[1].ip: link-local IPv6 portals are not supported: \"fe80::1\""));
        assertTrue(refused("iscsi", "tpg", "portals", "create", TARGET, "10.0.1.10", "70000").contains(
            "70000 is not a TCP port"));
        assertTrue(refused("iscsi", "tpg", "portals", "create", TARGET, "10.0.1.10", "--tpg", "2").contains(
            "target " + TARGET + " has no TPG 2 (TPGs: 1)"));
        assertTrue(refused("iscsi", "tpg", "acls", "create", TARGET, HOST2, "--chap-user", "host2",
            "--chap-password", "short").contains(
            "targets[0] (" + TARGET + ").tpgs[0].acls[1] (" + HOST2 + ").chap.password: at least 12 characters"));
        assertTrue(refused("iscsi", "tpg", "acls", "create", TARGET, HOST2, "--chap-user", "host2").contains(
            "CHAP needs both --chap-user and --chap-password"));
        assertTrue(refused("iscsi", "tpg", "acls", "create", TARGET, HOST2, "--chap-user", "host2", "--chap-password",
            "host2-secret", "--mutual-user", "t", "--mutual-password", "host2-secret").contains(
            "targets[0] (" + TARGET + ").tpgs[0].acls[1] (" + HOST2 + ").chap.mutualPassword: " +
                "must differ from password"));
        assertTrue(refused("iscsi", "tpg", "set", TARGET, "--authentication", "chap").contains(
            "targets[0] (" + TARGET + ").tpgs[0].acls[0] (" + HOST1 + ").chap: required: the TPG's authentication " +
                "is \"chap\""));
        assertTrue(refused("iscsi", "tpg", "set", TARGET, "--authentication", "kerberos").contains(
            "targets[0] (" + TARGET + ").tpgs[0].authentication: unknown authentication \"kerberos\": " +
                "one of none, chap"));
        assertTrue(refused("iscsi", "tpg", "set", TARGET).contains("nothing to set"));
        assertTrue(refused("discovery-auth", "set", "--authentication", "chap").contains(
            "discoveryAuth.chap: required: discovery authentication is \"chap\""));
        assertTrue(refused("backstores", "fileio", "create", "disk2", dir.resolve("missing/d.img").toString(), "1G")
            .contains("backstores[1] (disk2).path: directory \"" + dir.resolve("missing") + "\" does not exist"));
        assertTrue(refused("backstores", "fileio", "create", "disk1", dir.resolve("d2.img").toString(), "1G").contains(
            "a backstore named \"disk1\" exists already"));
        final Path regular = Files.write(dir.resolve("regular.img"), new byte[4096]);
        assertTrue(refused("backstores", "block", "create", "lv0", regular.toString()).contains(
            "backstores[1] (lv0).path: \"" + regular + "\" is not a block device (a regular file: use type \"fileio\")"));
        assertTrue(refused("backstores", "block", "create", "lv0", disk.toString()).contains(
            "backstores[1] (lv0).path: \"" + disk + "\" does not exist"));
        assertTrue(refused("backstores", "ram", "create", "r", "lots").contains("\"lots\" is not a size"));
        assertTrue(refused("backstores", "ram", "create", "r", "1G", "--block-size", "1000").contains(
            "backstores[1] (r).blockSize: 1000 is not one of 512, 1024, 2048, 4096"));
        assertTrue(refused("iscsi", "tpg", "luns", "delete", TARGET, "7").contains("TPG 1 has no LUN 7 (LUNs: 0)"));
        assertTrue(refused("iscsi", "delete", "iqn.2026-04.com.example:nope").contains(
            "no target iqn.2026-04.com.example:nope (targets: " + TARGET + ")"));
        assertTrue(refused("iscsi", "frobnicate").contains("Unmatched argument"));
    }

    @Test
    void whatWouldCorruptOrChangeDataIsRefused() throws IOException
    {
        Files.write(disk, new byte[1 << 20]);
        ok("backstores", "fileio", "create", "disk1", disk.toString());

        final Path link = Files.createSymbolicLink(dir.resolve("disk1-link.img"), disk);
        assertTrue(refused("backstores", "fileio", "create", "disk2", link.toString()).contains(
            "backstores[1] (disk2).path: \"" + link + "\" is the same file or device as backstores[0] (disk1): two " +
                "backstores writing the same data corrupt it"));
        assertTrue(refused("backstores", "fileio", "create", "sdz", "/dev/sdz", "1G").contains(
            "backstores[1] (sdz).path: \"/dev/sdz\" is under /dev: a fileio backstore is a regular file; for a device " +
                "use type \"block\" (and \"/dev/sdz\" does not exist)"));
        final Path small = Files.write(dir.resolve("small.img"), new byte[1 << 20]);
        assertTrue(refused("backstores", "fileio", "create", "small", small.toString(), "1G").contains(
            "backstores[1] (small).sizeBytes: \"" + small + "\" is 1MiB, smaller than 1GiB: an existing file is not " +
                "grown unless asked (\"grow\": true in the file, --grow on the command line)"));

        ok("backstores", "fileio", "create", "small", small.toString(), "1G", "--grow");
        assertTrue(ConfigFiles.load(config).backstores().get(1).grow());
        assertEquals(1 << 20, Files.size(small), "the target grows it when it starts, the CLI does not");

        final CliRunner.Result demo = run("demo", "--dry-run", "--backstore", small.toString(), "--size", "2G");
        assertEquals(2, demo.exitCode(), demo::toString);
        assertTrue(demo.err().contains("is 1MiB, smaller than 2GiB"), demo::toString);
        assertEquals(0, run("demo", "--dry-run", "--backstore", small.toString(), "--size", "2G", "--grow").exitCode());
    }

    @Test
    void deletesUndoTheSession() throws IOException
    {
        targetcliSession();

        ok("iscsi", "tpg", "acls", "delete", TARGET, HOST1);
        ok("iscsi", "tpg", "luns", "delete", TARGET, "lun0");
        ok("backstores", "delete", "disk1");
        ok("iscsi", "delete", TARGET);

        assertEquals(ConfigDefaults.empty(), ConfigFiles.load(config));
        assertEquals("No backstores.\n", ok("backstores", "list").out());
        assertEquals("No targets.\n", ok("iscsi", "list").out());
    }

    @Test
    void lunsAndBackstoresOfEveryType() throws IOException
    {
        ok("backstores", "ram", "create", "scratch", "64M", "--soft-threshold", "80", "--available-threshold", "10");
        assertTrue(refused("backstores", "ram", "create", "scratch3", "64M", "--available-threshold", "101")
            .contains("availableThresholdPercent"));
        assertTrue(refused("backstores", "ram", "create", "scratch2", "64M", "--soft-threshold", "0")
            .contains("softThresholdPercent"));
        ok("backstores", "fileio", "create", "buffered", disk.toString(), "1G", "--buffered", "--block-size", "4096",
            "--serial", "disk-serial-1", "--wwn", "3000000000000001");
        ok("backstores", "ram", "create", "small-pages", "8M", "--no-huge-pages");
        final String created = ok("iscsi", "create").out();
        final String generated = ConfigFiles.load(config).targets().getFirst().iqn();
        assertTrue(generated.matches("iqn\\.2026-11\\.io\\.ringtarget:[0-9a-f]{12}"), generated);
        assertTrue(created.startsWith("Created target " + generated + ".\n"), created);
        ok("iscsi", "tpg", "luns", "create", generated, "scratch");
        assertEquals("Created LUN 5 (buffered, read-only).\n",
            ok("iscsi", "tpg", "luns", "create", generated, "buffered", "--lun", "5", "--read-only").out());
        ok("iscsi", "tpg", "set", generated, "--generate-node-acls", "true");

        final RingtargetConfig saved = ConfigFiles.load(config);
        assertEquals(new BackstoreConfig("buffered", "fileio", disk.toString(), 1L << 30, 4096, false, false,
            "disk-serial-1", "3000000000000001"), saved.backstores().get(1));
        assertEquals(64L << 20, saved.backstores().getFirst().sizeBytes());
        assertEquals(80, saved.backstores().getFirst().softThresholdPercent());
        assertEquals(10, saved.backstores().getFirst().availableThresholdPercent());
        assertEquals(true, saved.backstores().getFirst().hugePages(), "a ram backstore's default, written");
        assertEquals(null, saved.backstores().get(1).hugePages(), "not written for a file");
        assertEquals(false, saved.backstores().get(2).hugePages());
        final TpgConfig tpg = saved.targets().getFirst().tpgs().getFirst();
        assertEquals(List.of(new LunConfig(0, "scratch", false), new LunConfig(5, "buffered", true)), tpg.luns());
        assertTrue(tpg.generateNodeAcls());
        assertEquals("lun0  scratch\nlun5  buffered  read-only\n", ok("iscsi", "tpg", "luns", "list", generated).out());
        final String list = ok("backstores", "list").out();
        assertTrue(list.contains("scratch  [ram (64MiB) 512B blocks write-thru huge-pages soft-threshold 80% " +
            "available-threshold 10%]  used by " +
            generated + " tpg 1 LUN 0"), list);
        assertTrue(list.contains("small-pages  [ram (8MiB) 512B blocks write-thru]"), list);
    }

    @Test
    void rbdBackstoresNameTheirImageAndCluster() throws IOException
    {
        final Path conf = Files.writeString(dir.resolve("ceph.conf"), "[global]\nmon host = v2:127.0.0.1:3300\n");
        final Path keyring = Files.writeString(dir.resolve("ceph.client.iscsi.keyring"), "[client.iscsi]\n");
        assertTrue(refused("backstores", "rbd", "create", "vm1", "rbd/vm1", "--ceph-conf", conf.toString(),
            "--keyring", dir.resolve("missing.keyring").toString()).contains("missing.keyring\" cannot be read"));
        assertEquals("Created rbd backstore vm1 on image rbd/vm1.\n", ok("backstores", "rbd", "create", "vm1", "rbd/vm1",
            "--ceph-conf", conf.toString(), "--ceph-id", "iscsi", "--keyring", keyring.toString(),
            "--write-cache").out());
        ok("backstores", "rbd", "create", "vm2", "rbd/vm2", "--ceph-conf", conf.toString());
        final RingtargetConfig saved = ConfigFiles.load(config);
        assertEquals(BackstoreConfig.rbd("vm1", new RbdConfig("rbd/vm1", conf.toString(), "iscsi", keyring.toString()),
            512, true, null, null), saved.backstores().getFirst());
        // No serial or WWN in the file: both come from the image, the same through every gateway.
        assertNull(saved.backstores().get(1).serial());
        assertEquals("admin", saved.backstores().get(1).rbd().cephId());
        assertTrue(ok("backstores", "list").out().contains(
            "vm2  [rbd rbd/vm2 client.admin conf " + conf + " (own size) 512B blocks write-thru]  (not used)"));
        assertTrue(refused("backstores", "rbd", "create", "vm3", "rbd/vm1", "--ceph-conf", conf.toString())
            .contains("\"rbd/vm1\" is the image of backstores[0] (vm1) too"));
        assertTrue(refused("backstores", "rbd", "create", "vm4", "vm4", "--ceph-conf", conf.toString())
            .contains("\"vm4\" is not an image: POOL/IMAGE"));
        // A namespace's image, and a snapshot: read-only, and another image than its head for the duplicate rule.
        ok("backstores", "rbd", "create", "t1", "rbd/tenant1/vm1", "--ceph-conf", conf.toString());
        assertEquals("Created rbd backstore vm1-monday on snapshot rbd/vm1@monday (read-only).\n",
            ok("backstores", "rbd", "create", "vm1-monday", "rbd/vm1@monday", "--ceph-conf", conf.toString()).out());
        final String list = ok("backstores", "list").out();
        assertTrue(list.contains("vm1-monday  [rbd rbd/vm1@monday client.admin conf " + conf +
            " snapshot, read-only (own size) 512B blocks write-thru]  (not used)"), list);
        // ls shows rbd backstores in a folder of their own, as the other types.
        final String tree = ok("ls").out();
        assertTrue(tree.lines().anyMatch(l -> l.contains("o- rbd .") && l.endsWith("[Storage Objects: 4]")) &&
            tree.contains("o- vm1-monday ... [rbd rbd/vm1@monday client.admin"), tree);
        assertTrue(refused("backstores", "rbd", "create", "vm6", "rbd/a/b/vm6", "--ceph-conf", conf.toString())
            .contains("\"rbd/a/b/vm6\" is not an image: POOL/IMAGE or POOL/NAMESPACE/IMAGE"));
        assertTrue(refused("backstores", "rbd", "create", "vm7", "rbd/vm7@", "--ceph-conf", conf.toString())
            .contains("\"rbd/vm7@\" is not an image"));
        assertEquals(2, run("backstores", "rbd", "create", "vm5", "rbd/vm5").exitCode(), "--ceph-conf is required");
        // Its size is the image's: `rbd resize` grows it, and the target notices.
        assertTrue(refused("backstores", "resize", "vm2", "1G").contains("is an RBD image: it has the image's size"));
    }

    @Test
    void showPrintsTheTreeWithoutSecrets() throws IOException
    {
        targetcliSession();
        ok("iscsi", "tpg", "acls", "set-auth", TARGET, HOST1, "--chap-user", "host1", "--chap-password", "host1-secret");

        final String tree = ok("config", "show").out();
        assertTrue(tree.startsWith("o- /"), tree);
        assertTrue(tree.contains("  | | o- disk1 ."), tree);
        assertTrue(tree.contains("    o- " + TARGET + " ."), tree);
        assertTrue(tree.contains("      o- tpg1 ."), tree);
        assertTrue(tree.contains("        | o- " + HOST1 + " .") && tree.contains("[CHAP user host1]"), tree);
        assertTrue(tree.contains("        | o- lun0 .") && tree.contains("[fileio/disk1 (" + disk + ")]"), tree);
        assertTrue(tree.contains("          o- 0.0.0.0:3260 .") && tree.endsWith("[OK]\n"), tree);
        assertFalse(tree.contains("host1-secret"), tree);

        final String json = ok("config", "show", "--json").out();
        assertTrue(json.contains("\"password\" : \"********\""), json);
        assertFalse(json.contains("host1-secret"), json);
    }

    @Test
    void metricsSetEditsTheEndpointAndRefusesWhatCannotServe() throws IOException
    {
        targetcliSession();
        assertEquals("Metrics: http://127.0.0.1:9287/metrics, user prometheus.\n", ok("metrics", "set", "--listen",
            "127.0.0.1:9287", "--user", "prometheus", "--password", "metrics-Secret-26").out());
        assertEquals(new MetricsConfig("127.0.0.1:9287", null, new MetricsBasicAuthConfig("prometheus",
            "metrics-Secret-26")), ConfigFiles.load(config).metrics());
        assertTrue(refused("metrics", "set", "--tls-certificate", "/nonexistent/metrics.crt", "--tls-key",
            "/nonexistent/metrics.key").contains("cannot read the certificate /nonexistent/metrics.crt"));
        assertTrue(refused("metrics", "set", "--tls-certificate", "/etc/hostname").contains("go together"));
        assertTrue(refused("metrics", "set", "--user", "u", "--password", "short").contains("at least 12 characters"));
        assertTrue(refused("metrics", "set").contains("nothing to set"));
        assertEquals("Metrics: http://127.0.0.1:9287/metrics.\n", ok("metrics", "set", "--no-auth").out());
        assertEquals(new MetricsConfig("127.0.0.1:9287"), ConfigFiles.load(config).metrics());
        assertEquals("Metrics: off.\n", ok("metrics", "set", "--listen", "off").out());
    }

    @Test
    void theMetricsPasswordMayBeABcryptHashWhichHashPasswordMakes() throws IOException
    {
        targetcliSession();
        final java.io.InputStream stdin = System.in;
        final String hash;
        try
        {
            System.setIn(new java.io.ByteArrayInputStream("metrics-Secret-26\n".getBytes(
                java.nio.charset.StandardCharsets.UTF_8)));
            hash = CliRunner.run("metrics", "hash-password", "--cost", "4").out().strip();
        }
        finally
        {
            System.setIn(stdin);
        }
        assertTrue(hash.startsWith("$2y$04$") && BcryptHash.matches("metrics-Secret-26", hash), hash);

        assertEquals("Metrics: http://127.0.0.1:9287/metrics, user prometheus.\n", ok("metrics", "set", "--listen",
            "127.0.0.1:9287", "--user", "prometheus", "--password-hash", hash).out());
        // Saved, and read back through the schema as any file is.
        assertEquals(new MetricsConfig("127.0.0.1:9287", null, MetricsBasicAuthConfig.hashed("prometheus", hash)),
            ConfigFiles.load(config).metrics());
        final String json = ok("config", "show", "--json").out();
        assertTrue(json.contains("\"passwordHash\" : \"********\"") && !json.contains(hash), json);
        assertTrue(refused("metrics", "set", "--user", "u", "--password-hash", "not-a-hash")
            .contains("is not a password hash"));
        assertTrue(refused("metrics", "set", "--user", "u", "--password", "metrics-Secret-26", "--password-hash",
            hash).contains("not both"));
        assertTrue(refused("metrics", "set", "--password-hash", hash).contains("--user goes with"));
    }

    @Test
    void theMetricsPasswordIsNeverShown() throws IOException
    {
        targetcliSession();
        ConfigFiles.save(ConfigFiles.load(config).withMetrics(new MetricsConfig("127.0.0.1:9287",
            new MetricsTlsConfig("/etc/ringtarget/metrics.crt", "/etc/ringtarget/metrics.key"),
            new MetricsBasicAuthConfig("prometheus", "metrics-Secret-26"))), config);

        final String tree = ok("config", "show").out();
        assertTrue(tree.contains("listen 127.0.0.1:9287, TLS, basic auth user prometheus"), tree);
        final String json = ok("config", "show", "--json").out();
        assertTrue(json.contains("\"username\" : \"prometheus\"") && json.contains("\"password\" : \"********\""),
            json);
        assertFalse(json.contains("metrics-Secret-26") || tree.contains("metrics-Secret-26"), json);
        assertTrue(Files.readString(config).contains("metrics-Secret-26"), "kept in the file (mode 0600)");
    }

    @Test
    void serveRefusesAnInvalidConfigurationWithThePathAndExitCode2() throws IOException
    {
        Files.createDirectories(config.getParent());
        Files.writeString(config, """
            { "targets": [ { "iqn": "iqn.2026-04.com.example:t",
                "tpgs": [ { "portals": [ { "ip": "127.0.0.1", "port": 3260 } ], "generateNodeAcls": true,
                            "luns": [ { "lun": 0, "backstore": "disk9" } ] } ] } ] }
            """);

        final CliRunner.Result result = run(config, "serve");

        assertEquals(2, result.exitCode(), result::toString);
        assertTrue(result.err().contains(
            "targets[0] (iqn.2026-04.com.example:t).tpgs[0].luns[0].backstore: no backstore named \"disk9\""), result::toString);
        // Not started: the engine would have been asked (and, until it exists, have failed with exit code 1).
        assertFalse(result.err().contains("cannot start"), result::toString);
        assertEquals("", result.out());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{ \"targets\": [ { \"iqn\": \"iqn.2026-04.com.example:t\", \"tpgs\": [ { \"portal\": [] } ] } ] }" +
            " | targets[0] (iqn.2026-04.com.example:t).tpgs[0].portal: unknown field \"portal\"",
        "{ \"backstores\": [ { \"name\": \"a\", \"type\": \"ram\", }" +
            " | malformed JSON at line 1, column 49",
        "{ \"backstores\": [ { \"name\": \"a\", \"type\": \"ram\" } ] }" +
            " | backstores[0] (a).sizeBytes: a ram backstore needs a size > 0",
    })
    void serveAndValidateRefuseBadFilesWithThePath(final String json, final String message) throws IOException
    {
        Files.createDirectories(config.getParent());
        Files.writeString(config, json);

        final CliRunner.Result serve = run(config, "serve");
        assertEquals(2, serve.exitCode(), serve::toString);
        assertTrue(serve.err().contains(message), serve::toString);
        assertFalse(serve.err().contains("cannot start"), serve::toString);

        final CliRunner.Result validate = run(config, "config", "validate");
        assertEquals(2, validate.exitCode(), validate::toString);
        assertTrue(validate.err().contains(message), validate::toString);
    }

    @Test
    void validateReportsWarningsButSucceeds() throws IOException
    {
        ok("iscsi", "create", TARGET);

        final CliRunner.Result result = ok("config", "validate");

        assertTrue(result.out().contains("warning: targets[0] (" + TARGET + ").tpgs[0].portals: no portal"), result::toString);
        assertTrue(result.out().endsWith(config + ": valid (2 warnings)\n"), result::toString);
    }

    @Test
    void missingFileIsReported()
    {
        final CliRunner.Result result = run(config, "config", "validate");
        assertEquals(1, result.exitCode(), result::toString);
        assertEquals("ringtarget: " + config + ": no such file\n", result.err());
    }

    @Test
    void errorsAlreadyInTheFileDoNotBlockItsRepair() throws IOException
    {
        final Path gone = dir.resolve("gone.img");
        ok("backstores", "fileio", "create", "disk1", gone.toString(), "1G");
        ok("iscsi", "create", TARGET);
        ok("iscsi", "tpg", "luns", "create", TARGET, "disk1");
        // The file's directory disappears behind the configuration's back.
        final String json = Files.readString(config).replace(gone.toString(), dir.resolve("no/dir/gone.img").toString());
        Files.writeString(config, json);

        final CliRunner.Result deleteLun = ok("iscsi", "tpg", "luns", "delete", TARGET, "0");
        assertTrue(deleteLun.err().contains("still to fix"), deleteLun::toString);
        ok("backstores", "delete", "disk1");
        assertEquals(0, run(config, "config", "validate").exitCode());
    }

    @Test
    void demoDryRunPrintsHowToConnect()
    {
        final CliRunner.Result result = run("demo", "--dry-run", "--size", "2G", "--loops", "1");

        assertEquals(0, result.exitCode(), result::toString);
        final String out = result.out();
        final String url = "iscsi://127.0.0.1:3260/iqn.2026-11.io.ringtarget:demo/0";
        assertTrue(out.contains("\"sizeBytes\" : 2147483648"), out);
        assertTrue(out.contains("\"loops\" : 1"), out);
        assertTrue(out.contains("iscsiadm -m discovery -t sendtargets -p 127.0.0.1:3260\n"), out);
        assertTrue(out.contains("iscsiadm -m node -T iqn.2026-11.io.ringtarget:demo -p 127.0.0.1:3260 --login\n"), out);
        assertTrue(out.contains("libiscsi:    " + url + "\n"), out);
        assertTrue(out.contains("iscsi-inq " + url + "\n"), out);
        assertTrue(out.contains("--ioengine=libiscsi --filename='iscsi\\://127.0.0.1\\:3260/iqn.2026-11.io.ringtarget\\:demo/0'"), out);
    }

    @Test
    void demoOptionsAreChecked() throws IOException
    {
        final CliRunner.Result badPortal = run("demo", "--dry-run", "--portal", "localhost:3260");
        assertEquals(2, badPortal.exitCode(), badPortal::toString);
        assertTrue(badPortal.err().contains("--portal: \"localhost\" is not an IPv4 or IPv6 address"), badPortal::toString);

        final CliRunner.Result ipv6 = run("demo", "--dry-run", "--portal", "[::1]:3260");
        assertEquals(0, ipv6.exitCode(), ipv6::toString);
        assertTrue(ipv6.out().contains("\"ip\" : \"::1\""), ipv6::toString);
        final CliRunner.Result linkLocal = run("demo", "--dry-run", "--portal", "[fe80::1]:3260");
        assertEquals(2, linkLocal.exitCode(), linkLocal::toString);
        assertEquals("", linkLocal.out(), "nothing printed to connect to");

        final CliRunner.Result badSize = run("demo", "--dry-run", "--size", "huge");
        assertEquals(2, badSize.exitCode(), badSize::toString);

        final Path file = Files.write(dir.resolve("demo.img"), new byte[1 << 20]);
        final CliRunner.Result onFile = run("demo", "--dry-run", "--backstore", file.toString(), "--portal", "0.0.0.0:3270");
        assertEquals(0, onFile.exitCode(), onFile::toString);
        assertTrue(onFile.out().contains("\"type\" : \"fileio\""), onFile::toString);
        assertTrue(onFile.out().contains("-p 127.0.0.1:3270\n"), onFile::toString);
        assertTrue(onFile.out().contains("\"writeCache\" : false"), onFile::toString);

        final CliRunner.Result writeBack = run("demo", "--dry-run", "--backstore", file.toString(), "--write-cache");
        assertEquals(0, writeBack.exitCode(), writeBack::toString);
        assertTrue(writeBack.out().contains("\"writeCache\" : true"), writeBack::toString);

        final CliRunner.Result huge = run("demo", "--dry-run");
        assertEquals(0, huge.exitCode(), huge::toString);
        assertTrue(huge.out().contains("\"hugePages\" : true"), "the RAM LUN's default: " + huge);
        assertFalse(onFile.out().contains("hugePages"), "a file has no pages of the target's: " + onFile);
        final CliRunner.Result small = run("demo", "--dry-run", "--no-huge-pages");
        assertEquals(0, small.exitCode(), small::toString);
        assertTrue(small.out().contains("\"hugePages\" : false"), small::toString);
        final CliRunner.Result smallOnFile =
            run("demo", "--dry-run", "--backstore", file.toString(), "--no-huge-pages");
        assertEquals(2, smallOnFile.exitCode(), smallOnFile::toString);
        assertTrue(smallOnFile.err().contains("--no-huge-pages: only the RAM LUN's memory"), smallOnFile::toString);

        final CliRunner.Result polling = run("demo", "--dry-run", "--loops", "1", "--idle-strategy", "busy");
        assertEquals(0, polling.exitCode(), polling::toString);
        assertTrue(polling.out().contains("\"idleStrategy\" : \"busy\""), polling::toString);
        final CliRunner.Result badIdle = run("demo", "--dry-run", "--idle-strategy", "spin");
        assertEquals(2, badIdle.exitCode(), badIdle::toString);
        assertTrue(badIdle.err().contains("idleStrategy"), badIdle::toString);
        final CliRunner.Result noSpin = run("demo", "--dry-run", "--idle-spin-micros", "0");
        assertEquals(0, noSpin.exitCode(), noSpin::toString);
        assertTrue(noSpin.out().contains("\"idleSpinMicros\" : 0"), noSpin::toString);
        assertTrue(polling.out().contains("\"idleSpinMicros\" : 50"), "the engine's default: " + polling);
        final CliRunner.Result longSpin = run("demo", "--dry-run", "--idle-spin-micros", "20000");
        assertEquals(2, longSpin.exitCode(), longSpin::toString);
        assertTrue(longSpin.err().contains("engine.idleSpinMicros: 20000 is not a polling time in microseconds"),
            longSpin::toString);

        final CliRunner.Result reno = run("demo", "--dry-run", "--tcp-congestion-control", "reno");
        assertEquals(0, reno.exitCode(), reno::toString);
        assertTrue(reno.out().contains("\"tcpCongestionControl\" : \"reno\""), reno::toString);
        final CliRunner.Result noSuch = run("demo", "--dry-run", "--tcp-congestion-control", "nosuchcc");
        assertEquals(2, noSuch.exitCode(), noSuch::toString);
        assertTrue(noSuch.err().contains("engine.tcpCongestionControl: \"nosuchcc\" is not a TCP congestion control"),
            noSuch::toString);

        final CliRunner.Result burst = run("demo", "--dry-run", "--parameter", "FirstBurstLength=16384",
            "--parameter", "ImmediateData=No");
        assertEquals(0, burst.exitCode(), burst::toString);
        assertTrue(burst.out().contains("\"FirstBurstLength\" : 16384"), burst::toString);
        assertTrue(burst.out().contains("\"ImmediateData\" : \"No\""), burst::toString);
        final CliRunner.Result badBurst = run("demo", "--dry-run", "--parameter", "FirstBurstLength=100");
        assertEquals(2, badBurst.exitCode(), badBurst::toString);
        assertTrue(badBurst.err().contains("parameters.FirstBurstLength"), badBurst::toString);
    }

    @Test
    void demoServesAnRbdImage() throws IOException
    {
        final Path conf = Files.writeString(dir.resolve("ceph.conf"), "[global]\n");
        final CliRunner.Result rbd = run("demo", "--dry-run", "--backstore", "rbd:rbd/demo", "--ceph-conf",
            conf.toString(), "--ceph-id", "iscsi", "--write-cache");
        assertEquals(0, rbd.exitCode(), rbd::toString);
        assertTrue(rbd.out().contains("\"type\" : \"rbd\""), rbd::toString);
        assertTrue(rbd.out().contains("\"image\" : \"rbd/demo\""), rbd::toString);
        assertTrue(rbd.out().contains("\"cephId\" : \"iscsi\""), rbd::toString);
        assertTrue(rbd.out().contains("\"writeCache\" : true"), rbd::toString);
        assertFalse(rbd.out().contains("\"serial\""), "the identity comes from the image");
        assertTrue(rbd.out().contains("LUN 0 = rbd rbd/demo"), rbd::toString);

        final CliRunner.Result noConf = run("demo", "--dry-run", "--backstore", "rbd:rbd/demo");
        assertEquals(2, noConf.exitCode(), noConf::toString);
        assertTrue(noConf.err().contains("--backstore rbd:POOL/IMAGE needs --ceph-conf FILE"), noConf::toString);
    }

    @Test
    void saveconfigCopiesWithTo() throws IOException
    {
        targetcliSession();
        final Path copy = dir.resolve("backup/copy.json");

        ok("saveconfig", "--to", copy.toString());

        assertEquals(ConfigFiles.load(config), ConfigFiles.load(copy));
    }

    @Test
    void configSchemaPrintsTheSchemaTheFileIsCheckedWith()
    {
        final CliRunner.Result result = run("config", "schema");

        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(ConfigSchema.text(), result.out());
        assertTrue(result.out().contains("\"$schema\": \"https://json-schema.org/draft/2020-12/schema\""), result.out());
    }

    @Test
    void helpIsAvailableEverywhere()
    {
        final CliRunner.Result top = run("--help");
        assertEquals(0, top.exitCode());
        assertTrue(top.out().contains("ringtarget backstores fileio create disk1 /var/iscsi_disks/disk1.img 10G"), top.out());

        final CliRunner.Result leaf = run("iscsi", "tpg", "acls", "create", "--help");
        assertEquals(0, leaf.exitCode(), leaf::toString);
        assertTrue(leaf.out().contains("--chap-password"), leaf.out());
        final CliRunner.Result group = run("iscsi", "tpg", "acls", "--help");
        assertEquals(0, group.exitCode(), group::toString);
        assertTrue(group.out().contains("Examples:"), group.out());

        final CliRunner.Result groupAlone = run("iscsi", "tpg");
        assertEquals(2, groupAlone.exitCode(), groupAlone::toString);
        assertTrue(groupAlone.err().contains("missing command: one of create, delete, portals, luns, acls, set"),
            groupAlone::toString);

        final CliRunner.Result helpCommand = run("help", "backstores");
        assertEquals(0, helpCommand.exitCode(), helpCommand::toString);
        assertTrue(helpCommand.out().contains("ringtarget backstores ram create scratch 1G"), helpCommand.out());

        final CliRunner.Result none = run();
        assertEquals(2, none.exitCode(), none::toString);
        assertTrue(none.err().contains("a command is needed"), none::toString);
    }
}
