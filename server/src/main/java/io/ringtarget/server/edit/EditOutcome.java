package io.ringtarget.server.edit;

import io.ringtarget.server.config.RingtargetConfig;

import java.util.List;

/**
 * What a batch of editing commands did to a configuration: the configuration after the last line that was applied
 * (lines are applied in order, up to the first that fails), what each applied line said ("Created LUN 1 (disk2)."), the
 * problems the result has that the configuration had not before (warnings only: an error stops the batch), the errors
 * it had already and still has (they do not block edits, so that a broken file can be repaired), and the failure that
 * stopped it, or null.
 *
 * @param prefixes the configuration after each line, for a caller that must find the first line a later step
 *                 refuses: {@code prefixes.get(i)} is the configuration after line {@code i + 1}.
 */
public record EditOutcome(
    RingtargetConfig config,
    int applied,
    List<String> output,
    List<String> warnings,
    List<String> stillToFix,
    EditFailure failure,
    List<RingtargetConfig> prefixes)
{
    public EditOutcome
    {
        output = List.copyOf(output);
        warnings = List.copyOf(warnings);
        stillToFix = List.copyOf(stillToFix);
        prefixes = List.copyOf(prefixes);
    }

    public boolean failed()
    {
        return null != failure;
    }
}
