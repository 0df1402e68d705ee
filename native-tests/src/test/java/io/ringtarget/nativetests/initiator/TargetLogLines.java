package io.ringtarget.nativetests.initiator;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The target's log lines about one initiator's sessions to one target: its logins (with the negotiated keys) and
 * the closing line of each connection (why it closed and its tallies).
 */
final class TargetLogLines
{
    private static final Pattern CLOSING = Pattern.compile("closing: (\\S+).*\\[PDUs (\\d+), commands (\\d+), " +
        "protocol errors (\\d+), digest errors (\\d+)");

    private final List<String> lines;
    private final String target;

    /**
     * @param log       the target's whole log.
     * @param initiator the initiator's name.
     * @param target    the target's name.
     */
    TargetLogLines(final String log, final String initiator, final String target)
    {
        this.lines = log.lines().filter(l -> l.contains(initiator)).toList();
        this.target = target;
    }

    /**
     * One connection's end, from its closing line.
     *
     * @param reason   why it closed ("logout", "initiator", ...: the first word after "closing:").
     * @param pdus     PDUs received on it.
     * @param commands SCSI commands among them.
     * @param protocolErrors protocol errors.
     * @param digestErrors   digest errors.
     * @param line     the whole line.
     */
    record Closing(String reason, long pdus, long commands, long protocolErrors, long digestErrors, String line)
    {
        /** @return PDUs that were not commands: login, logout, NOP-Out, Data-Out, Text, task management. */
        long nonCommandPdus()
        {
            return pdus - commands;
        }
    }

    /** @return the lines about the initiator (discovery sessions too), for messages and the test's output. */
    List<String> all()
    {
        return lines;
    }

    /** @return the login lines of the initiator's normal sessions to the target, in order. */
    List<String> logins()
    {
        return lines.stream().filter(l -> l.contains("login: ") && l.contains("-> " + target + " TSIH")).toList();
    }

    /** @return the closing lines of those sessions' connections, in order. */
    List<Closing> closings()
    {
        return lines.stream()
            .filter(l -> l.contains("-> " + target + " TSIH"))
            .map(CLOSING::matcher)
            .filter(Matcher::find)
            .map(m -> new Closing(m.group(1), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                Long.parseLong(m.group(4)), Long.parseLong(m.group(5)), m.group()))
            .toList();
    }

    @Override
    public String toString()
    {
        return String.join("\n", lines);
    }
}
