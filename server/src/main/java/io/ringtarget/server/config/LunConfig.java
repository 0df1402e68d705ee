package io.ringtarget.server.config;

/** A LUN of a TPG mapped to a backstore by name; {@code readOnly} makes writes fail with DATA PROTECT. */
public record LunConfig(int lun, String backstore, boolean readOnly)
{
}
