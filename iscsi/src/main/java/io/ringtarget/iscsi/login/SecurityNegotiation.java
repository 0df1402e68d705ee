package io.ringtarget.iscsi.login;

import io.ringtarget.iscsi.node.ChapAlgorithm;
import io.ringtarget.iscsi.node.ChapCredentials;
import io.ringtarget.pdu.TextKeyWriter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import static io.ringtarget.iscsi.login.LoginStateMachine.value;

/**
 * The security stage of one login (RFC 7143 6.3.1, 12.1): the AuthMethod offer answered, then CHAP: the initiator's
 * CHAP_A list answered with an algorithm, identifier and challenge (CHAP_A, CHAP_I, CHAP_C), its CHAP_N and CHAP_R
 * checked against the credentials, and a mutual challenge of its own answered with the target's. What is required
 * and allowed (CHAP or not, the credentials, the algorithms) is the TPG's, or the discovery settings', given by
 * {@link #configure} once the leading request named them. Login is not on the I/O path: keys are strings here.
 */
final class SecurityNegotiation
{
    private enum Stage
    {
        NOT_STARTED, WAIT_CHAP_A, WAIT_CHAP_R, DONE
    }

    private final Chap chap;
    private Stage stage = Stage.NOT_STARTED;
    private boolean required;
    private ChapCredentials credentials;
    private List<ChapAlgorithm> allowed = ChapAlgorithm.DEFAULT_ORDER;
    private ChapAlgorithm algorithm;
    /** The target answered the initiator's challenge too (mutual CHAP). */
    private boolean mutual;
    private int identifier;
    private byte[] challenge;

    SecurityNegotiation(final Chap chap)
    {
        this.chap = chap;
    }

    /**
     * @param required    whether the login must authenticate with CHAP.
     * @param credentials the initiator's CHAP credentials, or null when none are configured.
     * @param allowed     the CHAP algorithms it may use.
     */
    void configure(final boolean required, final ChapCredentials credentials, final List<ChapAlgorithm> allowed)
    {
        this.required = required;
        this.credentials = credentials;
        this.allowed = allowed;
    }

    /** Whether CHAP is required and has not succeeded (yet). */
    boolean missing()
    {
        return required && stage != Stage.DONE;
    }

    /** Whether the stage may be left: authenticated, or nothing asked for. */
    boolean done()
    {
        return stage == Stage.DONE;
    }

    /**
     * One Login Request of the security stage.
     *
     * @param keys          its key=value pairs.
     * @param initiatorName the initiator's name (for the log).
     * @return false when the login failed ({@code result} says why).
     */
    boolean onRequest(
        final List<String[]> keys, final String initiatorName, final TextKeyWriter response,
        final LoginStateMachine.LoginResult result)
    {
        final String authMethod = value(keys, "AuthMethod");
        if (authMethod != null && stage == Stage.NOT_STARTED)
        {
            return authMethod(authMethod, response, result);
        }
        return switch (stage)
        {
            case NOT_STARTED ->
            {
                if (required)
                {
                    // The initiator proposes to leave security without authenticating.
                    yield result.fail(LoginStatus.AUTHENTICATION_FAILURE, "CHAP required, no AuthMethod offered");
                }
                stage = Stage.DONE;
                yield true;
            }
            case WAIT_CHAP_A -> chapAlgorithm(value(keys, "CHAP_A"), response, result);
            case WAIT_CHAP_R -> verify(keys, initiatorName, response, result);
            case DONE -> true;
        };
    }

    private boolean authMethod(
        final String offered, final TextKeyWriter response, final LoginStateMachine.LoginResult result)
    {
        final boolean offersChap = contains(offered, "CHAP");
        final boolean offersNone = contains(offered, "None");
        if (required && !offersChap)
        {
            return result.fail(LoginStatus.AUTHENTICATION_FAILURE, "CHAP required, initiator offered AuthMethod=" +
                offered);
        }
        if (required || (offersChap && credentials != null && (!offersNone || chapBeforeNone(offered))))
        {
            // RFC 7143 6.2.1: the first of the initiator's list that is allowed (open-iscsi with CHAP set offers
            // "CHAP,None": an ACL with credentials then authenticates although the TPG does not require it).
            response.append("AuthMethod", "CHAP");
            stage = Stage.WAIT_CHAP_A;
            return true;
        }
        if (offersNone)
        {
            response.append("AuthMethod", "None");
            stage = Stage.DONE;
            return true;
        }
        response.append("AuthMethod", "Reject");
        return result.fail(LoginStatus.AUTHENTICATION_FAILURE, "no common AuthMethod in " + offered);
    }

