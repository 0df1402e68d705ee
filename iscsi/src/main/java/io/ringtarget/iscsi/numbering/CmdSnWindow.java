package io.ringtarget.iscsi.numbering;

import io.ringtarget.pdu.SerialNumber;

/**
 * The session's command window (RFC 7143 section 4.2.2.1): ExpCmdSN, the next CmdSN expected, and MaxCmdSN, the
 * last one the target has room for. A non-immediate command inside [ExpCmdSN, MaxCmdSN] is accepted once; one
 * outside it, or a duplicate inside it, is silently ignored. Immediate commands carry a CmdSN but do not advance
 * ExpCmdSN. A command that arrives ahead of ExpCmdSN (the initiator skipped one) is accepted and remembered, and
 * ExpCmdSN moves past it once the gap is filled; until then the connection holds it ({@code CommandOrder}).
 * <p>
 * MaxCmdSN follows the credit the command table gives ({@link #credit(int)}: free command slots). Initiators keep the
 * highest MaxCmdSN they were told (RFC 7143 4.2.2.1), so that is what the window check uses.
 * <p>
 * Owned by the connection's loop; allocation-free.
 */
public final class CmdSnWindow
{
    /** The command is in the window and new: process it. */
    public static final int ACCEPTED = 0;
    /** Outside [ExpCmdSN, MaxCmdSN]: ignore it silently. */
    public static final int OUT_OF_WINDOW = 1;
    /** Inside the window but already received: ignore it silently. */
    public static final int DUPLICATE = 2;

    /** Bitmap capacity: above any credit a connection grants (its command slots). */
    public static final int MAX_CREDIT = 256;
    private static final int MASK = 2 * MAX_CREDIT - 1;

    private final boolean[] received = new boolean[2 * MAX_CREDIT];
    private int expCmdSn;
    private int credit = 1;
    private int highestMaxCmdSn;

    /** Starts the window at the leading Login Request's CmdSN (RFC 7143 11.12.7). */
    public CmdSnWindow reset(final int firstCmdSn)
    {
        java.util.Arrays.fill(received, false);
        expCmdSn = firstCmdSn;
        highestMaxCmdSn = maxCmdSn();
        return this;
    }

    /**
     * How many more non-immediate commands the target has room for (0 closes the window: MaxCmdSN = ExpCmdSN - 1).
     */
    public CmdSnWindow credit(final int commands)
    {
        credit = Math.max(0, Math.min(commands, MAX_CREDIT));
        return this;
    }

    public int expCmdSn()
    {
        return expCmdSn;
    }

    /** MaxCmdSN to put in the next PDU to the initiator; remembered as advertised. */
    public int maxCmdSn()
    {
        final int max = expCmdSn + credit - 1;
        if (SerialNumber.greaterThan(max, highestMaxCmdSn))
        {
            highestMaxCmdSn = max;
        }
        return max;
    }

    /** The highest MaxCmdSN advertised so far: the end of the window the initiator may fill. */
    public int advertisedMaxCmdSn()
    {
        return SerialNumber.greaterThan(highestMaxCmdSn, expCmdSn - 1) ? highestMaxCmdSn : expCmdSn - 1;
    }

    /** Whether {@code cmdSn} lies in the window as the initiator knows it: [ExpCmdSN, advertised MaxCmdSN]. */
    public boolean inWindow(final int cmdSn)
    {
        return SerialNumber.inWindow(cmdSn, expCmdSn, advertisedMaxCmdSn());
    }

    /**
     * Checks and records the CmdSN of an arriving command.
     *
     * @return {@link #ACCEPTED}, {@link #OUT_OF_WINDOW} or {@link #DUPLICATE}.
     */
    public int accept(final int cmdSn, final boolean immediate)
    {
        if (immediate)
        {
            return ACCEPTED;   // immediate delivery: CmdSN is not advanced (RFC 7143 4.2.2.1)
        }
        if (!inWindow(cmdSn))
        {
            return OUT_OF_WINDOW;
        }
        if (cmdSn - expCmdSn >= MAX_CREDIT)
        {
            return OUT_OF_WINDOW;   // further ahead than any window we can have granted
        }
        final int slot = cmdSn & MASK;
        if (received[slot])
        {
            return DUPLICATE;
        }
        received[slot] = true;
        while (received[expCmdSn & MASK])
        {
            received[expCmdSn & MASK] = false;
            expCmdSn++;
        }
        return ACCEPTED;
    }

    /** Whether an earlier command is missing: some CmdSN above ExpCmdSN was accepted before ExpCmdSN itself. */
    public boolean hasGap()
    {
        for (int i = 1; i < MAX_CREDIT; i++)
        {
            if (received[(expCmdSn + i) & MASK])
            {
                return true;
            }
        }
        return false;
    }
}
