package io.ringtarget.server.cli;

import io.ringtarget.server.config.ConfigDefaults;
import io.ringtarget.server.config.ConfigEditor;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.IscsiNames;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ringtarget iscsi ...}: targetcli's /iscsi, targets and their TPGs. */
@Command(
    name = "iscsi",
    description = "iSCSI targets, their target portal groups (TPGs), portals, LUNs and ACLs.",
    subcommands = {
        IscsiCommand.Create.class,
        IscsiCommand.ListTargets.class,
        IscsiCommand.Delete.class,
        IscsiCommand.Tpg.class },
    footer = {
        "",
        "Examples:",
        "  T=iqn.2026-04.com.example:target1",
        "  ringtarget iscsi create $T",
        "  ringtarget iscsi tpg portals create $T 0.0.0.0 3260",
        "  ringtarget iscsi tpg luns create $T disk1",
        "  ringtarget iscsi tpg acls create $T iqn.1994-05.com.client:host1" })
final class IscsiCommand extends CommandGroup
{
    /** The {@code --tpg N} option, TPG 1 unless told. */
    static final class TpgOption
    {
        @Option(names = "--tpg", paramLabel = "TAG", defaultValue = "1",
            description = "Target portal group tag (default: ${DEFAULT-VALUE}, targetcli's tpg1).")
        int tag;
    }

    @Command(name = "create", description = "Creates a target with TPG 1 (no portal, LUN or ACL yet).",
        footer = { "", "Examples:", "  ringtarget iscsi create iqn.2026-04.com.example:target1",
            "  ringtarget iscsi create        # generates iqn.2026-11.io.ringtarget:<random>" })
    static final class Create extends EditCommand
    {
        @Parameters(index = "0", arity = "0..1", paramLabel = "IQN",
            description = "Target name (iqn.yyyy-mm.reversed.domain[:unique]); generated when left out.")
        String iqn;

        private String created;

        @Override
        RingtargetConfig edit(final RingtargetConfig current)
        {
            created = null == iqn ? IscsiNames.generateTargetIqn() : iqn;
            final String problem = IscsiNames.problem(created);
            if (null != problem)
            {
                throw new IllegalArgumentException(problem);
            }
            return ConfigEditor.addTarget(current, created);
        }

        @Override
        String done(final RingtargetConfig before, final RingtargetConfig after)
        {
            return "Created target " + created + "." + System.lineSeparator() + "Created TPG 1." +
                System.lineSeparator() + "Next: ringtarget iscsi tpg portals create " + created + " 0.0.0.0 3260";
        }
    }

