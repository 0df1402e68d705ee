package io.ringtarget.iscsi.login;

import io.ringtarget.iscsi.node.ChapAlgorithm;
import io.ringtarget.pdu.LoginRequestPdu;
import io.ringtarget.pdu.TextKeyReader;
import io.ringtarget.pdu.TextKeyWriter;
import io.ringtarget.iscsi.node.ChapCredentials;
import io.ringtarget.iscsi.node.DiscoveryAuth;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.ServedTargets;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.iscsi.node.TargetRegistry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The login state machine of one connection (RFC 7143 sections 6 and 11.12/11.13): the leading request names
 * the initiator and target, the security stage runs AuthMethod and CHAP, the operational stage negotiates keys,
 * and a transit to Full Feature Phase completes the login. Each Login Request (its text read by a
 * {@link TextKeyReader}) is answered by exactly one {@link LoginResult} and the key=value text written into a
 * {@link TextKeyWriter}; a failure status ends the connection after the response is sent. Login is not on the I/O
 * path: keys and values are handled as strings here.
 */
public final class LoginStateMachine
{
    private enum Auth
    {
        NOT_STARTED, WAIT_CHAP_A, WAIT_CHAP_R, DONE
    }

    private final ServedTargets served;
    private final KeyNegotiator negotiator;
    private final Chap chap;
    private final String localIp;
    private final int localPort;
    private final LoginThrottle throttle;
    private final String peerIp;
    private final SessionParameters params = new SessionParameters();
    /** Every key of this login with the value it was first given (RFC 7143 6.2: one declaration per key). */
    private final Map<String, String> keysSeen = new HashMap<>();
    private final Set<String> repeatedDeclarations = new TreeSet<>();

    private boolean leadingSeen;
    private int currentStage = -1;
    private Auth auth = Auth.NOT_STARTED;
    private boolean authRequired;
    private ChapCredentials credentials;
    private List<ChapAlgorithm> chapAlgorithms = ChapAlgorithm.DEFAULT_ORDER;
    private ChapAlgorithm chapAlgorithm;
    /** The target answered the initiator's challenge too (mutual CHAP). */
    private boolean mutualChap;
    private int chapIdentifier;
    private byte[] chapChallenge;
    private boolean declaredLimits;
    private PortalGroup portalGroup;
    private TargetNode targetNode;
    /** What this login offers: the engine's limits, then its TPG's once the leading request named the target. */
    private TargetLimits limits;

    /** Logins into a fixed set of targets without a {@link LoginThrottle} (tests of the negotiation). */
    public LoginStateMachine(
        final TargetRegistry targets, final DiscoveryAuth discoveryAuth, final TargetLimits limits,
        final Chap chap, final String localIp, final int localPort)
    {
        this(new ServedTargets(targets, discoveryAuth), limits, chap, localIp, localPort, null, null);
    }

    /**
     * @param served   what the engine serves now: read when the login names its target (and for discovery CHAP), so
     *                 a login sees the configuration in force at that moment.
     * @param throttle refuses locked-out names and addresses and is told of failed authentications; null for none.
     * @param peerIp   the initiator's address, for the throttle and the log.
     */
    public LoginStateMachine(
        final ServedTargets served, final TargetLimits limits, final Chap chap, final String localIp,
        final int localPort, final LoginThrottle throttle, final String peerIp)
    {
        this.served = served;
        this.throttle = throttle;
        this.peerIp = peerIp;
        this.negotiator = new KeyNegotiator(limits);
        this.limits = limits;
        this.chap = chap;
        this.localIp = localIp;
        this.localPort = localPort;
        params.maxRecvDataSegmentLength = limits.maxRecvDataSegmentLength();
    }

    public SessionParameters parameters()
    {
        return params;
    }

    public PortalGroup portalGroup()
    {
        return portalGroup;
    }

    public TargetNode targetNode()
    {
        return targetNode;
    }

    /** The declarative keys the initiator sent again with the same value in this login (for the log), sorted. */
    public Set<String> repeatedDeclarations()
    {
        return repeatedDeclarations;
    }

