package io.ringtarget.scsi;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * The mode pages of one logical unit (SPC-4 7.5, SBC-3 6.4): read-write error recovery (nothing to set: the
 * backstore recovers or fails), caching (WCE changeable), control (TST 001b; D_SENSE and SWP changeable) and
 * informational exceptions, with MODE SENSE(6/10) and MODE SELECT(6/10); with a soft threshold, the Logical Block
 * Provisioning page (1Ch subpage 02h, {@link ProvisioningThreshold}: not changeable). The changeable bits are
 * volatile: every loop reads them per command.
 * <p>
 * With a state directory ({@link #persistIn}) every page is saveable (PS): a MODE SELECT with SP saves the current
 * values ({@link ModeParameterStore}, fsynced off the loop, on the device's aside thread, as the APTPL state is: the
 * command completes once they are stored, {@link BlockDevice#runAside}), MODE SENSE reports them as the saved values
 * (PC 11b), and a restart starts from them. Without one, SP is refused and a restart brings back the defaults. A
 * logical unit reset keeps the current values: SAM-5 would bring back the saved ones, but an initiator that turned the
 * write cache off for itself (not saved) would then write to a cache it believes is off.
 */
final class ModePages
{
    /** The control mode page's TST field (byte 2, bits 7-5) 001b: one task set per I_T nexus (SPC-4 7.5.8). */
    static final int TST_PER_NEXUS = 0x20;
    /** {@link #select}: the task completes once the values are saved, off the loop ({@link #saved}). */
    static final int SAVING = 2;
    /** {@link #check}: the task was answered with an error. */
    private static final int ANSWERED = -2;
    // A saving MODE SELECT's values, in ScsiTask.asideOutcome until its save runs.
    private static final long SAVE_WCE = 1;
    private static final long SAVE_D_SENSE = 2;
    private static final long SAVE_SWP = 4;

    private final LogicalUnit lu;
    private final UnitAttentions unitAttentions;
    private final SelfTest selfTest;
    private final ProvisioningThreshold threshold;
    private volatile boolean defaultWriteCacheEnabled = true;
    private volatile boolean writeCacheEnabled = true;
    private volatile boolean descriptorSense;
    /** SWP (SPC-4 7.5.8): the logical unit is write-protected for every I_T nexus until it is cleared. */
    private volatile boolean softwareWriteProtect;
    /** The saved values (SPC-4 6.11 PC 11b): the defaults until a MODE SELECT with SP or a file says otherwise. */
    private volatile boolean savedWriteCacheEnabled = true;
    private volatile boolean savedDescriptorSense;
    private volatile boolean savedSoftwareWriteProtect;
    /** Where the saved values are kept; null: nowhere (no state directory), and SP is refused. */
    private volatile ModeParameterStore store;

    /** {@link #saveAside} as the device's aside thread takes it (made once). */
    private final BlockDevice.AsideWork saveWork = this::saveAside;

    ModePages(final LogicalUnit lu, final UnitAttentions unitAttentions, final SelfTest selfTest,
        final ProvisioningThreshold threshold)
    {
        this.lu = lu;
        this.unitAttentions = unitAttentions;
        this.selfTest = selfTest;
        this.threshold = threshold;
    }

    void initialWriteCache(final boolean wce)
    {
        defaultWriteCacheEnabled = wce;
        writeCacheEnabled = wce;
        savedWriteCacheEnabled = wce;
    }

    /**
     * Keeps the saved values under {@code stateDirectory} from now on and makes what a previous run saved there the
     * current values. The configuration's write cache setting ({@link #initialWriteCache}, called first) is the
     * default; when it changed since WCE was saved, the configuration's newer choice wins and the file is rewritten
     * with it. Before the logical unit serves.
     *
     * @return what was loaded that differs from the defaults, in words; null when nothing does.
     */
    String persistIn(final Path stateDirectory, final String serial) throws ModeParameterStateException
    {
        final ModeParameterStore s = new ModeParameterStore(stateDirectory, serial);
        final ModeParameterStore.Saved saved = s.load();
        store = s;
        if (saved == null)
        {
            return null;
        }
        final boolean configurationChanged = saved.configuredWriteCache() != defaultWriteCacheEnabled;
        final boolean wce = configurationChanged ? defaultWriteCacheEnabled : saved.writeCacheEnabled();
        savedWriteCacheEnabled = wce;
        writeCacheEnabled = wce;
        savedDescriptorSense = saved.descriptorSense();
        descriptorSense = saved.descriptorSense();
        savedSoftwareWriteProtect = saved.softwareWriteProtect();
        softwareWriteProtect = saved.softwareWriteProtect();
        final StringBuilder what = new StringBuilder();
        if (configurationChanged)
        {
            try
            {
                s.save(new ModeParameterStore.Saved(wce, defaultWriteCacheEnabled, saved.descriptorSense(),
                    saved.softwareWriteProtect()));
            }
            catch (final IOException ex)
            {
                throw new ModeParameterStateException(s.file(), "cannot be rewritten with the configuration's " +
                    "writeCache: " + ex, ex);
            }
            if (saved.writeCacheEnabled() != wce)
            {
                what.append("the write cache ").append(wce ? "enabled" : "disabled").append(" as configured (an ")
                    .append("initiator had saved it ").append(saved.writeCacheEnabled() ? "enabled" : "disabled")
                    .append(" before the configuration changed)");
            }
        }
        else if (wce != defaultWriteCacheEnabled)
        {
            what.append("the write cache ").append(wce ? "enabled" : "disabled");
        }
        if (saved.softwareWriteProtect())
        {
            what.append(what.isEmpty() ? "" : ", ").append("software write protect (SWP) on: writes are refused " +
                "until an initiator clears it");
        }
        if (saved.descriptorSense())
        {
            what.append(what.isEmpty() ? "" : ", ").append("descriptor format sense data");
        }
        return what.isEmpty() ? null : what.toString();
    }

    /**
     * The changeable values initiators set that differ from the defaults (the configuration's write cache, no
     * software write protect, fixed format sense), each marked "(saved)" when that is also its saved value; null when
     * none differs. For {@code ringtarget ls}.
     */
    String changedFromDefaults()
    {
        final StringBuilder what = new StringBuilder();
        final boolean wce = writeCacheEnabled;
        if (wce != defaultWriteCacheEnabled)
        {
            changed(what, wce ? "write cache enabled" : "write cache disabled", savedWriteCacheEnabled == wce);
        }
        if (softwareWriteProtect)
        {
            changed(what, "write-protected by SWP", savedSoftwareWriteProtect);
        }
        if (descriptorSense)
        {
            changed(what, "descriptor sense", savedDescriptorSense);
        }
        return what.isEmpty() ? null : what.toString();
    }

    private static void changed(final StringBuilder what, final String value, final boolean saved)
    {
        what.append(what.isEmpty() ? "" : ", ").append(value).append(saved ? " (saved)" : "");
    }

    /** The saved values' file, or null without a state directory. */
    Path stateFile()
    {
        final ModeParameterStore s = store;
        return s == null ? null : s.file();
    }

    boolean writeCacheEnabled()
    {
        return writeCacheEnabled;
    }

    boolean descriptorSense()
    {
        return descriptorSense;
    }

    boolean softwareWriteProtect()
    {
        return softwareWriteProtect;
    }

    void sense(
        final ScsiTask t, final MemorySegment cdb, final boolean ten, final long capacity, final int blockSize,
        final boolean readOnly)
    {
        // SPC-4 6.11, 6.12.
        final int flags = Bytes.u8(cdb, 1);
        final boolean dbd = (flags & 0x08) != 0;
        final boolean longLba = ten && (flags & 0x10) != 0;
        final int pageControl = Bytes.u8(cdb, 2) >>> 6;
        final int pageCode = Bytes.u8(cdb, 2) & 0x3F;
        final int subpage = Bytes.u8(cdb, 3);
        final long allocationLength = ten ? Bytes.u16(cdb, 7) : Bytes.u8(cdb, 4);
        if (pageControl == 3 && store == null)
        {
            Responses.illegal(t, Asc.SAVING_PARAMETERS_NOT_SUPPORTED, Responses.cdbPointer(2, 7));
            return;
        }
        // SPC-4 6.11: subpage FFh adds every subpage of the page (of every page with 3Fh); 1Ch/02h, the Logical Block
        // Provisioning page, is the one subpage there is, and only with a soft threshold (used or available).
        final boolean provisioning = threshold.enabled() && (pageCode == 0x1C || pageCode == 0x3F) &&
            (subpage == 0xFF || (subpage == ProvisioningThreshold.MODE_PAGE_SUBPAGE && pageCode == 0x1C));
        if (subpage != 0 && subpage != 0xFF && !provisioning)
        {
            Responses.invalidCdb(t, 3, -1); // no such subpage
            return;
        }
        final boolean subpageOnly = subpage == ProvisioningThreshold.MODE_PAGE_SUBPAGE;
        if (pageCode != 0x01 && pageCode != 0x08 && pageCode != 0x0A && pageCode != 0x1C && pageCode != 0x3F)
        {
            Responses.invalidCdb(t, 2, 5);
            return;
        }
        final MemorySegment out = t.scratch();
        final int header = ten ? 8 : 4;
        Bytes.zero(out, 0, header);
        int o = header;
        if (!dbd)
        {
            if (longLba)
            {
                // SPC-4 7.5.5.3 long LBA block descriptor.
                Bytes.zero(out, o, 16);
                Bytes.put64(out, o, capacity);
                Bytes.put32(out, o + 12, blockSize);
                o += 16;
            }
            else
            {
                // SBC-3 6.4.2 short block descriptor.
                Bytes.put32(out, o, capacity > 0xFFFF_FFFFL ? 0xFFFF_FFFFL : capacity);
                Bytes.put32(out, o + 4, blockSize); // density code 0 in the top byte
                o += 8;
            }
        }
        final int blockDescriptorLength = o - header;
        if (pageCode == 0x01 || pageCode == 0x3F)
        {
            o += page(out, o, 0x01, pageControl);
        }
        if (pageCode == 0x08 || pageCode == 0x3F)
        {
            o += page(out, o, 0x08, pageControl);
        }
        if (pageCode == 0x0A || pageCode == 0x3F)
        {
            o += page(out, o, 0x0A, pageControl);
        }
        if ((pageCode == 0x1C || pageCode == 0x3F) && !subpageOnly)
        {
            o += page(out, o, 0x1C, pageControl);
        }
        if (provisioning)
        {
            o += withSaveable(out, o, threshold.modePage(out, o, pageControl));
        }
        // Device-specific parameter (SBC-3 6.4.1): WP, DPOFUA.
        final int deviceSpecific = (readOnly ? 0x80 : 0) | 0x10;
        if (ten)
        {
            Bytes.put16(out, 0, o - 2);
            Bytes.put8(out, 3, deviceSpecific);
            Bytes.put8(out, 4, longLba ? 0x01 : 0);
            Bytes.put16(out, 6, blockDescriptorLength);
        }
        else
        {
            Bytes.put8(out, 0, o - 1);
            Bytes.put8(out, 2, deviceSpecific);
            Bytes.put8(out, 3, blockDescriptorLength);
        }
        Responses.dataIn(t, o, allocationLength);
    }

    /**
     * @param pageControl 0 current, 1 changeable (mask), 2 default, 3 saved.
     * @return the page length written.
     */
    int page(final MemorySegment out, final int o, final int page, final int pageControl)
    {
        return withSaveable(out, o, pageBody(out, o, page, pageControl));
    }

    /** Sets PS (saveable, SPC-4 7.5.7; reserved in MODE SELECT) on the page at {@code o} with a state directory. */
    private int withSaveable(final MemorySegment out, final int o, final int length)
    {
        if (store != null)
        {
            Bytes.put8(out, o, Bytes.u8(out, o) | 0x80);
        }
        return length;
    }

    private int pageBody(final MemorySegment out, final int o, final int page, final int pageControl)
    {
        switch (page)
        {
            case 0x01:
            {
                // SBC-4 6.5.9 Read-Write Error Recovery mode page: no retry counts or recovery options to offer (the
                // backstore retries, or the command ends in MEDIUM ERROR); nothing changeable. sg_format reads it.
                Bytes.zero(out, o, 12);
                Bytes.put8(out, o, 0x01);
                Bytes.put8(out, o + 1, 0x0A);
                return 12;
            }
            case 0x08:
            {
                // SBC-3 6.4.5 Caching mode page; only WCE is changeable.
                Bytes.zero(out, o, 20);
                Bytes.put8(out, o, 0x08);
                Bytes.put8(out, o + 1, 0x12);
                final boolean wce = switch (pageControl)
                {
                    case 0 -> writeCacheEnabled;
                    case 1 -> true;
                    case 2 -> defaultWriteCacheEnabled;
                    default -> savedWriteCacheEnabled;
                };
                Bytes.put8(out, o + 2, wce ? 0x04 : 0);
                return 20;
            }
            case 0x0A:
            {
                // SPC-4 7.5.8 Control mode page. TST 001b: one task set per I_T nexus, each kept in the order of its
                // tasks' attributes by the transport (ORDERED and HEAD OF QUEUE wait for no other initiator's tasks,
                // and a CLEAR TASK SET clears the issuer's only). D_SENSE and SWP are changeable.
                Bytes.zero(out, o, 12);
                Bytes.put8(out, o, 0x0A);
                Bytes.put8(out, o + 1, 0x0A);
                if (pageControl == 1)
                {
                    Bytes.put8(out, o + 2, 0x04);
                    Bytes.put8(out, o + 4, 0x08);
                }
                else
                {
                    final boolean dSense = pageControl == 0 ? descriptorSense :
                        pageControl == 3 && savedDescriptorSense;
                    final boolean swp = pageControl == 0 ? softwareWriteProtect :
                        pageControl == 3 && savedSoftwareWriteProtect;
                    Bytes.put8(out, o + 2, TST_PER_NEXUS | (dSense ? 0x04 : 0));
                    Bytes.put8(out, o + 3, 0x10); // QUEUE ALGORITHM MODIFIER 1: unrestricted reordering
                    // TAS 1: a command aborted for another nexus (its reset, its PREEMPT AND ABORT) ends
                    // with TASK ABORTED status rather than silently, so its initiator retries at once instead of
                    // waiting out its command timeout (and escalating to a reset of its own). LIO's default too.
                    Bytes.put8(out, o + 4, swp ? 0x08 : 0);
                    Bytes.put8(out, o + 5, 0x40);
                    Bytes.put16(out, o + 8, 0xFFFF); // BUSY TIMEOUT PERIOD: unlimited
                    // EXTENDED SELF-TEST COMPLETION TIME, seconds; FFFFh: see the Extended INQUIRY Data VPD page.
                    Bytes.put16(out, o + 10, (int)Math.min(0xFFFF, selfTest.extendedCompletionSeconds()));
                }
                return 12;
            }
            case 0x1C:
            {
                // SPC-4 7.5.11 Informational Exceptions Control: DEXCPT=0, MRIE 6h: informational exceptions are
                // reported on request only, by the Informational Exceptions log page and REQUEST SENSE (LogPages:
                // a failure is predicted after medium errors, or while the newest self-test failed),
                // so smartctl and smartd see SMART enabled and a health they can read. Nothing changeable.
                Bytes.zero(out, o, 12);
                Bytes.put8(out, o, 0x1C);
                Bytes.put8(out, o + 1, 0x0A);
                if (pageControl != 1)
                {
                    Bytes.put8(out, o + 3, 0x06);
                }
                return 12;
            }
            default:
                throw new IllegalArgumentException("mode page " + page);
        }
    }

    /**
     * Answers a MODE SELECT (6/10): at once, or with SP once the values are saved ({@link #saved}).
     */
    void select(final ScsiTask t, final MemorySegment cdb, final boolean ten, final int blockSize)
    {
        final int outcome = check(t, cdb, ten, blockSize);
        if (outcome != SAVING && outcome != ANSWERED)
        {
            answer(t, outcome);
        }
    }

    /**
     * A MODE SELECT's outcome: -1 when the values could not be saved (HARDWARE ERROR, INTERNAL TARGET FAILURE; the
     * failure reported), 0 when nothing changed, 1 when WCE, D_SENSE or SWP changed (SPC-4 6.9: the other I_T nexuses
     * get MODE PARAMETERS CHANGED); GOOD but for the first.
     */
    private void answer(final ScsiTask t, final int outcome)
    {
        if (outcome < 0)
        {
            Responses.internalTargetFailure(t);
            return;
        }
        if (outcome > 0)
        {
            unitAttentions.raise(UnitAttentions.MODE_PARAMETERS_CHANGED, t.nexus());
        }
        Responses.good(t);
    }

    /**
     * A saving MODE SELECT's values are saved, or not ({@link #saveAside}): on its loop, the answer; for a task aborted
     * meanwhile none, but a change made stands and the other I_T nexuses are told of it.
     */
    void saved(final ScsiTask t, final boolean aborted)
    {
        final int outcome = (int)t.asideOutcome;
        if (!aborted)
        {
            answer(t, outcome);
        }
        else if (outcome > 0)
        {
            unitAttentions.raise(UnitAttentions.MODE_PARAMETERS_CHANGED, t.nexus());
        }
    }

    /**
     * @return {@link #ANSWERED} (an error), {@link #SAVING} when it went to the device's aside thread, else
     * {@link #answer}'s outcome.
     */
    private int check(final ScsiTask t, final MemorySegment cdb, final boolean ten, final int blockSize)
    {
        // SPC-4 6.9, 6.10.
        final int flags = Bytes.u8(cdb, 1);
        final boolean save = (flags & 0x01) != 0;
        if (save && store == null)
        {
            Responses.invalidCdb(t, 1, 0); // SP: no saved pages without a state directory
            return ANSWERED;
        }
        final int parameterListLength = ten ? Bytes.u16(cdb, 7) : Bytes.u8(cdb, 4);
        t.residual(parameterListLength);
        if (parameterListLength == 0)
        {
            return save ? saving(t, writeCacheEnabled, descriptorSense, softwareWriteProtect) : 0;
        }
        final int header = ten ? 8 : 4;
        if (parameterListLength < header || Responses.room(t) < parameterListLength)
        {
            Responses.illegal(t, Asc.PARAMETER_LIST_LENGTH_ERROR, 0);
            return ANSWERED;
        }
        final MemorySegment p = t.dataBuffer();
        final int blockDescriptorLength = ten ? Bytes.u16(p, 6) : Bytes.u8(p, 3);
        final boolean longLba = ten && (Bytes.u8(p, 4) & 0x01) != 0;
        if (blockDescriptorLength != 0 && blockDescriptorLength != (longLba ? 16 : 8))
        {
            Responses.invalidParameter(t, ten ? 6 : 3, -1);
            return ANSWERED;
        }
        if (header + blockDescriptorLength > parameterListLength)
        {
            Responses.illegal(t, Asc.PARAMETER_LIST_LENGTH_ERROR, 0);
            return ANSWERED;
        }
        if (blockDescriptorLength != 0)
        {
            // The block length may only restate ours (we cannot reformat).
            final int lengthOffset = header + (longLba ? 12 : 5);
            final long length = longLba ? Bytes.u32(p, lengthOffset) : Bytes.u24(p, lengthOffset);
            if (length != blockSize)
            {
                Responses.invalidParameter(t, lengthOffset, -1);
                return ANSWERED;
            }
        }
        boolean wce = writeCacheEnabled;
        boolean dSense = descriptorSense;
        boolean swp = softwareWriteProtect;
        final MemorySegment current = t.scratch();
        int o = header + blockDescriptorLength;
        while (o < parameterListLength)
        {
            if (parameterListLength - o < 2)
            {
                Responses.illegal(t, Asc.PARAMETER_LIST_LENGTH_ERROR, 0);
                return ANSWERED;
            }
            final int pageByte = Bytes.u8(p, o);
            final int pageCode = pageByte & 0x3F;
            final int pageLength = Bytes.u8(p, o + 1);
            if ((pageByte & 0x40) != 0)
            {
                // The sub_page format: only the Logical Block Provisioning page, which may be restated (nothing of it
                // is changeable).
                final int consumed = restateProvisioningPage(t, p, o, parameterListLength);
                if (consumed < 0)
                {
                    return ANSWERED;
                }
                o += consumed;
                continue;
            }
            if (o + 2 + pageLength > parameterListLength)
            {
                Responses.illegal(t, Asc.PARAMETER_LIST_LENGTH_ERROR, 0);
                return ANSWERED;
            }
            if (pageCode != 0x01 && pageCode != 0x08 && pageCode != 0x0A && pageCode != 0x1C)
            {
                Responses.invalidParameter(t, o, 5);
                return ANSWERED;
            }
            final int ours = page(current, 0, pageCode, 0);
            page(current, ours, pageCode, 1);
            if (pageLength + 2 != ours)
            {
                Responses.invalidParameter(t, o + 1, -1);
                return ANSWERED;
            }
            // Any bit outside the changeable mask must equal the current value (SPC-4 6.9: INVALID FIELD IN
            // PARAMETER LIST). Byte 0 holds PS, which is reserved here, and the page code already checked. The control
            // page's EXTENDED SELF-TEST COMPLETION TIME is advisory and changes when a self-test measures a rate, so
            // a page read before that and sent back after must not fail: it is ignored.
            for (int i = 2; i < ours; i++)
            {
                if (pageCode == 0x0A && (i == 10 || i == 11))
                {
                    continue;
                }
                final int diff = (Bytes.u8(p, o + i) ^ Bytes.u8(current, i)) & ~Bytes.u8(current, ours + i);
                if (diff != 0)
                {
                    Responses.invalidParameter(t, o + i, 31 - Integer.numberOfLeadingZeros(diff));
                    return ANSWERED;
                }
            }
            if (pageCode == 0x08)
            {
                wce = (Bytes.u8(p, o + 2) & 0x04) != 0;
            }
            else if (pageCode == 0x0A)
            {
                dSense = (Bytes.u8(p, o + 2) & 0x04) != 0;
                swp = (Bytes.u8(p, o + 4) & 0x08) != 0;
            }
            o += 2 + pageLength;
        }
        return save ? saving(t, wce, dSense, swp) : apply(wce, dSense, swp, false);
    }

    /**
     * With SP: the values are made current once they are saved, off the loop (an fsync of the state directory, whose
     * disk may be slow or failing, holds no other session of the loop); at once without a device.
     */
    private int saving(final ScsiTask t, final boolean wce, final boolean dSense, final boolean swp)
    {
        final BlockDevice device = t.device();
        if (null == device)
        {
            return apply(wce, dSense, swp, true);
        }
        t.asideOutcome = (wce ? SAVE_WCE : 0) | (dSense ? SAVE_D_SENSE : 0) | (swp ? SAVE_SWP : 0);
        t.phase = MediaSteps.PHASE_MODE_SELECT_SAVE;
        device.runAside(t, saveWork);
        return SAVING;
    }

    /** {@link BlockDevice#runAside}: saves and applies the task's values, its outcome left in the task. */
    private void saveAside(final ScsiTask t)
    {
        final long values = t.asideOutcome;
        t.asideOutcome = apply((values & SAVE_WCE) != 0, (values & SAVE_D_SENSE) != 0, (values & SAVE_SWP) != 0, true);
    }

    /**
     * A MODE SELECT's Logical Block Provisioning page (1Ch/02h, sub_page format) at {@code o}: it must be the page as
     * MODE SENSE reports it, as nothing of it is changeable (SPC-4 6.9: INVALID FIELD IN PARAMETER LIST otherwise).
     *
     * @return its length, or -1 when the task was answered with an error.
     */
    private int restateProvisioningPage(final ScsiTask t, final MemorySegment p, final int o, final int listLength)
    {
        if (listLength - o < 4)
        {
            Responses.illegal(t, Asc.PARAMETER_LIST_LENGTH_ERROR, 0);
            return -1;
        }
        if ((Bytes.u8(p, o) & 0x3F) != 0x1C || Bytes.u8(p, o + 1) != ProvisioningThreshold.MODE_PAGE_SUBPAGE ||
            !threshold.enabled())
        {
            Responses.invalidParameter(t, (Bytes.u8(p, o) & 0x3F) != 0x1C ? o : o + 1, -1);
            return -1;
        }
        final int length = 4 + Bytes.u16(p, o + 2);
        if (o + length > listLength)
        {
            Responses.illegal(t, Asc.PARAMETER_LIST_LENGTH_ERROR, 0);
            return -1;
        }
        final MemorySegment current = t.scratch();
        final int ours = threshold.modePage(current, 0, 0);
        if (length != ours)
        {
            Responses.invalidParameter(t, o + 2, -1);
            return -1;
        }
        for (int i = 4; i < ours; i++)
        {
            final int diff = Bytes.u8(p, o + i) ^ Bytes.u8(current, i);
            if (diff != 0)
            {
                Responses.invalidParameter(t, o + i, 31 - Integer.numberOfLeadingZeros(diff));
                return -1;
            }
        }
        return length;
    }

    /**
     * Makes these the current values and, with {@code save}, the saved ones too: durably first, so that a save that
     * fails changes nothing (-1, and the error reported). Serialised, so that the file holds the last saved values
     * when two commands save at once.
     *
     * @return {@link #answer}'s outcome.
     */
    private synchronized int apply(final boolean wce, final boolean dSense, final boolean swp, final boolean save)
    {
        if (save)
        {
            final ModeParameterStore s = store;
            try
            {
                s.save(new ModeParameterStore.Saved(wce, defaultWriteCacheEnabled, dSense, swp));
            }
            catch (final IOException | RuntimeException ex)
            {
                lu.reportInternalError(new IOException("mode parameters of " + lu.identity().unitSerial() +
                    " not saved to " + s.file() + "; the MODE SELECT changed nothing", ex));
                return -1;
            }
            savedWriteCacheEnabled = wce;
            savedDescriptorSense = dSense;
            savedSoftwareWriteProtect = swp;
        }
        if (wce != writeCacheEnabled || dSense != descriptorSense || swp != softwareWriteProtect)
        {
            writeCacheEnabled = wce;
            descriptorSense = dSense;
            softwareWriteProtect = swp;
            return 1;
        }
        return 0;
    }
}
