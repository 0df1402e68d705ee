package io.ringtarget.iscsi.transport;

import io.ringtarget.iscsi.numbering.CmdSnWindow;
import io.ringtarget.iscsi.numbering.StatSn;
import io.ringtarget.iscsi.stats.ConnectionCounters;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.pdu.PduHeader;
import io.ringtarget.pdu.RejectPdu;

import java.lang.foreign.MemorySegment;

/**
 * Answers a PDU the target cannot take with a Reject PDU (RFC 7143 section 11.17): the reason code and, as its data
 * segment, the rejected PDU's header. A Reject carries status numbering like a response.
 */
public final class RejectSender
{
    private final RejectPdu reject = new RejectPdu();
    private final PduSender sender;
    private final StatSn statSn;
    private final CmdSnWindow window;
    private final ConnectionCounters counters;

    public RejectSender(
        final PduSender sender, final StatSn statSn, final CmdSnWindow window, final ConnectionCounters counters)
    {
        this.sender = sender;
        this.statSn = statSn;
        this.window = window;
        this.counters = counters;
    }

    /**
     * @param reason       a {@code RejectPdu} reason code.
     * @param rejected     memory holding the rejected PDU.
     * @param headerOffset where its BHS starts.
     */
    public void reject(final int reason, final MemorySegment rejected, final long headerOffset)
    {
        counters.reject(reason);
        final long h = sender.stage(PduHeader.LENGTH);
        if (h < 0)
        {
            return;
        }
        reject.wrap(sender.staging(), h).reset(Opcode.REJECT).finalBit(true)
            .reason(reason).initiatorTaskTag(PduHeader.RESERVED_TAG)
            .statSn(statSn.take()).expCmdSn(window.expCmdSn()).maxCmdSn(window.maxCmdSn())
            .dataSegmentLength(PduHeader.LENGTH);
        MemorySegment.copy(rejected, headerOffset, sender.staging(), sender.dataSegmentOffset(h), PduHeader.LENGTH);
        sender.queue(h, PduHeader.LENGTH, PduSender.NO_TAG);
    }
}
