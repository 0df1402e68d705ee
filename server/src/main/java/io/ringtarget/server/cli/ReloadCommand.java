package io.ringtarget.server.cli;

import io.ringtarget.server.admin.AdminRequest;
import io.ringtarget.server.admin.AdminResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code ringtarget reload}: what SIGHUP does, with the outcome printed (a file edited by hand, then applied). */
@Command(name = "reload", description = "Has the running target read its configuration file again and apply the " +
    "difference without restarting, as SIGHUP (systemctl reload ringtarget) does, and says what changed or why the " +
    "file was refused (then nothing changes).",
    footer = { "", "Example:", "  vi /etc/ringtarget/saveconfig.json && ringtarget reload" })
final class ReloadCommand implements Callable<Integer>
{
    @Mixin
    ConfigFileOption config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception
    {
        final AdminResponse response = RunningTargets.ask(config, new AdminRequest(AdminRequest.RELOAD,
            config.file().toAbsolutePath().toString(), List.of()), "");
        return new EditReport(config.file(), false, spec.commandLine().getOut(), spec.commandLine().getErr())
            .reload().print(response.edit(), response.pid(), null);
    }
}
