package io.ringtarget.ring;

/** Names for a ring's setup flags and features, for its one-line description and the log. */
final class RingFlagNames
{
    private RingFlagNames()
    {
    }

    /** IORING_SETUP_* bits by name, "|"-separated. */
    static String setupFlags(final int flags)
    {
        final StringBuilder sb = new StringBuilder();
        final String[] names = {
            "IOPOLL", "SQPOLL", "SQ_AFF", "CQSIZE", "CLAMP", "ATTACH_WQ", "R_DISABLED", "SUBMIT_ALL", "COOP_TASKRUN",
            "TASKRUN_FLAG", "SQE128", "CQE32", "SINGLE_ISSUER", "DEFER_TASKRUN" };
        appendBits(sb, flags, names);
        return sb.toString();
    }

    /** IORING_FEAT_* bits by name, "|"-separated. */
    static String features(final int features)
    {
        final StringBuilder sb = new StringBuilder();
        final String[] names = {
            "SINGLE_MMAP", "NODROP", "SUBMIT_STABLE", "RW_CUR_POS", "CUR_PERSONALITY", "FAST_POLL", "POLL_32BITS",
            "SQPOLL_NONFIXED", "EXT_ARG", "NATIVE_WORKERS", "RSRC_TAGS", "CQE_SKIP", "LINKED_FILE", "REG_REG_RING",
            "RECVSEND_BUNDLE", "MIN_TIMEOUT", "RW_ATTR", "NO_IOWAIT" };
        appendBits(sb, features, names);
        return sb.toString();
    }

    private static void appendBits(final StringBuilder sb, final int bits, final String[] names)
    {
        for (int i = 0; i < 32; i++)
        {
            if ((bits & (1 << i)) != 0)
            {
                if (!sb.isEmpty())
                {
                    sb.append('|');
                }
                sb.append(i < names.length ? names[i] : "0x" + Integer.toHexString(1 << i));
            }
        }
        if (sb.isEmpty())
        {
            sb.append("none");
        }
    }
}
