package io.ringtarget.iscsi;

import io.ringtarget.pdu.BasicHeaderSegment;
import io.ringtarget.pdu.Crc32cDigest;
import io.ringtarget.pdu.DataInPdu;
import io.ringtarget.pdu.DataOutPdu;
import io.ringtarget.pdu.LoginRequestPdu;
import io.ringtarget.pdu.LoginResponsePdu;
import io.ringtarget.pdu.NopOutPdu;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.pdu.R2tPdu;
import io.ringtarget.pdu.ScsiCommandPdu;
import io.ringtarget.pdu.ScsiResponsePdu;
import io.ringtarget.pdu.TaskManagementRequestPdu;
import io.ringtarget.pdu.TextRequestPdu;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal iSCSI initiator for protocol tests: a blocking socket that writes and reads raw PDUs built with the
 * pdu-zero-copy flyweights (initiator side). It lets a test send exactly the malformed or edge-case PDU it means
 * to, which real initiators never do on purpose.
 */
public final class TestInitiator implements AutoCloseable
{
    public static final String INITIATOR = "iqn.2026-11.io.ringtarget.test:initiator";

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    public int cmdSn = 1;
    public int expStatSn;
    public long isid = 0x400001370000L;
    public int itt = 0x1000;
    public boolean headerDigest;
    public boolean dataDigest;
    public int tsih;
    public int targetMaxRecv = 8192;
    public String initiatorName = INITIATOR;

    public TestInitiator(final String host, final int port) throws IOException
    {
        socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 5000);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** A received PDU: its 48-byte BHS and its data segment (without padding/digests). */
    public record Pdu(byte[] bhs, byte[] data)
    {
        public int opcode()
        {
            return bhs[0] & 0x3f;
        }

        public MemorySegment header()
        {
            return MemorySegment.ofArray(bhs);
        }

        public int itt()
        {
            return BasicHeaderSegment.initiatorTaskTag(header(), 0);
        }

        public Map<String, String> keys()
        {
            return parseKeys(data);
        }

