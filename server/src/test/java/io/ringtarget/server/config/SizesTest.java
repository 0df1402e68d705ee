package io.ringtarget.server.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SizesTest
{
    @ParameterizedTest
    @CsvSource({
        "4096, 4096",
        "0, 0",
        "1K, 1024",
        "512M, 536870912",
        "512m, 536870912",
        "1G, 1073741824",
        "10G, 10737418240",
        "10GiB, 10737418240",
        "10GB, 10737418240",
        "10 g, 10737418240",
        "2T, 2199023255552",
        "1P, 1125899906842624",
        "7E, 8070450532247928832",
    })
    void parses(final String text, final long bytes)
    {
        assertEquals(bytes, Sizes.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", " ", "G", "1.5G", "-1", "10X", "10 GiBs", "8E", "99999999999999999999" })
    void refuses(final String text)
    {
        assertThrows(IllegalArgumentException.class, () -> Sizes.parse(text));
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0B",
        "1000, 1000B",
        "1024, 1KiB",
        "1073741824, 1GiB",
        "10737418240, 10GiB",
        "1610612736, 1.5GiB",
        "1536, 1.5KiB",
    })
    void formats(final long bytes, final String text)
    {
        assertEquals(text, Sizes.format(bytes));
    }
}
