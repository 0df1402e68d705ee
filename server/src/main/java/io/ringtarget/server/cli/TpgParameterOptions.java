package io.ringtarget.server.cli;

import io.ringtarget.server.config.TpgParametersConfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code --parameter KEY=VALUE} of {@code iscsi tpg set}, as targetcli's {@code set parameter}: RFC 7143 key names
 * (any case), decimal numbers, Yes or No, digests as CRC32C, None or both ("crc32c,none", any case), or "default"
 * for the engine's offer. Ranges are the validator's.
 */
final class TpgParameterOptions
{
    private TpgParameterOptions()
    {
    }

    /** KEY=VALUE arguments as RFC key name to value ("Yes"/"No" spelled so), in the order given. */
    static Map<String, String> parse(final List<String> arguments)
    {
        final Map<String, String> changes = new LinkedHashMap<>();
        for (final String argument : arguments)
        {
            final int equals = argument.indexOf('=');
            if (equals <= 0)
            {
                throw invalid("--parameter: \"" + argument + "\" is not KEY=VALUE");
            }
            final String key = key(argument.substring(0, equals).strip());
            final String value = argument.substring(equals + 1).strip();
            changes.put(key, value(key, value));
        }
        return changes;
    }

    /** What the TPG offers now: "parameters FirstBurstLength=65536 ImmediateData=No" or "the engine's parameters". */
    static String describe(final TpgParametersConfig parameters)
    {
        if (parameters.isEmpty())
        {
            return "the engine's parameters";
        }
        final StringBuilder text = new StringBuilder("parameters");
        parameters.asMap().forEach((key, value) -> text.append(' ').append(key).append('=').append(value));
        return text.append(" (at the next login)").toString();
    }

    private static String key(final String given)
    {
        for (final String key : TpgParametersConfig.KEYS)
        {
            if (key.equalsIgnoreCase(given))
            {
                return key;
            }
        }
        throw invalid("--parameter: \"" + given + "\" is not a TPG parameter; one of " +
            String.join(", ", TpgParametersConfig.KEYS));
    }

    private static String value(final String key, final String value)
    {
        if (TpgParametersConfig.DEFAULT.equalsIgnoreCase(value))
        {
            return TpgParametersConfig.DEFAULT;
        }
        if (TpgParametersConfig.HEADER_DIGEST.equals(key) || TpgParametersConfig.DATA_DIGEST.equals(key))
        {
            return digests(key, value);
        }
        if (TpgParametersConfig.INITIAL_R2T.equals(key) || TpgParametersConfig.IMMEDIATE_DATA.equals(key))
        {
            return switch (value.toLowerCase(Locale.ROOT))
            {
                case "yes" -> "Yes";
                case "no" -> "No";
                default -> throw invalid("--parameter " + key + ": \"" + value + "\" is not Yes, No or default");
            };
        }
        try
        {
            return Integer.toString(Integer.parseInt(value));
        }
        catch (final NumberFormatException ex)
        {
            throw invalid("--parameter " + key + ": \"" + value + "\" is not a number of " + unit(key) + " or default");
        }
    }

    private static String unit(final String key)
    {
        return switch (key)
        {
            case TpgParametersConfig.MAX_OUTSTANDING_R2T -> "R2Ts";
            case TpgParametersConfig.DEFAULT_TIME2WAIT, TpgParametersConfig.DEFAULT_TIME2RETAIN -> "seconds";
            default -> "bytes";
        };
    }

    /** "crc32c, None" as "CRC32C,None": the digests in the order given, each once. */
    private static String digests(final String key, final String value)
    {
        final StringBuilder list = new StringBuilder();
        for (final String given : value.split(",", -1))
        {
            final String digest = switch (given.strip().toLowerCase(Locale.ROOT))
            {
                case "crc32c" -> "CRC32C";
                case "none" -> "None";
                default -> throw invalid("--parameter " + key + ": \"" + value + "\" is not CRC32C, None, both " +
                    "(CRC32C,None) or default");
            };
            if (list.indexOf(digest) < 0)
            {
                list.append(list.isEmpty() ? "" : ",").append(digest);
            }
        }
        return list.toString();
    }

    private static CliException invalid(final String message)
    {
        return new CliException(ExitCodes.INVALID, message);
    }
}
