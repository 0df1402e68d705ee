package io.ringtarget.iscsi.node;

import io.ringtarget.scsi.LogicalUnit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The LUNs a session sees: all of its TPG's, or those its node ACL maps (LUN masking, targetcli's mapped LUNs).
 * Indexed by LUN number for a lookup per command without hashing; built at configuration time, read-only after.
 */
public final class LunView
{
    /** No LUN at all (a discovery session). */
    public static final LunView NONE = new LunView(List.of());

    private final LunMapping[] lunsByNumber;
    private final long[] lunNumbers;
    private final LogicalUnit[] logicalUnits;
    private final int[][] lunNumbersOfUnit;
    private final String described;

    public LunView(final List<LunMapping> luns)
    {
        int max = -1;
        for (final LunMapping m : luns)
        {
            max = Math.max(max, m.lun());
        }
        this.lunsByNumber = new LunMapping[max + 1];
        this.lunNumbers = new long[luns.size()];
        int i = 0;
        for (final LunMapping m : luns)
        {
            lunsByNumber[m.lun()] = m;
            lunNumbers[i++] = m.lun();
        }
        Arrays.sort(lunNumbers);
        final List<LogicalUnit> units = new ArrayList<>();
        for (final LunMapping m : luns)
        {
            if (!units.contains(m.logicalUnit()))
            {
                units.add(m.logicalUnit());
            }
        }
        this.logicalUnits = units.toArray(new LogicalUnit[0]);
        this.lunNumbersOfUnit = new int[logicalUnits.length][];
        for (int u = 0; u < logicalUnits.length; u++)
        {
            final LogicalUnit unit = logicalUnits[u];
            lunNumbersOfUnit[u] = luns.stream().filter(m -> m.logicalUnit() == unit).mapToInt(LunMapping::lun)
                .toArray();
        }
        this.described = describe(lunNumbers, lunsByNumber);
    }

    /**
     * The LUNs for people: each number in ascending order, with the TPG's LUN where it is shown under another number
     * and whether it is read-only: "0 (TPG LUN 3), 1 (read-only)", or "none". Made once, with the view.
     */
    public String describe()
    {
        return described;
    }

    private static String describe(final long[] lunNumbers, final LunMapping[] lunsByNumber)
    {
        if (lunNumbers.length == 0)
        {
            return "none";
        }
        final StringBuilder sb = new StringBuilder();
        for (final long n : lunNumbers)
        {
            final LunMapping m = lunsByNumber[(int)n];
            if (!sb.isEmpty())
            {
                sb.append(", ");
            }
            sb.append(n);
            if (m.tpgLun() != m.lun() || m.readOnly())
            {
                sb.append(" (").append(m.tpgLun() != m.lun() ? "TPG LUN " + m.tpgLun() : "")
                    .append(m.tpgLun() != m.lun() && m.readOnly() ? ", " : "").append(m.readOnly() ? "read-only" : "")
                    .append(')');
            }
        }
        return sb.toString();
    }

    /** The mapping of a LUN number, or null when this view has no such LUN. */
    public LunMapping lun(final int lun)
    {
        return lun >= 0 && lun < lunsByNumber.length ? lunsByNumber[lun] : null;
    }

    /** LUN numbers in ascending order, for REPORT LUNS. */
    public long[] lunNumbers()
    {
        return lunNumbers;
    }

    /** The distinct logical units of this view (a backstore mapped under two LUN numbers is one). */
    public LogicalUnit[] logicalUnits()
    {
        return logicalUnits;
    }

    /** The LUN numbers under which {@link #logicalUnits()}{@code [index]} is mapped in this view. */
    public int[] lunNumbersOf(final int index)
    {
        return lunNumbersOfUnit[index];
    }

    /** The same LUN numbers, each mapping the same logical unit. */
    public boolean sameInventory(final LunView other)
    {
        if (!Arrays.equals(lunNumbers, other.lunNumbers))
        {
            return false;
        }
        for (final long n : lunNumbers)
        {
            if (lun((int)n).logicalUnit() != other.lun((int)n).logicalUnit())
            {
                return false;
            }
        }
        return true;
    }
}
