package io.ringtarget.iscsi.login;

import io.ringtarget.iscsi.node.ChapAlgorithm;
import io.ringtarget.pdu.LoginRequestPdu;
import io.ringtarget.pdu.TextKeyReader;
import io.ringtarget.pdu.TextKeyWriter;
import io.ringtarget.iscsi.node.DiscoveryAuth;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.ServedTargets;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.iscsi.node.TargetRegistry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The login state machine of one connection (RFC 7143 sections 6 and 11.12/11.13): the leading request names
 * the initiator and target, the security stage runs AuthMethod and CHAP ({@link SecurityNegotiation}), the
 * operational stage negotiates keys, and a transit to Full Feature Phase completes the login. Each Login Request (its
 * text read by a {@link TextKeyReader}) is answered by exactly one {@link LoginResult} and the key=value text written
 * into a {@link TextKeyWriter}; a failure status ends the connection after the response is sent. Login is not on the
 * I/O path: keys and values are handled as strings here.
 */
public final class LoginStateMachine
{
    private final ServedTargets served;
    private final KeyNegotiator negotiator;
    private final SecurityNegotiation security;
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
        this.security = new SecurityNegotiation(chap);
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
            else if (result.complete && security.algorithm() != null)
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
            if (!security.onRequest(keys, params.initiatorName, response, result))
            {
                return;
            }
        }
        else if (security.missing())
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
            final boolean securityDone = csg != LoginRequestPdu.SECURITY_NEGOTIATION || security.done();
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
                security.configure(discoveryAuth.chapRequired(), discoveryAuth.chap(), discoveryAuth.chapAlgorithms());
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
        security.configure(portalGroup.chapRequired(), portalGroup.chapFor(initiatorName),
            portalGroup.chapAlgorithms());
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

    static String value(final List<String[]> keys, final String key)
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

    /** The algorithm CHAP settled on in this login, or null when it did not get that far (for the log). */
    public ChapAlgorithm chapAlgorithm()
    {
        return security.algorithm();
    }

    /**
     * How a completed login authenticated, as {@code ringtarget sessions -v} shows it: "None", "CHAP SHA256", or
     * "CHAP SHA256, mutual" when the target answered the initiator's challenge too.
     */
    public String authentication()
    {
        return security.authentication();
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

        /** The login fails with {@code status} for {@code reason} (for the log); always false, for the caller. */
        boolean fail(final int status, final String reason)
        {
            LoginStateMachine.fail(this, status, reason);
            return false;
        }
    }
}
