package io.ringtarget.scsi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The self-test history of one logical unit: the Self-Test Results log page (SPC-4 7.3.16), the 20 most recent short
 * and extended self-tests newest first, and the read rate the last completed self-test measured (behind EXTENDED
 * SELF-TEST COMPLETION TIME). {@link SelfTest} runs the tests and writes an entry when one starts and when it ends;
 * LOG SENSE on any loop reads the page, so the entries are kept under this object's monitor.
 * <p>
 * With a state directory ({@link #persistIn}) the history survives a restart ({@link SelfTestLogStore}, saved when a
 * logged test starts and ends, off the loop): a test the restart interrupted comes back "aborted by another method",
 * and the power-on hours go on from the newest entry's. smartctl and smartd read this page as the drive's history,
 * and a failure in it must not vanish because the target restarted.
 */
final class SelfTestResults
{
    static final int ENTRIES = 20;
    private static final int UNUSED_SENSE = 0;
    private static final int PARAMETER_LENGTH = 20;

    private final LogicalUnit lu;
    private final long createdNanos = System.nanoTime();
    /** The read rate of the last self-test that completed, bytes per second; 0 before one has. */
    private volatile long measuredBytesPerSecond;

    // Newest at index newest, guarded by this.
    private final int[] codes = new int[ENTRIES];
    private final int[] results = new int[ENTRIES];
    private final int[] hours = new int[ENTRIES];
    private final long[] failedLbas = new long[ENTRIES];
    /** Sense key, ASC, ASCQ of a failure, as one int (key << 16 | ASC << 8 | ASCQ). */
    private final int[] senses = new int[ENTRIES];
    private int entries;
    private int newest;
    /** Power-on hours the saved log had reached: the hours of this run count from there. */
    private int hoursBase;
    /** Where the log is kept across a restart; null: nowhere (no state directory). */
    private volatile SelfTestLogStore store;
    /** {@link #save}, as a device's aside thread takes it ({@link BlockDevice#saveAside}; made once). */
    private final Runnable saveWork = this::save;

    /** @param lu where a log that cannot be saved is reported. */
    SelfTestResults(final LogicalUnit lu)
    {
        this.lu = lu;
    }

    /**
     * Keeps the log under {@code stateDirectory} from now on, and takes back what a previous run saved there. Before
     * the logical unit serves.
     */
    void persistIn(final Path stateDirectory, final String serial) throws SelfTestLogStateException
    {
        final SelfTestLogStore s = new SelfTestLogStore(stateDirectory, serial);
        final SelfTestLogStore.Log saved = s.load();
        if (saved != null)
        {
            synchronized (this)
            {
                measuredBytesPerSecond = saved.bytesPerSecond();
                newest = 0;
                entries = saved.entries().size();
                for (int i = 0; i < entries; i++)
                {
                    final SelfTestLogStore.Entry e = saved.entries().get(i);
                    codes[i] = e.code();
                    // A test the restart cut short ended "aborted by another method" (SPC-4 table 7.3.16).
                    results[i] = e.result() == SelfTest.IN_PROGRESS ? SelfTest.ABORTED_OTHER : e.result();
                    hours[i] = e.hours();
                    failedLbas[i] = e.failedLba();
                    senses[i] = e.sense();
                    hoursBase = Math.max(hoursBase, e.hours());
                }
            }
        }
        store = s;
    }

    /** The log's file, or null without a state directory. */
    Path file()
    {
        final SelfTestLogStore s = store;
        return s == null ? null : s.file();
    }

    /** Whether the newest short or extended self-test logged found a block the backstore cannot read. */
    synchronized boolean newestFailed()
    {
        return entries > 0 && results[newest] == SelfTest.FIRST_SEGMENT_FAILED;
    }

    /** The read rate the last completed self-test measured, bytes per second; 0 before one completed. */
    long measuredBytesPerSecond()
    {
        return measuredBytesPerSecond;
    }

    /** A self-test completed having read at this rate: saved with the next {@link #saveAside}. */
    void measured(final long bytesPerSecond)
    {
        measuredBytesPerSecond = bytesPerSecond;
    }

    /** A short or extended self-test started: a new newest entry, in progress (the oldest of 20 goes). */
    synchronized void started(final int selfTestCode)
    {
        newest = (newest + ENTRIES - 1) % ENTRIES;
        entries = Math.min(entries + 1, ENTRIES);
        codes[newest] = selfTestCode;
        results[newest] = SelfTest.IN_PROGRESS;
        hours[newest] = powerOnHours();
        failedLbas[newest] = -1;
        senses[newest] = UNUSED_SENSE;
    }

    /** The newest entry's test ended with {@code result}; {@code lba}, the first it could not read, or -1. */
    synchronized void ended(final int result, final long lba)
    {
        results[newest] = result;
        failedLbas[newest] = lba;
        senses[newest] = result == SelfTest.FIRST_SEGMENT_FAILED ?
            (SenseKey.MEDIUM_ERROR << 16) | Asc.UNRECOVERED_READ_ERROR : UNUSED_SENSE;
    }

    /**
     * ACCUMULATED POWER ON HOURS: since the logical unit was made (it has no power of its own), after the hours its
     * saved log had reached.
     */
    private int powerOnHours()
    {
        return (int)Math.min(0xFFFF, hoursBase + (System.nanoTime() - createdNanos) / 3_600_000_000_000L);
    }

    /**
     * Saves the log as it stands then, off the loop, on {@code device}'s aside thread, in the order asked (the state
     * directory may be on the failing disk a self-test is run to find); here without a device. Nothing without a state
     * directory.
     */
    void saveAside(final BlockDevice device)
    {
        if (null != store)
        {
            BlockDevice.saveAside(device, saveWork);
        }
    }

    /** The log as it stands then, durably, when there is a state directory (a few ms, twice a test). */
    private void save()
    {
        final SelfTestLogStore s = store;
        if (s == null)
        {
            return;
        }
        final SelfTestLogStore.Log log;
        synchronized (this)
        {
            final List<SelfTestLogStore.Entry> list = new ArrayList<>(entries);
            for (int k = 0; k < entries; k++)
            {
                final int i = (newest + k) % ENTRIES;
                list.add(new SelfTestLogStore.Entry(codes[i], results[i], hours[i], failedLbas[i], senses[i]));
            }
            log = new SelfTestLogStore.Log(measuredBytesPerSecond, list);
        }
        try
        {
            s.save(log);
        }
        catch (final IOException ex)
        {
            // The test goes on; the log page has the entry until the next restart.
            lu.reportInternalError(new UncheckedIOException("self-test log not saved to " + s.file(), ex));
        }
    }

    /**
     * The Self-Test Results log page's parameters (SPC-4 7.3.16) from parameter code {@code first} on, into
     * {@code out} at {@code o}: twenty of 20 bytes, the unused ones zero.
     *
     * @return the bytes written.
     */
    synchronized int logParameters(final MemorySegment out, final int o, final int first)
    {
        int p = o;
        for (int code = first; code <= ENTRIES; code++)
        {
            Bytes.zero(out, p, PARAMETER_LENGTH);
            Bytes.put16(out, p, code);
            Bytes.put8(out, p + 2, 0x03);   // binary format list
            Bytes.put8(out, p + 3, PARAMETER_LENGTH - 4);
            if (code <= entries)
            {
                final int i = (newest + code - 1) % ENTRIES;
                Bytes.put8(out, p + 4, (codes[i] << 5) | results[i]);
                Bytes.put8(out, p + 5, results[i] == SelfTest.FIRST_SEGMENT_FAILED ? 1 : 0);   // SELF-TEST NUMBER
                Bytes.put16(out, p + 6, hours[i]);
                Bytes.put64(out, p + 8, failedLbas[i] < 0 ? -1L : failedLbas[i]);
                Bytes.put8(out, p + 16, senses[i] >>> 16);
                Bytes.put8(out, p + 17, (senses[i] >>> 8) & 0xFF);
                Bytes.put8(out, p + 18, senses[i] & 0xFF);
            }
            p += PARAMETER_LENGTH;
        }
        return p - o;
    }
}
