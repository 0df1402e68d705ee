package io.ringtarget.iscsi.stats;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The {@code sense_key} label of a failed command: the sense key of its CHECK CONDITION (SPC-4 4.5.6), read from
 * fixed (response code 70h/71h, byte 2) or descriptor (72h/73h, byte 1) sense data; {@link #NONE} for any other
 * status than GOOD or CONDITION MET, which carries no sense data (BUSY, RESERVATION CONFLICT, TASK SET FULL, ACA
 * ACTIVE, TASK ABORTED).
 */
public final class SenseKeys
{
    /** A failure without sense data. */
    public static final int NONE = 16;
    /** Label values, by sense key, then {@link #NONE}. */
    public static final int COUNT = 17;

    private static final String[] LABELS = {
        "no_sense", "recovered_error", "not_ready", "medium_error", "hardware_error", "illegal_request",
        "unit_attention", "data_protect", "blank_check", "vendor_specific", "copy_aborted", "aborted_command",
        "obsolete_0c", "volume_overflow", "miscompare", "completed", "none" };

    private SenseKeys()
    {
    }

    /** The sense key of {@code length} bytes of sense data, or {@link #NONE} when there are too few to tell. */
    public static int of(final MemorySegment sense, final int length)
    {
        if (length < 2)
        {
            return NONE;
        }
        final int responseCode = sense.get(ValueLayout.JAVA_BYTE, 0) & 0x7F;
        if (responseCode == 0x72 || responseCode == 0x73)
        {
            return sense.get(ValueLayout.JAVA_BYTE, 1) & 0x0F;
        }
        return length < 3 ? NONE : sense.get(ValueLayout.JAVA_BYTE, 2) & 0x0F;
    }

    public static String label(final int senseKey)
    {
        return LABELS[senseKey];
    }
}
