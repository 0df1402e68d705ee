package io.ringtarget.iscsi.numbering;

/**
 * The connection's status numbering (RFC 7143 section 4.2.2.2): each response that carries status takes the next
 * StatSN; other target PDUs (R2T, NOP-In pings, Data-In without status) carry the current value without taking
 * one. Starts at the initiator's ExpStatSN in the leading Login Request (RFC 7143 11.12.7).
 */
public final class StatSn
{
    private int next;

    public StatSn reset(final int expStatSn)
    {
        next = expStatSn;
        return this;
    }

    /** The StatSN for a response with status; the following one gets the next number. */
    public int take()
    {
        return next++;
    }

    /** The StatSN a PDU without status carries: the next number, not taken. */
    public int current()
    {
        return next;
    }
}
