package io.ringtarget.pdu;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Frames and decodes byte streams captured between libiscsi and tgt (see src/test/resources/golden/README.md).
 * The streams are fed to a fixed-size receive buffer in random-sized chunks, as a socket would deliver them, and
 * every PDU is checked against what the protocol makes knowable: opcode order, task tags, CmdSN/StatSN sequences,
 * Data-In/Data-Out offsets and lengths, header digests, login and discovery keys, and the data itself.
 */
class GoldenStreamTest
{
    private static final int RECEIVE_BUFFER = 256 * 1024;
    private static final int INQUIRY = 0x12;
    private static final int SERVICE_ACTION_IN_16 = 0x9e;
    private static final int WRITE_10 = 0x2a;
    private static final int READ_10 = 0x28;

    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close()
    {
        arena.close();
    }

    /** One framed PDU, copied out of the receive buffer for the cross-stream checks. */
    private record Pdu(MemorySegment bytes, int dataOffset, int dataLength)
    {
        int opcode()
        {
            return BasicHeaderSegment.opcode(bytes, 0);
        }

        int itt()
        {
            return BasicHeaderSegment.initiatorTaskTag(bytes, 0);
        }

        byte[] data()
        {
            return bytes.asSlice(dataOffset, dataLength).toArray(ValueLayout.JAVA_BYTE);
        }

        Map<String, String> keys()
        {
            final Map<String, String> keys = new HashMap<>();
            final TextKeyReader reader = new TextKeyReader().wrap(bytes, dataOffset, dataLength);
            while (reader.next())
            {
                keys.put(reader.key(), reader.value());
            }
            assertEquals(TextKeyReader.NONE, reader.error(), () -> TextKeyReader.errorName(reader.error()));
            return keys;
        }
    }

    private static byte[] resource(final String name) throws IOException
    {
        try (InputStream in = GoldenStreamTest.class.getResourceAsStream("/golden/" + name))
        {
            assertNotNull(in, name);
            return in.readAllBytes();
        }
    }

