package io.ringtarget.iscsi.login;

import io.ringtarget.pdu.TextKeyWriter;

/**
 * Operational key negotiation (RFC 7143 sections 6.2 and 13): each key the initiator offers is answered by
 * its rule — declarative keys are recorded, list keys answer the first value we support, boolean keys use OR
 * or AND, numerical keys use min or max — and the result is written to the connection's
 * {@link SessionParameters}. Keys we do not know get NotUnderstood, values outside the key's range get Reject.
 */
public final class KeyNegotiator
{
    private TargetLimits limits;

    public KeyNegotiator(final TargetLimits limits)
    {
        this.limits = limits;
    }

    /** Offers these limits from now on: a login's TPG, once its leading request named it, may offer its own. */
    public KeyNegotiator limits(final TargetLimits limits)
    {
        this.limits = limits;
        return this;
    }

    /** Outcome of one key: {@code true} when the key was consumed, {@code false} when it is not ours. */
    public boolean negotiate(final String key, final String value, final SessionParameters params, final TextKeyWriter response)
    {
        switch (key)
        {
            case "HeaderDigest" -> params.headerDigest = digest(key, value, limits.headerDigests(), params, response);
            case "DataDigest" -> params.dataDigest = digest(key, value, limits.dataDigests(), params, response);
            case "MaxConnections" -> params.maxConnections = numericalMin(key, value, 1, 65535, 1, response, params.maxConnections);
            case "InitialR2T" -> params.initialR2T = booleanOr(key, value, limits.initialR2T(), response, params.initialR2T);
            case "ImmediateData" -> params.immediateData = booleanAnd(key, value, limits.immediateData(), response, params.immediateData);
            case "MaxRecvDataSegmentLength" ->
            {
                // Declarative (13.12): the initiator states what it can receive; no answer is due for it.
                final long v = number(value);
                if (v < 512 || v > 16777215)
                {
                    response.append(key, "Reject");
                }
                else
                {
                    params.maxXmitDataSegmentLength = (int)v;
                }
            }
            case "MaxBurstLength" -> params.maxBurstLength = numericalMin(key, value, 512, 16777215, limits.maxBurstLength(), response, params.maxBurstLength);
            case "FirstBurstLength" -> params.firstBurstLength = numericalMin(key, value, 512, 16777215, limits.firstBurstLength(), response, params.firstBurstLength);
            case "DefaultTime2Wait" -> params.defaultTime2Wait = numericalMax(key, value, 0, 3600, limits.defaultTime2Wait(), response, params.defaultTime2Wait);
            case "DefaultTime2Retain" -> params.defaultTime2Retain = numericalMin(key, value, 0, 3600, limits.defaultTime2Retain(), response, params.defaultTime2Retain);
            case "MaxOutstandingR2T" -> params.maxOutstandingR2T = numericalMin(key, value, 1, 65535, limits.maxOutstandingR2T(), response, params.maxOutstandingR2T);
            case "DataPDUInOrder" -> params.dataPduInOrder = booleanOr(key, value, true, response, params.dataPduInOrder);
            case "DataSequenceInOrder" -> params.dataSequenceInOrder = booleanOr(key, value, true, response, params.dataSequenceInOrder);
            // We implement ErrorRecoveryLevel 0 only; min() answers any higher offer with 0 (13.20).
            case "ErrorRecoveryLevel" -> params.errorRecoveryLevel = numericalMin(key, value, 0, 2, 0, response, params.errorRecoveryLevel);
            // Markers were removed by RFC 7143 (section 13 notes); old initiators still offer them: AND with No.
            case "IFMarker", "OFMarker" -> booleanAnd(key, value, false, response, false);
            case "IFMarkInt", "OFMarkInt" -> response.append(key, "Irrelevant");
            // RFC 7144: we implement the RFC 7143 level (1); numerical min.
            case "iSCSIProtocolLevel" -> numericalMin(key, value, 0, 31, 1, response, 0);
            default ->
            {
                return false;
            }
        }
        return true;
    }

    /** After the operational stage: FirstBurstLength may not exceed MaxBurstLength (13.14). */
    public static void reconcile(final SessionParameters params)
    {
        if (params.firstBurstLength > params.maxBurstLength)
        {
            params.firstBurstLength = params.maxBurstLength;
        }
    }

    /**
     * A list key (RFC 7143 6.2.1, 13.1): the initiator's first value the TPG allows. None of them answers Reject;
     * the key then keeps its default, None, and where the TPG does not allow None the login fails.
     */
    private static boolean digest(
        final String key, final String value, final String allowed, final SessionParameters params,
        final TextKeyWriter response)
    {
        for (final String v : value.split(","))
        {
            if (("CRC32C".equals(v) || "None".equals(v)) && TargetLimits.allows(allowed, v))
            {
                response.append(key, v);
                return "CRC32C".equals(v);
            }
        }
        response.append(key, "Reject");
        if (params.negotiationFailure == null && !TargetLimits.allows(allowed, "None"))
        {
            params.negotiationFailure = key + "=" + value + " offered; the TPG allows " + allowed;
        }
        return false;
    }

    private static int numericalMin(
        final String key, final String value, final long min, final long max, final int ours,
        final TextKeyWriter response, final int previous)
    {
        return numerical(key, value, min, max, ours, false, response, previous);
    }

    private static int numericalMax(
        final String key, final String value, final long min, final long max, final int ours,
        final TextKeyWriter response, final int previous)
    {
        return numerical(key, value, min, max, ours, true, response, previous);
    }

    /** A numerical key (RFC 7143 6.2.2): Reject outside [min, max], else the lower (or higher) of both offers. */
    private static int numerical(
        final String key, final String value, final long min, final long max, final int ours, final boolean higher,
        final TextKeyWriter response, final int previous)
    {
        final long v = number(value);
        if (v < min || v > max)
        {
            response.append(key, "Reject");
            return previous;
        }
        final int result = (int)(higher ? Math.max(v, ours) : Math.min(v, ours));
        response.append(key, Integer.toString(result));
        return result;
    }

    private static boolean booleanOr(
        final String key, final String value, final boolean ours, final TextKeyWriter response, final boolean previous)
    {
        final int v = bool(value);
        if (v < 0)
        {
            response.append(key, "Reject");
            return previous;
        }
        final boolean result = v == 1 || ours;
        response.append(key, SessionParameters.yesNo(result));
        return result;
    }

    private static boolean booleanAnd(
        final String key, final String value, final boolean ours, final TextKeyWriter response, final boolean previous)
    {
        final int v = bool(value);
        if (v < 0)
        {
            response.append(key, "Reject");
            return previous;
        }
        final boolean result = v == 1 && ours;
        response.append(key, SessionParameters.yesNo(result));
        return result;
    }

    private static int bool(final String value)
    {
        return switch (value)
        {
            case "Yes" -> 1;
            case "No" -> 0;
            default -> -1;
        };
    }

    /** Decimal or 0x-hex numerical value (RFC 7143 section 5.1); -1 when malformed. */
    public static long number(final String value)
    {
        try
        {
            if (value.length() > 2 && (value.startsWith("0x") || value.startsWith("0X")))
            {
                return value.length() > 18 ? -1 : Long.parseUnsignedLong(value.substring(2), 16);
            }
            return value.isEmpty() || value.length() > 19 ? -1 : Long.parseLong(value);
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }
}
