package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;

/**
 * The handlers the rows of {@link OpcodeTable} name, for one logical unit: {@code run} is one switch over the
 * handler ids that decodes the CDB fields and calls the command's code (the medium-access commands in {@link
 * MediaCommands}, the emulated ones here or in their own classes). It runs after {@link LogicalUnit} has checked
 * NACA, unit attentions and reservations. Allocation-free.
 */
final class CommandHandlers
{
    // Handler ids, one per command the table knows; consecutive, so the switch is a jump table.
    static final int TEST_UNIT_READY = 0;
    static final int REQUEST_SENSE = 1;
    static final int READ_6 = 2;
    static final int WRITE_6 = 3;
    static final int INQUIRY = 4;
    static final int MODE_SELECT_6 = 5;
    static final int RESERVE_6 = 6;
    static final int RELEASE_6 = 7;
    static final int MODE_SENSE_6 = 8;
    static final int START_STOP_UNIT = 9;
    static final int PREVENT_ALLOW_MEDIUM_REMOVAL = 10;
    static final int READ_CAPACITY_10 = 11;
    static final int READ_10 = 12;
    static final int WRITE_10 = 13;
    static final int WRITE_AND_VERIFY_10 = 14;
    static final int VERIFY_10 = 15;
    static final int PRE_FETCH_10 = 16;
    static final int SYNCHRONIZE_CACHE_10 = 17;
    static final int READ_DEFECT_DATA_10 = 18;
    static final int WRITE_SAME_10 = 19;
    static final int UNMAP = 20;
    static final int MODE_SELECT_10 = 21;
    static final int RESERVE_10 = 22;
    static final int RELEASE_10 = 23;
    static final int MODE_SENSE_10 = 24;
    static final int PERSISTENT_RESERVE_IN = 25;
    static final int PERSISTENT_RESERVE_OUT = 26;
    static final int READ_16 = 27;
    static final int COMPARE_AND_WRITE = 28;
    static final int WRITE_16 = 29;
    static final int ORWRITE_16 = 30;
    static final int WRITE_AND_VERIFY_16 = 31;
    static final int VERIFY_16 = 32;
    static final int PRE_FETCH_16 = 33;
    static final int SYNCHRONIZE_CACHE_16 = 34;
    static final int WRITE_SAME_16 = 35;
    static final int READ_CAPACITY_16 = 36;
    static final int GET_LBA_STATUS = 37;
    static final int REPORT_LUNS = 38;
    static final int REPORT_TARGET_PORT_GROUPS = 39;
    static final int REPORT_SUPPORTED_OPERATION_CODES = 40;
    static final int REPORT_SUPPORTED_TASK_MANAGEMENT_FUNCTIONS = 41;
    static final int READ_12 = 42;
    static final int WRITE_12 = 43;
    static final int WRITE_AND_VERIFY_12 = 44;
    static final int VERIFY_12 = 45;
    static final int READ_DEFECT_DATA_12 = 46;
    static final int SET_TARGET_PORT_GROUPS = 47;
    /** A service action of SERVICE ACTION IN(16) or MAINTENANCE IN/OUT that has no row. */
    static final int UNSUPPORTED_SERVICE_ACTION = 48;
    static final int EXTENDED_COPY = 49;
    static final int RECEIVE_COPY_RESULTS = 50;
    static final int WRITE_ATOMIC_16 = 51;
    static final int SANITIZE = 52;
    static final int LOG_SELECT = 53;
    static final int LOG_SENSE = 54;
    static final int SEND_DIAGNOSTIC = 55;
    static final int RECEIVE_DIAGNOSTIC_RESULTS = 56;
    static final int WRITE_BUFFER = 57;
    static final int READ_BUFFER_10 = 58;
    static final int FORMAT_UNIT = 59;
    static final int READ_BUFFER_16 = 60;

    private final LogicalUnit lu;
    private final MediaCommands media;
    private final ModePages modePages;
    private final InquiryData inquiryData;
    private final PersistentReservations persistentReservations;
    private final Spc2Reservation spc2Reservation;
    private final AsymmetricAccess asymmetricAccess;
    private final ExtendedCopy extendedCopy;
    private final ReceiveCopyResults receiveCopyResults;
    private final LogPages logPages;
    private final ReadWriteBuffer buffers = new ReadWriteBuffer();

