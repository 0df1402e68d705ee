package io.ringtarget.server.config;

import java.util.List;

/**
 * Secrets kept out of what is shown ({@code config show --json}, {@code ringtarget ls}): CHAP's and the metrics
 * endpoint's password.
 */
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
        final MetricsConfig metrics = config.metrics();
        return config.withTargets(targets)
            .withDiscoveryAuth(new DiscoveryAuthConfig(discovery.authentication(), mask(discovery.chap())))
            .withMetrics(null == metrics || null == metrics.basicAuth() ? metrics :
                metrics.withBasicAuth(metrics.basicAuth().masked()));
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
