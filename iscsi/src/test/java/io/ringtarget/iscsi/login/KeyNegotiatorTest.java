package io.ringtarget.iscsi.login;

import org.junit.jupiter.api.Test;

import io.ringtarget.pdu.TextKeyWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyNegotiatorTest
{
    private final KeyNegotiator negotiator = new KeyNegotiator(TargetLimits.defaults());
    private final SessionParameters params = new SessionParameters();
    private final TextPairs text = new TextPairs();

    private String answer(final String key, final String value)
    {
        final TextKeyWriter response = text.response();
        assertTrue(negotiator.negotiate(key, value, params, response), key);
        return text.count() == 0 ? null : text.value(key);
    }

    @Test
    void openIscsiDefaultsGiveTheRfcResults()
    {
        // What iscsid offers with the stock iscsid.conf (node.session.iscsi.* and node.conn[0].iscsi.*).
        assertEquals("None", answer("HeaderDigest", "None"));
        assertEquals("None", answer("DataDigest", "None"));
        assertEquals(null, answer("MaxRecvDataSegmentLength", "262144"));   // declarative: no answer
        assertEquals(262144, params.maxXmitDataSegmentLength);
        assertEquals("1", answer("MaxConnections", "1"));
        assertEquals("No", answer("InitialR2T", "No"));          // OR with our No
        assertEquals("Yes", answer("ImmediateData", "Yes"));     // AND with our Yes
        assertEquals("16776192", answer("MaxBurstLength", "16776192"));
        assertEquals("262144", answer("FirstBurstLength", "262144"));
        assertEquals("2", answer("DefaultTime2Wait", "2"));
        assertEquals("0", answer("DefaultTime2Retain", "0"));
        assertEquals("1", answer("MaxOutstandingR2T", "1"));
        assertEquals("Yes", answer("DataPDUInOrder", "Yes"));
        assertEquals("Yes", answer("DataSequenceInOrder", "Yes"));
        assertEquals("0", answer("ErrorRecoveryLevel", "0"));
        assertEquals("No", answer("IFMarker", "No"));
        assertEquals("No", answer("OFMarker", "No"));
        assertFalse(params.initialR2T);
        assertTrue(params.immediateData);
        assertEquals(16776192, params.maxBurstLength);
    }

    @Test
    void rfcDefaultsStayWhenOffered()
    {
        assertEquals("Yes", answer("InitialR2T", "Yes"));       // OR: Yes wins
        assertEquals("262144", answer("MaxBurstLength", "262144"));
        assertEquals("65536", answer("FirstBurstLength", "65536"));
        assertEquals("20", answer("DefaultTime2Retain", "20"));
        assertTrue(params.initialR2T);
        assertEquals(65536, params.firstBurstLength);
    }

    @Test
    void aTpgsDigestsAreTheOnesALoginMayChoose()
    {
        negotiator.limits(TargetLimits.defaults().with(new io.ringtarget.iscsi.node.TpgParameters(null, null, null,
            null, null, null, "CRC32C", "None", 10, 5)));
        assertEquals("CRC32C", answer("HeaderDigest", "None,CRC32C"), "the initiator's first the TPG allows");
        assertEquals("None", answer("DataDigest", "CRC32C,None"));
        assertEquals(null, params.negotiationFailure);
        assertEquals("10", answer("DefaultTime2Wait", "2"));      // max with the TPG's 10
        assertEquals("0", answer("DefaultTime2Retain", "0"));     // min with the TPG's 5
        assertEquals("Reject", answer("HeaderDigest", "None"));
        assertEquals("HeaderDigest=None offered; the TPG allows CRC32C", params.negotiationFailure);
    }

    @Test
    void resultsFollowTheirRules()
    {
        assertEquals("CRC32C", answer("HeaderDigest", "CRC32C,None"));
        assertTrue(params.headerDigest);
        assertEquals("None", answer("DataDigest", "None,CRC32C"));
        assertFalse(params.dataDigest);
        assertEquals("Reject", answer("HeaderDigest", "MD5"));
        assertEquals(null, params.negotiationFailure, "the default, None, is allowed: the login goes on");
        assertEquals("1", answer("MaxConnections", "8"));                // min with our 1
        assertEquals("No", answer("InitialR2T", "No"));                   // OR with our No
        assertEquals("No", answer("ImmediateData", "No"));                // AND
        assertEquals("16776192", answer("MaxBurstLength", "16777215"));   // min with our 16 MiB - 1 KiB
        assertEquals("5", answer("DefaultTime2Wait", "5"));               // max with our 2
        assertEquals("0", answer("ErrorRecoveryLevel", "2"));             // we do level 0 only
        assertEquals("No", answer("IFMarker", "Yes"));
        assertEquals("Irrelevant", answer("OFMarkInt", "2048~8192"));
        assertEquals("32", answer("MaxOutstandingR2T", "0x40"));          // hex numbers (RFC 7143 5.1)
    }

    @Test
    void outOfRangeAndMalformedValuesAreRejected()
    {
        assertEquals("Reject", answer("MaxBurstLength", "100"));
        assertEquals("Reject", answer("MaxConnections", "0"));
        assertEquals("Reject", answer("InitialR2T", "maybe"));
        assertEquals("Reject", answer("DefaultTime2Wait", "abc"));
        assertEquals("Reject", answer("MaxRecvDataSegmentLength", "16777216"));
        assertEquals(SessionParameters.DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH, params.maxXmitDataSegmentLength);
    }

    @Test
    void unknownKeysAreNotConsumed()
    {
        assertFalse(negotiator.negotiate("X-com.example.Foo", "1", params, text.response()));
        assertFalse(negotiator.negotiate("NoSuchKey", "1", params, text.response()));
        assertEquals(0, text.count(), "nothing written for keys that are not ours");
    }

    @Test
    void firstBurstIsClampedToMaxBurst()
    {
        answer("MaxBurstLength", "65536");
        answer("FirstBurstLength", "262144");
        KeyNegotiator.reconcile(params);
        assertEquals(65536, params.firstBurstLength);
    }
}
