package io.ringtarget.scsi;

final class LuHarnessBytes
{
    private LuHarnessBytes()
    {
    }

    static byte[] of(final int[] values)
    {
        final byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++)
        {
            b[i] = (byte)values[i];
        }
        return b;
    }
}