        public String text()
        {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    public static Map<String, String> parseKeys(final byte[] data)
    {
        final Map<String, String> keys = new LinkedHashMap<>();
        for (final String kv : new String(data, StandardCharsets.UTF_8).split("\0"))
        {
            final int eq = kv.indexOf('=');
            if (eq > 0)
            {
                keys.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return keys;
    }

    /** A 10-byte CDB with a 4-byte LBA at byte 2 and a 2-byte block count at byte 7 (READ(10) 0x28, WRITE(10) 0x2a). */
    public static byte[] cdb10(final int opcode, final int lba, final int blocks)
    {
        return new byte[]{(byte)opcode, 0, (byte)(lba >>> 24), (byte)(lba >>> 16), (byte)(lba >>> 8), (byte)lba, 0,
            (byte)(blocks >>> 8), (byte)blocks, 0};
    }

    /** A 16-byte CDB with an 8-byte LBA at byte 2 and a 4-byte block count at byte 10 (READ(16), WRITE(16)). */
    public static byte[] cdb16(final int opcode, final long lba, final int blocks)
    {
        final byte[] cdb = new byte[16];
        cdb[0] = (byte)opcode;
        for (int k = 0; k < 8; k++)
        {
            cdb[2 + k] = (byte)(lba >>> (56 - 8 * k));
        }
        for (int k = 0; k < 4; k++)
        {
            cdb[10 + k] = (byte)(blocks >>> (24 - 8 * k));
        }
        return cdb;
    }

    /** {@code length} pseudo-random bytes, the same for the same seed. */
    public static byte[] pattern(final int length, final long seed)
    {
        final byte[] data = new byte[length];
        new java.util.Random(seed).nextBytes(data);
        return data;
    }

    public static byte[] keys(final String... kvs)
    {
        final StringBuilder sb = new StringBuilder();
        for (final String kv : kvs)
        {
            sb.append(kv).append('\0');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Sends a BHS (48 bytes) and data segment, adding padding and the negotiated digests. */
    /**
     * Takes the POWER ON/RESET unit attention a new I_T nexus has pending on {@code lun} (SAM-5 5.14) as initiators
     * do, with a TEST UNIT READY, so that the test's next command on it runs.
     */
    public void clearUnitAttention(final long lun) throws IOException
    {
        send(scsiCommand(lun, new byte[6], 0, false, false), null);
        final Pdu tur = receive();
        if (tur.opcode() != Opcode.SCSI_RESPONSE)
        {
            throw new IOException("expected the SCSI Response to TEST UNIT READY, got " + name(tur));
        }
        expStatSn = new ScsiResponsePdu().wrap(tur.header(), 0).statSn() + 1;
    }

    public void send(final byte[] bhs, final byte[] data) throws IOException
    {
        out.write(pdu(bhs, data));
        out.flush();
    }

    /** The bytes {@link #send} would send: the BHS with its DataSegmentLength set, data, padding, digests. */
    public byte[] pdu(final byte[] bhs, final byte[] data)
    {
        final int dataLength = data == null ? 0 : data.length;
        new BasicHeaderSegment().wrap(MemorySegment.ofArray(bhs), 0).dataSegmentLength(dataLength);
        final int padded = (dataLength + 3) & ~3;
        final byte[] pdu = new byte[48 + (headerDigest ? 4 : 0) + padded + (dataDigest && dataLength > 0 ? 4 : 0)];
        System.arraycopy(bhs, 0, pdu, 0, 48);
        final MemorySegment seg = MemorySegment.ofArray(pdu);
        final Crc32cDigest digest = new Crc32cDigest().wrap(seg);
        int pos = 48;
        if (headerDigest)
        {
            Crc32cDigest.write(seg, 48, digest.compute(0, 48));
            pos += 4;
        }
        if (dataLength > 0)
        {
            System.arraycopy(data, 0, pdu, pos, dataLength);
            if (dataDigest)
            {
                Crc32cDigest.write(seg, pos + padded, digest.compute(pos, padded));
            }
        }
        return pdu;
    }

    /** Sends raw bytes as they are (malformed-input tests). */
    public void sendRaw(final byte[] bytes) throws IOException
    {
        out.write(bytes);
        out.flush();
    }

    public Pdu receive() throws IOException
    {
        final byte[] bhs = new byte[48];
        in.readFully(bhs);
        final MemorySegment h = MemorySegment.ofArray(bhs);
        final int ahs = BasicHeaderSegment.totalAhsLength(h, 0) * 4;
        in.skipNBytes(ahs + (headerDigest ? 4 : 0));
        final int dataLength = BasicHeaderSegment.dataSegmentLength(h, 0);
        final byte[] data = new byte[dataLength];
        in.readFully(data);
        in.skipNBytes(((dataLength + 3) & ~3) - dataLength + (dataDigest && dataLength > 0 ? 4 : 0));
        return new Pdu(bhs, data);
    }

    /** The local port of this initiator's connection (with the target's port, it names the TCP connection). */
    public int localPort()
    {
        return socket.getLocalPort();
    }

    /** The next PDU if one arrives within {@code timeoutMillis}, else null. */
    public Pdu receiveWithin(final int timeoutMillis) throws IOException
    {
        socket.setSoTimeout(timeoutMillis);
        try
        {
            return receive();
        }
        catch (final SocketTimeoutException ex)
        {
            return null;
        }
        finally
        {
            socket.setSoTimeout(10_000);
        }
    }

    /** True when the target closed the connection (EOF) within the timeout. */
    public boolean closedByTarget(final int timeoutMillis) throws IOException
    {
        socket.setSoTimeout(timeoutMillis);
        try
        {
            while (true)
            {
                if (in.read() < 0)
                {
                    return true;
                }
            }
        }
        catch (final SocketTimeoutException ex)
        {
            return false;
        }
        catch (final EOFException | java.net.SocketException ex)
        {
            return true;
        }
        finally
        {
            socket.setSoTimeout(10_000);
        }
    }

    public byte[] loginRequest(final boolean transit, final int csg, final int nsg)
    {
        final byte[] bhs = new byte[48];
        new LoginRequestPdu().wrap(MemorySegment.ofArray(bhs), 0).reset()
            .immediate(true).transit(transit).csg(csg).nsg(transit ? nsg : 0).versionMax(0).versionMin(0)
            .isid(isid).tsih(tsih).initiatorTaskTag(itt).cid(0).cmdSn(cmdSn).expStatSn(expStatSn);
        return bhs;
    }

    /** One login round trip; returns the response. */
    public Pdu loginStep(final boolean transit, final int csg, final int nsg, final String... kvs) throws IOException
    {
        send(loginRequest(transit, csg, nsg), keys(kvs));
        final Pdu response = receive();
        final LoginResponsePdu r = new LoginResponsePdu().wrap(response.header(), 0);
        expStatSn = r.statSn() + 1;
        if (r.status() == 0 && r.transit() && r.nsg() == LoginRequestPdu.FULL_FEATURE_PHASE)
        {
            tsih = r.tsih();
        }
        return response;
    }

    public static int loginStatus(final Pdu response)
    {
        return new LoginResponsePdu().wrap(response.header(), 0).status();
    }

    /** A complete normal-session login without authentication, offering the given operational keys. */
    public Pdu login(final String target, final String... operational) throws IOException
    {
        final Pdu security = loginStep(true, 0, 1, "InitiatorName=" + initiatorName, "TargetName=" + target,
            "SessionType=Normal", "AuthMethod=None");
        if (loginStatus(security) != 0)
        {
            return security;
        }
        final List<String> keys = new ArrayList<>(List.of(operational));
        final Pdu op = loginStep(true, 1, 3, keys.toArray(new String[0]));
        final Map<String, String> answered = op.keys();
        headerDigest = "CRC32C".equals(answered.get("HeaderDigest"));
        dataDigest = "CRC32C".equals(answered.get("DataDigest"));
        if (answered.containsKey("MaxRecvDataSegmentLength"))
        {
            targetMaxRecv = Integer.parseInt(answered.get("MaxRecvDataSegmentLength"));
        }
        return op;
    }

    /** PERSISTENT RESERVE OUT's CDB (SPC-4 6.16) for a 24-byte parameter list. */
    public static byte[] persistentReserveOutCdb(final int serviceAction, final int type)
    {
        return new byte[] {0x5f, (byte)serviceAction, (byte)type, 0, 0, 0, 0, 0, 24, 0};
    }

    /** PERSISTENT RESERVE OUT's basic parameter list: reservation key and service action reservation key. */
    public static byte[] persistentReserveOutParameters(final long key, final long serviceActionKey)
    {
        final byte[] parameters = new byte[24];
        for (int b = 0; b < 8; b++)
        {
            parameters[b] = (byte)(key >>> (56 - 8 * b));
            parameters[8 + b] = (byte)(serviceActionKey >>> (56 - 8 * b));
        }
        return parameters;
    }

    /** PERSISTENT RESERVE OUT with its basic parameter list as immediate data, waited for. */
    public ScsiResult persistentReserveOut(final long lun, final int serviceAction, final int type, final long key,
        final long serviceActionKey) throws IOException
    {
        return command(lun, persistentReserveOutCdb(serviceAction, type),
            persistentReserveOutParameters(key, serviceActionKey), null);
    }

    public byte[] scsiCommand(final long lun, final byte[] cdb, final int edtl, final boolean read, final boolean write)
    {
        final byte[] bhs = new byte[48];
        final ScsiCommandPdu c = new ScsiCommandPdu().wrap(MemorySegment.ofArray(bhs), 0).reset()
            .finalBit(true).readBit(read).writeBit(write).attributes(ScsiCommandPdu.ATTR_SIMPLE)
            .lun(lun).initiatorTaskTag(++itt).expectedDataTransferLength(edtl).cmdSn(cmdSn++).expStatSn(expStatSn);
        for (int i = 0; i < cdb.length; i++)
        {
            c.cdb(i, cdb[i] & 0xff);
        }
        return bhs;
    }

    /** As {@link #scsiCommand(long, byte[], int, boolean, boolean)}, with the task attribute {@code attribute}. */
    public byte[] scsiCommand(
        final long lun, final byte[] cdb, final int edtl, final boolean read, final boolean write, final int attribute)
    {
        final byte[] bhs = scsiCommand(lun, cdb, edtl, read, write);
        new ScsiCommandPdu().wrap(MemorySegment.ofArray(bhs), 0).attributes(attribute);
        return bhs;
    }

    /** A SCSI command's outcome: its status, the Data-In gathered, and the sense data (fixed format, SPC-4 4.5.3). */
    public record ScsiResult(int status, byte[] data, byte[] sense)
    {
    }

    /**
     * Sends a SCSI command with {@code out} as immediate data (or none), gathers its Data-In into {@code in} (or none)
     * and returns its status with the sense data of a SCSI Response.
     *
     * @param lun the LUN field (8 bytes: LUN 1 in peripheral addressing is {@code 1L << 48}).
     */
    public ScsiResult command(final long lun, final byte[] cdb, final byte[] out, final byte[] in) throws IOException
    {
        final int edtl = out != null ? out.length : in != null ? in.length : 0;
        send(scsiCommand(lun, cdb, edtl, in != null, out != null), out);
        while (true)
        {
            final Pdu pdu = receive();
            if (pdu.opcode() == Opcode.SCSI_DATA_IN)
            {
                final DataInPdu din = new DataInPdu().wrap(pdu.header(), 0);
                System.arraycopy(pdu.data(), 0, in, din.bufferOffset(), pdu.data().length);
                if (din.statusBit())
                {
                    expStatSn = din.statSn() + 1;
                    return new ScsiResult(din.status(), in, new byte[0]);
                }
                continue;
            }
            if (pdu.opcode() != Opcode.SCSI_RESPONSE)
            {
                throw new IOException("expected a SCSI Response, got " + name(pdu));
            }
            final ScsiResponsePdu response = new ScsiResponsePdu().wrap(pdu.header(), 0);
            expStatSn = response.statSn() + 1;
            final byte[] data = pdu.data();
            final byte[] sense = data.length < 2 ? new byte[0] :
                java.util.Arrays.copyOfRange(data, 2, 2 + ((data[0] & 0xFF) << 8 | data[1] & 0xFF));
            return new ScsiResult(response.status(), in, sense);
        }
    }

    /**
     * A write whose data all goes in answer to the target's R2Ts (no immediate data: for writes beyond
     * FirstBurstLength); returns its status.
     */
    public ScsiResult writeSolicited(final long lun, final byte[] cdb, final byte[] data) throws IOException
    {
        final int writeItt = itt + 1;
        send(scsiCommand(lun, cdb, data.length, false, true), null);
        while (true)
        {
            final Pdu pdu = receive();
            if (pdu.opcode() == Opcode.R2T)
            {
                answerR2t(pdu, lun, writeItt, data, this::send);
                continue;
            }
            if (pdu.opcode() != Opcode.SCSI_RESPONSE)
            {
                throw new IOException("expected R2T or a SCSI Response, got " + name(pdu));
            }
            final ScsiResponsePdu response = new ScsiResponsePdu().wrap(pdu.header(), 0);
            expStatSn = response.statSn() + 1;
            return new ScsiResult(response.status(), null, new byte[0]);
        }
    }

    /** Sends one Data-Out PDU (header, data); {@link #send} or a test's own way of sending it. */
    @FunctionalInterface
    public interface DataOutSink
    {
        void send(byte[] bhs, byte[] data) throws IOException;
    }

    /**
     * Answers the R2T {@code r2tPdu} of the write {@code itt} on {@code lun} with the data it asks for, from {@code data},
     * in Data-Out PDUs of at most the target's MaxRecvDataSegmentLength; returns how many were sent.
     */
    public int answerR2t(final Pdu r2tPdu, final long lun, final int itt, final byte[] data, final DataOutSink sink)
        throws IOException
    {
        final R2tPdu r2t = new R2tPdu().wrap(r2tPdu.header(), 0);
        int o = r2t.bufferOffset();
        final int end = o + r2t.desiredDataTransferLength();
        int sn = 0;
        while (o < end)
        {
            final int n = Math.min(targetMaxRecv, end - o);
            sink.send(dataOut(lun, itt, r2t.targetTransferTag(), sn++, o, o + n == end),
                java.util.Arrays.copyOfRange(data, o, o + n));
            o += n;
        }
        return sn;
    }

    public byte[] dataOut(final long lun, final int itt, final int ttt, final int dataSn, final int offset, final boolean last)
    {
        final byte[] bhs = new byte[48];
        new DataOutPdu().wrap(MemorySegment.ofArray(bhs), 0).reset().finalBit(last).lun(lun)
            .initiatorTaskTag(itt).targetTransferTag(ttt).expStatSn(expStatSn).dataSn(dataSn).bufferOffset(offset);
        return bhs;
    }

    /**
     * An immediate Task Management Function Request (RFC 7143 11.5) of {@code function} on {@code lun}, naming the
     * task {@code referencedItt} (0xffffffff for none), with a new ITT of its own.
     */
    public byte[] taskManagement(final int function, final long lun, final int referencedItt)
    {
        final byte[] bhs = new byte[48];
        new TaskManagementRequestPdu().wrap(MemorySegment.ofArray(bhs), 0).reset().immediate(true).finalBit(true)
            .function(function).lun(lun).initiatorTaskTag(++itt).referencedTaskTag(referencedItt)
            .refCmdSn(cmdSn - 1).cmdSn(cmdSn).expStatSn(expStatSn);
        return bhs;
    }

    public byte[] nopOut(final int itt, final int ttt, final boolean immediate)
    {
        final byte[] bhs = new byte[48];
        new NopOutPdu().wrap(MemorySegment.ofArray(bhs), 0).reset().immediate(immediate).finalBit(true)
            .initiatorTaskTag(itt).targetTransferTag(ttt).cmdSn(cmdSn).expStatSn(expStatSn);
        if (!immediate && itt != 0xffffffff)
        {
            cmdSn++;
        }
        return bhs;
    }

    public byte[] textRequest(final int ttt)
    {
        final byte[] bhs = new byte[48];
        new TextRequestPdu().wrap(MemorySegment.ofArray(bhs), 0).reset().immediate(true).finalBit(true)
            .initiatorTaskTag(++itt).targetTransferTag(ttt).cmdSn(cmdSn).expStatSn(expStatSn);
        return bhs;
    }

    public static int opcodeName(final Pdu pdu)
    {
        return pdu.opcode();
    }

    public static String name(final Pdu pdu)
    {
        return Opcode.name(pdu.opcode());
    }

    /** Drops the connection with a TCP reset (SO_LINGER 0), as a crashed host or a firewall would. */
    public void reset() throws IOException
    {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