    CommandHandlers(
        final LogicalUnit lu,
        final MediaCommands media,
        final ModePages modePages,
        final InquiryData inquiryData,
        final PersistentReservations persistentReservations,
        final Spc2Reservation spc2Reservation,
        final AsymmetricAccess asymmetricAccess,
        final ExtendedCopy extendedCopy,
        final ReceiveCopyResults receiveCopyResults,
        final LogPages logPages)
    {
        this.logPages = logPages;
        this.extendedCopy = extendedCopy;
        this.receiveCopyResults = receiveCopyResults;
        this.lu = lu;
        this.media = media;
        this.modePages = modePages;
        this.inquiryData = inquiryData;
        this.persistentReservations = persistentReservations;
        this.spc2Reservation = spc2Reservation;
        this.asymmetricAccess = asymmetricAccess;
    }

    /**
     * Runs the command. Every path completes the task, now or when its backstore calls complete.
     */
    void run(final int handler, final ScsiTask t, final MemorySegment cdb)
    {
        switch (handler)
        {
            case TEST_UNIT_READY:
            case START_STOP_UNIT:
            case PREVENT_ALLOW_MEDIUM_REMOVAL:
                // Always ready, no medium to eject or lock (RMB=0).
                Responses.good(t);
                break;
            case REQUEST_SENSE:
                requestSense(t, cdb);
                break;
            case INQUIRY:
                inquiryData.inquiry(t, cdb, lu.unmapReadsZeros());
                break;
            case READ_6:
                media.read(t, CdbFields.lba6(cdb), CdbFields.transferLength6(cdb), 4);
                break;
            case READ_10:
                if (CdbFields.noProtectionInformation(t, cdb))
                {
                    media.read(t, Bytes.u32(cdb, 2), Bytes.u16(cdb, 7), 7);
                }
                break;
            case READ_12:
                if (CdbFields.noProtectionInformation(t, cdb))
                {
                    media.read(t, Bytes.u32(cdb, 2), Bytes.u32(cdb, 6), 6);
                }
                break;
            case READ_16:
                if (CdbFields.noProtectionInformation(t, cdb))
                {
                    media.read(t, Bytes.u64(cdb, 2), Bytes.u32(cdb, 10), 10);
                }
                break;
            case WRITE_6:
                media.write(t, CdbFields.lba6(cdb), CdbFields.transferLength6(cdb), false, 4);
                break;
            case WRITE_10:
                if (CdbFields.noProtectionInformation(t, cdb))
                {
                    media.write(t, Bytes.u32(cdb, 2), Bytes.u16(cdb, 7), CdbFields.fua(cdb), 7);
                }
                break;
            case WRITE_12:
                if (CdbFields.noProtectionInformation(t, cdb))
                {
                    media.write(t, Bytes.u32(cdb, 2), Bytes.u32(cdb, 6), CdbFields.fua(cdb), 6);
                }
                break;
            case WRITE_16:
                if (CdbFields.noProtectionInformation(t, cdb))
                {
                    media.write(t, Bytes.u64(cdb, 2), Bytes.u32(cdb, 10), CdbFields.fua(cdb), 10);
                }
                break;
            case WRITE_AND_VERIFY_10:
                media.writeAndVerify(t, cdb, Bytes.u32(cdb, 2), Bytes.u16(cdb, 7), 7);
                break;
            case WRITE_AND_VERIFY_12:
                media.writeAndVerify(t, cdb, Bytes.u32(cdb, 2), Bytes.u32(cdb, 6), 6);
                break;
            case WRITE_AND_VERIFY_16:
                media.writeAndVerify(t, cdb, Bytes.u64(cdb, 2), Bytes.u32(cdb, 10), 10);
                break;
            case VERIFY_10:
                media.verify(t, cdb, Bytes.u32(cdb, 2), Bytes.u16(cdb, 7), 7);
                break;
            case VERIFY_12:
                media.verify(t, cdb, Bytes.u32(cdb, 2), Bytes.u32(cdb, 6), 6);
                break;
            case VERIFY_16:
                media.verify(t, cdb, Bytes.u64(cdb, 2), Bytes.u32(cdb, 10), 10);
                break;
            case SYNCHRONIZE_CACHE_10:
                media.synchronizeCache(t, Bytes.u32(cdb, 2), Bytes.u16(cdb, 7));
                break;
            case SYNCHRONIZE_CACHE_16:
                media.synchronizeCache(t, Bytes.u64(cdb, 2), Bytes.u32(cdb, 10));
                break;
            case PRE_FETCH_10:
                media.preFetch(t, Bytes.u32(cdb, 2), Bytes.u16(cdb, 7));
                break;
            case PRE_FETCH_16:
                media.preFetch(t, Bytes.u64(cdb, 2), Bytes.u32(cdb, 10));
                break;
            case WRITE_SAME_10:
                media.writeSame(t, cdb, Bytes.u32(cdb, 2), Bytes.u16(cdb, 7), 7, false);
                break;
            case WRITE_SAME_16:
                media.writeSame(t, cdb, Bytes.u64(cdb, 2), Bytes.u32(cdb, 10), 10, (Bytes.u8(cdb, 1) & 0x01) != 0);
                break;
            case UNMAP:
                media.unmap(t, cdb);
                break;
            case COMPARE_AND_WRITE:
                media.compareAndWrite(t, cdb);
                break;
            case ORWRITE_16:
                media.orWrite(t, cdb);
                break;
            case WRITE_ATOMIC_16:
                media.writeAtomic(t, cdb);
                break;
            case SANITIZE:
                SanitizeCommand.sanitize(lu, t, cdb, lu.blockSize());
                break;
            case READ_DEFECT_DATA_10:
                readDefectData(t, cdb, false);
                break;
            case READ_DEFECT_DATA_12:
                readDefectData(t, cdb, true);
                break;
            case READ_CAPACITY_10:
                readCapacity10(t, cdb);
                break;
            case READ_CAPACITY_16:
                readCapacity16(t, cdb);
                break;
            case GET_LBA_STATUS:
                getLbaStatus(t, cdb);
                break;
            case MODE_SENSE_6:
                modePages.sense(t, cdb, false, lu.blockCount(), lu.blockSize(), lu.writeProtectedFor(t));
                break;
            case MODE_SENSE_10:
                modePages.sense(t, cdb, true, lu.blockCount(), lu.blockSize(), lu.writeProtectedFor(t));
                break;
            case MODE_SELECT_6:
                modeSelect(t, cdb, false);
                break;
            case LOG_SELECT:
                logPages.select(t, cdb);
                break;
            case LOG_SENSE:
                logPages.sense(t, cdb);
                break;
            case SEND_DIAGNOSTIC:
                lu.selfTest().sendDiagnostic(t, cdb);
                break;
            case RECEIVE_DIAGNOSTIC_RESULTS:
                DiagnosticPages.receiveDiagnosticResults(t, cdb);
                break;
            case WRITE_BUFFER:
                buffers.writeBuffer(t, cdb);
                break;
            case READ_BUFFER_10:
                buffers.readBuffer(t, cdb);
                break;
            case READ_BUFFER_16:
                buffers.readBuffer16(t, cdb);
                break;
            case FORMAT_UNIT:
                FormatUnit.formatUnit(lu, t, cdb, lu.blockSize());
                break;
            case MODE_SELECT_10:
                modeSelect(t, cdb, true);
                break;
            case RESERVE_6:
                spc2Reservation.reserve(t, cdb, false);
                break;
            case RESERVE_10:
                spc2Reservation.reserve(t, cdb, true);
                break;
            case RELEASE_6:
            case RELEASE_10:
                spc2Reservation.release(t);
                break;
            case PERSISTENT_RESERVE_IN:
                persistentReservations.in(t, cdb);
                break;
            case PERSISTENT_RESERVE_OUT:
                persistentReservations.out(t, cdb);
                break;
            case REPORT_LUNS:
                // Normally answered by the transport for the whole target; here only this LU is known.
                reportLunsFallback(t, cdb);
                break;
            case REPORT_TARGET_PORT_GROUPS:
                asymmetricAccess.reportTargetPortGroups(t, cdb);
                break;
            case SET_TARGET_PORT_GROUPS:
                asymmetricAccess.setTargetPortGroups(t, cdb);
                break;
            case REPORT_SUPPORTED_OPERATION_CODES:
                SupportedOperationCodes.report(t, cdb, lu.atomicWriteLimits().supported(), lu.sanitize().blockErase());
                break;
            case REPORT_SUPPORTED_TASK_MANAGEMENT_FUNCTIONS:
                reportSupportedTaskManagementFunctions(t, cdb);
                break;
            case EXTENDED_COPY:
                extendedCopy.extendedCopy(t, cdb);   // each segment's destination is checked for write protection
                break;
            case RECEIVE_COPY_RESULTS:
                receiveCopyResults.run(t, cdb);
                break;
            case UNSUPPORTED_SERVICE_ACTION:
                Responses.invalidCdb(t, 1, 4); // SPC-4 4.3.3: the SERVICE ACTION field
                break;
            default:
                throw new IllegalStateException("no handler " + handler); // a table row naming none
        }
    }

