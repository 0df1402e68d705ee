package io.ringtarget.server.edit;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The words of a batch file's lines, as a shell would split them (without its expansions). */
class BatchLinesTest
{
    @Test
    void linesAreSplitIntoWordsWithTheirNumbers()
    {
        final List<EditLine> lines = BatchLines.parse(String.join("\n",
            "# a comment",
            "",
            "backstores ram create r1 1G   # after a command too",
            "ringtarget iscsi create iqn.2026-04.com.example:t1",
            "  iscsi tpg acls set-auth T I --chap-password 'se cret#1' --chap-user \"u \\\"x\\\"\"",
            "backstores fileio create d /a\\ b.img \\",
            "  1G",
            "x#y"));
        assertEquals(List.of(
            new EditLine(3, List.of("backstores", "ram", "create", "r1", "1G")),
            new EditLine(4, List.of("iscsi", "create", "iqn.2026-04.com.example:t1")),
            new EditLine(5, List.of("iscsi", "tpg", "acls", "set-auth", "T", "I", "--chap-password", "se cret#1",
                "--chap-user", "u \"x\"")),
            new EditLine(6, List.of("backstores", "fileio", "create", "d", "/a b.img", "1G")),
            new EditLine(8, List.of("x#y"))), lines);
    }

    @Test
    void anUnclosedQuoteNamesItsLine()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> BatchLines.parse("backstores ram create r1 1G\niscsi create 'iqn\n"));
        assertEquals("line 2: the quote ' is not closed", ex.getMessage());
    }

    @Test
    void nothingButCommentsIsNoLines()
    {
        assertEquals(List.of(), BatchLines.parse("# nothing\n\n   \n"));
    }
}
