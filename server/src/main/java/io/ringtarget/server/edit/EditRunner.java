package io.ringtarget.server.edit;

import io.ringtarget.server.config.RingtargetConfig;

import java.util.List;

/**
 * Runs editing commands ({@code backstores ...}, {@code iscsi ...}, {@code discovery-auth ...}) against a
 * configuration: each line's edit in order, stopping at the first that cannot be made, then the validation of the
 * result (the first line after which it is not valid stops the batch there). The same rules whether the CLI edits a
 * file or a running target edits what it serves; nothing is saved or applied here.
 */
@FunctionalInterface
public interface EditRunner
{
    EditOutcome run(RingtargetConfig base, List<EditLine> lines);
}
