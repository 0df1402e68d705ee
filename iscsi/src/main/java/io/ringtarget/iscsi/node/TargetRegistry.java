package io.ringtarget.iscsi.node;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every configured target node by IQN. Built once at start-up; read-only afterwards, so shared by all loops. */
public final class TargetRegistry
{
    private final Map<String, TargetNode> targets = new LinkedHashMap<>();

    public void add(final TargetNode node)
    {
        targets.put(node.name(), node);
    }

    public TargetNode find(final String iqn)
    {
        // iSCSI names are case-insensitive and stored lower-case (RFC 3722 stringprep); match accordingly.
        final TargetNode exact = targets.get(iqn);
        return exact != null || iqn == null ? exact : targets.get(iqn.toLowerCase(java.util.Locale.ROOT));
    }

    public Collection<TargetNode> all()
    {
        return targets.values();
    }
}
