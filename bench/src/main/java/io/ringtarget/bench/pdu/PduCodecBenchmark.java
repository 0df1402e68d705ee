package io.ringtarget.bench.pdu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import io.ringtarget.pdu.BasicHeaderSegment;
import io.ringtarget.pdu.DataInPdu;
import io.ringtarget.pdu.DataOutPdu;
import io.ringtarget.pdu.NopOutPdu;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.pdu.PduHeader;
import io.ringtarget.pdu.ScsiCommandPdu;
import io.ringtarget.pdu.ScsiResponsePdu;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-PDU cost of the flyweights on the receive and send paths: decode a BHS and dispatch on its opcode the way a
 * connection does (a switch into one small handler per opcode), and encode the two headers every read sends.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" })
@State(Scope.Thread)
public class PduCodecBenchmark
{
    /** Headers cycled through so the branch predictor sees a realistic mix, not one constant PDU. */
    private static final int HEADERS = 64;

    private Arena arena;
    private MemorySegment headers;
    private MemorySegment out;
    private int next;

    private final ScsiCommandPdu command = new ScsiCommandPdu();
    private final DataOutPdu dataOut = new DataOutPdu();
    private final NopOutPdu nopOut = new NopOutPdu();
    private final DataInPdu dataIn = new DataInPdu();
    private final ScsiResponsePdu response = new ScsiResponsePdu();
    private int statSn;

    @Setup(Level.Trial)
    public void setUp()
    {
        arena = Arena.ofShared();
        headers = arena.allocate((long)HEADERS * PduHeader.LENGTH, 64);
        out = arena.allocate(PduHeader.LENGTH * 2, 64);
        for (int i = 0; i < HEADERS; i++)
        {
            final long at = (long)i * PduHeader.LENGTH;
            // 3 in 4 SCSI commands (READ(10)/WRITE(10)), then Data-Out and NOP-Out.
            switch (i & 7)
            {
                case 5, 6 -> dataOut.wrap(headers, at).reset().finalBit(true).dataSegmentLength(8192)
                    .initiatorTaskTag(i).targetTransferTag(i + 1).dataSn(i).bufferOffset(i * 8192);
                case 7 -> nopOut.wrap(headers, at).reset().immediate(true).initiatorTaskTag(i).targetTransferTag(-1)
                    .cmdSn(i);
                default -> command.wrap(headers, at).reset().finalBit(true).readBit((i & 1) == 0).writeBit((i & 1) != 0)
                    .attributes(ScsiCommandPdu.ATTR_SIMPLE).lun(1L << 48).initiatorTaskTag(i)
                    .expectedDataTransferLength(4096).cmdSn(i).expStatSn(i).cdb(0, (i & 1) == 0 ? 0x28 : 0x2a)
                    .cdb(8, 8);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        arena.close();
    }

    /** Read the opcode, wrap the matching flyweight, read the fields a connection reads first. */
    @Benchmark
    public long decodeAndDispatch()
    {
        final long at = (long)next * PduHeader.LENGTH;
        next = (next + 1) & (HEADERS - 1);
        return switch (BasicHeaderSegment.opcode(headers, at))
        {
            case Opcode.SCSI_COMMAND -> onScsiCommand(command.wrap(headers, at));
            case Opcode.SCSI_DATA_OUT -> onDataOut(dataOut.wrap(headers, at));
            case Opcode.NOP_OUT -> onNopOut(nopOut.wrap(headers, at));
            default -> -1;
        };
    }

    private static long onScsiCommand(final ScsiCommandPdu pdu)
    {
        return pdu.initiatorTaskTag() + pdu.cmdSn() + pdu.expectedDataTransferLength() + pdu.cdbOperationCode() +
            (pdu.writeBit() ? 1 : 0) + pdu.lun() + pdu.dataSegmentLength();
    }

    private static long onDataOut(final DataOutPdu pdu)
    {
        return pdu.initiatorTaskTag() + pdu.targetTransferTag() + pdu.bufferOffset() + pdu.dataSegmentLength() +
            (pdu.finalBit() ? 1 : 0);
    }

    private static long onNopOut(final NopOutPdu pdu)
    {
        return pdu.initiatorTaskTag() + pdu.cmdSn() + (pdu.immediate() ? 1 : 0);
    }

    /** A Data-In with phase-collapsed status (S bit), as a read that fits one PDU sends. */
    @Benchmark
    public MemorySegment encodeDataIn()
    {
        final int sn = statSn++;
        dataIn.wrap(out, 0).reset().finalBit(true).statusBit(true).status(0).dataSegmentLength(4096)
            .lun(1L << 48).initiatorTaskTag(sn).targetTransferTag(-1).statSn(sn).expCmdSn(sn + 1)
            .maxCmdSn(sn + 64).dataSn(0).bufferOffset(0).residualCount(0);
        return out;
    }

    @Benchmark
    public MemorySegment encodeScsiResponse()
    {
        final int sn = statSn++;
        response.wrap(out, PduHeader.LENGTH).reset().response(ScsiResponsePdu.RESPONSE_COMMAND_COMPLETED_AT_TARGET)
            .status(ScsiResponsePdu.STATUS_GOOD).initiatorTaskTag(sn).statSn(sn).expCmdSn(sn + 1).maxCmdSn(sn + 64)
            .expDataSn(1).residualUnderflow(false).residualCount(0);
        return out;
    }
}