    @Command(name = "list", aliases = "ls", description = "Lists the targets.")
    static final class ListTargets implements Callable<Integer>
    {
        @Mixin
        ConfigFileOption config;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception
        {
            final PrintWriter out = spec.commandLine().getOut();
            final RingtargetConfig current = config.loadOrEmpty();
            if (current.targets().isEmpty())
            {
                out.println("No targets.");
            }
            for (final TargetConfig target : current.targets())
            {
                final StringBuilder sb = new StringBuilder(target.iqn());
                for (final TpgConfig tpg : target.tpgs())
                {
                    sb.append("  tpg").append(tpg.tag()).append(": ").append(tpg.portals().size()).append(" portals, ")
                        .append(tpg.luns().size()).append(" LUNs, ").append(tpg.acls().size()).append(" ACLs");
                }
                out.println(sb);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", description = "Deletes a target with its TPGs, portals, LUNs and ACLs (backstores stay).")
    static final class Delete extends EditCommand
    {
        @Parameters(index = "0", paramLabel = "IQN", description = "Target name.")
        String iqn;

        @Override
        RingtargetConfig edit(final RingtargetConfig current)
        {
            return ConfigEditor.deleteTarget(current, iqn);
        }

        @Override
        String done(final RingtargetConfig before, final RingtargetConfig after)
        {
            return "Deleted target " + iqn + ".";
        }
    }

    @Command(name = "tpg", description = "A target portal group: portals, LUNs, ACLs and its settings.",
        subcommands = {
            Tpg.Create.class,
            Tpg.DeleteTpg.class,
            PortalsCommand.class,
            LunsCommand.class,
            AclsCommand.class,
            Tpg.SetAuth.class,
            Tpg.Set.class,
            Tpg.Alua.class })
    static final class Tpg extends CommandGroup
    {
        @Command(name = "create", description = "Adds a TPG to a target (one TPG is usual; see docs/admin-guide.md).")
        static final class Create extends EditCommand
        {
            @Parameters(index = "0", paramLabel = "IQN", description = "Target name.")
            String iqn;

            @Parameters(index = "1", paramLabel = "TAG", description = "Tag of the new TPG (1..65535).")
            int tag;

            @Override
            RingtargetConfig edit(final RingtargetConfig current)
            {
                return ConfigEditor.addTpg(current, iqn, tag);
            }

            @Override
            String done(final RingtargetConfig before, final RingtargetConfig after)
            {
                return "Created TPG " + tag + ".";
            }
        }

        @Command(name = "alua", description = "Sets the ALUA state a TPG (one target port group) starts in, and its " +
            "PREF bit.",
            footer = { "", "Each enabled TPG of a target is one ALUA target port group; a backstore mapped",
                "in several TPGs is one logical unit reached through all of them. Initiators may",
                "change the states with SET TARGET PORT GROUPS while the target runs; the file",
                "keeps the states to start with (docs/admin-guide.md, multipath with ALUA).",
                "", "Examples:", "  T=iqn.2026-04.com.example:target1",
                "  ringtarget iscsi tpg alua $T 1 --state active-optimized --preferred",
                "  ringtarget iscsi tpg alua $T 2 --state active-non-optimized --preferred=false" })
        static final class Alua extends EditCommand
        {
            @Parameters(index = "0", paramLabel = "IQN", description = "Target name.")
            String iqn;

            @Parameters(index = "1", paramLabel = "TAG", description = "Tag of the TPG.")
            int tag;

            @Option(names = "--state",
                paramLabel = "active-optimized|active-non-optimized|standby|unavailable",
                description = "The asymmetric access state (SPC-4 5.15.2).")
            String state;

            @Option(names = "--preferred", arity = "0..1", paramLabel = "true|false", fallbackValue = "true",
                description = "The PREF bit: multipath's prio alua puts a preferred group first.")
            Boolean preferred;

            @Override
            RingtargetConfig edit(final RingtargetConfig current)
            {
                if (null == state && null == preferred)
                {
                    throw new CliException(ExitCodes.INVALID, "nothing to set: give --state or --preferred");
                }
                return ConfigEditor.setTpgAlua(current, iqn, tag, state, preferred);
            }

            @Override
            String done(final RingtargetConfig before, final RingtargetConfig after)
            {
                final var alua = ConfigEditor.tpg(ConfigEditor.target(after, iqn), tag).aluaOrDefault();
                return "TPG " + tag + ": " + alua.state() + (alua.preferred() ? ", preferred." : ".");
            }
        }

        @Command(name = "delete", description = "Deletes a TPG with its portals, LUNs and ACLs.")
        static final class DeleteTpg extends EditCommand
        {
            @Parameters(index = "0", paramLabel = "IQN", description = "Target name.")
            String iqn;

            @Parameters(index = "1", paramLabel = "TAG", description = "Tag of the TPG.")
            int tag;

            @Override
            RingtargetConfig edit(final RingtargetConfig current)
            {
                return ConfigEditor.deleteTpg(current, iqn, tag);
            }

            @Override
            String done(final RingtargetConfig before, final RingtargetConfig after)
            {
                return "Deleted TPG " + tag + ".";
            }
        }

        @Command(name = "set-auth", description = "Sets (or, without options, removes) the CHAP credentials of " +
            "the initiators a TPG admits without an ACL of their own (--generate-node-acls true), as targetcli's TPG " +
            "\"set auth\": one secret for any of them; an initiator with an ACL uses its ACL's.",
            footer = { "", "Examples:", "  T=iqn.2026-04.com.example:target1",
                "  ringtarget iscsi tpg set-auth $T --chap-user lab --chap-password 'lab-Secret-2026'",
                "  ringtarget iscsi tpg set $T --generate-node-acls true --authentication chap" })
        static final class SetAuth extends EditCommand
        {
            @Parameters(index = "0", paramLabel = "IQN", description = "Target name.")
            String iqn;

            @Mixin
            ChapOptions chap;

            @Mixin
            TpgOption tpg;

            @Override
            RingtargetConfig edit(final RingtargetConfig current)
            {
                return ConfigEditor.setTpgChap(current, iqn, tpg.tag, chap.toConfig());
            }

            @Override
            String done(final RingtargetConfig before, final RingtargetConfig after)
            {
                return (chap.given() ? "Set the CHAP credentials of TPG " : "Removed the CHAP credentials of TPG ") +
                    tpg.tag + " for initiators without an ACL.";
            }
        }

        @Command(name = "set", description = "Sets TPG attributes.",
            footer = { "", "Examples:", "  T=iqn.2026-04.com.example:target1",
                "  ringtarget iscsi tpg set $T --authentication chap",
                "  ringtarget iscsi tpg set iqn.2026-11.io.ringtarget:demo --generate-node-acls true",
                "  ringtarget iscsi tpg set $T --nopin-interval 30 --nopin-timeout 60",
                "  ringtarget iscsi tpg set $T --nopin-interval engine --nopin-timeout engine",
                "  ringtarget iscsi tpg set $T --chap-algorithms SHA3-256,SHA256      # MD5 off for this TPG",
                "  ringtarget iscsi tpg set $T --chap-algorithms default",
                "  ringtarget iscsi tpg set $T --parameter FirstBurstLength=65536 --parameter ImmediateData=No",
                "  ringtarget iscsi tpg set $T --parameter FirstBurstLength=default      # the engine's again" })
        static final class Set extends EditCommand
        {
            @Parameters(index = "0", paramLabel = "IQN", description = "Target name.")
            String iqn;

            @Option(names = "--authentication", paramLabel = "none|chap",
                description = "chap: every initiator must pass CHAP with its ACL's credentials (targetcli's " +
                    "authentication=1).")
            String authentication;

            @Option(names = "--generate-node-acls", paramLabel = "true|false", arity = "1",
                description = "true admits any initiator without an ACL (targetcli's demo mode).")
            Boolean generateNodeAcls;

            @Option(names = "--enable", paramLabel = "true|false", arity = "1",
                description = "false keeps the TPG configured but not served.")
            Boolean enabled;

            @Option(names = "--nopin-interval", paramLabel = "SECONDS|engine",
                description = "NOP-In ping after that many seconds without traffic from the initiator (targetcli's " +
                    "nopin_timeout); 0 = no pings; engine = the engine's nopInIntervalSeconds (default 5).")
            String nopInInterval;

            @Option(names = "--nopin-timeout", paramLabel = "SECONDS|engine",
                description = "Drop a session whose initiator does not answer a ping within that time, once it has " +
                    "answered one (targetcli's nopin_response_timeout); engine = the engine's nopInTimeoutSeconds " +
                    "(default 15).")
            String nopInTimeout;

            @Option(names = "--chap-algorithms", paramLabel = "LIST|default",
                description = "CHAP algorithms the TPG's initiators may use (the initiator's order chooses), from " +
                    "SHA3-256, SHA256, SHA1, MD5 (leave MD5 out to switch it off); default = the security section's " +
                    "(SHA3-256,SHA256,SHA1,MD5 unless set).")
            String chapAlgorithms;

            @Option(names = "--parameter", paramLabel = "KEY=VALUE|KEY=default",
                description = "An operational key the TPG offers its logins (targetcli's set parameter; repeatable): " +
                    "MaxRecvDataSegmentLength, MaxBurstLength, FirstBurstLength, MaxOutstandingR2T, " +
                    "DefaultTime2Wait, DefaultTime2Retain (numbers), InitialR2T, ImmediateData (Yes|No), " +
                    "HeaderDigest, DataDigest (CRC32C, None or CRC32C,None: without None a login must choose " +
                    "CRC32C); default = the engine's. Applies at the next login.")
            List<String> parameters;

            @Mixin
            TpgOption tpg;

            @Override
            RingtargetConfig edit(final RingtargetConfig current)
            {
                if (null == authentication && null == generateNodeAcls && null == enabled && null == nopInInterval &&
                    null == nopInTimeout && null == chapAlgorithms && null == parameters)
                {
                    throw new CliException(ExitCodes.INVALID, "nothing to set: give --authentication, " +
                        "--generate-node-acls, --enable, --nopin-interval, --nopin-timeout, --chap-algorithms or " +
                        "--parameter");
                }
                RingtargetConfig edited = current;
                if (null != authentication || null != generateNodeAcls || null != enabled)
                {
                    edited = ConfigEditor.setTpg(edited, iqn, tpg.tag, authentication, generateNodeAcls, enabled);
                }
                if (null != nopInInterval || null != nopInTimeout)
                {
                    edited = ConfigEditor.setTpgNopIn(edited, iqn, tpg.tag,
                        seconds("--nopin-interval", nopInInterval, "engine"),
                        seconds("--nopin-timeout", nopInTimeout, "engine"));
                }
                if (null != chapAlgorithms)
                {
                    edited = ConfigEditor.setTpgChapAlgorithms(edited, iqn, tpg.tag, ChapOptions.algorithms(chapAlgorithms));
                }
                if (null != parameters)
                {
                    edited = ConfigEditor.setTpgParameters(edited, iqn, tpg.tag, TpgParameterOptions.parse(parameters));
                }
                return edited;
            }

            /**
             * A number of seconds, or {@code inherit} ("engine" for a TPG, "tpg" for an ACL: {@link
             * ConfigEditor#ENGINE_NOP_IN}, the setting left out); null when not given.
             */
            static Integer seconds(final String option, final String value, final String inherit)
            {
                if (null == value)
                {
                    return null;
                }
                if (inherit.equals(value))
                {
                    return ConfigEditor.ENGINE_NOP_IN;
                }
                try
                {
                    final int seconds = Integer.parseInt(value);
                    if (seconds >= 0)
                    {
                        return seconds;
                    }
                }
                catch (final NumberFormatException ex)
                {
                    // reported below
                }
                throw new CliException(ExitCodes.INVALID, option + ": \"" + value + "\" is not a number of seconds " +
                    "(0 or more) or \"" + inherit + "\"");
            }

            @Override
            String done(final RingtargetConfig before, final RingtargetConfig after)
            {
                final TpgConfig result = ConfigEditor.tpg(ConfigEditor.target(after, iqn), tpg.tag);
                return "TPG " + result.tag() + ": authentication " + result.authentication() + ", generateNodeAcls " +
                    result.generateNodeAcls() + ", " + (result.enabled() ? "enabled" : "disabled") +
                    (null == nopInInterval && null == nopInTimeout ? "" : ", " + nopIn(result, after.engine())) +
                    (null == chapAlgorithms ? "" : ", CHAP algorithms " + String.join(",", null == result.chapAlgorithms() ?
                        after.securityOrDefault().chapAlgorithms() : result.chapAlgorithms()) +
                        (null == result.chapAlgorithms() ? " (the security section's)" : "")) +
                    (null == parameters ? "" : ", " + TpgParameterOptions.describe(result.parametersOrNone())) + ".";
            }

            private static String nopIn(final TpgConfig tpg, final EngineConfig configured)
            {
                final EngineConfig engine = null == configured ? ConfigDefaults.engine() : configured;
                return "NOP-In " + (tpg.nopInIntervalSeconds(engine) == 0 ? "off" : "every " +
                    tpg.nopInIntervalSeconds(engine) + " s, timeout " + tpg.nopInTimeoutSeconds(engine) + " s") +
                    (null == tpg.nopInIntervalSeconds() && null == tpg.nopInTimeoutSeconds() ? " (the engine's)" : "");
            }
        }
    }

    /** Lists something of one TPG: {@code IQN [--tpg N]}. */
    abstract static class TpgListCommand implements Callable<Integer>
    {
        @Parameters(index = "0", paramLabel = "IQN", description = "Target name.")
        String iqn;

        @Mixin
        TpgOption tpg;

        @Mixin
        ConfigFileOption config;

        @Spec
        CommandSpec spec;

        abstract void list(TpgConfig tpg, PrintWriter out);

        @Override
        public Integer call() throws Exception
        {
            list(ConfigEditor.tpg(ConfigEditor.target(config.loadOrEmpty(), iqn), tpg.tag), spec.commandLine().getOut());
            return ExitCodes.OK;
        }
    }
}