    private void requestSense(final ScsiTask t, final MemorySegment cdb)
    {
        // SPC-4 6.39: reports (and clears) a pending unit attention, else a sanitize or format operation's progress
        // or failure (SBC-4 4.11), else a self-test's progress (SPC-4 5.15.3), else an informational exception
        // condition (MRIE 6h, "on request": NO SENSE with its code), else NO SENSE.
        final boolean descriptor = (Bytes.u8(cdb, 1) & 0x01) != 0;
        final int allocationLength = Bytes.u8(cdb, 4);
        final ItNexus nexus = t.nexus();
        final int ua = nexus == null ? -1 : lu.takeUnitAttention(nexus);
        final MemorySegment scratch = t.scratch();
        int length = ua < 0 ? lu.sanitize().requestSense(scratch, descriptor) :
            SenseData.write(scratch, descriptor, SenseKey.UNIT_ATTENTION, ua, false, 0, 0);
        if (length < 0)
        {
            length = lu.selfTest().requestSense(scratch, descriptor);
        }
        if (length < 0)
        {
            length = SenseData.write(scratch, descriptor, SenseKey.NO_SENSE, logPages.informationalException(),
                false, 0, 0);
        }
        Responses.dataIn(t, length, allocationLength);
    }

    private void modeSelect(final ScsiTask t, final MemorySegment cdb, final boolean ten)
    {
        modePages.select(t, cdb, ten, lu.blockSize());
    }

