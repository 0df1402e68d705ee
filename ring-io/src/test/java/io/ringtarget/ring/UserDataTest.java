package io.ringtarget.ring;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UserDataTest
{
    private static final int[] OWNERS = {0, 1, 2, 0x7F_FFFF, 0x80_0000, 0xFF_FFFE, UserData.MAX_OWNER_ID};
    private static final int[] TAGS = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x8000_0001, 0x7FFF_FFFE};

    @Test
    void packUnpackRoundTripsAtEveryEdge()
    {
        for (final int owner : OWNERS)
        {
            for (int op = 0; op <= UserData.MAX_OP; op++)
            {
                for (final int tag : TAGS)
                {
                    final long u = UserData.pack(owner, op, tag);
                    assertEquals(owner, UserData.ownerId(u), "owner");
                    assertEquals(op, UserData.op(u), "op");
                    assertEquals(tag, UserData.tag(u), "tag");
                }
            }
        }
    }

    @Test
    void fieldsDoNotBleedIntoEachOther()
    {
        assertEquals(0xFFFF_FFFFL, UserData.pack(0, 0, -1));
        assertEquals(0xFFL << 32, UserData.pack(0, 0xFF, 0));
        assertEquals(0xFF_FFFFL << 40, UserData.pack(UserData.MAX_OWNER_ID, 0, 0));
        assertEquals(-1L, UserData.pack(UserData.MAX_OWNER_ID, UserData.MAX_OP, -1));
        // Out-of-range inputs are masked to their width, never spill into a neighbour.
        assertEquals(UserData.pack(0, 0x01, 7), UserData.pack(0, 0x101, 7));
        assertEquals(UserData.pack(5, 3, 7), UserData.pack(0x100_0005, 3, 7));
    }
}