    /**
     * Deliver the stream into a fixed receive buffer in random chunks, frame in place, compact when the buffer end
     * is reached (what a connection's receive path does), verify header digests in place once login completes.
     */
    private List<Pdu> frame(final String name, final long seed) throws IOException
    {
        final byte[] stream = resource(name);
        final MemorySegment buffer = arena.allocate(RECEIVE_BUFFER);
        final PduFramer framer = new PduFramer().maxRecvDataSegmentLength(262144);
        final Crc32cDigest digest = new Crc32cDigest().wrap(buffer);
        final SplittableRandom random = new SplittableRandom(seed);
        final List<Pdu> pdus = new ArrayList<>();
        int delivered = 0;
        long start = 0;
        long end = 0;
        int iterations = 0;
        while (true)
        {
            assertTrue(++iterations < 10_000_000, "bounded");
            final long result = framer.frame(buffer, start, end - start);
            assertTrue(result >= 0, () -> PduFramer.errorName(result));
            if (result > 0)
            {
                if (framer.headerDigest())
                {
                    final long headerLength = PduHeader.LENGTH + framer.ahsLength();
                    assertTrue(digest.verify(start, headerLength, start + framer.headerDigestOffset()),
                        "header digest of PDU " + pdus.size() + " in " + name);
                }
                final MemorySegment copy = MemorySegment.ofArray(
                    buffer.asSlice(start, result).toArray(ValueLayout.JAVA_BYTE));
                pdus.add(new Pdu(copy, framer.dataOffset(), framer.dataLength()));
                if (name.contains("header-digest") && isFinalLogin(copy))
                {
                    // Digests start with the first PDU after the final login exchange (RFC 7143 13.1).
                    framer.headerDigest(true);
                }
                start += result;
                continue;
            }
            if (delivered == stream.length)
            {
                assertEquals(start, end, "stream ends on a PDU boundary: " + name);
                return pdus;
            }
            if (end == RECEIVE_BUFFER)
            {
                MemorySegment.copy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            // 1 byte at a time now and then, otherwise up to a few pages: splits land anywhere, BHS included.
            final int want = random.nextInt(10) == 0 ? 1 : random.nextInt(1, 9000);
            final int n = (int)Math.min(Math.min(want, stream.length - delivered), RECEIVE_BUFFER - end);
            MemorySegment.copy(stream, delivered, buffer, ValueLayout.JAVA_BYTE, end, n);
            delivered += n;
            end += n;
        }
    }

    private static boolean isFinalLogin(final MemorySegment bhs)
    {
        final int opcode = BasicHeaderSegment.opcode(bhs, 0);
        if (opcode == Opcode.LOGIN_REQUEST)
        {
            final LoginRequestPdu login = new LoginRequestPdu().wrap(bhs, 0);
            return login.transit() && login.nextStage() == LoginRequestPdu.FULL_FEATURE_PHASE;
        }
        if (opcode == Opcode.LOGIN_RESPONSE)
        {
            final LoginResponsePdu login = new LoginResponsePdu().wrap(bhs, 0);
            return login.transit() && login.nextStage() == LoginResponsePdu.FULL_FEATURE_PHASE &&
                login.status() == LoginResponsePdu.SUCCESS;
        }
        return false;
    }

    /** Checks every capture shares: login first, tags, CmdSN and StatSN sequences, one status per command. */
    private void assertSessionInvariants(final List<Pdu> initiator, final List<Pdu> target)
    {
        assertEquals(Opcode.LOGIN_REQUEST, initiator.getFirst().opcode());
        assertEquals(Opcode.LOGIN_RESPONSE, target.getFirst().opcode());
        final LoginRequestPdu loginRequest = new LoginRequestPdu().wrap(initiator.getFirst().bytes(), 0);
        final LoginResponsePdu loginResponse = new LoginResponsePdu().wrap(target.getFirst().bytes(), 0);
        assertTrue(loginRequest.immediate(), "login requests are immediate (RFC 7143 11.12)");
        assertEquals(LoginResponsePdu.SUCCESS, loginResponse.status());
        assertEquals(loginRequest.initiatorTaskTag(), loginResponse.initiatorTaskTag());
        assertEquals(loginRequest.isid(), loginResponse.isid());
        assertEquals(0, loginResponse.versionActive());
        assertEquals(loginRequest.cmdSn(), loginResponse.expCmdSn());
        LoginResponsePdu finalResponse = null;
        for (final Pdu pdu : target)
        {
            if (isFinalLogin(pdu.bytes()))
            {
                finalResponse = new LoginResponsePdu().wrap(pdu.bytes(), 0);
            }
        }
        assertNotNull(finalResponse, "login reaches full feature phase");
        assertNotEquals(0, finalResponse.tsih(), "target assigns a TSIH on success");

        // CmdSN: every non-immediate command takes the next number; immediate ones carry it (RFC 7143 4.2.2.1).
        int cmdSn = loginRequest.cmdSn();
        final Set<Integer> commandTags = new HashSet<>();
        for (final Pdu pdu : initiator)
        {
            final int opcode = pdu.opcode();
            assertTrue(Opcode.isInitiatorOpcode(opcode), Opcode.name(opcode));
            if (opcode == Opcode.SCSI_DATA_OUT)
            {
                continue;
            }
            final int sn = BasicHeaderSegment.intField(pdu.bytes(), 0, ScsiCommandPdu.CMD_SN_OFFSET);
            assertEquals(cmdSn, sn, () -> "CmdSN of " + Opcode.name(opcode));
            if (!BasicHeaderSegment.immediate(pdu.bytes(), 0))
            {
                cmdSn++;
            }
            // A multi-step login keeps one tag (RFC 7143 11.12.8); every other command has its own.
            assertTrue(commandTags.add(pdu.itt()) || opcode == Opcode.LOGIN_REQUEST, "tags unique per command");
        }

        // StatSN: every status consumes one number; R2T and Data-In without status carry the next (RFC 7143 11.8.3).
        int statSn = loginResponse.statSn();
        final Map<Integer, Integer> statusPerTag = new HashMap<>();
        for (final Pdu pdu : target)
        {
            final int opcode = pdu.opcode();
            assertFalse(Opcode.isInitiatorOpcode(opcode), Opcode.name(opcode));
            assertTrue(commandTags.contains(pdu.itt()), () -> "target answers a known tag: " + Opcode.name(opcode));
            final int sn = BasicHeaderSegment.intField(pdu.bytes(), 0, ScsiResponsePdu.STAT_SN_OFFSET);
            final boolean hasStatus = opcode != Opcode.R2T &&
                !(opcode == Opcode.SCSI_DATA_IN && !new DataInPdu().wrap(pdu.bytes(), 0).statusBit());
            if (opcode == Opcode.SCSI_DATA_IN && !hasStatus)
            {
                continue; // StatSN is reserved there
            }
            assertEquals(statSn, sn, () -> "StatSN of " + Opcode.name(opcode));
            if (hasStatus)
            {
                statSn++;
                statusPerTag.merge(pdu.itt(), 1, Integer::sum);
            }
        }
        for (final Pdu pdu : initiator)
        {
            if (pdu.opcode() == Opcode.SCSI_COMMAND)
            {
                assertEquals(1, statusPerTag.getOrDefault(pdu.itt(), 0), "exactly one status per command");
            }
        }
    }

    private static Pdu responseFor(final List<Pdu> target, final int itt, final int opcode)
    {
        for (final Pdu pdu : target)
        {
            if (pdu.itt() == itt && pdu.opcode() == opcode)
            {
                return pdu;
            }
        }
        return null;
    }

    /** Data-In for a read: contiguous offsets from 0, DataSN from 0, total = EDTL - residual, status on the last. */
    private static byte[] readData(final List<Pdu> target, final ScsiCommandPdu command)
    {
        final DataInPdu dataIn = new DataInPdu();
        final java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
        int dataSn = 0;
        boolean sawStatus = false;
        int residual = 0;
        for (final Pdu pdu : target)
        {
            if (pdu.opcode() != Opcode.SCSI_DATA_IN || pdu.itt() != command.initiatorTaskTag())
            {
                continue;
            }
            dataIn.wrap(pdu.bytes(), 0);
            assertFalse(sawStatus, "nothing after the status");
            assertEquals(dataSn++, dataIn.dataSn());
            assertEquals(data.size(), dataIn.bufferOffset());
            assertEquals(-1, dataIn.targetTransferTag());
            assertEquals(pdu.dataLength(), dataIn.dataSegmentLength());
            data.writeBytes(pdu.data());
            if (dataIn.statusBit())
            {
                assertTrue(dataIn.finalBit(), "S implies F (RFC 7143 11.7.1)");
                sawStatus = true;
                residual = dataIn.residualUnderflow() ? dataIn.residualCount() : 0;
            }
        }
        if (!sawStatus)
        {
            final Pdu response = responseFor(target, command.initiatorTaskTag(), Opcode.SCSI_RESPONSE);
            assertNotNull(response);
            final ScsiResponsePdu r = new ScsiResponsePdu().wrap(response.bytes(), 0);
            residual = r.residualUnderflow() ? r.residualCount() : 0;
        }
        assertEquals(command.expectedDataTransferLength() - residual, data.size(), "Data-In total");
        return data.toByteArray();
    }

    private static byte[] clientPattern(final int length)
    {
        // tools/golden-client.c: data[i] = i * 7 + (i >> 9)
        final byte[] b = new byte[length];
        for (int i = 0; i < length; i++)
        {
            b[i] = (byte)(i * 7 + (i >> 9));
        }
        return b;
    }

    private static byte[] diskPattern(final int from, final int length)
    {
        final byte[] b = new byte[length];
        for (int i = 0; i < length; i++)
        {
            final int o = from + i;
            b[i] = (byte)(o ^ (o >> 8) ^ (o >> 16));
        }
        return b;
    }

    private void session(final String name) throws IOException
    {
        final List<Pdu> initiator = frame(name + "-0-initiator.bin", 1);
        final List<Pdu> target = frame(name + "-0-target.bin", 2);
        assertSessionInvariants(initiator, target);

        final Map<String, String> offered = initiator.getFirst().keys();
        assertEquals("iqn.2026-11.io.ringtarget:golden-client", offered.get("InitiatorName"));
        assertEquals("iqn.2026-11.test:golden", offered.get("TargetName"));
        assertEquals("Normal", offered.get("SessionType"));
        final Map<String, String> answered = target.getFirst().keys();
        assertEquals("1", answered.get("TargetPortalGroupTag"));
        assertEquals(name.contains("header-digest") ? "CRC32C" : "None", answered.get("HeaderDigest"));
        assertEquals("None", answered.get("DataDigest"));

        assertEquals(Opcode.LOGOUT_REQUEST, initiator.getLast().opcode());
        assertEquals(Opcode.LOGOUT_RESPONSE, target.getLast().opcode());
        final LogoutRequestPdu logout = new LogoutRequestPdu().wrap(initiator.getLast().bytes(), 0);
        assertEquals(LogoutRequestPdu.CLOSE_SESSION, logout.reasonCode());
        assertEquals(LogoutResponsePdu.CONNECTION_OR_SESSION_CLOSED_SUCCESSFULLY,
            new LogoutResponsePdu().wrap(target.getLast().bytes(), 0).response());

        final TaskManagementRequestPdu tmf = new TaskManagementRequestPdu()
            .wrap(initiator.get(initiator.size() - 2).bytes(), 0);
        assertEquals(Opcode.TASK_MANAGEMENT_REQUEST, tmf.opcode());
        assertEquals(TaskManagementRequestPdu.LOGICAL_UNIT_RESET, tmf.function());
        assertEquals(1L << 48, tmf.lun(), "LUN 1, single-level addressing (SAM-5)");
        final Pdu tmfResponse = responseFor(target, tmf.initiatorTaskTag(), Opcode.TASK_MANAGEMENT_RESPONSE);
        assertNotNull(tmfResponse);
        assertEquals(TaskManagementResponsePdu.FUNCTION_COMPLETE,
            new TaskManagementResponsePdu().wrap(tmfResponse.bytes(), 0).response());

        // The SCSI commands golden-client issues, in order (libiscsi adds TEST UNIT READYs at login).
        final List<ScsiCommandPdu> commands = new ArrayList<>();
        for (final Pdu pdu : initiator)
        {
            if (pdu.opcode() == Opcode.SCSI_COMMAND)
            {
                final ScsiCommandPdu c = new ScsiCommandPdu().wrap(pdu.bytes(), 0);
                if (c.cdbOperationCode() != 0x00)
                {
                    commands.add(c);
                }
            }
        }
        assertEquals(List.of(INQUIRY, SERVICE_ACTION_IN_16, WRITE_10, READ_10, READ_10),
            commands.stream().map(ScsiCommandPdu::cdbOperationCode).toList());

        final ScsiCommandPdu inquiry = commands.get(0);
        assertTrue(inquiry.readBit());
        assertFalse(inquiry.writeBit());
        assertEquals(ScsiCommandPdu.ATTR_SIMPLE, inquiry.attributes());
        assertEquals(255, inquiry.expectedDataTransferLength());
        final byte[] inquiryData = readData(target, inquiry);
        assertEquals(0x00, inquiryData[0] & 0x1f, "peripheral device type: direct access block device");
        assertEquals("IET     ", new String(inquiryData, 8, 8, StandardCharsets.US_ASCII), "tgt's T10 vendor id");

        final byte[] capacity = readData(target, commands.get(1));
        assertEquals(32, capacity.length);
        assertEquals((64L << 20) / 512 - 1, java.nio.ByteBuffer.wrap(capacity).getLong(0), "last LBA of 64 MiB");
        assertEquals(512, java.nio.ByteBuffer.wrap(capacity).getInt(8));

        assertWrite(initiator, target, commands.get(2));

        final ScsiCommandPdu readBack = commands.get(3);
        assertArrayEquals(clientPattern(96 * 1024), readData(target, readBack), "READ(10) returns what was written");
        final ScsiCommandPdu readDisk = commands.get(4);
        assertEquals(20 * 1024, readDisk.expectedDataTransferLength());
        assertArrayEquals(diskPattern(0, 20 * 1024), readData(target, readDisk), "READ(10) at LBA 0: disk pattern");
    }

    /** Immediate data, then one R2T for the rest, answered by Data-Out with contiguous offsets (RFC 7143 11.7, 11.8). */
    private static void assertWrite(final List<Pdu> initiator, final List<Pdu> target, final ScsiCommandPdu write)
    {
        assertTrue(write.writeBit());
        assertFalse(write.readBit());
        final int length = write.expectedDataTransferLength();
        assertEquals(96 * 1024, length);
        Pdu commandPdu = null;
        for (final Pdu pdu : initiator)
        {
            if (pdu.bytes() == write.segment())
            {
                commandPdu = pdu;
            }
        }
        assertNotNull(commandPdu);
        final java.io.ByteArrayOutputStream written = new java.io.ByteArrayOutputStream();
        written.writeBytes(commandPdu.data());
        final int immediate = written.size();
        assertTrue(immediate > 0, "tgt negotiated ImmediateData=Yes");

        final Pdu r2tPdu = responseFor(target, write.initiatorTaskTag(), Opcode.R2T);
        assertNotNull(r2tPdu);
        final R2tPdu r2t = new R2tPdu().wrap(r2tPdu.bytes(), 0);
        assertEquals(0, r2t.r2tSn());
        assertEquals(immediate, r2t.bufferOffset());
        assertEquals(length - immediate, r2t.desiredDataTransferLength());
        assertEquals(write.lun(), r2t.lun());

        final DataOutPdu dataOut = new DataOutPdu();
        int dataSn = 0;
        boolean last = false;
        for (final Pdu pdu : initiator)
        {
            if (pdu.opcode() != Opcode.SCSI_DATA_OUT || pdu.itt() != write.initiatorTaskTag())
            {
                continue;
            }
            dataOut.wrap(pdu.bytes(), 0);
            assertFalse(last, "nothing after F");
            assertEquals(r2t.targetTransferTag(), dataOut.targetTransferTag());
            assertEquals(dataSn++, dataOut.dataSn(), "DataSN restarts at 0 per R2T (RFC 7143 11.7.5)");
            assertEquals(written.size(), dataOut.bufferOffset());
            written.writeBytes(pdu.data());
            last = dataOut.finalBit();
        }
        assertTrue(last, "the last Data-Out has F");
        assertArrayEquals(clientPattern(length), written.toByteArray(), "immediate data + Data-Out = written data");
        final Pdu response = responseFor(target, write.initiatorTaskTag(), Opcode.SCSI_RESPONSE);
        assertNotNull(response);
        final ScsiResponsePdu status = new ScsiResponsePdu().wrap(response.bytes(), 0);
        assertEquals(ScsiResponsePdu.STATUS_GOOD, status.status());
        assertEquals(ScsiResponsePdu.RESPONSE_COMMAND_COMPLETED_AT_TARGET, status.response());
    }

    @Test
    void sessionWithWriteReadAndLunReset() throws IOException
    {
        session("session");
    }

    @Test
    void sessionWithCrc32cHeaderDigests() throws IOException
    {
        session("session-header-digest");
    }

    @Test
    void headerDigestDetectsACorruptedHeader() throws IOException
    {
        final byte[] stream = resource("session-header-digest-0-target.bin");
        final MemorySegment buffer = arena.allocate(stream.length);
        MemorySegment.copy(stream, 0, buffer, ValueLayout.JAVA_BYTE, 0, stream.length);
        final PduFramer framer = new PduFramer().maxRecvDataSegmentLength(262144);
        final long loginLength = framer.frame(buffer, 0, stream.length);
        assertTrue(loginLength > 0);
        framer.headerDigest(true);
        assertTrue(framer.frame(buffer, loginLength, stream.length - loginLength) > 0);
        final Crc32cDigest digest = new Crc32cDigest().wrap(buffer);
        assertTrue(digest.verify(loginLength, 48, loginLength + framer.headerDigestOffset()));
        buffer.set(ValueLayout.JAVA_BYTE, loginLength + 20, (byte)(buffer.get(ValueLayout.JAVA_BYTE, loginLength + 20) ^ 1));
        assertFalse(digest.verify(loginLength, 48, loginLength + framer.headerDigestOffset()));
    }

    @Test
    void inquiryTool() throws IOException
    {
        final List<Pdu> initiator = frame("inquiry-0-initiator.bin", 3);
        final List<Pdu> target = frame("inquiry-0-target.bin", 4);
        assertSessionInvariants(initiator, target);
        assertEquals(List.of(Opcode.LOGIN_REQUEST, Opcode.SCSI_COMMAND, Opcode.SCSI_COMMAND, Opcode.SCSI_COMMAND,
            Opcode.SCSI_COMMAND, Opcode.LOGOUT_REQUEST), initiator.stream().map(Pdu::opcode).toList());
        assertEquals(List.of(Opcode.LOGIN_RESPONSE, Opcode.SCSI_RESPONSE, Opcode.SCSI_RESPONSE, Opcode.SCSI_DATA_IN,
            Opcode.SCSI_DATA_IN, Opcode.LOGOUT_RESPONSE), target.stream().map(Pdu::opcode).toList());
        // The first TEST UNIT READY after login reports the power-on UNIT ATTENTION with sense data (SPC-4 5.14).
        final ScsiResponsePdu first = new ScsiResponsePdu().wrap(target.get(1).bytes(), 0);
        assertEquals(ScsiResponsePdu.STATUS_CHECK_CONDITION, first.status());
        final byte[] sense = target.get(1).data();
        assertEquals(sense.length - 2, ((sense[0] & 0xff) << 8) | (sense[1] & 0xff), "SenseLength prefix (11.4.7.2)");
        assertEquals(0x06, sense[2 + 2] & 0x0f, "sense key UNIT ATTENTION");
        assertEquals(ScsiResponsePdu.STATUS_GOOD, new ScsiResponsePdu().wrap(target.get(2).bytes(), 0).status());
        final Map<String, String> keys = initiator.getFirst().keys();
        assertEquals("iqn.2026-11.test:golden", keys.get("TargetName"));
        assertTrue(keys.get("InitiatorName").startsWith("iqn.2007-10.com.github:sahlberg:libiscsi"));
    }

    @Test
    void readCapacity16Tool() throws IOException
    {
        final List<Pdu> initiator = frame("readcapacity16-0-initiator.bin", 11);
        final List<Pdu> target = frame("readcapacity16-0-target.bin", 12);
        assertSessionInvariants(initiator, target);
        final ScsiCommandPdu command = new ScsiCommandPdu().wrap(initiator.get(3).bytes(), 0);
        assertEquals(SERVICE_ACTION_IN_16, command.cdbOperationCode());
        assertEquals(0x10, command.cdb(1) & 0x1f, "service action READ CAPACITY (16) (SBC-3 5.16)");
        assertEquals(32, command.expectedDataTransferLength());
        final java.nio.ByteBuffer data = java.nio.ByteBuffer.wrap(readData(target, command));
        assertEquals((64L << 20) / 512 - 1, data.getLong(0), "RETURNED LOGICAL BLOCK ADDRESS of a 64 MiB LUN");
        assertEquals(512, data.getInt(8), "LOGICAL BLOCK LENGTH IN BYTES");
    }

    @Test
    void chapAuthentication() throws IOException, java.security.GeneralSecurityException
    {
        final List<Pdu> initiator = frame("chap-0-initiator.bin", 9);
        final List<Pdu> target = frame("chap-0-target.bin", 10);
        assertSessionInvariants(initiator, target);
        assertEquals(List.of(Opcode.LOGIN_REQUEST, Opcode.LOGIN_REQUEST, Opcode.LOGIN_REQUEST, Opcode.LOGIN_REQUEST),
            initiator.subList(0, 4).stream().map(Pdu::opcode).toList());
        final LoginRequestPdu first = new LoginRequestPdu().wrap(initiator.getFirst().bytes(), 0);
        assertEquals(LoginRequestPdu.SECURITY_NEGOTIATION, first.currentStage());
        assertEquals("CHAP,None", initiator.get(0).keys().get("AuthMethod"));
        assertEquals("CHAP", target.get(0).keys().get("AuthMethod"));
        assertEquals("5", initiator.get(1).keys().get("CHAP_A"), "MD5 (RFC 7143 12.1.3)");

        // Target's challenge: CHAP_A, CHAP_I, CHAP_C (hex) in one PDU, read without String allocation.
        final Pdu challengePdu = target.get(1);
        final TextKeyReader reader = new TextKeyReader().wrap(challengePdu.bytes(), challengePdu.dataOffset(),
            challengePdu.dataLength());
        long identifier = -1;
        final byte[] challenge = new byte[1024];
        int challengeLength = -1;
        while (reader.next())
        {
            if (reader.keyEquals("CHAP_I".getBytes(StandardCharsets.US_ASCII)))
            {
                identifier = reader.valueAsLong();
            }
            else if (reader.keyEquals("CHAP_C".getBytes(StandardCharsets.US_ASCII)))
            {
                assertTrue(reader.valueIsBinary());
                challengeLength = reader.valueAsBinary(challenge);
            }
        }
        assertEquals(TextKeyReader.NONE, reader.error());
        assertTrue(identifier >= 0 && identifier <= 255);
        assertTrue(challengeLength > 0);

        // Initiator's answer: CHAP_R = MD5(identifier || secret || challenge) (RFC 1994 4.1), secret from README.
        final Map<String, String> answer = initiator.get(2).keys();
        assertEquals("golden", answer.get("CHAP_N"));
        final MemorySegment answerText = initiator.get(2).bytes();
        reader.wrap(answerText, initiator.get(2).dataOffset(), initiator.get(2).dataLength());
        final byte[] response = new byte[16];
        int responseLength = -1;
        while (reader.next())
        {
            if (reader.keyEquals("CHAP_R".getBytes(StandardCharsets.US_ASCII)))
            {
                responseLength = reader.valueAsBinary(response);
            }
        }
        assertEquals(16, responseLength);
        final java.security.MessageDigest md5 = java.security.MessageDigest.getInstance("MD5");
        md5.update((byte)identifier);
        md5.update("secretsecret12".getBytes(StandardCharsets.US_ASCII));
        md5.update(challenge, 0, challengeLength);
        assertArrayEquals(md5.digest(), response, "CHAP_R matches the challenge and the configured secret");

        final LoginResponsePdu last = new LoginResponsePdu().wrap(target.get(3).bytes(), 0);
        assertTrue(last.transit());
        assertEquals(LoginResponsePdu.FULL_FEATURE_PHASE, last.nextStage());
    }

    @Test
    void discoveryAndLunListing() throws IOException
    {
        final List<Pdu> initiator = frame("discovery-0-initiator.bin", 5);
        final List<Pdu> target = frame("discovery-0-target.bin", 6);
        assertSessionInvariants(initiator, target);
        assertEquals("Discovery", initiator.getFirst().keys().get("SessionType"));
        assertEquals(List.of(Opcode.LOGIN_REQUEST, Opcode.TEXT_REQUEST, Opcode.LOGOUT_REQUEST),
            initiator.stream().map(Pdu::opcode).toList());
        final TextRequestPdu text = new TextRequestPdu().wrap(initiator.get(1).bytes(), 0);
        assertTrue(text.finalBit());
        assertFalse(text.continueBit());
        assertEquals(-1, text.targetTransferTag());
        assertEquals(Map.of("SendTargets", "All"), initiator.get(1).keys());
        final TextResponsePdu answer = new TextResponsePdu().wrap(target.get(1).bytes(), 0);
        assertEquals(Opcode.TEXT_RESPONSE, answer.opcode());
        assertTrue(answer.finalBit());
        assertEquals(text.initiatorTaskTag(), answer.initiatorTaskTag());
        final Map<String, String> targets = target.get(1).keys();
        assertEquals("iqn.2026-11.test:golden", targets.get("TargetName"));
        assertEquals("127.0.0.1:3269,1", targets.get("TargetAddress"));

        final List<Pdu> lunInitiator = frame("discovery-1-initiator.bin", 7);
        final List<Pdu> lunTarget = frame("discovery-1-target.bin", 8);
        assertSessionInvariants(lunInitiator, lunTarget);
        final ScsiCommandPdu reportLuns = new ScsiCommandPdu().wrap(lunInitiator.get(1).bytes(), 0);
        assertEquals(0xa0, reportLuns.cdbOperationCode());
        final byte[] lunList = readData(lunTarget, reportLuns);
        assertEquals(16, ((lunList[0] & 0xff) << 24 | (lunList[1] & 0xff) << 16 | (lunList[2] & 0xff) << 8 | lunList[3] & 0xff),
            "LUN LIST LENGTH: LUN 0 (controller) and LUN 1");
    }
}
