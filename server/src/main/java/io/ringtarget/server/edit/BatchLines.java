package io.ringtarget.server.edit;

import java.util.ArrayList;
import java.util.List;

/**
 * The lines of a batch file ({@code ringtarget batch FILE}): one command a line, written as in a shell, with or
 * without the leading {@code ringtarget}. Words are separated by blanks; {@code 'single quotes'} keep everything,
 * {@code "double quotes"} keep everything but {@code \"} and {@code \\}, a backslash outside quotes keeps the next
 * character, and one at the end of a line continues the command on the next line. {@code #} at the start of a word
 * begins a comment. Blank and comment lines are skipped; line numbers count every line of the file. No variables,
 * globs or substitutions: a batch is data, not a script.
 */
public final class BatchLines
{
    private static final String PROGRAM = "ringtarget";

    private BatchLines()
    {
    }

    /**
     * @return the commands, each with the number of the line it starts on.
     * @throws IllegalArgumentException for an unterminated quote, naming its line.
     */
    public static List<EditLine> parse(final String text)
    {
        final List<EditLine> lines = new ArrayList<>();
        final List<String> words = new ArrayList<>();
        final StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int line = 1;
        int start = 1;
        int i = 0;
        while (i <= text.length())
        {
            final char c = i < text.length() ? text.charAt(i) : '\n';
            if (c == '\n')
            {
                if (inWord)
                {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                add(lines, start, words);
                line++;
                start = line;
                i++;
            }
            else if (c == ' ' || c == '\t' || c == '\r')
            {
                if (inWord)
                {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
            }
            else if (c == '#' && !inWord)
            {
                while (i < text.length() && text.charAt(i) != '\n')
                {
                    i++;
                }
            }
            else if (c == '\\')
            {
                if (i + 1 < text.length() && text.charAt(i + 1) == '\n')
                {
                    line++;   // continued on the next line
                    i += 2;
                }
                else
                {
                    if (i + 1 < text.length())
                    {
                        word.append(text.charAt(i + 1));
                    }
                    inWord = true;
                    i += 2;
                }
            }
            else if (c == '\'' || c == '"')
            {
                final int end = closing(text, i, c, line);
                for (int j = i + 1; j < end; j++)
                {
                    final char q = text.charAt(j);
                    if (c == '"' && q == '\\' && j + 1 < end && (text.charAt(j + 1) == '"' || text.charAt(j + 1) == '\\'))
                    {
                        j++;
                        word.append(text.charAt(j));
                    }
                    else
                    {
                        if (q == '\n')
                        {
                            line++;
                        }
                        word.append(q);
                    }
                }
                inWord = true;
                i = end + 1;
            }
            else
            {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        return lines;
    }

    private static int closing(final String text, final int open, final char quote, final int line)
    {
        for (int j = open + 1; j < text.length(); j++)
        {
            final char c = text.charAt(j);
            if (c == quote)
            {
                return j;
            }
            if (quote == '"' && c == '\\')
            {
                j++;
            }
        }
        throw new IllegalArgumentException("line " + line + ": the quote " + quote + " is not closed");
    }

    private static void add(final List<EditLine> lines, final int number, final List<String> words)
    {
        if (!words.isEmpty() && PROGRAM.equals(words.getFirst()))
        {
            words.removeFirst();
        }
        if (!words.isEmpty())
        {
            lines.add(new EditLine(number, words));
        }
        words.clear();
    }
}