    /**
     * Handles one complete (continuation already gathered) Login Request.
     *
     * @param transit the T bit.
     * @param csg     the current stage of the request.
     * @param nsg     the next stage asked for (meaningful when transit).
     * @param versionMax VersionMax of the request.
     * @param versionMin VersionMin of the request.
     * @param request the request's key=value text (continuations gathered), positioned before the first pair.
     * @param response where the response's key=value text goes.
     * @param result  filled with the response.
     */
    public void onLoginRequest(
        final boolean transit, final int csg, final int nsg, final int versionMax, final int versionMin,
        final TextKeyReader request, final TextKeyWriter response, final LoginResult result)
    {
        result.reset();
        handle(transit, csg, nsg, versionMin, request, response, result);
        if (throttle != null && params.initiatorName != null && result.throttled == LoginThrottle.ADMITTED)
        {
            if (result.status == LoginStatus.AUTHENTICATION_FAILURE || result.status == LoginStatus.AUTHORIZATION_FAILURE)
            {
                result.lockoutBegan = throttle.onFailure(params.initiatorName, peerIp,
                    result.status == LoginStatus.AUTHENTICATION_FAILURE, System.nanoTime());
            }
            else if (result.complete && chapAlgorithm != null)
            {
                throttle.onSuccess(params.initiatorName);
            }
        }
    }

    private void handle(
        final boolean transit, final int csg, final int nsg, final int versionMin,
        final TextKeyReader request, final TextKeyWriter response, final LoginResult result)
    {
        result.csg = csg;
        // Version 0x00 is the only one RFC 7143 defines (11.12.4).
        if (versionMin > 0)
        {
            fail(result, LoginStatus.UNSUPPORTED_VERSION, "VersionMin " + versionMin + " > 0");
            return;
        }
        if (csg == 2 || csg > LoginRequestPdu.LOGIN_OPERATIONAL_NEGOTIATION || (transit && (nsg == 2 || nsg <= csg)))
        {
            fail(result, LoginStatus.INITIATOR_ERROR, "invalid stage transition CSG=" + csg + " NSG=" + nsg);
            return;
        }
        if (csg < currentStage)
        {
            fail(result, LoginStatus.INITIATOR_ERROR, "login stage went backwards");
            return;
        }
        currentStage = csg;

        final List<String[]> keys = new ArrayList<>();
        while (request.next())
        {
            keys.add(new String[]{request.key(), request.value()});
        }
        if (request.error() != TextKeyReader.NONE)
        {
            fail(result, LoginStatus.INITIATOR_ERROR,
                "malformed key=value text (" + TextKeyReader.errorName(request.error()) + ")");
            return;
        }

        if (!leadingSeen)
        {
            leadingSeen = true;
            if (!onLeadingRequest(keys, response, result))
            {
                return;
            }
        }

        for (final String[] kv : keys)
        {
            final String key = kv[0];
            final String value = kv[1];
            final String first = keysSeen.putIfAbsent(key, value);
            if (first != null && !key.startsWith("CHAP_"))
            {
                // RFC 7143 6.2 asks for a Login reject (initiator error) when a key is declared or negotiated again.
                // libiscsi (and so QEMU) repeats its declarations, unchanged, in the operational stage of a login
                // that offered CHAP; a declaration repeated with the same value changes nothing and is let through.
                if (!isDeclarative(key))
                {
                    fail(result, LoginStatus.INITIATOR_ERROR, "key " + key + " sent twice");
                    return;
                }
                if (!first.equals(value))
                {
                    fail(result, LoginStatus.INITIATOR_ERROR, "key " + key + " declared again with another value (" +
                        first + ", then " + value + ")");
                    return;
                }
                repeatedDeclarations.add(key);
                continue;
            }
            switch (key)
            {
                case "InitiatorName", "SessionType", "TargetName" ->
                {
                    // Leading-only declarations, handled above.
                }
                case "InitiatorAlias" -> params.initiatorAlias = value;
                case "AuthMethod", "CHAP_A", "CHAP_N", "CHAP_R", "CHAP_I", "CHAP_C" ->
                {
                    if (csg != LoginRequestPdu.SECURITY_NEGOTIATION)
                    {
                        fail(result, LoginStatus.INITIATOR_ERROR, key + " outside the security stage");
                        return;
                    }
                }
                case "TargetAlias", "TargetAddress", "TargetPortalGroupTag" ->
                    response.append(key, "Reject");  // target-declared keys (13.6, 13.8, 13.9)
                default ->
                {
                    if (params.discovery && isSessionWideOnlyForNormal(key))
                    {
                        response.append(key, "Irrelevant");
                    }
                    else if (!negotiator.negotiate(key, value, params, response))
                    {
                        response.append(key, "NotUnderstood");
                    }
                }
            }
        }

        if (params.negotiationFailure != null)
        {
            fail(result, LoginStatus.INITIATOR_ERROR, params.negotiationFailure);
            return;
        }

        if (csg == LoginRequestPdu.SECURITY_NEGOTIATION)
        {
            if (!security(keys, response, result))
            {
                return;
            }
        }
        else if (authRequired && auth != Auth.DONE)
        {
            // The initiator skipped the security stage of a TPG that requires CHAP (RFC 7143 section 12).
            fail(result, LoginStatus.AUTHENTICATION_FAILURE, "CHAP is required but the initiator skipped security negotiation");
            return;
        }

        if (csg == LoginRequestPdu.LOGIN_OPERATIONAL_NEGOTIATION)
        {
            // Operational keys belong to the operational stage (RFC 7143 section 6.3); a login that goes from
            // security straight to Full Feature Phase gets them in its final response below.
            declareLimits(response);
        }

        if (transit)
        {
            final boolean securityDone = csg != LoginRequestPdu.SECURITY_NEGOTIATION || auth == Auth.DONE;
            if (securityDone)
            {
                result.transit = true;
                result.nsg = nsg;
                if (nsg == LoginRequestPdu.FULL_FEATURE_PHASE)
                {
                    final String digests = requiredDigestsMissing();
                    if (digests != null)
                    {
                        fail(result, LoginStatus.INITIATOR_ERROR, digests);
                        return;
                    }
                    declareLimits(response);
                    KeyNegotiator.reconcile(params);
                    result.complete = true;
                }
            }
        }
        if (response.overflow() || response.invalid())
        {
            fail(result, LoginStatus.OUT_OF_RESOURCES, "login response does not fit " + response.capacity() + " bytes");
        }
    }

