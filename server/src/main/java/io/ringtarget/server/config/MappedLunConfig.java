package io.ringtarget.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One of an ACL's mapped LUNs (targetcli's mapped_lun): the number its initiator sees ({@code lun}), the TPG's LUN
 * shown under it ({@code tpgLun}, null: the same number) and whether that initiator may only read it
 * ({@code readOnly}, targetcli's write_protect; null: as its ACL). In the file a plain number {@code 2} is LUN 2 of
 * the TPG under its own number, as older versions wrote it; anything else is an object
 * {@code {"lun": 0, "tpgLun": 3, "readOnly": true}}.
 */
public record MappedLunConfig(int lun, Integer tpgLun, Boolean readOnly)
{
    @JsonCreator
    public MappedLunConfig(
        @JsonProperty(value = "lun", required = true) final int lun,
        @JsonProperty("tpgLun") final Integer tpgLun,
        @JsonProperty("readOnly") final Boolean readOnly)
    {
        this.lun = lun;
        this.tpgLun = null == tpgLun || tpgLun == lun ? null : tpgLun;
        this.readOnly = Boolean.TRUE.equals(readOnly) ? Boolean.TRUE : null;
    }

    /** LUN {@code lun} of the TPG under its own number (a plain number in the file). */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static MappedLunConfig of(final int lun)
    {
        return new MappedLunConfig(lun, null, null);
    }

    /** The TPG's LUN this mapping shows. */
    public int tpgLunOrLun()
    {
        return null == tpgLun ? lun : tpgLun;
    }

    public boolean readOnlyOrDefault()
    {
        return Boolean.TRUE.equals(readOnly);
    }

    /** A plain number when it is just a LUN under its own number, so that older versions still read the file. */
    @JsonValue
    Object json()
    {
        if (null == tpgLun && null == readOnly)
        {
            return lun;
        }
        final Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("lun", lun);
        if (null != tpgLun)
        {
            fields.put("tpgLun", tpgLun);
        }
        if (null != readOnly)
        {
            fields.put("readOnly", readOnly);
        }
        return fields;
    }

    /** As the command line writes it: {@code 2}, {@code 0=3}, {@code 1:ro}, {@code 0=3:ro}. */
    @Override
    public String toString()
    {
        return lun + (null == tpgLun ? "" : "=" + tpgLun) + (null == readOnly ? "" : ":ro");
    }
}
