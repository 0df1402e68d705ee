package io.ringtarget.server.cli;

import io.ringtarget.server.admin.AdminRequest;
import io.ringtarget.server.admin.AdminResponse;
import io.ringtarget.server.admin.LiveView;
import io.ringtarget.server.config.ConfigFiles;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.Secrets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ringtarget ls}: the whole tree as targetcli's {@code ls} shows it, as the running target serves it, with its
 * live state (sizes served, ALUA states now, sessions and their connections under each ACL); the file's tree when no
 * target serves it.
 */
@Command(name = "ls", description = "Shows the whole tree as targetcli's ls does (backstores with size and path, " +
    "targets, TPGs with portals and ALUA state, LUNs, ACLs) as the running target serves it, with the sessions under " +
    "each ACL and their connections. Without a running target, the configuration file's tree. Secrets are not shown.",
    footer = { "", "Examples:", "  ringtarget ls", "  ringtarget ls --json     # the served configuration (secrets " +
        "masked) and the live state, as JSON" })
final class LsCommand implements Callable<Integer>
{
    @Mixin
    ConfigFileOption config;

    @Option(names = "--json", description = "Print the served configuration (secrets masked) and the live state as " +
        "JSON: {\"config\": ..., \"sessions\": [...], \"alua\": {...}, \"sizes\": {...}, \"media\": {...}, " +
        "\"memory\": {...}, \"modes\": {...}} (media: a backstore's sanitize, format or self-test now; memory: the " +
        "bytes each ram backstore holds; modes: what initiators set by MODE SELECT that the configuration does not " +
        "say).")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception
    {
        final PrintWriter out = spec.commandLine().getOut();
        final RunningTargets.Found target = RunningTargets.find(config);
        if (null == target)
        {
            final RingtargetConfig file = config.loadOrEmpty();
            if (json)
            {
                out.println(LiveViews.json(new LiveView(ConfigFiles.toJson(Secrets.masked(file)), List.of(), null,
                    null)));
            }
            else
            {
                out.print(ConfigTree.render(file));
                spec.commandLine().getErr().println("ringtarget: no running target serves " + config.file() +
                    ": this is the file");
            }
            return ExitCodes.OK;
        }
        final AdminResponse response = RunningTargets.answered(RunningTargets.request(target,
            new AdminRequest(AdminRequest.VIEW, null, List.of())));
        final LiveView view = response.view();
        if (json)
        {
            out.println(LiveViews.json(view));
        }
        else
        {
            out.print(ConfigTree.render(ConfigFiles.parse(view.config(), "the running target (pid " + response.pid() +
                ")"), view));
        }
        return ExitCodes.OK;
    }
}