    private boolean onLeadingRequest(final List<String[]> keys, final TextKeyWriter response, final LoginResult result)
    {
        String initiatorName = null;
        String targetName = null;
        String sessionType = "Normal";
        for (final String[] kv : keys)
        {
            switch (kv[0])
            {
                case "InitiatorName" -> initiatorName = kv[1];
                case "TargetName" -> targetName = kv[1];
                case "SessionType" -> sessionType = kv[1];
                default ->
                {
                }
            }
        }
        if (initiatorName == null || initiatorName.isEmpty())
        {
            fail(result, LoginStatus.MISSING_PARAMETER, "InitiatorName missing from the leading login");
            return false;
        }
        params.initiatorName = initiatorName;
        if (throttle != null)
        {
            result.throttled = throttle.admit(initiatorName, peerIp, System.nanoTime());
            if (result.throttled != LoginThrottle.ADMITTED)
            {
                // 0x0301 (service unavailable, RFC 7143 11.13.5): a well-behaved initiator retries later, by when the
                // lockout may be over; the reason in the log says which lockout, the initiator learns nothing more.
                fail(result, LoginStatus.SERVICE_UNAVAILABLE, (result.throttled == LoginThrottle.LOCKED_SOURCE ?
                    "source address " + peerIp : "initiator " + initiatorName) + " is locked out after failed logins");
                return false;
            }
        }
        switch (sessionType)
        {
            case "Discovery" ->
            {
                params.discovery = true;
                final DiscoveryAuth discoveryAuth = served.discoveryAuth();
                authRequired = discoveryAuth.chapRequired();
                credentials = discoveryAuth.chap();
                chapAlgorithms = discoveryAuth.chapAlgorithms();
                return true;
            }
            case "Normal" ->
            {
            }
            default ->
            {
                fail(result, LoginStatus.SESSION_TYPE_NOT_SUPPORTED, "SessionType " + sessionType);
                return false;
            }
        }
        if (targetName == null || targetName.isEmpty())
        {
            fail(result, LoginStatus.MISSING_PARAMETER, "TargetName missing from a normal session's leading login");
            return false;
        }
        targetNode = served.registry().find(targetName);
        portalGroup = targetNode == null ? null : targetNode.portalGroupFor(localIp, localPort);
        if (portalGroup == null)
        {
            fail(result, LoginStatus.NOT_FOUND, "no target " + targetName + " on portal " + localIp + ":" + localPort);
            return false;
        }
        if (!portalGroup.admits(initiatorName))
        {
            fail(result, LoginStatus.AUTHORIZATION_FAILURE, initiatorName + " is not in the ACL of " + targetName);
            return false;
        }
        params.targetName = targetNode.name();
        authRequired = portalGroup.chapRequired();
        credentials = portalGroup.chapFor(initiatorName);
        chapAlgorithms = portalGroup.chapAlgorithms();
        limits = limits.with(portalGroup.parameters());
        negotiator.limits(limits);
        params.maxRecvDataSegmentLength = limits.maxRecvDataSegmentLength();
        // 13.9: the target returns TargetPortalGroupTag in the first Login Response of a normal session.
        response.append("TargetPortalGroupTag", Integer.toString(portalGroup.tag()));
        if (targetNode.alias() != null && !targetNode.alias().isEmpty())
        {
            response.append("TargetAlias", targetNode.alias());
        }
        return true;
    }

