package io.ringtarget.server.edit;

import java.util.List;

/**
 * One editing command of a batch: its line number (1 for a single command) and its arguments, as on the command line
 * after {@code ringtarget} ({@code backstores ram create r1 1G}).
 */
public record EditLine(int number, List<String> args)
{
    public EditLine
    {
        args = List.copyOf(args);
    }
}
