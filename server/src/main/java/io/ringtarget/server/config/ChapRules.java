package io.ringtarget.server.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The rules for CHAP credentials (RFC 7143 9.2.1) that the schema cannot express ({@link ConfigValidator}): names
 * and secrets within what initiators accept, mutual CHAP complete, and no secret that authenticates initiators also
 * authenticating a target, anywhere in the configuration; and discovery authentication's.
 */
final class ChapRules
{
    /**
     * RFC 7143 9.2.1: a CHAP secret of fewer than 96 random bits needs IPsec, which this target does not
     * provide; 12 bytes is the shortest secret that can hold 96 bits.
     */
    static final int MIN_CHAP_SECRET = 12;
    /** Many initiators (Microsoft's among them) accept at most 16 characters. */
    static final int MAX_PORTABLE_CHAP_SECRET = 16;
    /** open-iscsi's limit on CHAP names and secrets. */
    static final int MAX_CHAP_TEXT = 255;

    private final ConfigProblems problems;

    ChapRules(final ConfigProblems problems)
    {
        this.problems = problems;
    }

    void discoveryAuth(final DiscoveryAuthConfig discoveryAuth)
    {
        if (null == discoveryAuth)
        {
            problems.error("discoveryAuth", "required ({} for none)");
            return;
        }
        final String authentication = discoveryAuth.authentication();
        if (null == discoveryAuth.chap())
        {
            if (ConfigDefaults.AUTH_CHAP.equals(authentication))
            {
                problems.error("discoveryAuth.chap", "required: discovery authentication is \"chap\"");
            }
        }
        else
        {
            chap("discoveryAuth.chap", discoveryAuth.chap());
            if (ConfigDefaults.AUTH_NONE.equals(authentication))
            {
                problems.warning("discoveryAuth.chap", "not required while discovery authentication is \"none\"");
            }
        }
    }

    /** A CHAP credential (an ACL's or discovery's) at {@code path}. */
    void chap(final String path, final ChapConfig chap)
    {
        chapName(path + ".userid", chap.userid());
        chapSecret(path + ".password", chap.password());
        final boolean mutualUser = null != chap.mutualUserid() && !chap.mutualUserid().isEmpty();
        final boolean mutualPassword = null != chap.mutualPassword() && !chap.mutualPassword().isEmpty();
        if (mutualUser != mutualPassword)
        {
            problems.error(path + (mutualUser ? ".mutualPassword" : ".mutualUserid"),
                "mutual CHAP needs both mutualUserid and mutualPassword");
        }
        if (mutualUser)
        {
            chapName(path + ".mutualUserid", chap.mutualUserid());
        }
        if (mutualPassword)
        {
            chapSecret(path + ".mutualPassword", chap.mutualPassword());
            if (chap.mutualPassword().equals(chap.password()))
            {
                problems.error(path + ".mutualPassword", "must differ from password (RFC 7143 9.2.1: a secret that " +
                    "authenticates initiators must not authenticate targets)");
            }
        }
    }

    private void chapName(final String path, final String name)
    {
        if (null == name || name.isEmpty())
        {
            problems.error(path, "required");
        }
        else if (name.length() > MAX_CHAP_TEXT || ConfigValidator.hasControlCharacters(name))
        {
            problems.error(path, "at most " + MAX_CHAP_TEXT + " characters, without control characters");
        }
    }

    private void chapSecret(final String path, final String secret)
    {
        if (null == secret || secret.isEmpty())
        {
            problems.error(path, "required");
        }
        else if (secret.length() < MIN_CHAP_SECRET)
        {
            problems.error(path, "at least " + MIN_CHAP_SECRET + " characters (RFC 7143 9.2.1: a CHAP secret of less " +
                "than 96 bits needs IPsec, which ringtarget does not provide)");
        }
        else if (secret.length() > MAX_CHAP_TEXT || ConfigValidator.hasControlCharacters(secret))
        {
            problems.error(path, "at most " + MAX_CHAP_TEXT + " characters, without control characters");
        }
        else if (secret.length() > MAX_PORTABLE_CHAP_SECRET)
        {
            problems.warning(path, "longer than " + MAX_PORTABLE_CHAP_SECRET + " characters: some initiators (e.g. " +
                "Microsoft's) refuse such secrets");
        }
    }

    /** RFC 7143 9.2.1: no secret that authenticates an initiator may also authenticate a target. */
    void secretsNotShared(final RingtargetConfig config)
    {
        final Map<String, String> initiatorSecrets = new HashMap<>();
        final Map<String, String> targetSecrets = new HashMap<>();
        collectSecrets("discoveryAuth.chap", null == config.discoveryAuth() ? null : config.discoveryAuth().chap(),
            initiatorSecrets, targetSecrets);
        final List<TargetConfig> targets = Objects.requireNonNullElse(config.targets(), List.of());
        for (int i = 0; i < targets.size(); i++)
        {
            final TargetConfig target = targets.get(i);
            if (null == target || null == target.tpgs())
            {
                continue;
            }
            for (int j = 0; j < target.tpgs().size(); j++)
            {
                final TpgConfig tpg = target.tpgs().get(j);
                if (null == tpg)
                {
                    continue;
                }
                collectSecrets("targets[" + i + "].tpgs[" + j + "].chap", tpg.chap(), initiatorSecrets, targetSecrets);
                if (null == tpg.acls())
                {
                    continue;
                }
                for (int k = 0; k < tpg.acls().size(); k++)
                {
                    final AclConfig acl = tpg.acls().get(k);
                    collectSecrets("targets[" + i + "].tpgs[" + j + "].acls[" + k + "].chap",
                        null == acl ? null : acl.chap(), initiatorSecrets, targetSecrets);
                }
            }
        }
        for (final Map.Entry<String, String> target : targetSecrets.entrySet())
        {
            final String initiator = initiatorSecrets.get(target.getKey());
            if (null != initiator && !initiator.startsWith(target.getValue().replace(".mutualPassword", ".")))
            {
                problems.error(target.getValue(), "the same secret is " + initiator + " (RFC 7143 9.2.1: a secret " +
                    "that authenticates initiators must not authenticate targets)");
            }
        }
    }

    private static void collectSecrets(
        final String path, final ChapConfig chap, final Map<String, String> initiator, final Map<String, String> target)
    {
        if (null == chap)
        {
            return;
        }
        if (null != chap.password() && !chap.password().isEmpty())
        {
            initiator.putIfAbsent(chap.password(), path + ".password");
        }
        if (null != chap.mutualPassword() && !chap.mutualPassword().isEmpty())
        {
            target.putIfAbsent(chap.mutualPassword(), path + ".mutualPassword");
        }
    }
}
