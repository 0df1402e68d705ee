package io.ringtarget.server.cli;

import io.ringtarget.server.config.ConfigDefaults;
import io.ringtarget.server.config.ConfigFiles;
import io.ringtarget.server.config.RingtargetConfig;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code --config FILE} option of the commands that read or edit the configuration file. */
public final class ConfigFileOption
{
    @Option(
        names = { "-c", "--config" },
        paramLabel = "FILE",
        defaultValue = "${RINGTARGET_CONFIG:-" + ConfigFiles.DEFAULT_PATH + "}",
        description = "Configuration file (default: ${DEFAULT-VALUE}; environment variable RINGTARGET_CONFIG).")
    Path file;

    public Path file()
    {
        return file;
    }

    /** The configuration in the file, or an empty one when the file does not exist yet (created on first save). */
    public RingtargetConfig loadOrEmpty() throws IOException
    {
        return Files.exists(file) ? ConfigFiles.load(file) : ConfigDefaults.empty();
    }
}
