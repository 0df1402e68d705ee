package io.ringtarget.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IscsiNamesTest
{
    @ParameterizedTest
    @ValueSource(strings = {
        "iqn.2026-04.com.example:target1",
        "iqn.1994-05.com.redhat:5ac5c0ff1a3",
        "iqn.2004-10.com.ubuntu:01:8e4bd5a7c9f",
        "iqn.2001-04.com.example:storage:diskarrays-sn-a8675309",
        "iqn.2001-04.com.example",
        "iqn.1991-05.com.microsoft:host.domain.local",
        "iqn.2026-11.io.ringtarget:demo",
        "eui.02004567A425678D",
        "eui.02004567a425678d",
        "naa.52004567BA64678D",
        "naa.62004567BA64678D0123456789ABCDEF",
    })
    void validNames(final String name)
    {
        assertNull(IscsiNames.problem(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "target1",
        "iqn.2026-13.com.example:t",
        "iqn.2026-4.com.example:t",
        "iqn.26-04.com.example:t",
        "iqn.2026-04:t",
        "iqn.2026-04.-com.example:t",
        "iqn.2026-04.com.example:",
        "iqn.2026-04.com.example:has space",
        "iqn.2026-04.com.example:under_score",
        "IQN.2026-04.com.example:t",
        "iqn.2026-04.com.EXAMPLE:t",
        "eui.02004567A425678",
        "eui.02004567A425678DX",
        "naa.52004567BA64678D01",
        "naa.zz004567BA64678D",
    })
    void invalidNames(final String name)
    {
        assertFalse(IscsiNames.isValid(name));
    }

    @Test
    void nameOfMoreThan223BytesIsRefused()
    {
        final String name = "iqn.2026-04.com.example:" + "a".repeat(200);
        assertTrue(IscsiNames.problem(name).contains("223"));
    }

    @Test
    void uppercaseIqnGetsTheLowercaseSpellingSuggested()
    {
        assertTrue(IscsiNames.problem("iqn.2026-04.com.Example:T").contains("write \"iqn.2026-04.com.example:t\""));
    }

    @Test
    void generatedNamesAreValidAndDiffer()
    {
        final String first = IscsiNames.generateTargetIqn();
        final String second = IscsiNames.generateTargetIqn();
        assertTrue(IscsiNames.isValid(first), first);
        assertTrue(first.startsWith("iqn.2026-11.io.ringtarget:"), first);
        assertNotEquals(first, second);
    }
}
