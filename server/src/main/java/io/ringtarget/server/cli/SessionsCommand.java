package io.ringtarget.server.cli;

import io.ringtarget.iscsi.session.SessionSnapshot;
import io.ringtarget.server.admin.AdminRequest;
import io.ringtarget.server.admin.AdminResponse;
import io.ringtarget.server.config.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ringtarget sessions [-v]}: one line per session of the running target; {@code -v} adds each connection's
 * negotiated keys and command numbering, as {@code iscsiadm -m session -P 3} shows them on the initiator's side.
 * {@code ringtarget sessions logout INITIATOR} ends an initiator's sessions.
 */
@Command(name = "sessions", description = "Lists the sessions of the running target, one a line: initiator IQN, ISID, " +
    "TSIH, target and TPG, portal, initiator address, uptime, commands and bytes. -v adds each connection's negotiated " +
    "keys and CmdSN window (the target's side of iscsiadm -m session -P 3). sessions logout ends an initiator's " +
    "sessions.",
    subcommands = { SessionsCommand.Logout.class },
    footer = { "", "Examples:", "  ringtarget sessions", "  ringtarget sessions -v",
        "  ringtarget sessions logout iqn.1994-05.com.client:host1" })
final class SessionsCommand implements Callable<Integer>
{
    private static final String[] HEADER = { "INITIATOR", "ISID", "TSIH", "TARGET", "TPG", "PORTAL", "FROM", "UP",
        "COMMANDS", "READ", "WRITTEN" };

    @Mixin
    ConfigFileOption config;

