package io.ringtarget.iscsi.text;

import io.ringtarget.iscsi.node.ServedTargets;
import io.ringtarget.iscsi.numbering.CmdSnWindow;
import io.ringtarget.iscsi.numbering.StatSn;
import io.ringtarget.iscsi.session.Session;
import io.ringtarget.iscsi.transport.PduSender;
import io.ringtarget.iscsi.transport.RejectSender;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.pdu.PduHeader;
import io.ringtarget.pdu.RejectPdu;
import io.ringtarget.pdu.TextAccumulator;
import io.ringtarget.pdu.TextKeyReader;
import io.ringtarget.pdu.TextKeyWriter;
import io.ringtarget.pdu.TextRequestPdu;
import io.ringtarget.pdu.TextResponsePdu;

import java.lang.foreign.MemorySegment;

/**
 * Text Request/Response exchanges in Full Feature Phase (RFC 7143 sections 6.1, 11.10, 11.11), in discovery and
 * normal sessions: request text continued with the C bit is gathered (each part answered by an empty response
 * with a Target Transfer Tag), the keys are answered — SendTargets (13.3); MaxRecvDataSegmentLength and
 * InitiatorAlias, declarative and allowed in any phase (13.12, 13.6), are taken without an answer, a new
 * MaxRecvDataSegmentLength applying to what the target sends from then on; any other key is Reject when RFC 7143
 * defines it (it may not be renegotiated once logged in) and NotUnderstood when not ({@link FullFeatureKeys}) —
 * and an answer longer than the initiator's MaxRecvDataSegmentLength goes in
 * parts, each following part asked for by a Text Request echoing our Target Transfer Tag. Text is parsed and
 * written in place by the PDU layer's {@link TextKeyReader}/{@link TextKeyWriter}. Off the I/O path; the buffers
 * are made on the connection's first Text Request.
 */
