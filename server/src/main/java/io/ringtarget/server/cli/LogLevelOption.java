package io.ringtarget.server.cli;

import io.ringtarget.iscsi.log.EventLog;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;


/** {@code --log-level} of the commands that run a target ({@code serve}, {@code demo}). */
final class LogLevelOption
{
    @Option(names = "--log-level", paramLabel = "debug|info|warn|error", defaultValue = "info",
        converter = LevelConverter.class,
        description = "The lowest level of event logged (default info; warn leaves out logins, logouts and " +
            "portals; debug adds the io_uring set-up and keys an initiator declares twice in a login).")
    EventLog.Level level;

    /** Lower-case names, as administrators write them (and as the log does not: it prints upper case). */
    static final class LevelConverter implements ITypeConverter<EventLog.Level>
    {
        @Override
        public EventLog.Level convert(final String value)
        {
            final EventLog.Level level = EventLog.Level.parse(value);
            if (null == level)
            {
                throw new TypeConversionException("\"" + value + "\" is not a log level: debug, info, warn or error");
            }
            return level;
        }
    }
}
