package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;

/**
 * Commands the transport answers without a logical unit. For a LUN the I_T nexus has no logical unit at (SPC-4 6.6.1 and SAM-5 5.8.4): INQUIRY returns
 * standard data with PERIPHERAL QUALIFIER 011b and DEVICE TYPE 1Fh ("not capable of supporting a device
 * here"), REQUEST SENSE returns LOGICAL UNIT NOT SUPPORTED as its data, and every other command ends in CHECK
 * CONDITION, ILLEGAL REQUEST, LOGICAL UNIT NOT SUPPORTED. Called by the transport; completes the task at once.
 */
public final class TransportCommands
{
    private static final int INQUIRY = 0x12;
    private static final int REQUEST_SENSE = 0x03;
    private static final int STANDARD_INQUIRY_LENGTH = 36;
    private static final int DATA_PHASE_ERROR = 0x4B00;
    private static final int PROTOCOL_SERVICE_CRC_ERROR = 0x4705;
    private static final int INVALID_MESSAGE_ERROR = 0x4900;

    private TransportCommands()
    {
    }

    /** A command to a LUN without a logical unit; completes the task (its listener is called). */
    public static void unsupportedLun(final ScsiTask task)
    {
        answeredHere(task);
        final MemorySegment cdb = task.cdb();
        final MemorySegment buffer = task.dataBuffer();
        final long edtl = task.expectedDataTransferLength() & 0xFFFF_FFFFL;
        switch (task.opcode())
        {
            case INQUIRY ->
            {
                final int allocation = Bytes.u16(cdb, 3);
                if ((Bytes.u8(cdb, 1) & 0x01) != 0)
                {
                    // EVPD to a LUN that does not exist: there are no pages to give.
                    task.checkCondition(SenseKey.ILLEGAL_REQUEST, Asc.LOGICAL_UNIT_NOT_SUPPORTED);
                    break;
                }
                final int length = (int)Math.min(Math.min(STANDARD_INQUIRY_LENGTH, allocation), Math.min(edtl,
                    buffer == null ? 0 : buffer.byteSize()));
                if (length > 0)
                {
                    Bytes.zero(buffer, 0, length);
                    Bytes.put8(buffer, 0, 0x7F);   // PQ 011b, PDT 1Fh
                    if (length > 2)
                    {
                        Bytes.put8(buffer, 2, 0x06);   // VERSION: SPC-4
                    }
                    if (length > 3)
                    {
                        Bytes.put8(buffer, 3, 0x02);   // RESPONSE DATA FORMAT 2
                    }
                    if (length > 4)
                    {
                        Bytes.put8(buffer, 4, STANDARD_INQUIRY_LENGTH - 5);
                    }
                }
                task.status(ScsiStatus.GOOD);
                task.dataInLength(length);
                task.residual(Math.min(STANDARD_INQUIRY_LENGTH, allocation));
            }
            case REQUEST_SENSE ->
            {
                final int allocation = Bytes.u8(cdb, 4);
                final boolean descriptor = (Bytes.u8(cdb, 1) & 0x01) != 0;
                final MemorySegment sense = task.senseData();
                final int senseLength = SenseData.write(sense, descriptor, SenseKey.ILLEGAL_REQUEST,
                    Asc.LOGICAL_UNIT_NOT_SUPPORTED, false, 0, 0);
                final int length = (int)Math.min(Math.min(senseLength, allocation), Math.min(edtl,
                    buffer == null ? 0 : buffer.byteSize()));
                if (length > 0)
                {
                    MemorySegment.copy(sense, 0, buffer, 0, length);
                }
                task.status(ScsiStatus.GOOD);
                task.dataInLength(length);
                task.residual(Math.min(senseLength, allocation));
            }
            default -> task.checkCondition(SenseKey.ILLEGAL_REQUEST, Asc.LOGICAL_UNIT_NOT_SUPPORTED);
        }
        task.complete();
    }

    /**
     * A command the transport cannot carry: an Expected Data Transfer Length larger than it can buffer (SBC-3:
     * beyond the MAXIMUM TRANSFER LENGTH of VPD page 0xB0), or a CDB longer than 16 bytes in an extended CDB AHS.
     * CHECK CONDITION, ILLEGAL REQUEST, INVALID FIELD IN CDB. Completes the task.
     */
    public static void invalidFieldInCdb(final ScsiTask task)
    {
        checkCondition(task, SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
    }

    /**
     * The transport could not receive a command's data in order (a Data-Out DataSN or BufferOffset out of
     * sequence, which error recovery level 0 cannot repair): CHECK CONDITION, ABORTED COMMAND, DATA PHASE ERROR
     * (SPC-4 4Bh/00h). Completes the task.
     */
    public static void dataPhaseError(final ScsiTask task)
    {
        checkCondition(task, SenseKey.ABORTED_COMMAND, DATA_PHASE_ERROR);
    }

    /**
     * Write data that arrived with a wrong data digest (RFC 7143 7.8 b, 11.4.7.2): CHECK CONDITION, ABORTED COMMAND,
     * PROTOCOL SERVICE CRC ERROR (SPC-4 47h/05h), which initiators retry. Nothing was written. Completes the task.
     */
    public static void protocolServiceCrcError(final ScsiTask task)
    {
        checkCondition(task, SenseKey.ABORTED_COMMAND, PROTOCOL_SERVICE_CRC_ERROR);
    }

    /**
     * A command with the ACA task attribute while no ACA condition is in effect, as there never is here (NACA 1 is
     * refused, SAM-5 5.10): CHECK CONDITION, ILLEGAL REQUEST, INVALID MESSAGE ERROR (49h/00h), as SCST answers.
     * Completes the task.
     */
    public static void acaTaskAttribute(final ScsiTask task)
    {
        checkCondition(task, SenseKey.ILLEGAL_REQUEST, INVALID_MESSAGE_ERROR);
    }

    /** A task the transport answers itself with CHECK CONDITION, {@code senseKey} and {@code ascq}; completes it. */
    private static void checkCondition(final ScsiTask task, final int senseKey, final int ascq)
    {
        answeredHere(task);
        task.checkCondition(senseKey, ascq);
        task.complete();
    }

    /** The task is answered without a logical unit: a new execution of it, with no result yet. */
    private static void answeredHere(final ScsiTask task)
    {
        task.logicalUnit = null;
        task.executeSequence++;
        task.clearResult();
    }
}
