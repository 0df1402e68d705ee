package io.ringtarget.server.edit;

import java.util.List;

/**
 * What editing commands did, as the CLI prints it whether it edited the file itself or a running target did: how
 * many lines were applied of how many, what each applied line said, warnings the result added, errors the
 * configuration still has from before, the failure that stopped the batch (null: none), and for a running target what
 * the change did to it and what it could not apply while running.
 */
public record EditResult(
    int applied,
    int total,
    List<String> output,
    List<String> warnings,
    List<String> stillToFix,
    EditFailure failure,
    List<String> changes,
    List<String> changeWarnings)
{
    public EditResult
    {
        output = List.copyOf(output);
        warnings = List.copyOf(warnings);
        stillToFix = List.copyOf(stillToFix);
        changes = null == changes ? List.of() : List.copyOf(changes);
        changeWarnings = null == changeWarnings ? List.of() : List.copyOf(changeWarnings);
    }

    /** The result of a batch run on a file: no running target to change. */
    public static EditResult of(final EditOutcome outcome, final int total)
    {
        return new EditResult(outcome.applied(), total, outcome.output(), outcome.warnings(), outcome.stillToFix(),
            outcome.failure(), List.of(), List.of());
    }

    /** The exit code of the command: 0, or the failure's. */
    public int exitCode()
    {
        return null == failure ? 0 : failure.exitCode();
    }
}
