package io.ringtarget.server.cli;

import io.ringtarget.iscsi.node.ChapAlgorithm;
import io.ringtarget.server.config.ChapConfig;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/**
 * CHAP credentials on the command line. A password option given without a value is asked for on the terminal
 * (not echoed), which keeps it out of the shell history and the process list.
 */
final class ChapOptions
{
    @Option(names = { "--chap-user", "--user" }, paramLabel = "USER",
        description = "CHAP user name the initiator must send (CHAP_N).")
    String user;

    @Option(names = { "--chap-password", "--password" }, paramLabel = "SECRET", arity = "0..1", interactive = true,
        description = "CHAP secret the initiator must prove, 12 to 16 characters (RFC 7143 9.2.1); without a " +
            "value it is asked for.")
    String password;

    @Option(names = "--mutual-user", paramLabel = "USER",
        description = "Mutual CHAP: the user name the target answers with.")
    String mutualUser;

    @Option(names = "--mutual-password", paramLabel = "SECRET", arity = "0..1", interactive = true,
        description = "Mutual CHAP: the target's secret; must differ from the initiator's. Asked for without a value.")
    String mutualPassword;

    boolean given()
    {
        return null != user || null != password || null != mutualUser || null != mutualPassword;
    }

    /** The credentials, or null when no option was given; refuses incomplete sets. */
    ChapConfig toConfig()
    {
        if (!given())
        {
            return null;
        }
        if (null == user || null == password)
        {
            throw new CliException(ExitCodes.INVALID, "CHAP needs both --chap-user and --chap-password");
        }
        if ((null == mutualUser) != (null == mutualPassword))
        {
            throw new CliException(ExitCodes.INVALID, "mutual CHAP needs both --mutual-user and --mutual-password");
        }
        return new ChapConfig(user, password, mutualUser, mutualPassword);
    }

    /**
     * A {@code --chap-algorithms} value: names separated by commas, as the configuration
     * spells them (SHA3-256, SHA256, SHA1, MD5; "SHA-256" and "SHA-1" are taken too); "default" is the empty list.
     */
    static List<String> algorithms(final String value)
    {
        if ("default".equals(value.strip()))
        {
            return List.of();
        }
        final List<String> names = new ArrayList<>();
        for (final String name : value.split(","))
        {
            final ChapAlgorithm algorithm = ChapAlgorithm.ofName(name);
            if (null == algorithm)
            {
                throw new CliException(ExitCodes.INVALID, "--chap-algorithms: \"" + name.strip() + "\" is none of " +
                    "SHA3-256, SHA256, SHA1, MD5");
            }
            if (names.contains(algorithm.configName()))
            {
                throw new CliException(ExitCodes.INVALID, "--chap-algorithms: " + algorithm.configName() + " twice");
            }
            names.add(algorithm.configName());
        }
        return List.copyOf(names);
    }
}
