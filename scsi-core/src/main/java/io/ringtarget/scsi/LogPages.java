package io.ringtarget.scsi;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The log pages of one logical unit, with LOG SENSE (SPC-4 6.6) and LOG SELECT (SPC-4 6.5):
 * <ul>
 *     <li>00h Supported Log Pages, 00h/FFh Supported Log Pages and Subpages, xxh/FFh the subpages of page xxh;</li>
 *     <li>02h Write Error Counter and 03h Read Error Counter (SPC-4 7.3.4, 7.3.14): TOTAL UNCORRECTED ERRORS, the
 *     commands answered MEDIUM ERROR (the backstore failed them) since a LOG SELECT last reset them, kept across a
 *     restart with a state directory ({@link #persistIn});</li>
 *     <li>0Ch Logical Block Provisioning (SBC-4 6.4.5), on a thin logical unit whose backstore can tell: the used
 *     and available LBA mapping resources, in threshold sets (logical blocks without a soft threshold, whose THRESHOLD
 *     EXPONENT is 0; {@link ProvisioningThreshold}), with their scope;</li>
 *     <li>10h Self-Test Results (SPC-4 7.3.16): the 20 most recent self-tests ({@link SelfTest});</li>
 *     <li>2Fh Informational Exceptions (SPC-4 7.3.8): no failure predicted, no temperature (FFh). The backstore's
 *     disks are watched on the storage host, where they are; the control mode page 1Ch says DEXCPT.</li>
 * </ul>
 * No parameter is saved on request (DS set, SP refused), no log parameter has threshold values (PC 00b, 10b) and
 * there is no parameter-change reporting (PPC refused). Counters are the logical unit's, read by every loop: a reset is a baseline, so the atomic
 * counts the error paths keep are never written by LOG SELECT.
 * <p>
 * The error counters survive a restart as a disk's do ({@link ErrorCounterStore}): saved on the loop that counted a
 * medium error, at most once a second per logical unit (the first error after a quiet second at once, so a predicted
 * failure is never lost; later ones of that second with the next error, the next LOG SENSE of the counters, a reset
 * or a clean stop), and when a LOG SELECT resets them.
 */
final class LogPages
{
    static final int SUPPORTED_PAGES = 0x00;
    static final int WRITE_ERROR_COUNTER = 0x02;
    static final int READ_ERROR_COUNTER = 0x03;
    static final int LOGICAL_BLOCK_PROVISIONING = 0x0C;
    static final int SELF_TEST_RESULTS = 0x10;
    static final int INFORMATIONAL_EXCEPTIONS = 0x2F;
    static final int SUBPAGES = 0xFF;

    // Parameter codes.
    private static final int TOTAL_UNCORRECTED_ERRORS = 0x0006;
    private static final int AVAILABLE_LBA_MAPPING_RESOURCE_COUNT = 0x0001;
    private static final int USED_LBA_MAPPING_RESOURCE_COUNT = 0x0002;
    private static final int INFORMATIONAL_EXCEPTIONS_GENERAL = 0x0000;

    // Page header byte 0 (SPC-4 7.3.2.1).
    private static final int DS = 0x80;
    private static final int SPF = 0x40;
    // Parameter control byte (SPC-4 7.3.2.2.2): TSD (not saved implicitly; cleared on the error counters kept in a
    // state directory) with FORMAT AND LINKING 00b, a bounded data counter, or 11b, a binary format list.
    private static final int BOUNDED_DATA_COUNTER = 0x20;
    private static final int TSD = 0x20;
    private static final int BINARY_LIST = 0x23;

    // PC field (SPC-4 6.6.1).
    private static final int PC_CUMULATIVE = 1;
    private static final int PC_DEFAULT_CUMULATIVE = 3;

    /** The IE log parameter's MOST RECENT TEMPERATURE READING when there is none (SPC-4 7.3.8). */
    private static final int NO_TEMPERATURE = 0xFF;
    private static final long MAX_RESOURCE_COUNT = 0xFFFF_FFFFL;
    private static final int SCOPE_DEDICATED = 0x01;
    private static final int SCOPE_SHARED = 0x02;

    private final LogicalUnit lu;
    private final MediaSteps steps;
    private final UnitAttentions unitAttentions;
    private final ProvisioningThreshold threshold;
    /** How seldom a medium error saves the counters: errors of a failing backstore may come by thousands. */
    static final long SAVE_INTERVAL_NANOS = 1_000_000_000L;

    /** The counts a LOG SELECT reset at (written by any loop's LOG SELECT, read by every loop's LOG SENSE). */
    private volatile long readErrorsAtReset;
    private volatile long writeErrorsAtReset;
    /** The counters' values before the restart (0 after a reset). */
    private volatile long readErrorsBase;
    private volatile long writeErrorsBase;
    /** Where the counters are kept across a restart; null: nowhere (no state directory). */
    private volatile ErrorCounterStore store;
    /** Long ago: the first error is saved at once. */
    private final AtomicLong lastSaveNanos = new AtomicLong(System.nanoTime() - (Long.MAX_VALUE >> 1));
    private long saveIntervalNanos = SAVE_INTERVAL_NANOS;
    /** A counted error is not in the file yet. */
    private volatile boolean unsaved;
    /** {@link #save}, as the device's aside thread takes it (made once: a save allocates no lambda). */
    private final Runnable saveWork = this::save;

    LogPages(final LogicalUnit lu, final MediaSteps steps, final UnitAttentions unitAttentions,
        final ProvisioningThreshold threshold)
    {
        this.threshold = threshold;
        this.unitAttentions = unitAttentions;
        this.lu = lu;
        this.steps = steps;
    }

    /**
     * Keeps the error counters under {@code stateDirectory} from now on and takes back what a previous run saved
     * there. Before the logical unit serves.
     *
     * @return the counts loaded, or null when none were saved.
     */
    ErrorCounterStore.Counts persistIn(final Path stateDirectory, final String serial)
        throws ErrorCounterStateException
    {
        final ErrorCounterStore s = new ErrorCounterStore(stateDirectory, serial);
        final ErrorCounterStore.Counts saved = s.load();
        if (saved != null)
        {
            readErrorsBase = saved.readErrors();
            writeErrorsBase = saved.writeErrors();
        }
        store = s;
        return saved;
    }

    /** Saves on a medium error at most this often (tests). Before the logical unit serves. */
    void saveInterval(final long nanos)
    {
        saveIntervalNanos = nanos;
    }

    /** The saved counters' file, or null without a state directory. */
    Path stateFile()
    {
        final ErrorCounterStore s = store;
        return s == null ? null : s.file();
    }

    /**
     * The error path counted a medium error (on its loop): saves the counters when none were saved for a second,
     * else leaves them for the next save; off the loop, on {@code device}'s aside thread (the state directory may be
     * on the disk that is failing). Allocation-free unless it saves.
     */
    void errorCounted(final BlockDevice device)
    {
        if (store == null)
        {
            return;
        }
        unsaved = true;
        final long now = System.nanoTime();
        final long last = lastSaveNanos.get();
        if (now - last >= saveIntervalNanos && lastSaveNanos.compareAndSet(last, now))
        {
            BlockDevice.saveAside(device, saveWork);
        }
    }

    /** Saves the counters at once when an error counted since is not in the file (a clean stop). */
    void saveIfUnsaved()
    {
        if (unsaved)
        {
            save();
        }
    }

    /** The counters as they are now, durably (a few ms); an error is reported, not thrown. */
    private synchronized void save()
    {
        final ErrorCounterStore s = store;
        if (s == null)
        {
            return;
        }
        unsaved = false;
        try
        {
            s.save(new ErrorCounterStore.Counts(readUncorrectedErrors(), writeUncorrectedErrors()));
        }
        catch (final IOException | RuntimeException ex)
        {
            unsaved = true;
            lu.reportInternalError(new IOException("error counters of " + lu.identity().unitSerial() +
                " not saved to " + s.file() + "; a restart would report fewer", ex));
        }
    }

    /** TOTAL UNCORRECTED ERRORS of the Read Error Counter page: MEDIUM ERRORs of reads since the last reset. */
    long readUncorrectedErrors()
    {
        return readErrorsBase + Math.max(0, steps.readMediumErrorCount() - readErrorsAtReset);
    }

    long writeUncorrectedErrors()
    {
        return writeErrorsBase + Math.max(0, steps.writeMediumErrorCount() - writeErrorsAtReset);
    }

    /**
     * The informational exception condition (SPC-4 7.5.11; MRIE 6h: reported on request, by this page and REQUEST
     * SENSE): FAILURE PREDICTION THRESHOLD EXCEEDED once the backstore failed a read or a write with a medium error
     * since the counters were last reset (LOG SELECT), or while the newest short or extended self-test found a block
     * it cannot read; else 0. What smartctl -H and smartd read as the disk's health: the storage under the logical
     * unit is failing. A LOG SELECT reset after the storage is mended, or a self-test that passes, clears it.
     */
    int informationalException()
    {
        return readUncorrectedErrors() + writeUncorrectedErrors() > 0 || lu.selfTest().results().newestFailed() ?
            Asc.FAILURE_PREDICTION_THRESHOLD_EXCEEDED : Asc.NO_ADDITIONAL_SENSE;
    }

    void sense(final ScsiTask t, final MemorySegment cdb)
    {
        final int flags = Bytes.u8(cdb, 1);
        if ((flags & 0x01) != 0)
        {
            Responses.invalidCdb(t, 1, 0);   // SP: no log parameters are saved
            return;
        }
        if ((flags & 0x02) != 0)
        {
            Responses.invalidCdb(t, 1, 1);   // PPC: changed-parameter reporting is not kept
            return;
        }
        final int pageControl = Bytes.u8(cdb, 2) >>> 6;
        final int page = Bytes.u8(cdb, 2) & 0x3F;
        final int subpage = Bytes.u8(cdb, 3);
        final int pointer = Bytes.u16(cdb, 5);
        final int allocationLength = Bytes.u16(cdb, 7);
        final BlockDevice device = t.device();
        final boolean provisioning = provisioningPage(device);
        if (!supported(page, provisioning))
        {
            Responses.invalidCdb(t, 2, 5);
            return;
        }
        if (subpage != 0 && subpage != SUBPAGES)
        {
            Responses.invalidCdb(t, 3, 7);
            return;
        }
        final MemorySegment out = t.scratch();
        final int length;
        if (page == SUPPORTED_PAGES || subpage == SUBPAGES)
        {
            // Lists of pages: no parameters, so no parameter pointer into them.
            if (pointer != 0)
            {
                Responses.invalidCdb(t, 5, 7);
                return;
            }
            length = subpage == SUBPAGES ? subpages(out, page, provisioning) : pages(out, provisioning);
        }
        else if (page == WRITE_ERROR_COUNTER || page == READ_ERROR_COUNTER)
        {
            if (pageControl != PC_CUMULATIVE && pageControl != PC_DEFAULT_CUMULATIVE)
            {
                Responses.invalidCdb(t, 2, 7);   // threshold values: these counters have none
                return;
            }
            if (pointer > TOTAL_UNCORRECTED_ERRORS)
            {
                Responses.invalidCdb(t, 5, 7);
                return;
            }
            if (unsaved)
            {
                // What an initiator reads is what a restart brings back, within moments.
                BlockDevice.saveAside(t.device(), saveWork);
            }
            final long errors = pageControl == PC_DEFAULT_CUMULATIVE ? 0 :
                page == READ_ERROR_COUNTER ? readUncorrectedErrors() : writeUncorrectedErrors();
            header(out, page);
            // TSD 0 when the counters are saved in the state directory: the logical unit saves them implicitly
            // (SPC-4 7.3.2.2.2), which DS 1 does not deny (it is about SP).
            parameter(out, 4, TOTAL_UNCORRECTED_ERRORS, store == null ? BOUNDED_DATA_COUNTER : BOUNDED_DATA_COUNTER &
                ~TSD, 8);
            Bytes.put64(out, 8, errors);
            length = 16;
        }
        else if (page == SELF_TEST_RESULTS)
        {
            // A binary format list of twenty parameters, 0001h to 0014h.
            if (pointer > SelfTestResults.ENTRIES)
            {
                Responses.invalidCdb(t, 5, 7);
                return;
            }
            header(out, page);
            length = 4 + lu.selfTest().results().logParameters(out, 4, Math.max(1, pointer));
        }
        else if (page == LOGICAL_BLOCK_PROVISIONING)
        {
            // A binary format list: the PC field does not apply (SPC-4 7.3.2.2.2.5).
            if (pointer > USED_LBA_MAPPING_RESOURCE_COUNT)
            {
                Responses.invalidCdb(t, 5, 7);
                return;
            }
            // In threshold sets (SBC-4 6.4.5.2): blocks without a soft threshold (THRESHOLD EXPONENT 0).
            final long used = threshold.inThresholdSets(device.mappedBlocks());
            final long available = threshold.inThresholdSets(device.availableBlocks());
            final int scope = device.provisioningResourcesShared() ? SCOPE_SHARED : SCOPE_DEDICATED;
            header(out, page);
            int o = 4;
            if (pointer <= AVAILABLE_LBA_MAPPING_RESOURCE_COUNT)
            {
                o += resourceCount(out, o, AVAILABLE_LBA_MAPPING_RESOURCE_COUNT, available, scope);
            }
            o += resourceCount(out, o, USED_LBA_MAPPING_RESOURCE_COUNT, used, scope);
            length = o;
        }
        else
        {
            // INFORMATIONAL_EXCEPTIONS: one parameter, code 0000h, so any pointer but 0 is past it.
            if (pointer != INFORMATIONAL_EXCEPTIONS_GENERAL)
            {
                Responses.invalidCdb(t, 5, 7);
                return;
            }
            header(out, page);
            parameter(out, 4, INFORMATIONAL_EXCEPTIONS_GENERAL, BINARY_LIST, 3);
            final int exception = informationalException();
            Bytes.put8(out, 8, exception >>> 8);   // INFORMATIONAL EXCEPTION ADDITIONAL SENSE CODE and QUALIFIER
            Bytes.put8(out, 9, exception & 0xFF);
            Bytes.put8(out, 10, NO_TEMPERATURE);
            length = 11;
        }
        Bytes.put16(out, 2, length - 4);
        Responses.dataIn(t, length, allocationLength);
    }

    /**
     * LOG SELECT: PCR, or PC 01b with no parameter list, resets the error counters (the page code's, or every
     * page's for page 00h), and every other I_T nexus gets LOG PARAMETERS CHANGED; a parameter list may restate a
     * page's header but set no parameter (none is changeable: SPC-4 7.3.4 "Reset Only", SBC-4 6.4.5 "Never").
     */
    void select(final ScsiTask t, final MemorySegment cdb)
    {
        final int flags = Bytes.u8(cdb, 1);
        final boolean pcr = (flags & 0x02) != 0;
        final int pageControl = Bytes.u8(cdb, 2) >>> 6;
        final int page = Bytes.u8(cdb, 2) & 0x3F;
        final int subpage = Bytes.u8(cdb, 3);
        final int parameterListLength = Bytes.u16(cdb, 7);
        t.residual(parameterListLength);
        if ((flags & 0x01) != 0)
        {
            Responses.invalidCdb(t, 1, 0);   // SP: nothing is saved
            return;
        }
        if (parameterListLength != 0)
        {
            if (pcr)
            {
                Responses.invalidCdb(t, 1, 1);   // SPC-4 6.5: PCR with a parameter list
                return;
            }
            selectParameters(t, parameterListLength);
            return;
        }
        if (!supported(page, provisioningPage(t.device())) || subpage != 0)
        {
            Responses.invalidCdb(t, subpage != 0 ? 3 : 2, subpage != 0 ? 7 : 5);
            return;
        }
        if (pcr || pageControl == PC_CUMULATIVE)
        {
            if (page == SUPPORTED_PAGES || page == READ_ERROR_COUNTER)
            {
                readErrorsAtReset = steps.readMediumErrorCount();
                readErrorsBase = 0;
            }
            if (page == SUPPORTED_PAGES || page == WRITE_ERROR_COUNTER)
            {
                writeErrorsAtReset = steps.writeMediumErrorCount();
                writeErrorsBase = 0;
            }
            if (page == SUPPORTED_PAGES || page == READ_ERROR_COUNTER || page == WRITE_ERROR_COUNTER)
            {
                BlockDevice.saveAside(t.device(), saveWork);
                // SPC-4 6.5: the other I_T nexuses get LOG PARAMETERS CHANGED (their counters were reset too).
                unitAttentions.raise(UnitAttentions.LOG_PARAMETERS_CHANGED, t.nexus());
            }
        }
        // Threshold and default values: there are none to set.
        Responses.good(t);
    }

    private void selectParameters(final ScsiTask t, final int parameterListLength)
    {
        if (parameterListLength < 4 || Responses.room(t) < parameterListLength)
        {
            Responses.illegal(t, Asc.PARAMETER_LIST_LENGTH_ERROR, 0);
            return;
        }
        final MemorySegment p = t.dataBuffer();
        int o = 0;
        while (o < parameterListLength)
        {
            if (parameterListLength - o < 4)
            {
                Responses.illegal(t, Asc.PARAMETER_LIST_LENGTH_ERROR, 0);
                return;
            }
            final int pageByte = Bytes.u8(p, o);
            final int pageLength = Bytes.u16(p, o + 2);
            if ((pageByte & SPF) != 0 || !supported(pageByte & 0x3F, provisioningPage(t.device())))
            {
                Responses.invalidParameter(t, o, (pageByte & SPF) != 0 ? 6 : 5);
                return;
            }
            if (pageLength != 0)
            {
                Responses.invalidParameter(t, o + 4, 7);   // a parameter: none of ours is changeable
                return;
            }
            o += 4;
        }
        Responses.good(t);
    }

    private boolean provisioningPage(final BlockDevice device)
    {
        return lu.thinProvisioning() && device != null && device.mappedBlocks() >= 0;
    }

    private static boolean supported(final int page, final boolean provisioning)
    {
        return page == SUPPORTED_PAGES || page == WRITE_ERROR_COUNTER || page == READ_ERROR_COUNTER ||
            page == SELF_TEST_RESULTS || page == INFORMATIONAL_EXCEPTIONS ||
            (page == LOGICAL_BLOCK_PROVISIONING && provisioning);
    }

    private static int pages(final MemorySegment out, final boolean provisioning)
    {
        Bytes.put8(out, 0, SUPPORTED_PAGES);
        Bytes.put8(out, 1, 0);
        int o = 4;
        Bytes.put8(out, o++, SUPPORTED_PAGES);
        Bytes.put8(out, o++, WRITE_ERROR_COUNTER);
        Bytes.put8(out, o++, READ_ERROR_COUNTER);
        if (provisioning)
        {
            Bytes.put8(out, o++, LOGICAL_BLOCK_PROVISIONING);
        }
        Bytes.put8(out, o++, SELF_TEST_RESULTS);
        Bytes.put8(out, o++, INFORMATIONAL_EXCEPTIONS);
        return o;
    }

    /** Page 00h/FFh lists every page and subpage; page xxh/FFh the subpages of xxh (00h only, and FFh itself). */
    private static int subpages(final MemorySegment out, final int page, final boolean provisioning)
    {
        Bytes.put8(out, 0, SPF | page);
        Bytes.put8(out, 1, SUBPAGES);
        int o = 4;
        if (page != SUPPORTED_PAGES)
        {
            o = pair(out, o, page, 0);
            return pair(out, o, page, SUBPAGES);
        }
        o = pair(out, o, SUPPORTED_PAGES, 0);
        o = pair(out, o, SUPPORTED_PAGES, SUBPAGES);
        o = pair(out, o, WRITE_ERROR_COUNTER, 0);
        o = pair(out, o, READ_ERROR_COUNTER, 0);
        if (provisioning)
        {
            o = pair(out, o, LOGICAL_BLOCK_PROVISIONING, 0);
        }
        o = pair(out, o, SELF_TEST_RESULTS, 0);
        return pair(out, o, INFORMATIONAL_EXCEPTIONS, 0);
    }

    private static int pair(final MemorySegment out, final int o, final int page, final int subpage)
    {
        Bytes.put8(out, o, page);
        Bytes.put8(out, o + 1, subpage);
        return o + 2;
    }

    private static void header(final MemorySegment out, final int page)
    {
        Bytes.put8(out, 0, DS | page);
        Bytes.put8(out, 1, 0);
    }

    private static void parameter(
        final MemorySegment out, final int o, final int code, final int control, final int length)
    {
        Bytes.put16(out, o, code);
        Bytes.put8(out, o + 2, control);
        Bytes.put8(out, o + 3, length);
    }

    /** SBC-4 6.4.5.2: RESOURCE COUNT (saturated: 32 bits), SCOPE. */
    private static int resourceCount(
        final MemorySegment out, final int o, final int code, final long blocks, final int scope)
    {
        parameter(out, o, code, BINARY_LIST, 8);
        Bytes.put32(out, o + 4, Math.min(Math.max(blocks, 0), MAX_RESOURCE_COUNT));
        Bytes.zero(out, o + 8, 4);
        Bytes.put8(out, o + 8, scope);
        return 12;
    }
}