public final class TextExchange
{
    public static final int MAX_REQUEST_TEXT = 64 * 1024;
    /** The answer starts in this much room and grows, up to {@link #MAX_RESPONSE_TEXT}, when it does not fit. */
    public static final int INITIAL_RESPONSE_TEXT = 64 * 1024;
    public static final int MAX_RESPONSE_TEXT = 16 * 1024 * 1024;
    private static final byte[] SEND_TARGETS = "SendTargets".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] MAX_RECV_DATA_SEGMENT_LENGTH =
        "MaxRecvDataSegmentLength".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] INITIATOR_ALIAS = "InitiatorAlias".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** RFC 7143 13.12: 512 to 2^24 - 1. */
    private static final long MIN_DATA_SEGMENT_LENGTH = 512;
    private static final long MAX_DATA_SEGMENT_LENGTH = (1 << 24) - 1;

    private final TextRequestPdu request = new TextRequestPdu();
    private final TextResponsePdu response = new TextResponsePdu();
    private final TextKeyReader reader = new TextKeyReader();
    private final TextKeyWriter writer = new TextKeyWriter();
    private final PduSender sender;
    private final StatSn statSn;
    private final CmdSnWindow window;
    private final RejectSender rejects;
    private final ServedTargets served;
    private TextAccumulator requestText;
    private MemorySegment answer;
    private int answerLength;
    private int answerSent;
    private boolean answerPending;
    private int transferTag = 1;
    private Session session;
    private String localIp;
    private int localPort;
    private int maxDataSegmentLength = 8192;
    /** A MaxRecvDataSegmentLength the request being answered declared, or 0. */
    private int declaredMaxRecv;

    public TextExchange(
        final PduSender sender, final StatSn statSn, final CmdSnWindow window, final RejectSender rejects,
        final ServedTargets served)
    {
        this.sender = sender;
        this.statSn = statSn;
        this.window = window;
        this.rejects = rejects;
        this.served = served;
    }

    /**
     * The session the exchanges belong to, the portal the connection arrived on (SendTargets answers for it) and the
     * initiator's MaxRecvDataSegmentLength.
     */
    public TextExchange bind(final Session session, final String localIp, final int localPort, final int maxDataSegmentLength)
    {
        this.session = session;
        this.localIp = localIp;
        this.localPort = localPort;
        this.maxDataSegmentLength = maxDataSegmentLength;
        return this;
    }

    /**
     * A Text Request (its CmdSN already accepted): BHS at {@code offset} of {@code from}, text at {@code dataOffset}.
     *
     * @return the MaxRecvDataSegmentLength the initiator declared in it, to apply to the PDUs sent from now on, or 0.
     */
    public int onTextRequest(final MemorySegment from, final long offset, final long dataOffset, final int dataLength)
    {
        request.wrap(from, offset);
        final int itt = request.initiatorTaskTag();
        final int ttt = request.targetTransferTag();
        if (ttt != PduHeader.RESERVED_TAG && answerPending && ttt == transferTag)
        {
            sendAnswerPart(itt);   // the initiator asks for the rest of a long answer
            return 0;
        }
        if (requestText == null)
        {
            requestText = new TextAccumulator(MemorySegment.ofArray(new byte[MAX_REQUEST_TEXT]));
        }
        answerPending = false;
        if (!requestText.append(from, dataOffset, dataLength))
        {
            requestText.reset();
            rejects.reject(RejectPdu.PROTOCOL_ERROR, from, offset);
            return 0;
        }
        if (request.continueBit())
        {
            // More request text follows: an empty, non-final response with a Target Transfer Tag that the next Text
            // Request echoes (RFC 7143 sections 11.10.2 and 11.11.1).
            final long h = sender.stage(0);
            if (h < 0)
            {
                return 0;
            }
            response.wrap(sender.staging(), h).reset(Opcode.TEXT_RESPONSE)
                .finalBit(false).continueBit(false).initiatorTaskTag(itt).targetTransferTag(nextTransferTag())
                .statSn(statSn.take()).expCmdSn(window.expCmdSn()).maxCmdSn(window.maxCmdSn());
            sender.queue(h, 0, PduSender.NO_TAG);
            return 0;
        }
        if (!requestText.terminate() || !answer())
        {
            requestText.reset();
            rejects.reject(RejectPdu.PROTOCOL_ERROR, from, offset);
            return 0;
        }
        requestText.reset();
        answerSent = 0;
        answerPending = true;
        sendAnswerPart(itt);
        final int declared = declaredMaxRecv;
        if (declared != 0)
        {
            maxDataSegmentLength = declared;   // after this answer, which the initiator still takes at the old size
        }
        return declared;
    }

    /** Writes the answer to the gathered request; false when the request text is malformed. */
    private boolean answer()
    {
        if (answer == null)
        {
            answer = MemorySegment.ofArray(new byte[INITIAL_RESPONSE_TEXT]);
        }
        while (true)
        {
            declaredMaxRecv = 0;
            requestText.reader(reader);
            writer.wrap(answer, 0, (int)answer.byteSize());
            while (reader.next())
            {
                if (reader.keyEquals(SEND_TARGETS))
                {
                    SendTargets.answer(served.registry(), session, reader.value(), localIp, localPort, writer);
                }
                else if (reader.keyEquals(MAX_RECV_DATA_SEGMENT_LENGTH))
                {
                    final long v = reader.valueAsLong();
                    if (v < MIN_DATA_SEGMENT_LENGTH || v > MAX_DATA_SEGMENT_LENGTH)
                    {
                        writer.append(reader.key(), "Reject");
                    }
                    else
                    {
                        declaredMaxRecv = (int)v;
                    }
                }
                else if (!reader.keyEquals(INITIATOR_ALIAS))
                {
                    writer.append(reader.key(), FullFeatureKeys.refusal(reader.key()));
                }
            }
            if (reader.error() != TextKeyReader.NONE)
            {
                return false;
            }
            if (!writer.overflow() || answer.byteSize() >= MAX_RESPONSE_TEXT)
            {
                answerLength = writer.length();
                return true;
            }
            answer = MemorySegment.ofArray(new byte[(int)Math.min(2 * answer.byteSize(), MAX_RESPONSE_TEXT)]);
        }
    }

    private void sendAnswerPart(final int itt)
    {
        final int part = Math.min(maxDataSegmentLength, answerLength - answerSent);
        final boolean more = answerSent + part < answerLength;
        final long h = sender.stage(part);
        if (h < 0)
        {
            return;
        }
        response.wrap(sender.staging(), h).reset(Opcode.TEXT_RESPONSE)
            .finalBit(!more).continueBit(more).initiatorTaskTag(itt)
            .targetTransferTag(more ? nextTransferTag() : PduHeader.RESERVED_TAG)
            .statSn(statSn.take()).expCmdSn(window.expCmdSn()).maxCmdSn(window.maxCmdSn())
            .dataSegmentLength(part);
        MemorySegment.copy(answer, answerSent, sender.staging(), sender.dataSegmentOffset(h), part);
        answerSent += part;
        answerPending = more;
        sender.queue(h, part, PduSender.NO_TAG);
    }

    private int nextTransferTag()
    {
        transferTag = transferTag == Integer.MAX_VALUE ? 1 : transferTag + 1;
        return transferTag;
    }
}