    private static void readDefectData(final ScsiTask t, final MemorySegment cdb, final boolean twelve)
    {
        // SBC-3 5.17, 5.18: no defect lists to report; the header says so for whichever lists were asked.
        final int flags = Bytes.u8(cdb, twelve ? 1 : 2) & 0x1F;
        final long allocationLength = twelve ? Bytes.u32(cdb, 6) : Bytes.u16(cdb, 7);
        final MemorySegment out = t.scratch();
        final int length = twelve ? 8 : 4;
        Bytes.zero(out, 0, length);
        Bytes.put8(out, 1, flags);
        Responses.dataIn(t, length, allocationLength);
    }

    private void readCapacity10(final ScsiTask t, final MemorySegment cdb)
    {
        // SBC-3 5.15: LBA must be 0 when PMI is 0.
        if ((Bytes.u8(cdb, 8) & 0x01) == 0 && Bytes.u32(cdb, 2) != 0)
        {
            Responses.invalidCdb(t, 2, -1);
            return;
        }
        final long lastLba = lu.blockCount() - 1;
        final MemorySegment out = t.scratch();
        Bytes.put32(out, 0, lastLba > 0xFFFF_FFFEL ? 0xFFFF_FFFFL : lastLba); // "use READ CAPACITY (16)"
        Bytes.put32(out, 4, lu.blockSize());
        Responses.dataIn(t, 8, 8);
    }

