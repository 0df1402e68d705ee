package io.ringtarget.server.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operational keys a TPG offers its logins in place of the engine's, named as RFC 7143 section 13 and
 * targetcli's {@code set parameter} name them; numbers are numbers, InitialR2T and ImmediateData "Yes" or "No",
 * HeaderDigest and DataDigest the digests a login may choose ("CRC32C", "None", "CRC32C,None"; without None a
 * login must choose CRC32C).
 * A key left out (null) takes the engine's offer. They apply when a session logs in: a change leaves logged-in
 * sessions with what they negotiated.
 */
public record TpgParametersConfig(
    @JsonProperty("MaxRecvDataSegmentLength") Integer maxRecvDataSegmentLength,
    @JsonProperty("MaxBurstLength") Integer maxBurstLength,
    @JsonProperty("FirstBurstLength") Integer firstBurstLength,
    @JsonProperty("MaxOutstandingR2T") Integer maxOutstandingR2T,
    @JsonProperty("InitialR2T") String initialR2T,
    @JsonProperty("ImmediateData") String immediateData,
    @JsonProperty("HeaderDigest") String headerDigest,
    @JsonProperty("DataDigest") String dataDigest,
    @JsonProperty("DefaultTime2Wait") Integer defaultTime2Wait,
    @JsonProperty("DefaultTime2Retain") Integer defaultTime2Retain)
{
    public static final String MAX_RECV_DATA_SEGMENT_LENGTH = "MaxRecvDataSegmentLength";
    public static final String MAX_BURST_LENGTH = "MaxBurstLength";
    public static final String FIRST_BURST_LENGTH = "FirstBurstLength";
    public static final String MAX_OUTSTANDING_R2T = "MaxOutstandingR2T";
    public static final String INITIAL_R2T = "InitialR2T";
    public static final String IMMEDIATE_DATA = "ImmediateData";
    public static final String HEADER_DIGEST = "HeaderDigest";
    public static final String DATA_DIGEST = "DataDigest";
    public static final String DEFAULT_TIME2WAIT = "DefaultTime2Wait";
    public static final String DEFAULT_TIME2RETAIN = "DefaultTime2Retain";

    /** The keys a TPG can set, in the order they are shown. */
    public static final List<String> KEYS = List.of(MAX_RECV_DATA_SEGMENT_LENGTH, MAX_BURST_LENGTH, FIRST_BURST_LENGTH,
        MAX_OUTSTANDING_R2T, INITIAL_R2T, IMMEDIATE_DATA, HEADER_DIGEST, DATA_DIGEST, DEFAULT_TIME2WAIT,
        DEFAULT_TIME2RETAIN);

    /** The value that removes a key: the TPG takes the engine's offer again. */
    public static final String DEFAULT = "default";

    /** No key set: the engine's offers. */
    public static final TpgParametersConfig NONE =
        new TpgParametersConfig(null, null, null, null, null, null, null, null, null, null);

    /** The data-phase keys only (as written before digests and Time2Wait/Time2Retain could be set). */
    public TpgParametersConfig(
        final Integer maxRecvDataSegmentLength, final Integer maxBurstLength, final Integer firstBurstLength,
        final Integer maxOutstandingR2T, final String initialR2T, final String immediateData)
    {
        this(maxRecvDataSegmentLength, maxBurstLength, firstBurstLength, maxOutstandingR2T, initialR2T, immediateData,
            null, null, null, null);
    }

    /** The keys this sets, by RFC name, in {@link #KEYS} order ("FirstBurstLength" to "16384"). */
    @JsonIgnore
    public Map<String, String> asMap()
    {
        final Map<String, String> set = new LinkedHashMap<>();
        for (final String key : KEYS)
        {
            final Object value = value(key);
            if (null != value)
            {
                set.put(key, value.toString());
            }
        }
        return set;
    }

    /** The value of one key as given (an Integer, a "Yes"/"No" or digest list String), null when not set. */
    private Object value(final String key)
    {
        return switch (key)
        {
            case MAX_RECV_DATA_SEGMENT_LENGTH -> maxRecvDataSegmentLength;
            case MAX_BURST_LENGTH -> maxBurstLength;
            case FIRST_BURST_LENGTH -> firstBurstLength;
            case MAX_OUTSTANDING_R2T -> maxOutstandingR2T;
            case INITIAL_R2T -> initialR2T;
            case IMMEDIATE_DATA -> immediateData;
            case HEADER_DIGEST -> headerDigest;
            case DATA_DIGEST -> dataDigest;
            case DEFAULT_TIME2WAIT -> defaultTime2Wait;
            case DEFAULT_TIME2RETAIN -> defaultTime2Retain;
            default -> throw new IllegalArgumentException("not a TPG parameter: " + key);
        };
    }

    /**
     * With these keys by RFC name, values as given: decimal numbers (the CLI has checked them), "Yes" or "No", a
     * digest list;
     * "default" or null: back to the engine's. Ranges are the validator's.
     */
    public TpgParametersConfig with(final Map<String, String> changes)
    {
        final Map<String, String> merged = new LinkedHashMap<>(asMap());
        for (final Map.Entry<String, String> e : changes.entrySet())
        {
            if (null == e.getValue() || DEFAULT.equals(e.getValue()))
            {
                merged.remove(e.getKey());
            }
            else
            {
                merged.put(e.getKey(), e.getValue());
            }
        }
        return new TpgParametersConfig(
            number(merged.get(MAX_RECV_DATA_SEGMENT_LENGTH)),
            number(merged.get(MAX_BURST_LENGTH)),
            number(merged.get(FIRST_BURST_LENGTH)),
            number(merged.get(MAX_OUTSTANDING_R2T)),
            merged.get(INITIAL_R2T),
            merged.get(IMMEDIATE_DATA),
            merged.get(HEADER_DIGEST),
            merged.get(DATA_DIGEST),
            number(merged.get(DEFAULT_TIME2WAIT)),
            number(merged.get(DEFAULT_TIME2RETAIN)));
    }

    @JsonIgnore
    public boolean isEmpty()
    {
        return equals(NONE);
    }

    private static Integer number(final String value)
    {
        return null == value ? null : Integer.valueOf(value);
    }
}