    private boolean security(final List<String[]> keys, final TextKeyWriter response, final LoginResult result)
    {
        final String authMethod = value(keys, "AuthMethod");
        if (authMethod != null && auth == Auth.NOT_STARTED)
        {
            final boolean offersChap = contains(authMethod, "CHAP");
            final boolean offersNone = contains(authMethod, "None");
            if (authRequired)
            {
                if (!offersChap)
                {
                    fail(result, LoginStatus.AUTHENTICATION_FAILURE, "CHAP required, initiator offered AuthMethod=" + authMethod);
                    return false;
                }
                response.append("AuthMethod", "CHAP");
                auth = Auth.WAIT_CHAP_A;
            }
            else if (offersChap && credentials != null && (!offersNone || chapBeforeNone(authMethod)))
            {
                // RFC 7143 6.2.1: the first of the initiator's list that is allowed (open-iscsi with CHAP set offers
                // "CHAP,None": an ACL with credentials then authenticates although the TPG does not require it).
                response.append("AuthMethod", "CHAP");
                auth = Auth.WAIT_CHAP_A;
            }
            else if (offersNone)
            {
                response.append("AuthMethod", "None");
                auth = Auth.DONE;
            }
            else
            {
                response.append("AuthMethod", "Reject");
                fail(result, LoginStatus.AUTHENTICATION_FAILURE, "no common AuthMethod in " + authMethod);
                return false;
            }
            return true;
        }
        if (auth == Auth.NOT_STARTED)
        {
            if (authRequired)
            {
                // The initiator proposes to leave security without authenticating.
                fail(result, LoginStatus.AUTHENTICATION_FAILURE, "CHAP required, no AuthMethod offered");
                return false;
            }
            auth = Auth.DONE;
            return true;
        }
        if (auth == Auth.WAIT_CHAP_A)
        {
            final String algorithms = value(keys, "CHAP_A");
            if (algorithms == null)
            {
                return true; // nothing yet; stay in the stage
            }
            chapAlgorithm = choose(algorithms);
            if (chapAlgorithm == null)
            {
                response.append("CHAP_A", "Reject");
                fail(result, LoginStatus.AUTHENTICATION_FAILURE, "CHAP_A " + algorithms + " has none of " +
                    names(chapAlgorithms) + " this target accepts");
                return false;
            }
            chapIdentifier = chap.newIdentifier();
            chapChallenge = chap.newChallenge(chapAlgorithm.digestLength());
            response.append("CHAP_A", Integer.toString(chapAlgorithm.code()));
            response.append("CHAP_I", Integer.toString(chapIdentifier));
            response.append("CHAP_C", Chap.encodeHex(chapChallenge));
            auth = Auth.WAIT_CHAP_R;
            return true;
        }
        if (auth == Auth.WAIT_CHAP_R)
        {
            return verifyChap(keys, response, result);
        }
        return true;
    }

    private boolean verifyChap(final List<String[]> keys, final TextKeyWriter response, final LoginResult result)
    {
        final String name = value(keys, "CHAP_N");
        final byte[] answer = Chap.decodeBinary(value(keys, "CHAP_R"));
        if (name == null || answer == null)
        {
            fail(result, LoginStatus.AUTHENTICATION_FAILURE, "CHAP_N/CHAP_R missing or malformed");
            return false;
        }
        if (credentials == null || !credentials.complete())
        {
            fail(result, LoginStatus.AUTHENTICATION_FAILURE, "no CHAP credentials configured for " + params.initiatorName);
            return false;
        }
        final byte[] expected = Chap.response(chapAlgorithm, chapIdentifier, bytes(credentials.password()), chapChallenge);
        // MessageDigest.isEqual is constant-time over the expected length; a wrong-length answer is simply unequal.
        if (!credentials.userid().equals(name) || !MessageDigest.isEqual(expected, answer))
        {
            fail(result, LoginStatus.AUTHENTICATION_FAILURE, "CHAP response of " + name + " does not match");
            return false;
        }
        final String mutualId = value(keys, "CHAP_I");
        final String mutualChallenge = value(keys, "CHAP_C");
        if (mutualId != null || mutualChallenge != null)
        {
            final long id = KeyNegotiator.number(mutualId == null ? "" : mutualId);
            final byte[] challenge = Chap.decodeBinary(mutualChallenge);
            if (id < 0 || id > 255 || challenge == null || challenge.length == 0)
            {
                fail(result, LoginStatus.AUTHENTICATION_FAILURE, "malformed mutual CHAP_I/CHAP_C");
                return false;
            }
            // 12.1.3: a target must refuse a challenge equal to the one it sent (reflection attack).
            if (MessageDigest.isEqual(challenge, chapChallenge))
            {
                fail(result, LoginStatus.AUTHENTICATION_FAILURE, "mutual CHAP challenge reflects ours");
                return false;
            }
            if (!credentials.mutualConfigured())
            {
                fail(result, LoginStatus.AUTHENTICATION_FAILURE, "initiator asked for mutual CHAP, none configured");
                return false;
            }
            response.append("CHAP_N", credentials.mutualUserid());
            response.append("CHAP_R",
                Chap.encodeHex(Chap.response(chapAlgorithm, (int)id, bytes(credentials.mutualPassword()), challenge)));
            mutualChap = true;
        }
        auth = Auth.DONE;
        return true;
    }

