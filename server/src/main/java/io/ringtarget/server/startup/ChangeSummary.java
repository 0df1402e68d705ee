package io.ringtarget.server.startup;

import io.ringtarget.server.config.AclConfig;
import io.ringtarget.server.config.ConfigEditor;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.PortalConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a configuration change does to the targets, in a few words per kind of object for the log and the
 * administrator: "LUN 1 of iqn...:t1 tpg 1 added", or "1000 LUNs added" when there are many. Secrets are compared,
 * never shown.
 */
final class ChangeSummary
{
    /** Up to this many objects of a kind are named; more are counted. */
    private static final int NAMED = 3;
    /**
     * The kind of an ACL's access to LUNs (its mapped LUNs, read-only or not): changed on its own, added and removed
     * with its ACL.
     */
    private static final String LUN_ACCESS = "LUN access";
    /** The kind of an ACL's own NOP-In settings: changed on its own, added and removed with its ACL. */
    private static final String ACL_NOP_IN = "NOP-In settings";
    /** The kind of a TPG's CHAP credentials for the initiators it admits without an ACL. */
    private static final String TPG_CHAP = "CHAP credentials";

    /** One object of the tree: its kind ("LUN"), how to name it, and what it is (compared, not shown). */
    private record Fact(String kind, String name, Object value)
    {
    }

    private ChangeSummary()
    {
    }

    static List<String> of(final RingtargetConfig before, final RingtargetConfig after)
    {
        final Map<String, Fact> was = facts(before);
        final Map<String, Fact> is = facts(after);
        final Map<String, List<String>> added = new LinkedHashMap<>();
        final Map<String, List<String>> removed = new LinkedHashMap<>();
        final Map<String, List<String>> changed = new LinkedHashMap<>();
        for (final Map.Entry<String, Fact> e : is.entrySet())
        {
            final Fact old = was.get(e.getKey());
            final Fact now = e.getValue();
            if (null == old)
            {
                if (LUN_ACCESS.equals(now.kind()) || ACL_NOP_IN.equals(now.kind()))
                {
                    continue;   // a new ACL: named as one
                }
                added.computeIfAbsent(now.kind(), k -> new ArrayList<>()).add(now.name());
            }
            else if (!Objects.equals(old.value(), now.value()))
            {
                changed.computeIfAbsent(now.kind(), k -> new ArrayList<>()).add(now.name());
            }
        }
        for (final Map.Entry<String, Fact> e : was.entrySet())
        {
            if (!is.containsKey(e.getKey()) && !LUN_ACCESS.equals(e.getValue().kind()) &&
                !ACL_NOP_IN.equals(e.getValue().kind()))
            {
                removed.computeIfAbsent(e.getValue().kind(), k -> new ArrayList<>()).add(e.getValue().name());
            }
        }
        final List<String> lines = new ArrayList<>();
        describe(added, "added", lines);
        describe(removed, "removed", lines);
        describe(changed, "changed", lines);
        return lines;
    }

    private static void describe(final Map<String, List<String>> byKind, final String what, final List<String> into)
    {
        for (final Map.Entry<String, List<String>> e : byKind.entrySet())
        {
            final List<String> names = e.getValue();
            final String kind = e.getKey();
            final String note = switch (kind)
            {
                case "ACL" -> "changed".equals(what) ? " (CHAP: applies at the next login)" : "";
                case TPG_CHAP -> " (apply at the next login)";
                // Negotiated when a session logs in (leading-only keys, RFC 7143 section 13): sessions keep theirs.
                case "TPG parameters" -> " (apply at the next login)";
                default -> "";
            };
            into.add(names.size() > NAMED ? names.size() + " " + plural(kind) + " " + what + note :
                kind + " " + String.join(", " + kind + " ", names) + " " + what + note);
        }
    }

    private static String plural(final String kind)
    {
        return switch (kind)
        {
            case "ALUA" -> "ALUA settings";
            case "TPG parameters", "discovery authentication" -> kind;
            case LUN_ACCESS, ACL_NOP_IN -> "ACLs' " + kind;
            case TPG_CHAP -> "TPGs' " + kind;
            default -> kind + "s";
        };
    }

    private static Map<String, Fact> facts(final RingtargetConfig config)
    {
        final Map<String, Fact> facts = new LinkedHashMap<>();
        facts.put("discovery", new Fact("discovery authentication", "", config.discoveryAuth()));
        for (final TargetConfig t : config.targets())
        {
            final String target = t.iqn();
            facts.put(target, new Fact("target", target, t.alias()));
            for (final TpgConfig tpg : t.tpgs())
            {
                final String at = target + " tpg " + tpg.tag();
                facts.put(at, new Fact("TPG", at, List.of(tpg.enabled(), tpg.generateNodeAcls(), tpg.authentication(),
                    String.valueOf(tpg.nopInIntervalSeconds()), String.valueOf(tpg.nopInTimeoutSeconds()),
                    String.valueOf(tpg.chapAlgorithms()))));
                facts.put(at + " alua", new Fact("ALUA", "of " + at, tpg.aluaOrDefault()));
                if (null != tpg.chap())
                {
                    facts.put(at + " chap", new Fact(TPG_CHAP, "of " + at, tpg.chap()));
                }
                if (!tpg.parametersOrNone().isEmpty())
                {
                    facts.put(at + " parameters", new Fact("TPG parameters", "of " + at, tpg.parametersOrNone()));
                }
                for (final LunConfig lun : tpg.luns())
                {
                    facts.put(at + " lun " + lun.lun(), new Fact("LUN", lun.lun() + " of " + at + " (" + lun.backstore() +
                        ")", lun));
                }
                for (final AclConfig acl : tpg.acls())
                {
                    final String initiator = acl.initiatorIqn().toLowerCase(java.util.Locale.ROOT);
                    // An ACL's changeable parts: its CHAP credentials, and its LUN access (what it sees, read-only).
                    facts.put(at + " acl " + initiator, new Fact("ACL", acl.initiatorIqn() + " of " + at, acl.chap()));
                    facts.put(at + " acl " + initiator + " luns", new Fact(LUN_ACCESS, "of " + acl.initiatorIqn() +
                        " of " + at, acl.mappedLuns() + (acl.readOnlyOrDefault() ? " read-only" : "")));
                    facts.put(at + " acl " + initiator + " nopin", new Fact(ACL_NOP_IN, "of " + acl.initiatorIqn() +
                        " of " + at, acl.nopInIntervalSeconds() + "/" + acl.nopInTimeoutSeconds()));
                }
                for (final PortalConfig p : tpg.portals())
                {
                    final String portal = ConfigEditor.portalName(p);
                    facts.put(at + " portal " + portal, new Fact("portal", portal + " of " + at, ""));
                }
            }
        }
        return facts;
    }
}
