package io.ringtarget.server.cli;

import io.ringtarget.server.config.AclConfig;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.BlockDevices;
import io.ringtarget.server.config.ConfigDefaults;
import io.ringtarget.server.config.ConfigEditor;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.Sizes;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * What {@code serve} says it serves once it has started: per target and TPG its portals, who may log in and
 * whether CHAP is required, and each LUN with its backstore and size; so that the administrator sees at a glance
 * that the file says what was meant (the log has the details).
 */
final class ServeSummary
{
    private ServeSummary()
    {
    }

    /**
     * @param file   the configuration file.
     * @param config what it holds, validated.
     * @return a few lines, each ending with a line separator.
     */
    static String of(final Path file, final RingtargetConfig config)
    {
        final String nl = System.lineSeparator();
        final int targets = config.targets().size();
        final StringBuilder sb = new StringBuilder("ringtarget: serving ").append(file).append(" (").append(targets)
            .append(targets == 1 ? " target)" : " targets)").append(nl);
        for (final TargetConfig target : config.targets())
        {
            for (final TpgConfig tpg : target.tpgs())
            {
                sb.append("  ").append(target.iqn()).append(" tpg ").append(tpg.tag()).append(": ");
                if (!tpg.enabled())
                {
                    sb.append("disabled, not served").append(nl);
                    continue;
                }
                sb.append(tpg.portals().isEmpty() ? "no portal" : tpg.portals().stream()
                    .map(ConfigEditor::portalName).collect(Collectors.joining(", "))).append("; ")
                    .append(admitted(tpg)).append(", ")
                    .append(ConfigDefaults.AUTH_CHAP.equals(tpg.authentication()) ? "CHAP required" : "no CHAP")
                    .append(nl);
                for (final LunConfig lun : tpg.luns())
                {
                    sb.append("    LUN ").append(lun.lun()).append(" -> ").append(lun.backstore()).append(' ')
                        .append(backstore(config, lun.backstore())).append(lun.readOnly() ? ", read-only" : "")
                        .append(nl);
                }
            }
        }
        if (ConfigDefaults.AUTH_CHAP.equals(config.discoveryAuth().authentication()))
        {
            sb.append("  discovery: CHAP required").append(nl);
        }
        return sb.toString();
    }

    private static String admitted(final TpgConfig tpg)
    {
        if (tpg.generateNodeAcls())
        {
            return "any initiator";
        }
        final int acls = tpg.acls().size();
        final long withChap = tpg.acls().stream().map(AclConfig::chap).filter(c -> null != c).count();
        return acls + (acls == 1 ? " ACL" : " ACLs") + (withChap > 0 && withChap < acls ? " (" + withChap + " with CHAP)" : "");
    }

    private static String backstore(final RingtargetConfig config, final String name)
    {
        final BackstoreConfig backstore = config.backstores().stream().filter(b -> b.name().equals(name)).findFirst()
            .orElseThrow(); // validated: every LUN's backstore exists
        final String where = null != backstore.rbd() ? backstore.type() + " " + backstore.rbd().image() :
            null == backstore.path() ? backstore.type() : backstore.type() + " " + backstore.path();
        return "(" + where + ", " + size(backstore) + ")";
    }

    private static String size(final BackstoreConfig backstore)
    {
        if (backstore.sizeBytes() > 0)
        {
            return Sizes.format(backstore.sizeBytes());
        }
        if (null == backstore.path())
        {
            return "the image's own size"; // rbd: known once the image is opened
        }
        final Path path = Path.of(backstore.path());
        final OptionalLong device = BlockDevices.sizeBytes(path);
        if (device.isPresent())
        {
            return Sizes.format(device.getAsLong());
        }
        try
        {
            return Sizes.format(Files.size(path));
        }
        catch (final IOException ex)
        {
            return "its own size";
        }
    }
}