    private void readCapacity16(final ScsiTask t, final MemorySegment cdb)
    {
        // SBC-3 5.16.
        final int blockSize = lu.blockSize();
        final MemorySegment out = t.scratch();
        Bytes.zero(out, 0, 32);
        Bytes.put64(out, 0, lu.blockCount() - 1);
        Bytes.put32(out, 8, blockSize);
        // LOGICAL BLOCKS PER PHYSICAL BLOCK EXPONENT: initiators align their I/O to it (Linux physical_block_size).
        Bytes.put8(out, 13, Integer.numberOfTrailingZeros(lu.physicalBlockSize() / blockSize));
        if (lu.thinProvisioning())
        {
            Bytes.put8(out, 14, 0x80 | (lu.unmapReadsZeros() ? 0x40 : 0)); // LBPME, LBPRZ
        }
        Responses.dataIn(t, 32, Bytes.u32(cdb, 10));
    }

    private void getLbaStatus(final ScsiTask t, final MemorySegment cdb)
    {
        // SBC-3 5.4: one LBA status descriptor for the run that starts at the given LBA.
        final long lba = Bytes.u64(cdb, 2);
        final long capacity = lu.blockCount();
        final int blockSize = lu.blockSize();
        if (Long.compareUnsigned(lba, capacity) >= 0)
        {
            Responses.illegal(t, Asc.LBA_OUT_OF_RANGE, 0);
            return;
        }
        final BlockDevice device = t.device();
        long extent = device != null && lu.thinProvisioning() ?
            device.mappedExtent(lba * blockSize) : (capacity - lba) * blockSize;
        final boolean deallocated = extent < 0;
        extent = Math.abs(extent);
        long blocks = Math.max(1, extent / blockSize);
        blocks = Math.min(Math.min(blocks, capacity - lba), 0xFFFF_FFFFL);
        final MemorySegment out = t.scratch();
        Bytes.zero(out, 0, 24);
        Bytes.put32(out, 0, 20);
        Bytes.put64(out, 8, lba);
        Bytes.put32(out, 16, blocks);
        Bytes.put8(out, 20, deallocated ? 0x01 : 0x00);
        Responses.dataIn(t, 24, Bytes.u32(cdb, 10));
    }

    private static void reportSupportedTaskManagementFunctions(final ScsiTask t, final MemorySegment cdb)
    {
        // SPC-4 6.36: ABORT TASK, ABORT TASK SET, CLEAR TASK SET, LOGICAL UNIT RESET, TARGET RESET (RFC 7143
        // 11.5.1 functions 1, 2, 3, 5, 6); CLEAR ACA (no ACA), QUERY TASK not offered.
        final boolean extended = (Bytes.u8(cdb, 2) & 0x80) != 0;
        final long allocationLength = Bytes.u32(cdb, 6);
        if (allocationLength < 4)
        {
            Responses.invalidCdb(t, 6, -1);
            return;
        }
        final MemorySegment out = t.scratch();
        Bytes.zero(out, 0, 16);
        Bytes.put8(out, 0, 0x80 | 0x40 | 0x10 | 0x08 | 0x02); // ATS ATSS CTSS LURS TRS
        final int length = extended ? 16 : 4;
        if (extended)
        {
            Bytes.put8(out, 3, 0x0C);
        }
        Responses.dataIn(t, length, allocationLength);
    }

    private static void reportLunsFallback(final ScsiTask t, final MemorySegment cdb)
    {
        final long allocationLength = Bytes.u32(cdb, 6);
        if (allocationLength < ReportLuns.MIN_ALLOCATION_LENGTH)
        {
            Responses.invalidCdb(t, 6, -1);
            return;
        }
        final MemorySegment out = t.scratch();
        Bytes.put32(out, 0, 8);
        Bytes.put32(out, 4, 0);
        Bytes.put64(out, 8, t.lun());
        Responses.dataIn(t, 16, allocationLength);
    }
}
