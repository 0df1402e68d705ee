package io.ringtarget.server.cli;

import io.ringtarget.server.config.AclConfig;
import io.ringtarget.server.config.ConfigDefaults;
import io.ringtarget.server.config.ConfigEditor;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.MappedLunConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TpgConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;

/**
 * Node ACLs of a TPG, {@code ringtarget iscsi tpg acls ...} (targetcli's .../tpg1/acls): the initiators admitted,
 * their CHAP credentials, the LUNs they see and whether they may write.
 */
@Command(name = "acls", description = "Node ACLs: the initiators admitted, with their CHAP credentials and " +
        "the LUNs they see.",
    subcommands = { AclsCommand.Create.class, AclsCommand.SetAuth.class, AclsCommand.SetLuns.class,
        AclsCommand.SetReadOnly.class, AclsCommand.SetNopIn.class, AclsCommand.Delete.class,
        AclsCommand.ListAcls.class },
    footer = { "", "Examples:", "  T=iqn.2026-04.com.example:target1",
        "  ringtarget iscsi tpg acls create $T iqn.1994-05.com.client:host1",
        "  ringtarget iscsi tpg acls create $T iqn.1994-05.com.client:host2 \\",
        "      --chap-user host2 --chap-password 'host2-secret' --mutual-user target1 --mutual-password 'target1-secret'",
        "  ringtarget iscsi tpg acls create $T iqn.1994-05.com.client:host3 --mapped-luns 1,2",
        "  ringtarget iscsi tpg acls set-luns $T iqn.1994-05.com.client:host3 all",
        "  ringtarget iscsi tpg acls create $T iqn.1994-05.com.client:backup --mapped-luns 1 --read-only",
        "  ringtarget iscsi tpg acls set-nopin $T iqn.1994-05.com.client:host1 \\",
        "      --nopin-interval 30 --nopin-timeout 60" })
final class AclsCommand extends CommandGroup
{
    /** The ACL a command is about: {@code IQN INITIATOR_IQN [--tpg N]}. */
    static final class Acl
    {
        @Parameters(index = "0", paramLabel = "IQN", description = "Target name.")
        String iqn;

        @Parameters(index = "1", paramLabel = "INITIATOR_IQN",
            description = "Initiator name (/etc/iscsi/initiatorname.iscsi on open-iscsi).")
        String initiator;

        @Mixin
        IscsiCommand.TpgOption tpg;

        /** The ACL in {@code config}. */
        AclConfig in(final RingtargetConfig config)
        {
            return ConfigEditor.acl(ConfigEditor.tpg(ConfigEditor.target(config, iqn), tpg.tag), initiator);
        }
    }

    @Command(name = "create", description = "Admits an initiator, optionally with CHAP credentials.")
    static final class Create extends EditCommand
    {
        @Mixin
        Acl acl;

        @Mixin
        ChapOptions chap;

        @Option(names = "--mapped-luns", paramLabel = "LUNS|all|none", defaultValue = MappedLuns.ALL,
            description = "The LUNs of the TPG the initiator sees (LUN masking): mappings separated by commas, " +
                "each LUN[=TPG_LUN][:ro] (0,2: those LUNs under their numbers; 0=3: the TPG's LUN 3 as LUN 0; " +
                "1:ro: read-only), all (default: also LUNs added later) or none.")
        String mappedLuns;

        @Option(names = "--read-only", description = "The initiator may only read: its writes fail with " +
            "DATA PROTECT.")
        boolean readOnly;

        @Override
        RingtargetConfig edit(final RingtargetConfig current)
        {
            return ConfigEditor.addAcl(current, acl.iqn, acl.tpg.tag,
                new AclConfig(acl.initiator, chap.toConfig(), MappedLuns.parse(mappedLuns)).withReadOnly(readOnly));
        }

        @Override
        String done(final RingtargetConfig before, final RingtargetConfig after)
        {
            final List<MappedLunConfig> luns = MappedLuns.parse(mappedLuns);
            return "Created Node ACL for " + acl.initiator + (chap.given() ? " with CHAP" : "") +
                (null == luns ? "" : ", seeing " + MappedLuns.describe(luns)) +
                (readOnly ? ", read-only" : "") + ".";
        }
    }

    @Command(name = "set-auth", description = "Sets (or, without options, removes) the CHAP credentials " +
        "of an ACL, as targetcli's \"set auth\".")
    static final class SetAuth extends EditCommand
    {
        @Mixin
        Acl acl;

        @Mixin
        ChapOptions chap;

        @Override
        RingtargetConfig edit(final RingtargetConfig current)
        {
            return ConfigEditor.setAclChap(current, acl.iqn, acl.tpg.tag, acl.initiator, chap.toConfig());
        }

        @Override
        String done(final RingtargetConfig before, final RingtargetConfig after)
        {
            return (chap.given() ? "Set CHAP credentials of " : "Removed CHAP credentials of ") + acl.initiator + ".";
        }
    }

    @Command(name = "set-luns", description = "Sets the LUNs of the TPG an initiator sees and under which " +
        "numbers (LUN masking, targetcli's mapped LUNs). Sessions see the change at once and are told with " +
        "REPORTED LUNS DATA HAS CHANGED.")
    static final class SetLuns extends EditCommand
    {
        @Mixin
        Acl acl;

        @Parameters(index = "2", paramLabel = "LUNS|all|none",
            description = "Mappings separated by commas, each LUN[=TPG_LUN][:ro] (0,2: those LUNs under their " +
                "numbers; 0=3: the TPG's LUN 3 as LUN 0; 1:ro: read-only), all (also LUNs added later) or none.")
        String mappedLuns;

