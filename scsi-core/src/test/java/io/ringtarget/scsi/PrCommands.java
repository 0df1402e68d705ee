package io.ringtarget.scsi;

import java.nio.charset.StandardCharsets;

/**
 * PERSISTENT RESERVE IN/OUT as an initiator sends them (SPC-4 6.13, 6.14), through a {@link LuHarness}.
 */
final class PrCommands
{
    static final int REGISTER = 0;
    static final int RESERVE = 1;
    static final int RELEASE = 2;
    static final int CLEAR = 3;
    static final int PREEMPT = 4;
    static final int PREEMPT_AND_ABORT = 5;
    static final int REGISTER_AND_IGNORE = 6;
    static final int REGISTER_AND_MOVE = 7;

    static final int READ_KEYS = 0;
    static final int READ_RESERVATION = 1;
    static final int REPORT_CAPABILITIES = 2;
    static final int READ_FULL_STATUS = 3;

    static final int APTPL = 0x01;
    static final int ALL_TG_PT = 0x04;
    static final int SPEC_I_PT = 0x08;

    static final int WE = PersistentReservations.TYPE_WRITE_EXCLUSIVE;
    static final int EA = PersistentReservations.TYPE_EXCLUSIVE_ACCESS;
    static final int WE_RO = PersistentReservations.TYPE_WRITE_EXCLUSIVE_REGISTRANTS_ONLY;
    static final int EA_RO = PersistentReservations.TYPE_EXCLUSIVE_ACCESS_REGISTRANTS_ONLY;
    static final int WE_AR = PersistentReservations.TYPE_WRITE_EXCLUSIVE_ALL_REGISTRANTS;
    static final int EA_AR = PersistentReservations.TYPE_EXCLUSIVE_ACCESS_ALL_REGISTRANTS;

    private final LuHarness h;

    PrCommands(final LuHarness h)
    {
        this.h = h;
    }

    /** The basic 24-byte parameter list with the flags byte. */
    ScsiTask out(final ItNexus from, final int serviceAction, final int type, final long key, final long saKey,
        final int flags)
    {
        h.fill(0, 24, 0);
        Bytes.put64(h.buffer, 0, key);
        Bytes.put64(h.buffer, 8, saKey);
        Bytes.put8(h.buffer, 20, flags);
        return send(from, serviceAction, type, 24);
    }

    ScsiTask out(final ItNexus from, final int serviceAction, final int type, final long key, final long saKey)
    {
        return out(from, serviceAction, type, key, saKey, 0);
    }

    ScsiTask register(final ItNexus from, final long key)
    {
        return out(from, REGISTER_AND_IGNORE, 0, 0, key, 0);
    }

    /** PR OUT with whatever parameter list the test put in the buffer. */
    ScsiTask send(final ItNexus from, final int serviceAction, final int type, final int parameterListLength)
    {
        return h.run(from, parameterListLength, 0x5F, serviceAction, type, 0, 0,
            (parameterListLength >>> 24) & 0xFF, (parameterListLength >>> 16) & 0xFF,
            (parameterListLength >>> 8) & 0xFF, parameterListLength & 0xFF, 0);
    }

    /** REGISTER with SPEC_I_PT=1 and these TransportIDs. */
    ScsiTask registerSpecifying(final ItNexus from, final long saKey, final int flags, final byte[]... ids)
    {
        return send(from, REGISTER, 0, prepareSpecifying(saKey, flags, ids));
    }

    /** The parameter list of {@link #registerSpecifying} in the buffer, not sent; its length. */
    int prepareSpecifying(final long saKey, final int flags, final byte[]... ids)
    {
        int length = 0;
        for (final byte[] id : ids)
        {
            length += id.length;
        }
        h.fill(0, 28 + length, 0);
        Bytes.put64(h.buffer, 8, saKey);
        Bytes.put8(h.buffer, 20, SPEC_I_PT | flags);
        Bytes.put32(h.buffer, 24, length);
        int o = 28;
        for (final byte[] id : ids)
        {
            h.buffer.asSlice(o, id.length).copyFrom(java.lang.foreign.MemorySegment.ofArray(id));
            o += id.length;
        }
        return 28 + length;
    }

    /** REGISTER AND MOVE to (TransportID, relative target port). */
    ScsiTask registerAndMove(
        final ItNexus from, final long key, final long saKey, final int rtpi, final boolean unreg,
        final boolean aptpl, final byte[] id)
    {
        return send(from, REGISTER_AND_MOVE, 0, prepareMove(key, saKey, rtpi, unreg, aptpl, id));
    }

    /** The parameter list of {@link #registerAndMove} in the buffer, not sent; its length. */
    int prepareMove(final long key, final long saKey, final int rtpi, final boolean unreg, final boolean aptpl,
        final byte[] id)
    {
        h.fill(0, 24 + id.length, 0);
        Bytes.put64(h.buffer, 0, key);
        Bytes.put64(h.buffer, 8, saKey);
        Bytes.put8(h.buffer, 17, (unreg ? 0x02 : 0) | (aptpl ? 0x01 : 0));
        Bytes.put16(h.buffer, 18, rtpi);
        Bytes.put32(h.buffer, 20, id.length);
        h.buffer.asSlice(24, id.length).copyFrom(java.lang.foreign.MemorySegment.ofArray(id));
        return 24 + id.length;
    }

    ScsiTask in(final ItNexus from, final int serviceAction)
    {
        return h.run(from, 8192, 0x5E, serviceAction, 0, 0, 0, 0, 0, 0x20, 0, 0);
    }

    /** READ KEYS: the keys in order. */
    long[] keys(final ItNexus from)
    {
        in(from, READ_KEYS);
        h.assertGood();
        final int n = (int)Bytes.u32(h.buffer, 4) / 8;
        final long[] keys = new long[n];
        for (int i = 0; i < n; i++)
        {
            keys[i] = Bytes.u64(h.buffer, 8 + 8 * i);
        }
        return keys;
    }

    /** READ RESERVATION: {key, type}, or null when there is none. */
    long[] reservation(final ItNexus from)
    {
        in(from, READ_RESERVATION);
        h.assertGood();
        if (Bytes.u32(h.buffer, 4) == 0)
        {
            return null;
        }
        return new long[] {Bytes.u64(h.buffer, 8), h.in(21) & 0x0F};
    }

    /** An iSCSI TransportID (SPC-4 7.6.4.6): format 01b with ",i,0x" + ISID when isid != null, else 00b. */
    static byte[] transportId(final String name, final String isid)
    {
        final String text = isid == null ? name : name + ",i,0x" + isid;
        final byte[] chars = text.getBytes(StandardCharsets.US_ASCII);
        final int additional = Math.max(20, (chars.length + 1 + 3) & ~3);
        final byte[] id = new byte[4 + additional];
        id[0] = (byte)((isid == null ? 0x00 : 0x40) | 0x05);
        id[2] = (byte)(additional >>> 8);
        id[3] = (byte)additional;
        System.arraycopy(chars, 0, id, 4, chars.length);
        return id;
    }
}
