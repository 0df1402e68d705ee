package io.ringtarget.bench.iscsi;

import io.ringtarget.pdu.BasicHeaderSegment;
import io.ringtarget.pdu.DataInPdu;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.pdu.PduHeader;
import io.ringtarget.pdu.ScsiResponsePdu;
import io.ringtarget.scsi.ScsiStatus;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link CommandPathBenchmark} measures does the work: through its fixture, each WRITE(10) is answered by one
 * SCSI Response with status GOOD and each READ(10) by one Data-In with the status (phase collapse) and the data last
 * written there; StatSN advances by one per command and ExpCmdSN follows the CmdSN; nothing goes to the ring.
 */
class CommandPathTest
{
    private static final int COMMANDS = 200;

    @Test
    void readsReturnWhatWritesWroteWithGoodStatusAndAdvancingNumbers()
    {
        try (CommandPath path = CommandPath.open(); Arena arena = Arena.ofConfined())
        {
            final MemorySegment staged = arena.allocate(64 * 1024);
            final MemorySegment data = path.writeData();
            final long blocksPerCommand = CommandPath.TRANSFER_LENGTH / CommandPath.BLOCK_SIZE;
            final int previousStatSn = path.lastStatSn();
            for (int n = 0; n < COMMANDS; n++)
            {
                final long lba = (n * 37L * blocksPerCommand) % path.blockCount();
                for (int i = 0; i < CommandPath.TRANSFER_LENGTH; i++)
                {
                    data.set(ValueLayout.JAVA_BYTE, i, (byte)(n * 31 + i * 7 + 1));
                }
                final byte[] written = data.toArray(ValueLayout.JAVA_BYTE);

                path.capture(staged);
                assertEquals(PduHeader.LENGTH, path.write(lba));
                assertEquals(PduHeader.LENGTH, path.capture(null));
                final ScsiResponsePdu response = new ScsiResponsePdu().wrap(staged, 0);
                assertEquals(Opcode.SCSI_RESPONSE, BasicHeaderSegment.opcode(staged, 0));
                assertEquals(path.lastItt(), response.initiatorTaskTag());
                assertEquals(0, response.response());
                assertEquals(ScsiStatus.GOOD, response.status());
                assertEquals(path.lastStatSn(), response.statSn());
                assertEquals(path.lastCmdSn() + 1, response.expCmdSn());
                assertTrue(response.maxCmdSn() - response.expCmdSn() >= 0);
                assertTrue(path.idle());

                data.fill((byte)0);   // what the read returns cannot be left over from the write's PDU
                path.capture(staged);
                assertEquals(PduHeader.LENGTH + CommandPath.TRANSFER_LENGTH, path.read(lba));
                assertEquals(PduHeader.LENGTH + CommandPath.TRANSFER_LENGTH, path.capture(null));
                final DataInPdu dataIn = new DataInPdu().wrap(staged, 0);
                assertEquals(Opcode.SCSI_DATA_IN, BasicHeaderSegment.opcode(staged, 0));
                assertEquals(path.lastItt(), dataIn.initiatorTaskTag());
                assertTrue(dataIn.finalBit());
                assertTrue(dataIn.statusBit());
                assertEquals(ScsiStatus.GOOD, dataIn.status());
                assertEquals(path.lastStatSn(), dataIn.statSn());
                assertEquals(path.lastCmdSn() + 1, dataIn.expCmdSn());
                assertFalse(dataIn.residualOverflow() || dataIn.residualUnderflow());
                assertEquals(CommandPath.TRANSFER_LENGTH, dataIn.dataSegmentLength());
                assertArrayEquals(written,
                    staged.asSlice(PduHeader.LENGTH, CommandPath.TRANSFER_LENGTH).toArray(ValueLayout.JAVA_BYTE),
                    "LBA " + lba);
                assertTrue(path.idle());
            }
            assertEquals(previousStatSn + 2 * COMMANDS, path.lastStatSn());
            assertEquals(0, path.ringSubmissions());
        }
    }

    /** The benchmark's own set-up, operations and tear-down (which fails if a command was left unfinished). */
    @Test
    void benchmarkOperationsStageTheirAnswers()
    {
        final CommandPathBenchmark benchmark = new CommandPathBenchmark();
        benchmark.spanKiB = 64;
        benchmark.setUp();
        for (int n = 0; n < COMMANDS; n++)
        {
            assertEquals(PduHeader.LENGTH, benchmark.write4k());
            assertEquals(PduHeader.LENGTH + CommandPath.TRANSFER_LENGTH, benchmark.read4k());
        }
        benchmark.tearDown();
    }
}
