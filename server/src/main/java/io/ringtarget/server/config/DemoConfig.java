package io.ringtarget.server.config;

import java.nio.file.Files;
import java.nio.file.Path;
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
        final PortalConfig portal = PortalAddresses.parse(null == portalHostPort ? PORTAL : portalHostPort);
        final TpgConfig tpg = new TpgConfig(
            ConfigDefaults.DEFAULT_TPG_TAG, true, List.of(portal), List.of(new LunConfig(0, BACKSTORE, false)),
            List.of(), true, ConfigDefaults.AUTH_NONE);
        return new RingtargetConfig(
            List.of(backstore(sizeBytes, backstorePathOrNull)),
            List.of(new TargetConfig(TARGET_IQN, "ringtarget demo", List.of(tpg))),
            ConfigDefaults.discoveryAuth(), ConfigDefaults.engine(), new MetricsConfig(MetricsConfig.DEMO_LISTEN));
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
