package io.ringtarget.scsi;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Coverage-guided fuzzing (Jazzer) of the state file readers (persistent reservations, medium operation, self-test
 * log, mode parameters, error counters): a file a crash, a disk or a hand edit left may hold anything, and the server
 * must then refuse to start with the file's name and what is wrong, never fail some other way or load half of it.
 * What must hold for any bytes, raw or sealed with a valid checksum (so that the fields are reached): the reader
 * returns a record or throws its store's {@link StateFileException}, and a record it returns is written back the same
 * (encoding what it read, reading that and encoding again gives the same bytes).
 * <p>
 * A normal build replays the seeds in src/test/resources/io/ringtarget/scsi/StateFileFuzzTestInputs/; {@code CI=true}
 * fuzzes briefly; a longer run as for {@link CdbFuzzTest}, with {@code -Dtest='StateFileFuzzTest#readers'}.
 */
class StateFileFuzzTest
{
    private static final String SERIAL = "FUZZ0001";
    /** Never touched: the readers decode bytes; the directory only names the file in messages. */
    private static final Path STATE = Path.of("/nonexistent/ringtarget-fuzz-state");

    @FuzzTest(maxDuration = "30s")
    void readers(final FuzzedDataProvider data) throws StateFileException
    {
        final int store = data.consumeInt(0, 4);
        final boolean seal = data.consumeBoolean();
        final byte[] raw = data.consumeRemainingAsBytes();
        final byte[] bytes = seal ? DurableFile.seal(new String(raw, StandardCharsets.US_ASCII)) : raw;
        switch (store)
        {
            case 0 ->
            {
                final ModeParameterStore s = new ModeParameterStore(STATE, SERIAL);
                final byte[] again;
                try
                {
                    again = ModeParameterStore.encode(s.decode(bytes), SERIAL);
                }
                catch (final ModeParameterStateException refused)
                {
                    return;
                }
                assertArrayEquals(again, ModeParameterStore.encode(s.decode(again), SERIAL));
            }
            case 1 ->
            {
                final ErrorCounterStore s = new ErrorCounterStore(STATE, SERIAL);
                final byte[] again;
                try
                {
                    again = ErrorCounterStore.encode(s.decode(bytes), SERIAL);
                }
                catch (final ErrorCounterStateException refused)
                {
                    return;
                }
                assertArrayEquals(again, ErrorCounterStore.encode(s.decode(again), SERIAL));
            }
            case 2 ->
            {
                final SelfTestLogStore s = new SelfTestLogStore(STATE, SERIAL);
                final byte[] again;
                try
                {
                    again = SelfTestLogStore.encode(s.decode(bytes), SERIAL);
                }
                catch (final SelfTestLogStateException refused)
                {
                    return;
                }
                assertArrayEquals(again, SelfTestLogStore.encode(s.decode(again), SERIAL));
            }
            case 3 ->
            {
                final MediumOperationStore s = new MediumOperationStore(STATE, SERIAL);
                final byte[] again;
                try
                {
                    again = MediumOperationStore.encode(s.decode(bytes), SERIAL);
                }
                catch (final MediumOperationStateException refused)
                {
                    return;
                }
                assertArrayEquals(again, MediumOperationStore.encode(s.decode(again), SERIAL));
            }
            default ->
            {
                final PersistentReservationStore s = new PersistentReservationStore(STATE, SERIAL);
                final byte[] again;
                try
                {
                    again = PersistentReservationStore.encode(s.decode(bytes, RegistrationTable.MAX_REGISTRATIONS),
                        SERIAL);
                }
                catch (final PersistentReservationStateException refused)
                {
                    return;
                }
                assertArrayEquals(again, PersistentReservationStore.encode(s.decode(again,
                    RegistrationTable.MAX_REGISTRATIONS), SERIAL));
            }
        }
    }
}
