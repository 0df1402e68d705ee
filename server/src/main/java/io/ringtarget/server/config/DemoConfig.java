package io.ringtarget.server.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The configuration {@code ringtarget demo} serves without a file. */
public final class DemoConfig
{
    public static final String TARGET_IQN = IscsiNames.RINGTARGET_IQN_PREFIX + ":demo";
    public static final String BACKSTORE = "demo";
    public static final String PORTAL = "127.0.0.1:3260";
    public static final long SIZE_BYTES = 1L << 30;

    private DemoConfig()
    {
    }

    /**
     * The demo configuration: target {@value #TARGET_IQN}, TPG 1 with one portal, LUN 0 on backstore
     * {@value #BACKSTORE}, any initiator admitted (generateNodeAcls), no authentication. Its serial number and WWN
     * derive from the backstore's path, so that a restarted demo is the same device to the initiator.
     *
     * @param portalHostPort      {@code HOST[:PORT]} ({@link PortalAddresses#parse}); null for {@value #PORTAL}.
     * @param sizeBytes           size of the LUN; 0 or less for the default: 1 GiB for ram and for a new file, the
     *                            file's or device's own size when the path exists.
     * @param backstorePathOrNull null for a ram LUN; a block device path for a block LUN; any other path for a
     *                            fileio LUN (created by the engine when missing).
     * @return the demo configuration.
     * @throws IllegalArgumentException when the portal is not an IP address and port.
     */
    public static RingtargetConfig create(final String portalHostPort, final long sizeBytes, final String backstorePathOrNull)
    {
        return create(List.of(null == portalHostPort ? PORTAL : portalHostPort), List.of(), sizeBytes,
            backstorePathOrNull);
    }

    /**
     * The demo configuration with several paths: each portal is a TPG of its own (tags 1, 2, ...), all exporting
     * the same LUN 0, so an initiator with multipath sees one device through several ALUA target port groups.
     *
     * @param portalHostPorts one {@code HOST[:PORT]} per TPG, at least one.
     * @param aluaStates      the ALUA state of each TPG in order ({@link AluaConfig}'s labels); TPGs without one
     *                        get active-optimized for the first and active-non-optimized for the others. The first
     *                        TPG is the preferred one.
     * @throws IllegalArgumentException when a portal is not an IP address and port, or there are more states than
     *                                  portals.
     */
    public static RingtargetConfig create(
        final List<String> portalHostPorts, final List<String> aluaStates, final long sizeBytes,
        final String backstorePathOrNull)
    {
        if (portalHostPorts.isEmpty())
        {
            throw new IllegalArgumentException("at least one portal is needed");
        }
        if (aluaStates.size() > portalHostPorts.size())
        {
            throw new IllegalArgumentException(aluaStates.size() + " ALUA states for " + portalHostPorts.size() +
                " portal(s): one state per portal");
        }
        final List<TpgConfig> tpgs = new ArrayList<>();
        for (int i = 0; i < portalHostPorts.size(); i++)
        {
            final PortalConfig portal = PortalAddresses.parse(portalHostPorts.get(i));
            final String state = i < aluaStates.size() ? aluaStates.get(i) :
                i == 0 ? AluaConfig.ACTIVE_OPTIMIZED : AluaConfig.ACTIVE_NON_OPTIMIZED;
            tpgs.add(new TpgConfig(ConfigDefaults.DEFAULT_TPG_TAG + i, true, List.of(portal),
                List.of(new LunConfig(0, BACKSTORE, false)), List.of(), true, ConfigDefaults.AUTH_NONE, null, null,
                portalHostPorts.size() == 1 ? null : new AluaConfig(state, i == 0)));
        }
        return new RingtargetConfig(
            List.of(backstore(sizeBytes, backstorePathOrNull)),
            List.of(new TargetConfig(TARGET_IQN, "ringtarget demo", List.copyOf(tpgs))),
            ConfigDefaults.discoveryAuth(), ConfigDefaults.engine(), new MetricsConfig(MetricsConfig.DEMO_LISTEN), null);
    }

    private static BackstoreConfig backstore(final long sizeBytes, final String pathOrNull)
    {
        if (null == pathOrNull)
        {
            return new BackstoreConfig(
                BACKSTORE, ConfigDefaults.TYPE_RAM, null, sizeBytes > 0 ? sizeBytes : SIZE_BYTES,
                ConfigDefaults.DEFAULT_BLOCK_SIZE, true, false,
                DeviceIdentifiers.stableSerial("ram"), DeviceIdentifiers.stableWwn("ram"));
        }
        final Path path = Path.of(pathOrNull).toAbsolutePath().normalize();
        final String key = path.toString();
        if (BlockDevices.isBlockDevice(path))
        {
            return new BackstoreConfig(
                BACKSTORE, ConfigDefaults.TYPE_BLOCK, key, Math.max(0, sizeBytes), ConfigDefaults.AUTO_BLOCK_SIZE,
                true, false, DeviceIdentifiers.stableSerial(key), DeviceIdentifiers.stableWwn(key));
        }
        final long size = sizeBytes > 0 ? sizeBytes : (Files.exists(path) ? 0 : SIZE_BYTES);
        return new BackstoreConfig(
            BACKSTORE, ConfigDefaults.TYPE_FILEIO, key, size, ConfigDefaults.DEFAULT_BLOCK_SIZE, true, false,
            DeviceIdentifiers.stableSerial(key), DeviceIdentifiers.stableWwn(key));
    }
}