    /** A TPG that requires a digest (no "None" in its list) and a login that did not choose it: why, else null. */
    private String requiredDigestsMissing()
    {
        if (!params.headerDigest && !TargetLimits.allows(limits.headerDigests(), "None"))
        {
            return "HeaderDigest not negotiated; the TPG requires " + limits.headerDigests();
        }
        if (!params.dataDigest && !TargetLimits.allows(limits.dataDigests(), "None"))
        {
            return "DataDigest not negotiated; the TPG requires " + limits.dataDigests();
        }
        return null;
    }

    private void declareLimits(final TextKeyWriter response)
    {
        if (!declaredLimits)
        {
            declaredLimits = true;
            // Declarative (13.12): what we can receive in one data segment.
            response.append("MaxRecvDataSegmentLength", Integer.toString(limits.maxRecvDataSegmentLength()));
        }
    }

    /**
     * Keys an initiator declares rather than negotiates (RFC 7143 6.2, 13.11-13.13): a repeat with the same value
     * restates what is known. TargetAlias, TargetAddress and TargetPortalGroupTag are declared by targets only.
     */
    private static boolean isDeclarative(final String key)
    {
        return switch (key)
        {
            case "InitiatorName", "InitiatorAlias", "TargetName", "SessionType", "MaxRecvDataSegmentLength" -> true;
            default -> false;
        };
    }

    private static boolean isSessionWideOnlyForNormal(final String key)
    {
        // RFC 7143 13.x: these keys are irrelevant to discovery sessions.
        return switch (key)
        {
            case "MaxConnections", "InitialR2T", "ImmediateData", "MaxBurstLength", "FirstBurstLength",
                 "MaxOutstandingR2T", "DataPDUInOrder", "DataSequenceInOrder" -> true;
            default -> false;
        };
    }

    private static String value(final List<String[]> keys, final String key)
    {
        for (final String[] kv : keys)
        {
            if (kv[0].equals(key))
            {
                return kv[1];
            }
        }
        return null;
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
            for (final ChapAlgorithm a : chapAlgorithms)
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

    /** The algorithm CHAP settled on in this login, or null when it did not get that far (for the log). */
    public ChapAlgorithm chapAlgorithm()
    {
        return chapAlgorithm;
    }

    /**
     * How a completed login authenticated, as {@code ringtarget sessions -v} shows it: "None", "CHAP SHA256", or
     * "CHAP SHA256, mutual" when the target answered the initiator's challenge too.
     */
    public String authentication()
    {
        return null == chapAlgorithm ? "None" : "CHAP " + chapAlgorithm.configName() + (mutualChap ? ", mutual" : "");
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

    private static void fail(final LoginResult result, final int status, final String reason)
    {
        result.status = status;
        result.reason = reason;
        result.transit = false;
    }

    /** A Login Response to send: status, stage bits and the key=value answer. */
    public static final class LoginResult
    {
        public int status;
        public String reason;
        public boolean transit;
        public int csg;
        public int nsg;
        /** Login completed: the connection enters Full Feature Phase after this response. */
        public boolean complete;
        /** {@link LoginThrottle#LOCKED_INITIATOR} or {@code LOCKED_SOURCE} when refused by a lockout. */
        public int throttled;
        /** {@link LoginThrottle#LOCKED_INITIATOR} or {@code LOCKED_SOURCE} when this failure began a lockout. */
        public int lockoutBegan;

        void reset()
        {
            status = LoginStatus.SUCCESS;
            reason = null;
            transit = false;
            csg = 0;
            nsg = 0;
            complete = false;
            throttled = LoginThrottle.ADMITTED;
            lockoutBegan = LoginThrottle.ADMITTED;
        }

        public boolean failed()
        {
            return status != LoginStatus.SUCCESS;
        }
    }
}