    @Option(names = { "-v", "--verbose" },
        description = "Each connection's negotiated keys, authentication, LUNs and CmdSN window too.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception
    {
        final AdminResponse response = RunningTargets.ask(config, new AdminRequest(AdminRequest.SESSIONS, null,
            List.of()), " (sessions exist only in a running target; --admin-socket PATH names one)");
        final PrintWriter out = spec.commandLine().getOut();
        final List<SessionSnapshot> sessions = new ArrayList<>(response.view().sessions());
        if (sessions.isEmpty())
        {
            out.println("No sessions.");
            return ExitCodes.OK;
        }
        sessions.sort(Comparator.comparingInt(SessionSnapshot::tsih));
        final long now = System.currentTimeMillis();
        final List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (final SessionSnapshot s : sessions)
        {
            rows.add(new String[]{ s.initiatorName(), s.isidHex(), String.valueOf(s.tsih()),
                s.discovery() ? "(discovery)" : s.targetName(), s.discovery() ? "-" : String.valueOf(s.tpgTag()),
                s.portal(), s.peer(), Uptime.format(now - s.loginEpochMillis()), String.valueOf(s.commands()),
                Sizes.format(s.readBytes()), Sizes.format(s.writtenBytes()) });
        }
        final int[] widths = new int[HEADER.length];
        for (final String[] row : rows)
        {
            for (int c = 0; c < row.length; c++)
            {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        for (int r = 0; r < rows.size(); r++)
        {
            out.println(line(rows.get(r), widths));
            if (verbose && r > 0)
            {
                final SessionSnapshot s = sessions.get(r - 1);
                out.println("    connection 0 from " + s.peer() + " to " + s.portal() + " (" + s.loop() + ")");
                out.println("      negotiated: " + s.parameters());
                if (s.authentication() != null)   // null from a target started from an older jar
                {
                    out.println("      authentication: " + s.authentication());
                }
                if (!s.discovery())
                {
                    out.println("      LUNs: " + s.lunsDescribed());
                }
                if (s.errors() != null)   // null from a target started from an older jar
                {
                    out.println("      errors: " + s.errors());
                }
                out.println("      ExpCmdSN " + Integer.toUnsignedString(s.expCmdSn()) + ", MaxCmdSN " +
                    Integer.toUnsignedString(s.maxCmdSn()) + " (window " + (s.maxCmdSn() - s.expCmdSn() + 1) +
                    "), StatSN " + Integer.toUnsignedString(s.statSn()));
            }
        }
        return ExitCodes.OK;
    }

    /**
     * {@code ringtarget sessions logout [INITIATOR] [--target IQN] [--isid HEX] [--now]}: what tgtadm's {@code --op
     * delete --mode conn} and SCST's {@code force_close} do, the iSCSI way first: the initiator is asked to log out.
     */
    @Command(name = "logout", description = "Ends an initiator's sessions on the running target (with --target and " +
        "no initiator: every session of that target): each is asked to log out (an Async Message, RFC 7143 " +
        "11.9.1) and closed if it has not within 2 s; --now closes them at once. " +
        "Linux's initiator logs out and in again at once, taking what the TPG offers now (tpg set --parameter, " +
        "CHAP); to keep it out, delete its ACL (which ends its sessions by itself) or disable the TPG instead.",
        footer = { "", "Examples:", "  ringtarget sessions logout iqn.1994-05.com.client:host1",
            "  ringtarget sessions logout iqn.1994-05.com.client:host1 --target iqn.2026-04.com.example:target1 " +
                "--isid 400001370000 --now",
            "  ringtarget sessions logout --target iqn.2026-04.com.example:target1   # every initiator's" })
    static final class Logout implements Callable<Integer>
    {
        @Mixin
        ConfigFileOption config;

        @Parameters(index = "0", arity = "0..1", paramLabel = "INITIATOR_IQN",
            description = "The initiator whose sessions end (left out: every initiator's, of --target).")
        String initiator;

        @Option(names = "--target", paramLabel = "IQN", description = "Only its sessions of this target.")
        String target;

        @Option(names = "--isid", paramLabel = "HEX", description = "Only the session of this ISID (12 hex digits, " +
            "as ringtarget sessions shows it).")
        String isid;

        @Option(names = "--now", description = "Close the connections at once instead of asking the initiator to " +
            "log out (its commands in flight are lost to it and retried after it logs in again).")
        boolean now;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception
        {
            if (null == initiator && null == target)
            {
                throw new CliException(ExitCodes.INVALID, "name the initiator whose sessions end, or --target IQN " +
                    "for every session of a target");
            }
            if (null != isid && !isid.toLowerCase(Locale.ROOT).matches("(0x)?[0-9a-f]{12}"))
            {
                throw new CliException(ExitCodes.INVALID, "--isid " + isid + ": 12 hex digits, as ringtarget " +
                    "sessions shows an ISID");
            }
            final AdminResponse response = RunningTargets.ask(config, new AdminRequest(AdminRequest.LOGOUT, null,
                List.of(), null, new AdminRequest.Logout(initiator, target, isid, now)),
                " (sessions exist only in a running target; --admin-socket PATH names one)");
            final List<SessionSnapshot> told = response.view().sessions();
            if (told.isEmpty())
            {
                spec.commandLine().getErr().println("No session " + (null == initiator ? "" : "of " + initiator + " ") +
                    (null == target ? "" : "with " + target + " ") + (null == isid ? "" : "with ISID " + isid + " ") +
                    "is logged in (ringtarget sessions lists them).");
                return ExitCodes.FAILURE;
            }
            final PrintWriter out = spec.commandLine().getOut();
            for (final SessionSnapshot s : told)
            {
                out.println((now ? "Closed" : "Asked to log out:") + " " + s.initiatorName() + " ISID " +
                    s.isidHex() + " TSIH " + s.tsih() + " (" + s.targetName() + " tpg " + s.tpgTag() + ", from " +
                    s.peer() + ").");
            }
            return ExitCodes.OK;
        }
    }

    private static String line(final String[] row, final int[] widths)
    {
        final StringBuilder sb = new StringBuilder();
        for (int c = 0; c < row.length; c++)
        {
            sb.append(row[c]);
            if (c < row.length - 1)
            {
                sb.append(" ".repeat(widths[c] - row[c].length() + 2));
            }
        }
        return sb.toString();
    }
}