    private boolean chapAlgorithm(
        final String offered, final TextKeyWriter response, final LoginStateMachine.LoginResult result)
    {
        if (offered == null)
        {
            return true; // nothing yet; stay in the stage
        }
        algorithm = choose(offered);
        if (algorithm == null)
        {
            response.append("CHAP_A", "Reject");
            return result.fail(LoginStatus.AUTHENTICATION_FAILURE, "CHAP_A " + offered + " has none of " +
                names(allowed) + " this target accepts");
        }
        identifier = chap.newIdentifier();
        challenge = chap.newChallenge(algorithm.digestLength());
        response.append("CHAP_A", Integer.toString(algorithm.code()));
        response.append("CHAP_I", Integer.toString(identifier));
        response.append("CHAP_C", Chap.encodeHex(challenge));
        stage = Stage.WAIT_CHAP_R;
        return true;
    }

    private boolean verify(
        final List<String[]> keys, final String initiatorName, final TextKeyWriter response,
        final LoginStateMachine.LoginResult result)
    {
        final String name = value(keys, "CHAP_N");
        final byte[] answer = Chap.decodeBinary(value(keys, "CHAP_R"));
        if (name == null || answer == null)
        {
            return result.fail(LoginStatus.AUTHENTICATION_FAILURE, "CHAP_N/CHAP_R missing or malformed");
        }
        if (credentials == null || !credentials.complete())
        {
            return result.fail(LoginStatus.AUTHENTICATION_FAILURE, "no CHAP credentials configured for " +
                initiatorName);
        }
        final byte[] expected = Chap.response(algorithm, identifier, bytes(credentials.password()), challenge);
        // MessageDigest.isEqual is constant-time over the expected length; a wrong-length answer is simply unequal.
        if (!credentials.userid().equals(name) || !MessageDigest.isEqual(expected, answer))
        {
            return result.fail(LoginStatus.AUTHENTICATION_FAILURE, "CHAP response of " + name + " does not match");
        }
        final String mutualId = value(keys, "CHAP_I");
        final String mutualChallenge = value(keys, "CHAP_C");
        if (mutualId != null || mutualChallenge != null)
        {
            final long id = KeyNegotiator.number(mutualId == null ? "" : mutualId);
            final byte[] theirs = Chap.decodeBinary(mutualChallenge);
            if (id < 0 || id > 255 || theirs == null || theirs.length == 0)
            {
                return result.fail(LoginStatus.AUTHENTICATION_FAILURE, "malformed mutual CHAP_I/CHAP_C");
            }
            // 12.1.3: a target must refuse a challenge equal to the one it sent (reflection attack).
            if (MessageDigest.isEqual(theirs, challenge))
            {
                return result.fail(LoginStatus.AUTHENTICATION_FAILURE, "mutual CHAP challenge reflects ours");
            }
            if (!credentials.mutualConfigured())
            {
                return result.fail(LoginStatus.AUTHENTICATION_FAILURE,
                    "initiator asked for mutual CHAP, none configured");
            }
            response.append("CHAP_N", credentials.mutualUserid());
            response.append("CHAP_R",
                Chap.encodeHex(Chap.response(algorithm, (int)id, bytes(credentials.mutualPassword()), theirs)));
            mutual = true;
        }
        stage = Stage.DONE;
        return true;
    }

    /** The algorithm CHAP settled on in this login, or null when it did not get that far. */
    ChapAlgorithm algorithm()
    {
        return algorithm;
    }

    /** "None", "CHAP SHA256", or "CHAP SHA256, mutual" when the target answered the initiator's challenge too. */
    String authentication()
    {
        return null == algorithm ? "None" : "CHAP " + algorithm.configName() + (mutual ? ", mutual" : "");
    }

    /**
     * The CHAP algorithm of this login: the first of the initiator's CHAP_A list that the TPG allows. RFC 7143 6.2.1:
     * the responder answers with the first value of the originator's list that it supports and is allowed to use
     * (as the Linux kernel target does); the administrator decides which are allowed, not their order.
     */
    private ChapAlgorithm choose(final String offered)
    {
        for (final String value : offered.split(","))
        {
            for (final ChapAlgorithm a : allowed)
            {
                if (value.trim().equals(Integer.toString(a.code())))
                {
                    return a;
                }
            }
        }
        return null;
    }

    private static String names(final List<ChapAlgorithm> algorithms)
    {
        final StringBuilder b = new StringBuilder();
        for (final ChapAlgorithm a : algorithms)
        {
            b.append(b.isEmpty() ? "" : ",").append(a.configName()).append(" (").append(a.code()).append(')');
        }
        return b.toString();
    }

    /** Whether CHAP comes before None in an AuthMethod list that names both. */
    private static boolean chapBeforeNone(final String list)
    {
        for (final String s : list.split(","))
        {
            final String value = s.trim();
            if (value.equals("CHAP") || value.equals("None"))
            {
                return value.equals("CHAP");
            }
        }
        return false;
    }

    private static boolean contains(final String list, final String item)
    {
        for (final String s : list.split(","))
        {
            if (s.trim().equals(item))
            {
                return true;
            }
        }
        return false;
    }

    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
