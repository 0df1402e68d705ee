package io.ringtarget.server.cli;

import io.ringtarget.server.config.ConfigDefaults;
import io.ringtarget.server.config.EngineConfig;
import io.ringtarget.server.config.RingtargetConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ringtarget engine set ...}: the file's engine section (event loops, idling, NOP-In defaults, TCP congestion
 * control, data buffers, receive coalescing) without editing JSON. The process's settings apply at the next start
 * (the command and the log say so); the NOP-In defaults and receive coalescing at once.
 */
@Command(name = "engine", description = "The engine: event loops, idling, NOP-In defaults, TCP congestion control " +
    "and data buffers (docs/configuration.md, engine).",
    subcommands = { EngineCommand.Set.class })
final class EngineCommand extends CommandGroup
{
    /** What an option set to this takes back to the default (the field is left out of the file). */
    static final String DEFAULT = "default";

    @Command(name = "set", description = "Sets engine settings; loops, CPU pinning, idling, TCP congestion control " +
        "and data buffers apply at the next start, the NOP-In defaults and receive coalescing at once.",
        footer = { "", "Examples:", "  ringtarget engine set --loops 4 --pin-cpus true",
            "  ringtarget engine set --idle-strategy ring --idle-spin-micros 0",
            "  ringtarget engine set --data-buffers 128 --large-transfer-region-mib 16",
            "  ringtarget engine set --spill-region-mib 0",
            "  ringtarget engine set --tcp-congestion-control cubic",
            "  ringtarget engine set --tcp-congestion-control default --data-buffers default" })
    static final class Set extends EditCommand
    {
        @Option(names = "--loops", paramLabel = "N", description = "Event loops (0 = one per CPU).")
        Integer loops;

        @Option(names = "--pin-cpus", paramLabel = "true|false", arity = "1", description = "Pin loop i to CPU i.")
        Boolean pinCpus;

        @Option(names = "--idle-strategy", paramLabel = "ring|busy|backoff",
            description = "ring: poll after work, then sleep; busy: spin (a core per loop); backoff.")
        String idleStrategy;

        @Option(names = "--idle-spin-micros", paramLabel = "MICROS",
            description = "With ring: how long a loop polls after its last work (0..10000; up to 4x that while " +
                "requests come just after it).")
        Integer idleSpinMicros;

        @Option(names = "--nopin-interval", paramLabel = "SECONDS",
            description = "NOP-In ping after that much silence, for discovery sessions and TPGs without their own " +
                "(0 = no pings).")
        Integer nopInInterval;

        @Option(names = "--nopin-timeout", paramLabel = "SECONDS", description = "How long a ping may go unanswered.")
        Integer nopInTimeout;

        @Option(names = "--tcp-congestion-control", paramLabel = "NAME|default",
            description = "cubic, dctcp, bbr, ... for every connection; default: the host's.")
        String tcpCongestionControl;

        @Option(names = "--data-buffers", paramLabel = "N|default", description = "64 KiB data buffers per loop " +
            "(16..8192; default 256).")
        String dataBuffers;

        @Option(names = "--large-transfer-region-mib", paramLabel = "MIB|default",
            description = "MiB per loop for commands above 64 KiB (1..4096; default 32).")
        String largeTransferRegionMiB;

        @Option(names = "--spill-region-mib", paramLabel = "MIB|default",
            description = "MiB per loop, unpinned and taken only as used, for commands that find the pinned " +
                "buffers in use (0 = none: they get buffers of their own; 0..16384; default 4 x the large-transfer " +
                "region).")
        String spillRegionMiB;

        @Option(names = "--receive-coalescing-micros", paramLabel = "MICROS|default",
            description = "How long a connection's receive waits when its initiator is 12 or more responses " +
                "behind (a deep queue), so that its next commands are taken and answered in batches, and how long " +
                "ready responses wait for an initiator's next commands on a loop saturated by several initiators " +
                "(0 = never; 0..10000; default 50).")
        String receiveCoalescingMicros;

        @Override
        RingtargetConfig edit(final RingtargetConfig current)
        {
            if (null == loops && null == pinCpus && null == idleStrategy && null == idleSpinMicros &&
                null == nopInInterval && null == nopInTimeout && null == tcpCongestionControl && null == dataBuffers &&
                null == largeTransferRegionMiB && null == spillRegionMiB && null == receiveCoalescingMicros)
            {
                throw new IllegalArgumentException("nothing to set (see ringtarget engine set --help)");
            }
            final EngineConfig e = null == current.engine() ? ConfigDefaults.engine() : current.engine();
            return current.withEngine(new EngineConfig(
                null == loops ? e.loops() : loops,
                null == pinCpus ? e.pinCpus() : pinCpus,
                null == idleStrategy ? e.idleStrategy() : idleStrategy,
                null == idleSpinMicros ? e.idleSpinMicros() : idleSpinMicros,
                null == nopInInterval ? e.nopInIntervalSeconds() : nopInInterval,
                null == nopInTimeout ? e.nopInTimeoutSeconds() : nopInTimeout,
                null == tcpCongestionControl ? e.tcpCongestionControl() :
                    DEFAULT.equals(tcpCongestionControl) ? null : tcpCongestionControl,
                null == dataBuffers ? e.dataBuffers() : number("--data-buffers", dataBuffers),
                null == largeTransferRegionMiB ? e.largeTransferRegionMiB() :
                    number("--large-transfer-region-mib", largeTransferRegionMiB),
                null == spillRegionMiB ? e.spillRegionMiB() : number("--spill-region-mib", spillRegionMiB),
                null == receiveCoalescingMicros ? e.receiveCoalescingMicros() :
                    number("--receive-coalescing-micros", receiveCoalescingMicros)));
        }

        /** A whole number, or null for {@link #DEFAULT}; the validator checks the range. */
        private static Integer number(final String option, final String value)
        {
            if (DEFAULT.equals(value))
            {
                return null;
            }
            try
            {
                return Integer.valueOf(value);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(option + ": \"" + value + "\" is not a number or \"" + DEFAULT +
                    "\"");
            }
        }

        @Override
        String done(final RingtargetConfig before, final RingtargetConfig after)
        {
            return "Engine: " + ConfigTree.engine(after.engine()) + ".";
        }
    }
}
