package io.ringtarget.bench.pdu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.ringtarget.pdu.BasicHeaderSegment;
import io.ringtarget.pdu.DataOutPdu;
import io.ringtarget.pdu.NopOutPdu;
import io.ringtarget.pdu.Padding;
import io.ringtarget.pdu.PduFramer;
import io.ringtarget.pdu.ScsiCommandPdu;
import io.ringtarget.pdu.TextKeyReader;
import io.ringtarget.pdu.TextKeyWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Framing a receive stream in place, and parsing a login key list.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" })
@State(Scope.Thread)
public class PduStreamBenchmark
{
    private static final int STREAM_PDUS = 64;

    /** Key names a login handler compares against, pre-encoded once. */
    private static final byte[][] KNOWN_KEYS = ascii("InitiatorName", "TargetName", "SessionType", "HeaderDigest",
        "DataDigest", "InitialR2T", "ImmediateData", "MaxBurstLength", "FirstBurstLength", "DefaultTime2Wait",
        "DefaultTime2Retain", "MaxOutstandingR2T", "ErrorRecoveryLevel", "IFMarker", "OFMarker", "MaxConnections",
        "MaxRecvDataSegmentLength", "DataPDUInOrder", "DataSequenceInOrder", "InitiatorAlias");
    private static final byte[] CRC32C = "CRC32C".getBytes(StandardCharsets.US_ASCII);

    private Arena arena;
    private MemorySegment stream;
    private long streamLength;
    private MemorySegment loginText;
    private int loginTextLength;

    private final PduFramer framer = new PduFramer().maxRecvDataSegmentLength(262144);
    private final TextKeyReader reader = new TextKeyReader();

    private static byte[][] ascii(final String... names)
    {
        final byte[][] keys = new byte[names.length][];
        for (int i = 0; i < names.length; i++)
        {
            keys[i] = names[i].getBytes(StandardCharsets.US_ASCII);
        }
        return keys;
    }

    @Setup(Level.Trial)
    public void setUp()
    {
        arena = Arena.ofShared();
        stream = arena.allocate(1 << 20, 4096);
        final ScsiCommandPdu command = new ScsiCommandPdu();
        final DataOutPdu dataOut = new DataOutPdu();
        final NopOutPdu nopOut = new NopOutPdu();
        long at = 0;
        for (int i = 0; i < STREAM_PDUS; i++)
        {
            // READ command, WRITE command with 4 KiB immediate data, Data-Out of 8 KiB, NOP-Out with 13 bytes of ping.
            switch (i % 4)
            {
                case 0 -> command.wrap(stream, at).reset().readBit(true).initiatorTaskTag(i);
                case 1 -> command.wrap(stream, at).reset().writeBit(true).initiatorTaskTag(i).dataSegmentLength(4096);
                case 2 -> dataOut.wrap(stream, at).reset().initiatorTaskTag(i).dataSegmentLength(8192);
                default -> nopOut.wrap(stream, at).reset().initiatorTaskTag(i).dataSegmentLength(13);
            }
            at += 48 + Padding.pad4(BasicHeaderSegment.dataSegmentLength(stream, at));
        }
        streamLength = at;

        // What libiscsi sends in its single login request (see pdu-zero-copy golden streams).
        loginText = arena.allocate(4096);
        final TextKeyWriter writer = new TextKeyWriter().wrap(loginText, 0, 4096)
            .append("InitiatorName", "iqn.2007-10.com.github:sahlberg:libiscsi:iscsi-inq")
            .append("TargetName", "iqn.2026-11.io.ringtarget:demo").append("SessionType", "Normal")
            .append("HeaderDigest", "None,CRC32C").append("DataDigest", "None").appendYesNo("InitialR2T", false)
            .appendYesNo("ImmediateData", true).appendLong("MaxBurstLength", 262144)
            .appendLong("FirstBurstLength", 262144).appendLong("DefaultTime2Wait", 2)
            .appendLong("DefaultTime2Retain", 0).appendLong("MaxOutstandingR2T", 1)
            .appendLong("ErrorRecoveryLevel", 0).appendYesNo("IFMarker", false).appendYesNo("OFMarker", false)
            .appendLong("MaxConnections", 1).appendLong("MaxRecvDataSegmentLength", 262144)
            .appendYesNo("DataPDUInOrder", true).appendYesNo("DataSequenceInOrder", true);
        loginTextLength = writer.length();
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        arena.close();
    }

    /** Frame a stream of 64 mixed PDUs in place; the score is per PDU. */
    @Benchmark
    @OperationsPerInvocation(STREAM_PDUS)
    public long frameMixedStream()
    {
        long at = 0;
        long tags = 0;
        final long end = streamLength;
        while (at < end)
        {
            final long length = framer.frame(stream, at, end - at);
            if (length <= 0)
            {
                return -1;
            }
            tags += BasicHeaderSegment.initiatorTaskTag(stream, at) + framer.dataLength();
            at += length;
        }
        return tags;
    }

    /** Walk a libiscsi-like login key list, match each key against the known-key table, read its value. */
    @Benchmark
    public long parseLoginKeys()
    {
        long sum = 0;
        reader.wrap(loginText, 0, loginTextLength);
        while (reader.next())
        {
            for (int k = 0; k < KNOWN_KEYS.length; k++)
            {
                if (reader.keyEquals(KNOWN_KEYS[k]))
                {
                    sum += k;
                    final int yesNo = reader.valueAsYesNo();
                    sum += yesNo != TextKeyReader.NOT_BOOLEAN ? yesNo : reader.valueAsLong();
                    sum += reader.valueListIndexOf(CRC32C);
                    break;
                }
            }
        }
        return sum + reader.error();
    }
}