        @Override
        RingtargetConfig edit(final RingtargetConfig current)
        {
            return ConfigEditor.setAclLuns(current, acl.iqn, acl.tpg.tag, acl.initiator, MappedLuns.parse(mappedLuns));
        }

        @Override
        String done(final RingtargetConfig before, final RingtargetConfig after)
        {
            return acl.initiator + " sees " + MappedLuns.describe(acl.in(after).mappedLuns()) + " of TPG " +
                acl.tpg.tag + ".";
        }
    }

    @Command(name = "set-read-only", description = "Makes an initiator's access to its LUNs read-only (its " +
        "writes fail with DATA PROTECT), or writable again; at once for its sessions.")
    static final class SetReadOnly extends EditCommand
    {
        @Mixin
        Acl acl;

        @Parameters(index = "2", paramLabel = "true|false", arity = "1",
            description = "true: read-only; false: it may write.")
        boolean readOnly;

        @Override
        RingtargetConfig edit(final RingtargetConfig current)
        {
            return ConfigEditor.setAclReadOnly(current, acl.iqn, acl.tpg.tag, acl.initiator, readOnly);
        }

        @Override
        String done(final RingtargetConfig before, final RingtargetConfig after)
        {
            return acl.initiator + (readOnly ? " may only read its LUNs of TPG " : " may write its LUNs of TPG ") +
                acl.tpg.tag + ".";
        }
    }

    @Command(name = "set-nopin", description = "Sets the NOP-In ping interval and answer timeout of an " +
        "initiator's sessions (targetcli's per-ACL nopin_timeout and nopin_response_timeout), or gives it the TPG's " +
        "again; at once for its sessions.")
    static final class SetNopIn extends EditCommand
    {
        @Mixin
        Acl acl;

        @Option(names = "--nopin-interval", paramLabel = "SECONDS|tpg",
            description = "NOP-In ping after that many seconds without traffic from this initiator; 0 = no pings; " +
                "tpg = the TPG's (or the engine's).")
        String interval;

        @Option(names = "--nopin-timeout", paramLabel = "SECONDS|tpg",
            description = "Drop a session of this initiator when a ping is not answered within that time, once it " +
                "has answered one; tpg = the TPG's (or the engine's).")
        String timeout;

        @Override
        RingtargetConfig edit(final RingtargetConfig current)
        {
            if (null == interval && null == timeout)
            {
                throw new CliException(ExitCodes.INVALID, "nothing to set: give --nopin-interval or --nopin-timeout");
            }
            return ConfigEditor.setAclNopIn(current, acl.iqn, acl.tpg.tag, acl.initiator,
                IscsiCommand.Tpg.Set.seconds("--nopin-interval", interval, "tpg"),
                IscsiCommand.Tpg.Set.seconds("--nopin-timeout", timeout, "tpg"));
        }

        @Override
        String done(final RingtargetConfig before, final RingtargetConfig after)
        {
            final TpgConfig tpg = ConfigEditor.tpg(ConfigEditor.target(after, acl.iqn), acl.tpg.tag);
            return acl.initiator + ": " + nopIn(acl.in(after), tpg, after.engine()) + ".";
        }
    }

    /** "NOP-In every 30 s, timeout 60 s", "NOP-In off", and whose settings they are when not the ACL's own. */
    static String nopIn(final AclConfig acl, final TpgConfig tpg, final EngineConfig configured)
    {
        final EngineConfig engine = null == configured ? ConfigDefaults.engine() : configured;
        final int interval = acl.nopInIntervalSeconds(tpg, engine);
        return "NOP-In " + (interval == 0 ? "off" : "every " + interval + " s, timeout " +
            acl.nopInTimeoutSeconds(tpg, engine) + " s") +
            (null == acl.nopInIntervalSeconds() && null == acl.nopInTimeoutSeconds() ? " (the TPG's)" : "");
    }

    @Command(name = "delete", description = "Removes an ACL.")
    static final class Delete extends EditCommand
    {
        @Mixin
        Acl acl;

        @Override
        RingtargetConfig edit(final RingtargetConfig current)
        {
            return ConfigEditor.deleteAcl(current, acl.iqn, acl.tpg.tag, acl.initiator);
        }

        @Override
        String done(final RingtargetConfig before, final RingtargetConfig after)
        {
            return "Deleted Node ACL " + acl.initiator + ".";
        }
    }

    @Command(name = "list", aliases = "ls", description = "Lists the ACLs of a TPG (never the secrets).")
    static final class ListAcls extends IscsiCommand.TpgListCommand
    {
        @Override
        void list(final TpgConfig tpg, final PrintWriter out)
        {
            for (final AclConfig acl : tpg.acls())
            {
                out.println(acl.initiatorIqn() + (null == acl.chap() ? "" : "  CHAP user " + acl.chap().userid() +
                    (null == acl.chap().mutualUserid() ? "" : ", mutual user " + acl.chap().mutualUserid())) +
                    "  " + MappedLuns.describe(acl.mappedLuns()) +
                    (acl.readOnlyOrDefault() ? "  read-only" : "") +
                    (null == acl.nopInIntervalSeconds() && null == acl.nopInTimeoutSeconds() ? "" :
                    "  NOP-In " + (null == acl.nopInIntervalSeconds() ? "tpg" : acl.nopInIntervalSeconds() + "s") +
                    "/" + (null == acl.nopInTimeoutSeconds() ? "tpg" : acl.nopInTimeoutSeconds() + "s")));
            }
        }
    }
}
