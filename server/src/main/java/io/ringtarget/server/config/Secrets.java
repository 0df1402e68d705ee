package io.ringtarget.server.config;

import java.util.List;

/** CHAP secrets kept out of what is shown: {@code config show --json}, {@code ringtarget ls}. */
public final class Secrets
{
    /** What a secret is shown as. */
    public static final String MASK = "********";

    private Secrets()
    {
    }

    /** The configuration with every CHAP secret replaced by {@link #MASK}. */
    public static RingtargetConfig masked(final RingtargetConfig config)
    {
        final List<TargetConfig> targets = config.targets().stream().map(target -> new TargetConfig(target.iqn(),
            target.alias(), target.tpgs().stream().map(tpg -> tpg.withAcls(tpg.acls().stream()
                .map(acl -> acl.withChap(mask(acl.chap()))).toList()).withChap(mask(tpg.chap()))).toList())).toList();
        final DiscoveryAuthConfig discovery = config.discoveryAuth();
        return config.withTargets(targets)
            .withDiscoveryAuth(new DiscoveryAuthConfig(discovery.authentication(), mask(discovery.chap())));
    }

    private static ChapConfig mask(final ChapConfig chap)
    {
        if (null == chap)
        {
            return null;
        }
        return new ChapConfig(chap.userid(), null == chap.password() ? null : MASK, chap.mutualUserid(),
            null == chap.mutualPassword() ? null : MASK);
    }
}
