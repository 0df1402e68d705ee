package io.ringtarget.iscsi.login;

import io.ringtarget.iscsi.node.ChapAlgorithm;
import io.ringtarget.iscsi.node.ChapCredentials;
import io.ringtarget.iscsi.node.DiscoveryAuth;
import io.ringtarget.iscsi.node.NodeAcl;
import io.ringtarget.iscsi.node.Portal;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.iscsi.node.ServedTargets;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.scsi.TargetPort;
import io.ringtarget.scsi.TargetPortGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoginStateMachineTest
{
    private static final String TARGET = "iqn.2026-11.io.ringtarget:t1";
    private static final String INITIATOR = "iqn.1994-05.com.redhat:host1";
    private static final ChapCredentials CREDS = new ChapCredentials("host1", "initiatorsecret1", "target1", "targetsecret12");

    private final LoginStateMachine.LoginResult result = new LoginStateMachine.LoginResult();

    private static TargetRegistry registry(final boolean chapRequired, final boolean openAcls)
    {
        return registry(chapRequired, openAcls, ChapAlgorithm.DEFAULT_ORDER);
    }

    private static TargetRegistry registry(
        final boolean chapRequired, final boolean openAcls, final List<ChapAlgorithm> algorithms)
    {
        final TargetRegistry registry = new TargetRegistry();
        final TargetNode node = new TargetNode(TARGET, "alias1");
        final PortalGroup tpg = new PortalGroup(node, 1, List.of(new Portal("127.0.0.1", 3260)), List.of(),
            List.of(new NodeAcl(INITIATOR, CREDS)), openAcls, chapRequired,
            new TargetPort(1, TARGET, 1, new TargetPortGroup(1)), PortalGroup.ENGINE_NOP_IN, PortalGroup.ENGINE_NOP_IN,
            algorithms);
        node.add(tpg);
        registry.add(node);
        return registry;
    }

    private static LoginStateMachine handler(final TargetRegistry registry, final DiscoveryAuth discovery)
    {
        return new LoginStateMachine(registry, discovery, TargetLimits.defaults(), new Chap(), "127.0.0.1", 3260);
    }

    private final TextPairs text = new TextPairs();

    private void send(final LoginStateMachine h, final boolean transit, final int csg, final int nsg, final String... kvs)
    {
        h.onLoginRequest(transit, csg, nsg, 0, 0, TextPairs.request(kvs), text.response(), result);
    }

    private String key(final String name)
    {
        return text.value(name);
    }

    @Test
    void loginWithoutAuthenticationReachesFullFeaturePhase()
    {
        final LoginStateMachine h = handler(registry(false, true), null);
        send(h, true, 0, 1, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "SessionType=Normal", "AuthMethod=None");
        assertFalse(result.failed(), result.reason);
        assertEquals("None", key("AuthMethod"));
        assertEquals("1", key("TargetPortalGroupTag"));
        assertTrue(result.transit);
        send(h, true, 1, 3, "HeaderDigest=None", "DataDigest=None", "MaxRecvDataSegmentLength=262144", "ImmediateData=Yes");
        assertFalse(result.failed(), result.reason);
        assertTrue(result.complete);
        assertEquals("262144", key("MaxRecvDataSegmentLength"));
        assertEquals(262144, h.parameters().maxXmitDataSegmentLength);
        assertEquals(TARGET, h.parameters().targetName);
    }

    @Test
    void unknownTargetIsNotFound()
    {
        final LoginStateMachine h = handler(registry(false, true), null);
        send(h, true, 0, 1, "InitiatorName=" + INITIATOR, "TargetName=iqn.2026-11.io.ringtarget:nope");
        assertEquals(LoginStatus.NOT_FOUND, result.status);
    }

    @Test
    void missingInitiatorNameIsAMissingParameter()
    {
        final LoginStateMachine h = handler(registry(false, true), null);
        send(h, true, 0, 1, "TargetName=" + TARGET);
        assertEquals(LoginStatus.MISSING_PARAMETER, result.status);
    }

    @Test
    void initiatorOutsideTheAclIsNotAuthorized()
    {
        final LoginStateMachine h = handler(registry(false, false), null);
        send(h, true, 0, 1, "InitiatorName=iqn.1994-05.com.redhat:stranger", "TargetName=" + TARGET, "AuthMethod=None");
        assertEquals(LoginStatus.AUTHORIZATION_FAILURE, result.status);
    }

    @Test
    void unsupportedVersionIsRefused()
    {
        final LoginStateMachine h = handler(registry(false, true), null);
        h.onLoginRequest(true, 0, 1, 2, 1, TextPairs.request("InitiatorName=" + INITIATOR, "TargetName=" + TARGET),
            text.response(), result);
        assertEquals(LoginStatus.UNSUPPORTED_VERSION, result.status);
    }

    @Test
    void chapWithTheRightSecretSucceedsAndMutualChapAnswers()
    {
        final LoginStateMachine h = handler(registry(true, false), null);
        send(h, false, 0, 1, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "AuthMethod=CHAP,None");
        assertEquals("CHAP", key("AuthMethod"));
        send(h, false, 0, 1, "CHAP_A=5");
        assertEquals("5", key("CHAP_A"));
        final int id = Integer.parseInt(key("CHAP_I"));
        final byte[] challenge = Chap.decodeBinary(key("CHAP_C"));
        assertNotNull(challenge);
        final byte[] response = Chap.response(id, CREDS.password().getBytes(StandardCharsets.UTF_8), challenge);
        final byte[] myChallenge = new byte[]{9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6};
        send(h, true, 0, 1, "CHAP_N=host1", "CHAP_R=" + Chap.encodeHex(response), "CHAP_I=77", "CHAP_C=" + Chap.encodeHex(myChallenge));
        assertFalse(result.failed(), result.reason);
        assertTrue(result.transit);
        assertEquals("target1", key("CHAP_N"));
        assertEquals(Chap.encodeHex(Chap.response(77, CREDS.mutualPassword().getBytes(StandardCharsets.UTF_8), myChallenge)),
            key("CHAP_R"));
    }

    /** CHAP_R = H(CHAP_I || secret || CHAP_C), computed here with the JDK's digest, not with {@link Chap}. */
    private static byte[] expectedResponse(final String jcaName, final int id, final String secret, final byte[] challenge)
        throws Exception
    {
        final MessageDigest digest = MessageDigest.getInstance(jcaName);
        digest.update((byte)id);
        digest.update(secret.getBytes(StandardCharsets.UTF_8));
        digest.update(challenge);
        return digest.digest();
    }

    @ParameterizedTest
    @CsvSource({"5, MD5, 16", "6, SHA-1, 20", "7, SHA-256, 32", "8, SHA3-256, 32"})
    void chapWithEachAlgorithmSucceedsOneWayAndMutual(final int code, final String jcaName, final int length)
        throws Exception
    {
        final LoginStateMachine h = handler(registry(true, false), null);
        send(h, false, 0, 1, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "AuthMethod=CHAP");
        send(h, false, 0, 1, "CHAP_A=" + code);
        assertEquals(Integer.toString(code), key("CHAP_A"));
        final int id = Integer.parseInt(key("CHAP_I"));
        final byte[] challenge = Chap.decodeBinary(key("CHAP_C"));
        assertEquals(length, challenge.length, "the challenge is as long as the digest, as LIO and open-iscsi make it");
        final byte[] myChallenge = new byte[length];
        myChallenge[0] = 42;
        send(h, true, 0, 1, "CHAP_N=host1",
            "CHAP_R=" + Chap.encodeHex(expectedResponse(jcaName, id, CREDS.password(), challenge)),
            "CHAP_I=200", "CHAP_C=" + Chap.encodeHex(myChallenge));
        assertFalse(result.failed(), result.reason);
        assertEquals(Chap.encodeHex(expectedResponse(jcaName, 200, CREDS.mutualPassword(), myChallenge)), key("CHAP_R"));
        assertEquals(code, h.chapAlgorithm().code());
        assertEquals("CHAP " + h.chapAlgorithm().configName() + ", mutual", h.authentication(), "sessions -v");
    }

    @Test
    void anMd5AnswerToAShaChallengeFails() throws Exception
    {
        final LoginStateMachine h = handler(registry(true, false), null);
        send(h, false, 0, 1, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "AuthMethod=CHAP");
        send(h, false, 0, 1, "CHAP_A=7");
        final int id = Integer.parseInt(key("CHAP_I"));
        final byte[] challenge = Chap.decodeBinary(key("CHAP_C"));
        send(h, true, 0, 1, "CHAP_N=host1", "CHAP_R=" + Chap.encodeHex(expectedResponse("MD5", id, CREDS.password(), challenge)));
        assertEquals(LoginStatus.AUTHENTICATION_FAILURE, result.status);
    }

    @Test
    void theInitiatorsOrderOfPreferenceWinsAmongTheAllowedAlgorithms()
    {
        // RFC 7143 6.2.1: the first of the initiator's list that the TPG allows, whatever the TPG's own order.
        final LoginStateMachine h = handler(registry(true, false, List.of(ChapAlgorithm.SHA3_256, ChapAlgorithm.MD5)), null);
        send(h, false, 0, 1, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "AuthMethod=CHAP");
        send(h, false, 0, 1, "CHAP_A=7,5,8");
        assertEquals("5", key("CHAP_A"), "SHA256 (7) is not allowed; MD5 comes before SHA3-256 in the offer");
        assertFalse(result.failed(), result.reason);
    }

    @Test
    void anAuthMethodListIsAnsweredInTheInitiatorsOrderWhenTheTpgDoesNotRequireChap() throws Exception
    {
        // open-iscsi with CHAP set offers "CHAP,None": an ACL with credentials authenticates; "None,CHAP" does not.
        final LoginStateMachine chapFirst = handler(registry(false, false), null);
        send(chapFirst, false, 0, 1, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "AuthMethod=CHAP,None");
        assertFalse(result.failed(), result.reason);
        assertEquals("CHAP", key("AuthMethod"));
        // Chosen, CHAP is checked: a wrong secret fails the login although the TPG did not require CHAP.
        send(chapFirst, false, 0, 1, "CHAP_A=5");
        final int id = Integer.parseInt(key("CHAP_I"));
        final byte[] challenge = Chap.decodeBinary(key("CHAP_C"));
        send(chapFirst, true, 0, 1, "CHAP_N=host1",
            "CHAP_R=" + Chap.encodeHex(expectedResponse("MD5", id, "not-the-secret", challenge)));
        assertEquals(LoginStatus.AUTHENTICATION_FAILURE, result.status);
        result.reset();
        final LoginStateMachine noneFirst = handler(registry(false, false), null);
        send(noneFirst, false, 0, 1, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "AuthMethod=None,CHAP");
        assertFalse(result.failed(), result.reason);
        assertEquals("None", key("AuthMethod"));
        assertEquals("None", noneFirst.authentication(), "sessions -v");
    }

    @Test
    void md5SwitchedOffRefusesAnInitiatorThatOffersOnlyMd5()
    {
        final LoginStateMachine h = handler(registry(true, false, List.of(ChapAlgorithm.SHA256)), null);
        send(h, false, 0, 1, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "AuthMethod=CHAP");
        send(h, false, 0, 1, "CHAP_A=5");
        assertEquals("Reject", key("CHAP_A"));
        assertEquals(LoginStatus.AUTHENTICATION_FAILURE, result.status);
    }

    @Test
    void aLockedOutNameIsRefusedEvenWithTheRightSecretAndOthersAreNot() throws Exception
    {
        final LoginThrottle throttle = new LoginThrottle(
            new LoginLimits(15_000, 2, 10, 60_000, 60_000, 0, 0, 0, 0, 0), EventLog.to(new java.io.PrintStream(
                java.io.OutputStream.nullOutputStream())));
        final TargetRegistry registry = registry(true, true);
        for (int i = 0; i < 2; i++)
        {
            final LoginStateMachine h = throttled(registry, throttle);
            send(h, false, 0, 1, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "AuthMethod=CHAP");
            send(h, false, 0, 1, "CHAP_A=5");
            send(h, true, 0, 1, "CHAP_N=host1", "CHAP_R=0x00112233445566778899aabbccddeeff");
            assertEquals(LoginStatus.AUTHENTICATION_FAILURE, result.status);
            assertEquals(i == 1 ? LoginThrottle.LOCKED_INITIATOR : LoginThrottle.ADMITTED, result.lockoutBegan);
        }
        final LoginStateMachine locked = throttled(registry, throttle);
        send(locked, false, 0, 1, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "AuthMethod=CHAP");
        assertEquals(LoginStatus.SERVICE_UNAVAILABLE, result.status);
        assertEquals(LoginThrottle.LOCKED_INITIATOR, result.throttled);
        assertFalse(result.reason.contains(CREDS.password()));

        final LoginStateMachine other = throttled(registry, throttle);
        send(other, true, 0, 1, "InitiatorName=iqn.1994-05.com.redhat:other", "TargetName=" + TARGET, "AuthMethod=None");
        assertEquals(LoginStatus.AUTHENTICATION_FAILURE, result.status, "CHAP is required, not a lockout");
        assertEquals(LoginThrottle.ADMITTED, result.throttled);
    }

    private static LoginStateMachine throttled(final TargetRegistry registry, final LoginThrottle throttle)
    {
        return new LoginStateMachine(new ServedTargets(registry, null), TargetLimits.defaults(), new Chap(), "127.0.0.1",
            3260, throttle, "127.0.0.9");
    }

    @Test
    void chapWithAWrongSecretFailsAuthentication()
    {
        final LoginStateMachine h = handler(registry(true, false), null);
        send(h, false, 0, 1, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "AuthMethod=CHAP");
        send(h, false, 0, 1, "CHAP_A=5");
        final int id = Integer.parseInt(key("CHAP_I"));
        final byte[] challenge = Chap.decodeBinary(key("CHAP_C"));
        final byte[] response = Chap.response(id, "wrongsecret1234".getBytes(StandardCharsets.UTF_8), challenge);
        send(h, true, 0, 1, "CHAP_N=host1", "CHAP_R=" + Chap.encodeHex(response));
        assertEquals(LoginStatus.AUTHENTICATION_FAILURE, result.status);
    }

    @Test
    void skippingSecurityWhenChapIsRequiredFails()
    {
        final LoginStateMachine h = handler(registry(true, false), null);
        send(h, true, 1, 3, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "HeaderDigest=None");
        assertEquals(LoginStatus.AUTHENTICATION_FAILURE, result.status);
    }

    @Test
    void offeringOnlyNoneWhenChapIsRequiredFails()
    {
        final LoginStateMachine h = handler(registry(true, false), null);
        send(h, true, 0, 1, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "AuthMethod=None");
        assertEquals(LoginStatus.AUTHENTICATION_FAILURE, result.status);
    }

    @Test
    void reflectedMutualChallengeIsRefused()
    {
        final LoginStateMachine h = handler(registry(true, false), null);
        send(h, false, 0, 1, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "AuthMethod=CHAP");
        send(h, false, 0, 1, "CHAP_A=5");
        final int id = Integer.parseInt(key("CHAP_I"));
        final String c = key("CHAP_C");
        final byte[] response = Chap.response(id, CREDS.password().getBytes(StandardCharsets.UTF_8), Chap.decodeBinary(c));
        send(h, true, 0, 1, "CHAP_N=host1", "CHAP_R=" + Chap.encodeHex(response), "CHAP_I=1", "CHAP_C=" + c);
        assertEquals(LoginStatus.AUTHENTICATION_FAILURE, result.status);
    }

    @Test
    void discoverySessionNeedsNoTargetName()
    {
        final LoginStateMachine h = handler(registry(false, false), DiscoveryAuth.NONE);
        send(h, true, 0, 1, "InitiatorName=" + INITIATOR, "SessionType=Discovery", "AuthMethod=None");
        assertFalse(result.failed(), result.reason);
        send(h, true, 1, 3, "HeaderDigest=None", "MaxBurstLength=262144");
        assertTrue(result.complete);
        assertTrue(h.parameters().discovery);
        assertEquals("Irrelevant", key("MaxBurstLength"));
    }

    @Test
    void duplicateKeysAreAnError()
    {
        final LoginStateMachine h = handler(registry(false, true), null);
        send(h, true, 0, 1, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "AuthMethod=None", "AuthMethod=None");
        assertEquals(LoginStatus.INITIATOR_ERROR, result.status);
    }

    @Test
    void declarationsRepeatedWithTheSameValueAreLetThroughAsLibiscsiSendsThem()
    {
        // libiscsi with CHAP credentials against a TPG without CHAP (an initiator without an ACL, so without
        // credentials): it offers CHAP,None, gets None, and declares InitiatorName, TargetName and SessionType again
        // in the operational stage.
        final String initiator = "iqn.2026-11.test:without-acl";
        final LoginStateMachine h = handler(registry(false, true), null);
        send(h, false, 0, 1, "InitiatorName=" + initiator, "TargetName=" + TARGET, "SessionType=Normal",
            "AuthMethod=CHAP,None");
        assertFalse(result.failed(), result.reason);
        assertEquals("None", key("AuthMethod"));
        send(h, true, 0, 1);
        assertFalse(result.failed(), result.reason);
        send(h, true, 1, 3, "InitiatorName=" + initiator, "InitiatorAlias=host1", "TargetName=" + TARGET,
            "SessionType=Normal", "MaxRecvDataSegmentLength=262144", "MaxRecvDataSegmentLength=262144");
        assertFalse(result.failed(), result.reason);
        assertTrue(result.complete);
        assertEquals(java.util.Set.of("InitiatorName", "MaxRecvDataSegmentLength", "SessionType", "TargetName"),
            h.repeatedDeclarations());
        // Nothing is answered for a repeated declaration: the response holds only the target's own declaration.
        assertEquals(1, text.count());
        assertEquals("262144", key("MaxRecvDataSegmentLength"));
        assertEquals(262144, h.parameters().maxXmitDataSegmentLength);
    }

    @Test
    void discoveryDeclarationsRepeatedWithTheSameValueAreLetThrough()
    {
        final LoginStateMachine h = handler(registry(false, false), DiscoveryAuth.NONE);
        send(h, true, 0, 1, "InitiatorName=" + INITIATOR, "SessionType=Discovery", "AuthMethod=CHAP,None");
        assertFalse(result.failed(), result.reason);
        send(h, true, 1, 3, "InitiatorName=" + INITIATOR, "SessionType=Discovery", "HeaderDigest=None");
        assertFalse(result.failed(), result.reason);
        assertTrue(result.complete);
    }

    @Test
    void aDeclarationRepeatedWithAnotherValueIsAnInitiatorError()
    {
        final LoginStateMachine h = handler(registry(false, true), null);
        send(h, true, 0, 1, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "AuthMethod=None");
        assertFalse(result.failed(), result.reason);
        send(h, true, 1, 3, "InitiatorName=iqn.1994-05.com.redhat:someone-else");
        assertEquals(LoginStatus.INITIATOR_ERROR, result.status);
        assertTrue(result.reason.contains("InitiatorName declared again with another value"), result.reason);
        final LoginStateMachine negotiated = handler(registry(false, true), null);
        send(negotiated, true, 0, 1, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "AuthMethod=None");
        send(negotiated, false, 1, 3, "HeaderDigest=None");
        send(negotiated, true, 1, 3, "HeaderDigest=None");
        assertEquals(LoginStatus.INITIATOR_ERROR, result.status, "a negotiated key twice is still refused");
    }
}
