package io.ringtarget.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ConfigValidatorTest
{
    @TempDir
    Path dir;

    @Test
    void fullExampleHasNoProblem()
    {
        assertEquals(List.of(), ConfigValidator.validate(ConfigFixtures.everyField()));
    }

    @Test
    void demoConfigHasNoProblem()
    {
        assertEquals(List.of(), ConfigValidator.validate(DemoConfig.create(null, 0, null), true));
    }

    static Stream<Arguments> errors()
    {
        return Stream.of(
            arguments("unknown type", backstore(0, b -> withType(b, "nvme")),
                "backstores[0].type", "unknown type \"nvme\": one of block, fileio, ram, rbd"),
            arguments("ram without size", backstore(2, b -> withSize(b, 0)),
                "backstores[2].sizeBytes", "a ram backstore needs a size > 0"),
            arguments("duplicate backstore", (UnaryOperator<RingtargetConfig>)c -> new RingtargetConfig(
                    Stream.concat(c.backstores().stream(), Stream.of(withPath(withName(c.backstores().getFirst(), "disk1"),
                        "/var/iscsi_disks/other.img"))).toList(), c.targets(), c.discoveryAuth(), c.engine()),
                "backstores[3].name", "duplicate backstore name \"disk1\" (also backstores[0] (disk1))"),
            arguments("same file twice", backstore(1, b -> withBlockSize(withType(withPath(b,
                    "/var/iscsi_disks/../iscsi_disks/disk1.img"), "fileio"), 512)),
                "backstores[1].path", "is the same path as backstores[0] (disk1): two backstores writing the same " +
                    "data corrupt it"),
            arguments("a device path for fileio", backstore(0, b -> withPath(b, "/dev/sdz")),
                "backstores[0].path", "\"/dev/sdz\" is under /dev: a fileio backstore is a regular file; for a device " +
                    "use type \"block\""),
            arguments("bad block size", backstore(0, b -> withBlockSize(b, 1000)),
                "backstores[0].blockSize", "1000 is not one of 512, 1024, 2048, 4096"),
            arguments("auto block size on fileio", backstore(0, b -> withBlockSize(b, 0)),
                "backstores[0].blockSize", "0 is not one of 512, 1024, 2048, 4096"),
            arguments("relative path", backstore(0, b -> withPath(b, "disk1.img")),
                "backstores[0].path", "\"disk1.img\" must be an absolute path"),
            arguments("block without path", backstore(1, b -> withPath(b, null)),
                "backstores[1].path", "required for a block backstore"),
            arguments("bad wwn", backstore(0, b -> new BackstoreConfig(b.name(), b.type(), b.path(), b.sizeBytes(),
                    b.blockSize(), b.directIo(), b.writeCache(), b.serial(), "6001405abcdef01")),
                "backstores[0].wwn", "\"6001405abcdef01\" is not a WWN: 16 hex digits starting with the NAA type 2, 3 or 5"),
            arguments("bad serial", backstore(0, b -> new BackstoreConfig(b.name(), b.type(), b.path(), b.sizeBytes(),
                    b.blockSize(), b.directIo(), b.writeCache(), "has space", b.wwn())),
                "backstores[0].serial", "\"has space\" is not a serial number: 1 to 36 printable ASCII characters"),
            arguments("lun on missing backstore", tpg(0, t -> withLuns(t, List.of(
                    new LunConfig(0, "disk1", false), new LunConfig(1, "lv0", false), new LunConfig(2, "disk9", false)))),
                "targets[0].tpgs[0].luns[2].backstore", "no backstore named \"disk9\""),
            arguments("duplicate lun", tpg(0, t -> withLuns(t, List.of(
                    new LunConfig(0, "disk1", false), new LunConfig(0, "lv0", false)))),
                "targets[0].tpgs[0].luns[1].lun", "duplicate LUN 0 (also targets[0] (iqn.2026-04.com.example:target1).tpgs[0].luns[0])"),
            arguments("lun too large", tpg(0, t -> withLuns(t, List.of(
                    new LunConfig(0, "disk1", false), new LunConfig(16384, "lv0", false)))),
                "targets[0].tpgs[0].luns[1].lun", "16384 is not a LUN number (0..16383)"),
            arguments("bad target iqn", target(t -> new TargetConfig("iqn.2026-4.com.example:t", t.alias(), t.tpgs())),
                "targets[0].iqn", "is not iqn.yyyy-mm.reversed.domain[:unique]"),
            arguments("uppercase iqn", target(t -> new TargetConfig("iqn.2026-04.com.Example:t", t.alias(), t.tpgs())),
                "targets[0].iqn", "iSCSI names are lowercase"),
            arguments("duplicate target", (UnaryOperator<RingtargetConfig>)c -> new RingtargetConfig(c.backstores(),
                    List.of(c.targets().getFirst(), c.targets().getFirst()), c.discoveryAuth(), c.engine()),
                "targets[1].iqn", "duplicate target \"iqn.2026-04.com.example:target1\" (also targets[0] (iqn.2026-04.com.example:target1))"),
            arguments("duplicate tpg tag", tpg(1, t -> withTag(t, 1)),
                "targets[0].tpgs[1].tag", "duplicate TPG tag 1 (also targets[0] (iqn.2026-04.com.example:target1).tpgs[0])"),
            arguments("tpg tag 0", tpg(1, t -> withTag(t, 0)),
                "targets[0].tpgs[1].tag", "0 is not a TPG tag (1..65535)"),
            arguments("port 0", tpg(0, t -> withPortals(t, List.of(new PortalConfig("10.0.1.10", 0)))),
                "targets[0].tpgs[0].portals[0].port", "0 is not a TCP port (1..65535)"),
            arguments("port too large", tpg(0, t -> withPortals(t, List.of(new PortalConfig("10.0.1.10", 65536)))),
                "targets[0].tpgs[0].portals[0].port", "65536 is not a TCP port (1..65535)"),
            arguments("host name portal", tpg(0, t -> withPortals(t, List.of(new PortalConfig("storage.example.com", 3260)))),
                "targets[0].tpgs[0].portals[0].ip", "\"storage.example.com\" is not an IPv4 or IPv6 address"),
            arguments("link-local ipv6 portal", tpg(0, t -> withPortals(t, List.of(new PortalConfig("fe80::1", 3260)))),
                "targets[0].tpgs[0].portals[0].ip", "link-local IPv6 portals are not supported: \"fe80::1\""),
            arguments("missing portal address", tpg(0, t -> withPortals(t, List.of(new PortalConfig(null, 3260)))),
                "targets[0].tpgs[0].portals[0].ip", "an IP address is required (0.0.0.0 for every address)"),
            arguments("duplicate portal", tpg(0, t -> withPortals(t, List.of(
                    new PortalConfig("10.0.1.10", 3260), new PortalConfig("10.0.1.10", 3260)))),
                "targets[0].tpgs[0].portals[1]", "duplicate portal 10.0.1.10:3260 (also targets[0] (iqn.2026-04.com.example:target1).tpgs[0].portals[0])"),
            arguments("same portal in two tpgs", tpg(1, t -> withPortals(t, List.of(new PortalConfig("10.0.2.10", 3260)))),
                "targets[0].tpgs[1].portals[0]", "duplicate portal 10.0.2.10:3260 (also targets[0] (iqn.2026-04.com.example:target1).tpgs[0].portals[1])"),
            arguments("authentication kerberos", tpg(0, t -> withAuthentication(t, "krb5")),
                "targets[0].tpgs[0].authentication", "\"krb5\": one of none, chap"),
            arguments("chap with generated acls", tpg(0, t -> withGenerateNodeAcls(t, true)),
                "targets[0].tpgs[0].generateNodeAcls", "cannot be true with authentication \"chap\" without the " +
                    "TPG's own chap credentials"),
            arguments("a TPG's short chap secret", tpg(0, t -> withGenerateNodeAcls(t, true).withChap(
                    new ChapConfig("lab", "short", null, null))),
                "targets[0].tpgs[0].chap.password", "at least 12 characters"),
            arguments("a TPG's secret that is a target's secret", tpg(0, t -> withGenerateNodeAcls(t, true).withChap(
                    new ChapConfig("lab", "target1-secret", null, null))),
                "targets[0].tpgs[0].acls[1].chap.mutualPassword", "the same secret is targets[0] " +
                    "(iqn.2026-04.com.example:target1).tpgs[0].chap.password"),
            arguments("chap acl without credentials", tpg(0, t -> withAcls(t, List.of(
                    new AclConfig("iqn.1994-05.com.client:host1", null)))),
                "targets[0].tpgs[0].acls[0].chap", "required: the TPG's authentication is \"chap\""),
            arguments("bad initiator name", tpg(0, t -> withAcls(t, List.of(
                    new AclConfig("iqn.1994-05.com.client_host1", new ChapConfig("u", "123456789012", null, null))))),
                "targets[0].tpgs[0].acls[0].initiatorIqn", "only a-z, 0-9, '-', '.' and ':' are allowed"),
            arguments("duplicate acl", tpg(0, t -> withAcls(t, List.of(t.acls().get(0), t.acls().get(0)))),
                "targets[0].tpgs[0].acls[1].initiatorIqn", "duplicate ACL for \"iqn.1994-05.com.client:host1\""),
            arguments("a mapped LUN the TPG does not have", tpg(0, t -> withAcls(t, List.of(t.acls().get(0),
                    t.acls().get(1).withMappedLuns(mapped(1, 7))))),
                "targets[0].tpgs[0].acls[1].mappedLuns[1]", "7 is not a LUN of TPG 1 (LUNs: 0, 1)"),
            arguments("a renumbered mapping of a LUN the TPG does not have", tpg(0, t -> withAcls(t,
                    List.of(t.acls().get(0),
                        t.acls().get(1).withMappedLuns(List.of(new MappedLunConfig(0, 7, null)))))),
                "targets[0].tpgs[0].acls[1].mappedLuns[0].tpgLun", "7 is not a LUN of TPG 1 (LUNs: 0, 1)"),
            arguments("a mapped LUN listed twice", tpg(0, t -> withAcls(t, List.of(t.acls().get(0),
                    t.acls().get(1).withMappedLuns(mapped(0, 0))))),
                "targets[0].tpgs[0].acls[1].mappedLuns[1].lun", "LUN 0 is mapped twice (also by mappedLuns[0])"),
            arguments("two LUNs of the TPG shown under one number", tpg(0, t -> withAcls(t, List.of(t.acls().get(0),
                    t.acls().get(1).withMappedLuns(List.of(new MappedLunConfig(0, 1, null), MappedLunConfig.of(0)))))),
                "targets[0].tpgs[0].acls[1].mappedLuns[1].lun", "LUN 0 is mapped twice"),
            arguments("a mapped LUN beyond flat space addressing", tpg(0, t -> withAcls(t, List.of(t.acls().get(0),
                    t.acls().get(1).withMappedLuns(mapped(16384))))),
                "targets[0].tpgs[0].acls[1].mappedLuns[0]", "16384"),
            arguments("a renumbered mapping beyond flat space addressing", tpg(0, t -> withAcls(t,
                    List.of(t.acls().get(0),
                        t.acls().get(1).withMappedLuns(List.of(new MappedLunConfig(16384, 1, null)))))),
                "targets[0].tpgs[0].acls[1].mappedLuns[0].lun", "16384"),
            arguments("short chap secret", acl(0, new ChapConfig("host1", "elevenchars", null, null)),
                "targets[0].tpgs[0].acls[0].chap.password", "at least 12 characters (RFC 7143 9.2.1"),
            arguments("missing chap user", acl(0, new ChapConfig("", "host1-secret-12", null, null)),
                "targets[0].tpgs[0].acls[0].chap.userid", "required"),
            arguments("mutual secret equal to initiator secret", acl(1, new ChapConfig("host2", "host2-secret-12", "t", "host2-secret-12")),
                "targets[0].tpgs[0].acls[1].chap.mutualPassword", "must differ from password (RFC 7143 9.2.1"),
            arguments("mutual user without secret", acl(1, new ChapConfig("host2", "host2-secret-12", "t", null)),
                "targets[0].tpgs[0].acls[1].chap.mutualPassword", "mutual CHAP needs both mutualUserid and mutualPassword"),
            arguments("target secret reused as another initiator secret",
                (UnaryOperator<RingtargetConfig>)c -> new RingtargetConfig(c.backstores(), c.targets(),
                    new DiscoveryAuthConfig("chap", new ChapConfig("discovery", "discovery-sec1", "t", "host1-secret-12")),
                    c.engine()),
                "discoveryAuth.chap.mutualPassword",
                "the same secret is targets[0] (iqn.2026-04.com.example:target1).tpgs[0].acls[0] (iqn.1994-05.com.client:host1).chap.password (RFC 7143 9.2.1"),
            arguments("discovery chap without credentials", (UnaryOperator<RingtargetConfig>)c -> new RingtargetConfig(
                    c.backstores(), c.targets(), new DiscoveryAuthConfig("chap", null), c.engine()),
                "discoveryAuth.chap", "required: discovery authentication is \"chap\""),
            arguments("unknown idle strategy", (UnaryOperator<RingtargetConfig>)c -> new RingtargetConfig(
                    c.backstores(), c.targets(), c.discoveryAuth(), new EngineConfig(0, false, "spin", 5, 15)),
                "engine.idleStrategy", "\"spin\": one of ring, busy, backoff"),
            arguments("negative loops", (UnaryOperator<RingtargetConfig>)c -> new RingtargetConfig(
                    c.backstores(), c.targets(), c.discoveryAuth(), new EngineConfig(-1, false, "ring", 5, 15)),
                "engine.loops", "-1 is not a number of event loops (0..1024)"),
            arguments("negative idle polling", (UnaryOperator<RingtargetConfig>)c -> new RingtargetConfig(
                    c.backstores(), c.targets(), c.discoveryAuth(), new EngineConfig(0, false, "ring", -5, 5, 15)),
                "engine.idleSpinMicros", "-5 is not a polling time in microseconds (0..10000)"),
            arguments("idle polling beyond 10 ms", (UnaryOperator<RingtargetConfig>)c -> new RingtargetConfig(
                    c.backstores(), c.targets(), c.discoveryAuth(), new EngineConfig(0, false, "ring", 10_001, 5, 15)),
                "engine.idleSpinMicros", "10001 is not a polling time in microseconds (0..10000)"),
            arguments("too few data buffers", (UnaryOperator<RingtargetConfig>)c -> c.withEngine(
                    c.engine().withDataBuffers(8, null)),
                "engine.dataBuffers", "8"),
            arguments("no large-transfer region", (UnaryOperator<RingtargetConfig>)c -> c.withEngine(
                    c.engine().withDataBuffers(null, 0)),
                "engine.largeTransferRegionMiB", "0"),
            arguments("a negative spill region", (UnaryOperator<RingtargetConfig>)c -> c.withEngine(
                    c.engine().withSpillRegionMiB(-1)),
                "engine.spillRegionMiB", "-1"),
            arguments("a spill region beyond 16 GiB", (UnaryOperator<RingtargetConfig>)c -> c.withEngine(
                    c.engine().withSpillRegionMiB(16385)),
                "engine.spillRegionMiB", "16385"),
            arguments("missing luns list", tpg(0, t -> withLuns(t, null)),
                "targets[0].tpgs[0].luns", "required (an array)"),
            arguments("a backstore writable through one TPG and read-only through another",
                (UnaryOperator<RingtargetConfig>)c -> c.withTargets(List.of(new TargetConfig(
                    c.targets().getFirst().iqn(), null, List.of(c.targets().getFirst().tpgs().getFirst(),
                        new TpgConfig(3, true, List.of(new PortalConfig("10.0.3.10", 3260)),
                            List.of(new LunConfig(0, "disk1", true)), List.of(), true, "none"))))),
                "targets[0].tpgs[1].luns[0].readOnly", "backstore \"disk1\" is read-only here and writable at " +
                    "targets[0] (iqn.2026-04.com.example:target1).tpgs[0].luns[0]: it is one logical unit through every TPG of the target, so its LUNs " +
                    "must agree"),
            arguments("a backstore exported by two targets",
                (UnaryOperator<RingtargetConfig>)c -> c.withTargets(List.of(c.targets().getFirst(),
                    new TargetConfig("iqn.2026-04.com.example:target2", null, List.of(new TpgConfig(1, true,
                        List.of(new PortalConfig("10.0.3.10", 3260)), List.of(new LunConfig(0, "disk1", false)),
                        List.of(), true, "none"))))),
                "targets[1].tpgs[0].luns[0].backstore", "backstore \"disk1\" is exported by target " +
                    "iqn.2026-04.com.example:target1 already: a backstore is one logical unit (one set of persistent " +
                    "reservations), exported by one target through any number of its TPGs"),
            arguments("a soft threshold on a block backstore", backstore(1, b -> b.withSoftThresholdPercent(80)),
                "backstores[1].softThresholdPercent", "a block backstore cannot tell how many blocks it holds " +
                    "storage for"),
            arguments("a soft threshold of 0", backstore(2, b -> b.withSoftThresholdPercent(0)),
                "backstores[2].softThresholdPercent", "1"),
            arguments("a soft threshold above 100", backstore(2, b -> b.withSoftThresholdPercent(101)),
                "backstores[2].softThresholdPercent", "100"),
            arguments("an available threshold on a block backstore",
                backstore(1, b -> b.withAvailableThresholdPercent(10)),
                "backstores[1].availableThresholdPercent", "a block backstore cannot tell how much storage is left " +
                    "beneath it"),
            arguments("an available threshold of 0", backstore(2, b -> b.withAvailableThresholdPercent(0)),
                "backstores[2].availableThresholdPercent", "1"),
            arguments("an available threshold above 100", backstore(2, b -> b.withAvailableThresholdPercent(101)),
                "backstores[2].availableThresholdPercent", "100"),
            arguments("a relative state directory",
                (UnaryOperator<RingtargetConfig>)c -> c.withStateDirectory("var/lib/ringtarget"),
                "stateDirectory", "\"var/lib/ringtarget\" is not an absolute path (default /var/lib/ringtarget)"),
            arguments("a short metrics password", (UnaryOperator<RingtargetConfig>)c -> c.withMetrics(
                    new MetricsConfig("127.0.0.1:9287", null, new MetricsBasicAuthConfig("prometheus", "short"))),
                "metrics.basicAuth.password", "at least 12 characters"),
            arguments("a metrics password and a hash of it", (UnaryOperator<RingtargetConfig>)c -> c.withMetrics(
                    new MetricsConfig("127.0.0.1:9287", null, new MetricsBasicAuthConfig("prometheus",
                        "metrics-Secret-26", BcryptHashTest.LIBXCRYPT_2Y))),
                "metrics.basicAuth", "one of \"password\" or \"passwordHash\""),
            arguments("a metrics password hash that is not bcrypt's", (UnaryOperator<RingtargetConfig>)c ->
                    c.withMetrics(new MetricsConfig("127.0.0.1:9287", null,
                        MetricsBasicAuthConfig.hashed("prometheus", "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g="))),
                "metrics.basicAuth.passwordHash", "is not a password hash: A bcrypt hash"),
            arguments("a metrics user name with a colon", (UnaryOperator<RingtargetConfig>)c -> c.withMetrics(
                    new MetricsConfig("127.0.0.1:9287", null, new MetricsBasicAuthConfig("a:b", "metrics-Secret-26"))),
                "metrics.basicAuth.username", "without ':'"),
            arguments("a relative certificate path", (UnaryOperator<RingtargetConfig>)c -> c.withMetrics(
                    new MetricsConfig("127.0.0.1:9287", new MetricsTlsConfig("metrics.crt", "/etc/metrics.key"), null)),
                "metrics.tls.certificate", "an absolute path"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void errorIsReportedWithThePathOfTheBadField(
        final String name, final UnaryOperator<RingtargetConfig> change, final String path, final String message)
    {
        final List<ConfigProblem> problems = ConfigValidator.validate(change.apply(ConfigFixtures.everyField()));

        final List<ConfigProblem> errors = ConfigProblem.errors(problems);
        assertEquals(1, errors.size(), problems::toString);
        assertEquals(path, errors.getFirst().path());
        assertTrue(errors.getFirst().message().contains(message), errors.getFirst().message());
    }

    private static List<MappedLunConfig> mapped(final int... luns)
    {
        return java.util.Arrays.stream(luns).mapToObj(MappedLunConfig::of).toList();
    }

    static Stream<Arguments> warnings()
    {
        return Stream.of(
            arguments("no lun 0", tpg(0, t -> withLuns(t, List.of(new LunConfig(1, "disk1", false)))),
                "targets[0].tpgs[0].luns", "no LUN 0"),
            arguments("an ACL's mapped LUNs without LUN 0", tpg(0, t -> withAcls(t, List.of(t.acls().get(0),
                    t.acls().get(1).withMappedLuns(mapped(1))))),
                "targets[0].tpgs[0].acls[1].mappedLuns", "no LUN 0 among them"),
            arguments("a TPG's chap without generated acls", tpg(0, t -> t.withChap(
                    new ChapConfig("lab", "lab-secret-123", null, null))),
                "targets[0].tpgs[0].chap", "used only for initiators admitted without an ACL"),
            arguments("no portal", tpg(0, t -> withPortals(t, List.of())),
                "targets[0].tpgs[0].portals", "no portal: this TPG cannot be reached"),
            arguments("wildcard and specific", tpg(0, t -> withPortals(t, List.of(
                    new PortalConfig("0.0.0.0", 3260), new PortalConfig("10.0.1.10", 3260)))),
                "targets[0].tpgs[0].portals[1]", "the wildcard portal targets[0] (iqn.2026-04.com.example:target1).tpgs[0].portals[0] already listens"),
            arguments("long secret", acl(0, new ChapConfig("host1", "a-secret-of-twenty-chars", null, null)),
                "targets[0].tpgs[0].acls[0].chap.password", "longer than 16 characters"),
            arguments("chap credentials unused", tpg(0, t -> withAuthentication(t, "none")),
                "targets[0].tpgs[0].acls[0].chap", "not required while the TPG's authentication is \"none\""),
            arguments("nobody may log in", tpg(0, t -> withAuthentication(withAcls(t, List.of()), "none")),
                "targets[0].tpgs[0].acls", "no ACL and generateNodeAcls is false: no initiator can log in"),
            arguments("size not a multiple of the block size", backstore(2, b -> withSize(b, 1000)),
                "backstores[2].sizeBytes", "1000 is not a multiple of the block size 512"),
            arguments("grow on a block backstore", backstore(1, b -> new BackstoreConfig(b.name(), b.type(), b.path(),
                    b.sizeBytes(), b.blockSize(), b.directIo(), b.writeCache(), b.serial(), b.wwn(), true)),
                "backstores[1].grow", "ignored: only a fileio backstore's file is grown"),
            arguments("huge pages on a block backstore", backstore(1, b -> b.withHugePages(true)),
                "backstores[1].hugePages", "ignored: only a ram backstore's memory is the target's own"),
            arguments("a TPG LUN shown under two numbers", tpg(0, t -> withAcls(t, List.of(t.acls().get(0),
                    t.acls().get(1).withMappedLuns(List.of(MappedLunConfig.of(0), new MappedLunConfig(1, 0, null)))))),
                "targets[0].tpgs[0].acls[1].mappedLuns[1]", "the TPG's LUN 0 is shown a second time (also by " +
                "mappedLuns[0]): the initiator sees one logical unit as two disks"),
            arguments("a metrics password in the clear", (UnaryOperator<RingtargetConfig>)c -> c.withMetrics(
                    new MetricsConfig("10.0.9.10:9287", null, new MetricsBasicAuthConfig("prometheus",
                        "metrics-Secret-26"))),
                "metrics.basicAuth", "the password crosses the network in the clear"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("warnings")
    void warningIsReportedWithThePathButIsNoError(
        final String name, final UnaryOperator<RingtargetConfig> change, final String path, final String message)
    {
        final List<ConfigProblem> problems = ConfigValidator.validate(change.apply(ConfigFixtures.everyField()));

        assertFalse(ConfigProblem.hasErrors(problems), problems::toString);
        assertTrue(problems.stream().anyMatch(p -> p.path().equals(path) && p.message().contains(message)),
            problems::toString);
    }

    @Test
    void everyErrorIsReportedNotJustTheFirst()
    {
        final RingtargetConfig config = tpg(0, t -> withPortals(withLuns(t, List.of(new LunConfig(0, "x", false))),
            List.of(new PortalConfig("1.2.3", 3260)))).apply(ConfigFixtures.everyField());

        assertEquals(List.of(
                "targets[0] (iqn.2026-04.com.example:target1).tpgs[0].portals[0].ip: \"1.2.3\" is not an IPv4 or " +
                    "IPv6 address (host names are not accepted: a portal is an address to listen on)",
                "targets[0] (iqn.2026-04.com.example:target1).tpgs[0].luns[0].backstore: no backstore named \"x\""),
            ConfigProblem.errors(ConfigValidator.validate(config)).stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void recordsBuiltInCodeMeetTheSchemaAndEachFieldIsReportedOnce()
    {
        final RingtargetConfig config = config(
            new BackstoreConfig(null, null, null, -1, 512, true, false, null, null),
            new BackstoreConfig("r", "ram", null, -1, 512, true, false, null, null));

        assertEquals(List.of(
                "backstores[0].sizeBytes: -1 is not a size (at least 0)",
                "backstores[0].name: the backstore name is required",
                "backstores[0].type: the backstore type is required (one of block, fileio, ram, rbd)",
                "backstores[1] (r).sizeBytes: -1 is not a size (at least 0)"),
            ConfigValidator.validate(config).stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void rbdBackstoresNeedAnImageAndACephConf() throws IOException
    {
        final Path conf = Files.writeString(dir.resolve("ceph.conf"), "[global]\n");
        final RingtargetConfig config = config(
            BackstoreConfig.rbd("a", new RbdConfig("rbd/a", conf.toString(), null, null), 512, false, null, null),
            BackstoreConfig.rbd("b", null, 512, false, null, null),
            BackstoreConfig.rbd("c", new RbdConfig("rbd-c", "ceph.conf", "admin", "keyring"), 512, false, null, null),
            BackstoreConfig.rbd("d", new RbdConfig("rbd/a", conf.toString(), "admin", null), 512, false, null, null),
            new BackstoreConfig("e", "rbd", "/dev/sdb", 1 << 30, 512, true, false, null, null, false,
                new RbdConfig("rbd/e", dir.resolve("missing.conf").toString(), null, null)),
            new BackstoreConfig("f", "ram", null, 1 << 20, 512, true, false, null, null, false,
                new RbdConfig("rbd/f", conf.toString(), null, null)),
            // A snapshot of a's image and an image in a namespace: neither is a's image.
            BackstoreConfig.rbd("g", new RbdConfig("rbd/a@monday", conf.toString(), null, null), 512, false, null,
                null),
            BackstoreConfig.rbd("h", new RbdConfig("rbd/tenant1/a@monday", conf.toString(), null, null), 512, false,
                null, null),
            BackstoreConfig.rbd("i", new RbdConfig("rbd/a@mon@day", conf.toString(), null, null), 512, false, null,
                null));

        assertEquals(List.of(
                "backstores[2] (c).rbd.image: \"rbd-c\" is not an image: POOL/IMAGE or POOL/NAMESPACE/IMAGE, as the " +
                    "rbd command names it, with @SNAPSHOT for one of its snapshots (served read-only).",
                "backstores[8] (i).rbd.image: \"rbd/a@mon@day\" is not an image: POOL/IMAGE or POOL/NAMESPACE/IMAGE, " +
                    "as the rbd command names it, with @SNAPSHOT for one of its snapshots (served read-only).",
                "backstores[1] (b).rbd: required for an rbd backstore: {\"image\": \"POOL/IMAGE\", \"cephConf\": " +
                    "\"/etc/ceph/ceph.conf\"}",
                "backstores[2] (c).rbd.cephConf: \"ceph.conf\" must be an absolute path",
                "backstores[2] (c).rbd.keyring: \"keyring\" must be an absolute path",
                "backstores[3] (d).rbd.image: \"rbd/a\" is the image of backstores[0] (a) too: export one backstore " +
                    "from several LUNs instead",
                "backstores[4] (e).path: ignored: an rbd backstore's image is rbd.image",
                "backstores[4] (e).sizeBytes: ignored: an rbd backstore has its image's size (rbd resize changes it)",
                "backstores[5] (f).rbd: ignored: only an rbd backstore has an image"),
            ConfigValidator.validate(config).stream().map(ConfigProblem::toString).map(p -> p.replace("warning: ", ""))
                .toList());
        assertTrue(ConfigValidator.validate(config, true).stream().map(ConfigProblem::toString).anyMatch(p ->
            p.equals("backstores[4] (e).rbd.cephConf: \"" + dir.resolve("missing.conf") + "\" cannot be read")));
    }

    @Test
    void filesAreCheckedOnlyWhenAsked() throws IOException
    {
        final Path regular = Files.createFile(dir.resolve("not-a-device.img"));
        final RingtargetConfig config = config(
            new BackstoreConfig("b", "block", regular.toString(), 0, 0, true, false, null, null),
            new BackstoreConfig("missing", "block", dir.resolve("nope").toString(), 0, 0, true, false, null, null),
            new BackstoreConfig("f", "fileio", dir.resolve("no/such/dir/f.img").toString(), 1 << 20, 512, true, false, null, null),
            new BackstoreConfig("d", "fileio", dir.toString(), 1 << 20, 512, true, false, null, null),
            new BackstoreConfig("new", "fileio", dir.resolve("new.img").toString(), 0, 512, true, false, null, null),
            new BackstoreConfig("ok", "fileio", dir.resolve("ok.img").toString(), 1 << 20, 512, true, false, null, null));

        assertEquals(List.of(), ConfigValidator.validate(config, false));
        assertEquals(List.of("stateDirectory: " + regular + " exists and is not a directory"),
            ConfigValidator.validate(ConfigFixtures.everyField().withStateDirectory(regular.toString()), true).stream()
                .map(ConfigProblem::toString).filter(p -> p.startsWith("stateDirectory")).toList());
        assertEquals(List.of(
                "backstores[0] (b).path: \"" + regular + "\" is not a block device (a regular file: use type \"fileio\")",
                "backstores[1] (missing).path: \"" + dir.resolve("nope") + "\" does not exist",
                "backstores[2] (f).path: directory \"" + dir.resolve("no/such/dir") + "\" does not exist (the file is " +
                    "created, its directory is not)",
                "backstores[3] (d).path: \"" + dir + "\" is a directory",
                "backstores[4] (new).sizeBytes: \"" + dir.resolve("new.img") + "\" does not exist, so a size is needed to create it"),
            ConfigValidator.validate(config, true).stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void realBlockDeviceIsAcceptedAsBlockAndRefusedAsFileio()
    {
        final Path device = Stream.of("/dev/loop0", "/dev/vda", "/dev/sda", "/dev/nvme0n1", "/dev/zram0")
            .map(Path::of).filter(BlockDevices::isBlockDevice).findFirst().orElse(null);
        assumeTrue(null != device, "no block device on this machine");

        assertEquals(List.of(), ConfigValidator.validate(config(
            new BackstoreConfig("b", "block", device.toString(), 0, 0, true, false, null, null)), true));
        assertEquals(List.of("backstores[0] (b).path: \"" + device + "\" is under /dev: a fileio backstore is a " +
                "regular file; for a device use type \"block\""),
            ConfigValidator.validate(config(
                new BackstoreConfig("b", "fileio", device.toString(), 0, 512, true, false, null, null)), true)
                .stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void aBlockDeviceOutsideDevIsRefusedAsFileio() throws IOException
    {
        final Path device = Stream.of("/dev/loop0", "/dev/vda", "/dev/sda", "/dev/nvme0n1", "/dev/zram0")
            .map(Path::of).filter(BlockDevices::isBlockDevice).findFirst().orElse(null);
        assumeTrue(null != device, "no block device on this machine");
        final Path link = Files.createSymbolicLink(dir.resolve("disk"), device);

        assertEquals(List.of("backstores[0] (b).type: \"" + link + "\" is a block device: use type \"block\""),
            ConfigValidator.validate(config(
                new BackstoreConfig("b", "fileio", link.toString(), 0, 512, true, false, null, null)), true)
                .stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void theSameFileOrDeviceUnderAnotherNameIsRefusedOnThisMachine() throws IOException
    {
        final Path file = Files.write(Files.createDirectories(dir.resolve("disks")).resolve("a.img"), new byte[4096]);
        final Path symlink = Files.createSymbolicLink(dir.resolve("a-link.img"), file);
        final Path hardLink = Files.createLink(dir.resolve("a-hard.img"), file);
        final Path linkedDir = Files.createSymbolicLink(dir.resolve("d"), dir.resolve("disks"));

        for (final Path other : List.of(symlink, hardLink, linkedDir.resolve("a.img")))
        {
            final RingtargetConfig config = config(
                new BackstoreConfig("a", "fileio", file.toString(), 0, 512, true, false, null, null),
                new BackstoreConfig("b", "fileio", other.toString(), 0, 512, true, false, null, null));
            assertEquals(List.of("backstores[1] (b).path: \"" + other + "\" is the same file or device as " +
                    "backstores[0] (a): two backstores writing the same data corrupt it (export one backstore from " +
                    "several LUNs instead)"),
                ConfigValidator.validate(config, true).stream().map(ConfigProblem::toString).toList(), other::toString);
            assertEquals(List.of(), ConfigValidator.validate(config, false), "another machine's links are unknown");
        }
        // Not created yet: the same directory (through a link) and name.
        final RingtargetConfig unborn = config(
            new BackstoreConfig("a", "fileio", dir.resolve("disks/new.img").toString(), 1 << 20, 512, true, false, null, null),
            new BackstoreConfig("b", "fileio", linkedDir.resolve("new.img").toString(), 1 << 20, 512, true, false, null, null));
        assertTrue(ConfigProblem.hasErrors(ConfigValidator.validate(unborn, true)));

        final Path device = Stream.of("/dev/loop0", "/dev/vda", "/dev/sda", "/dev/nvme0n1", "/dev/zram0")
            .map(Path::of).filter(BlockDevices::isBlockDevice).findFirst().orElse(null);
        assumeTrue(null != device, "no block device on this machine");
        final Path deviceLink = Files.createSymbolicLink(dir.resolve("lv0"), device);
        assertTrue(ConfigValidator.validate(config(
                new BackstoreConfig("b1", "block", device.toString(), 0, 0, true, false, null, null),
                new BackstoreConfig("b2", "block", deviceLink.toString(), 0, 0, true, false, null, null)), true)
            .stream().anyMatch(p -> p.toString().startsWith("backstores[1] (b2).path: \"" + deviceLink +
                "\" is the same file or device as backstores[0] (b1)")));
    }

    @Test
    void aLoopDeviceOverAnotherBackstoresFileIsRefused() throws Exception
    {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for losetup");
        final Path file = Files.write(dir.resolve("shared.img"), new byte[1 << 20]);
        final Process attach = new ProcessBuilder("losetup", "-f", "--show", file.toString())
            .redirectErrorStream(true).start();
        final String device = new String(attach.getInputStream().readAllBytes()).strip();
        assumeTrue(attach.waitFor() == 0, "no loop device: " + device);
        try
        {
            // In either order: the fileio backstore first, or the loop device first.
            final BackstoreConfig fileio = new BackstoreConfig("f", "fileio", file.toString(), 0, 512, true, false,
                null, null);
            final BackstoreConfig loop = new BackstoreConfig("l", "block", device, 0, 0, true, false, null, null);
            assertEquals(List.of("backstores[1] (l).path: \"" + device + "\" is a loop device over the file of " +
                    "backstores[0] (f): two backstores writing the same data corrupt it (export one backstore from " +
                    "several LUNs instead)"),
                ConfigValidator.validate(config(fileio, loop), true).stream().map(ConfigProblem::toString).toList());
            assertEquals(List.of("backstores[0] (l).path: \"" + device + "\" is a loop device over the file of " +
                    "backstores[1] (f): two backstores writing the same data corrupt it (export one backstore from " +
                    "several LUNs instead)"),
                ConfigValidator.validate(config(loop, fileio), true).stream().map(ConfigProblem::toString).toList());
            final BackstoreConfig elsewhere = new BackstoreConfig("g", "fileio", dir.resolve("other.img").toString(),
                1 << 20, 512, true, false, null, null);
            assertEquals(List.of(), ConfigValidator.validate(config(elsewhere, loop), true), "another file is fine");
        }
        finally
        {
            new ProcessBuilder("losetup", "-d", device).start().waitFor();
        }
    }

    @Test
    void portalAddressesNotOfThisHostAreAWarningWhenTheMachineIsChecked()
    {
        final RingtargetConfig config = tpg(0, t -> withPortals(t, List.of(
            new PortalConfig("127.0.0.1", 3260), new PortalConfig("192.0.2.1", 3260))))
            .apply(ConfigFixtures.everyField());
        final UnaryOperator<RingtargetConfig> noFiles = c -> new RingtargetConfig(List.of(
            new BackstoreConfig("disk1", "ram", null, 1 << 20, 512, true, false, null, null),
            new BackstoreConfig("lv0", "ram", null, 1 << 20, 512, true, false, null, null),
            new BackstoreConfig("scratch", "ram", null, 1 << 20, 512, true, false, null, null)),
            c.targets(), c.discoveryAuth(), c.engine());

        assertEquals(List.of(), ConfigValidator.validate(noFiles.apply(config), false));
        assertEquals(List.of("warning: targets[0] (iqn.2026-04.com.example:target1).tpgs[0].portals[1].ip: \"192.0.2.1\" is not an address of this " +
                "host: the target cannot listen on it until it is configured"),
            ConfigValidator.validate(noFiles.apply(config), true).stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void ipv6PortalsAreServedAndOnlyLinkLocalOnesAreRefused()
    {
        final RingtargetConfig config = tpg(0, t -> withPortals(t, List.of(new PortalConfig("::1", 3260),
            new PortalConfig("::", 3261), new PortalConfig("2001:db8::10", 3260), new PortalConfig("0.0.0.0", 3261))))
            .apply(ConfigFixtures.everyField());
        assertEquals(List.of(), ConfigValidator.validate(config, false).stream().map(ConfigProblem::toString).toList());
        final RingtargetConfig duplicate = tpg(0, t -> withPortals(t, List.of(new PortalConfig("::1", 3260),
            new PortalConfig("0:0:0:0:0:0:0:1", 3260)))).apply(ConfigFixtures.everyField());
        assertEquals(List.of("targets[0] (iqn.2026-04.com.example:target1).tpgs[0].portals[1]: duplicate portal " +
                "[::1]:3260 (also targets[0] (iqn.2026-04.com.example:target1).tpgs[0].portals[0])"),
            ConfigValidator.validate(duplicate, false).stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void theSecuritySectionsValuesAreChecked()
    {
        final RingtargetConfig config = ConfigFixtures.everyField().withSecurity(
            ConfigDefaults.security().withChapAlgorithms(List.of("SHA256", "MD4")).withLimits(0, 1, 1, 1, 1));
        final List<String> problems = ConfigValidator.validate(config).stream().map(ConfigProblem::toString).toList();
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("security.chapAlgorithms[1]"), problems.toString());
        assertTrue(problems.get(1).startsWith("security.loginTimeoutSeconds"), problems.toString());
        assertEquals(List.of(), ConfigValidator.validate(ConfigFixtures.everyField().withSecurity(
            ConfigDefaults.security().withChapAlgorithms(List.of("SHA3-256")))));
    }

    private static RingtargetConfig config(final BackstoreConfig... backstores)
    {
        return new RingtargetConfig(List.of(backstores), List.of(), ConfigDefaults.discoveryAuth(), ConfigDefaults.engine());
    }

    private static UnaryOperator<RingtargetConfig> backstore(final int index, final UnaryOperator<BackstoreConfig> change)
    {
        return c ->
        {
            final List<BackstoreConfig> backstores = new ArrayList<>(c.backstores());
            backstores.set(index, change.apply(backstores.get(index)));
            return new RingtargetConfig(backstores, c.targets(), c.discoveryAuth(), c.engine());
        };
    }

    private static UnaryOperator<RingtargetConfig> target(final UnaryOperator<TargetConfig> change)
    {
        return c -> new RingtargetConfig(c.backstores(), List.of(change.apply(c.targets().getFirst())),
            c.discoveryAuth(), c.engine());
    }

    private static UnaryOperator<RingtargetConfig> tpg(final int index, final UnaryOperator<TpgConfig> change)
    {
        return target(t ->
        {
            final List<TpgConfig> tpgs = new ArrayList<>(t.tpgs());
            tpgs.set(index, change.apply(tpgs.get(index)));
            return new TargetConfig(t.iqn(), t.alias(), tpgs);
        });
    }

    private static UnaryOperator<RingtargetConfig> acl(final int index, final ChapConfig chap)
    {
        return tpg(0, t ->
        {
            final List<AclConfig> acls = new ArrayList<>(t.acls());
            acls.set(index, acls.get(index).withChap(chap));
            return withAcls(t, acls);
        });
    }

    private static BackstoreConfig withType(final BackstoreConfig b, final String type)
    {
        return new BackstoreConfig(b.name(), type, b.path(), b.sizeBytes(), b.blockSize(), b.directIo(), b.writeCache(), b.serial(), b.wwn());
    }

    private static BackstoreConfig withName(final BackstoreConfig b, final String name)
    {
        return new BackstoreConfig(name, b.type(), b.path(), b.sizeBytes(), b.blockSize(), b.directIo(), b.writeCache(), b.serial(), b.wwn());
    }

    private static BackstoreConfig withPath(final BackstoreConfig b, final String path)
    {
        return new BackstoreConfig(b.name(), b.type(), path, b.sizeBytes(), b.blockSize(), b.directIo(), b.writeCache(), b.serial(), b.wwn());
    }

    private static BackstoreConfig withSize(final BackstoreConfig b, final long size)
    {
        return new BackstoreConfig(b.name(), b.type(), b.path(), size, b.blockSize(), b.directIo(), b.writeCache(), b.serial(), b.wwn());
    }

    private static BackstoreConfig withBlockSize(final BackstoreConfig b, final int blockSize)
    {
        return new BackstoreConfig(b.name(), b.type(), b.path(), b.sizeBytes(), blockSize, b.directIo(), b.writeCache(), b.serial(), b.wwn());
    }

    private static TpgConfig withTag(final TpgConfig t, final int tag)
    {
        return new TpgConfig(tag, t.enabled(), t.portals(), t.luns(), t.acls(), t.generateNodeAcls(), t.authentication());
    }

    private static TpgConfig withPortals(final TpgConfig t, final List<PortalConfig> portals)
    {
        return new TpgConfig(t.tag(), t.enabled(), portals, t.luns(), t.acls(), t.generateNodeAcls(), t.authentication());
    }

    private static TpgConfig withLuns(final TpgConfig t, final List<LunConfig> luns)
    {
        return new TpgConfig(t.tag(), t.enabled(), t.portals(), luns, t.acls(), t.generateNodeAcls(), t.authentication());
    }

    private static TpgConfig withAcls(final TpgConfig t, final List<AclConfig> acls)
    {
        return new TpgConfig(t.tag(), t.enabled(), t.portals(), t.luns(), acls, t.generateNodeAcls(), t.authentication());
    }

    private static TpgConfig withGenerateNodeAcls(final TpgConfig t, final boolean generate)
    {
        return new TpgConfig(t.tag(), t.enabled(), t.portals(), t.luns(), t.acls(), generate, t.authentication());
    }

    private static TpgConfig withAuthentication(final TpgConfig t, final String authentication)
    {
        return new TpgConfig(t.tag(), t.enabled(), t.portals(), t.luns(), t.acls(), t.generateNodeAcls(), authentication);
    }
}
