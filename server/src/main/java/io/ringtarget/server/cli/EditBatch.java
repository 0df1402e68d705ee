package io.ringtarget.server.cli;

import io.ringtarget.server.config.ConfigProblem;
import io.ringtarget.server.config.ConfigValidator;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.edit.EditFailure;
import io.ringtarget.server.edit.EditLine;
import io.ringtarget.server.edit.EditOutcome;
import io.ringtarget.server.edit.EditRunner;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs editing commands against a configuration, as the CLI edits a file and as a running target edits what it serves
 * ({@link EditRunner}): each line is parsed with the command tree and its edit applied in order, up to the first that
 * cannot be made; then the result is validated once (with the checks of this machine's files), and when it has an
 * error the configuration had not before, the first line after which it has one is found by bisection over the
 * configurations after each line (log2 of the lines in validations, not one per line: a batch of 1,000 creations
 * validates about 11 times, not 1,000). That line stops the batch; the lines before it stand.
 * <p>
 * One tree serves every line (picocli resets each option before it parses), so a runner is used by one thread at a
 * time.
 */
final class EditBatch implements EditRunner
{
    private final CommandLine tree = Main.commandLine();

    @Override
    public EditOutcome run(final RingtargetConfig base, final List<EditLine> lines)
    {
        return run(base, lines, null);
    }

    /**
     * @param single a command parsed already, run as the one line of {@code lines} (the CLI's own command), or null.
     */
    EditOutcome run(final RingtargetConfig base, final List<EditLine> lines, final EditCommand single)
    {
        final List<RingtargetConfig> prefixes = new ArrayList<>();
        final List<String> output = new ArrayList<>();
        RingtargetConfig current = base;
        EditFailure failure = null;
        for (final EditLine line : lines)
        {
            try
            {
                final EditCommand command = null == single ? parse(line) : single;
                final RingtargetConfig next = command.edit(current);
                output.add(command.done(current, next));
                prefixes.add(next);
                current = next;
            }
            catch (final CliException ex)
            {
                failure = new EditFailure(line.number(), ex.exitCode(), ex.getMessage(), List.of());
            }
            catch (final ParameterException | IllegalArgumentException ex)
            {
                failure = new EditFailure(line.number(), ExitCodes.INVALID, ex.getMessage(), List.of());
            }
            catch (final NullPointerException ex)
            {
                failure = new EditFailure(line.number(), ExitCodes.INVALID, "the configuration is incomplete (run " +
                    "\"ringtarget config validate\" and fix it by hand): " + ex.getMessage(), List.of());
            }
            if (null != failure)
            {
                break;
            }
        }
        final Validation validation = new Validation(base);
        int accepted = prefixes.size();
        if (accepted > 0 && validation.addsErrors(prefixes.get(accepted - 1)))
        {
            int valid = 0;   // the base: no error added
            int invalid = accepted;
            while (invalid - valid > 1)
            {
                final int mid = (valid + invalid) >>> 1;
                if (validation.addsErrors(prefixes.get(mid - 1)))
                {
                    invalid = mid;
                }
                else
                {
                    valid = mid;
                }
            }
            failure = new EditFailure(lines.get(invalid - 1).number(), ExitCodes.INVALID,
                "refused, the configuration would not be valid",
                validation.addedErrors(prefixes.get(invalid - 1)));
            accepted = valid;
        }
        final RingtargetConfig result = accepted == 0 ? base : prefixes.get(accepted - 1);
        return new EditOutcome(result, accepted, output.subList(0, accepted), validation.addedWarnings(result),
            validation.stillToFix(result), failure, prefixes.subList(0, accepted));
    }

    /** The editing command a line names, parsed; refused when it is not one or carries options of the whole run. */
    private EditCommand parse(final EditLine line)
    {
        final ParseResult parsed = tree.parseArgs(line.args().toArray(new String[0]));
        ParseResult leaf = parsed;
        while (leaf.hasSubcommand())
        {
            leaf = leaf.subcommand();
        }
        if (parsed.isUsageHelpRequested() || parsed.isVersionHelpRequested() || leaf.isUsageHelpRequested() ||
            leaf.isVersionHelpRequested())
        {
            throw new IllegalArgumentException("--help and --version are for the command line, not a batch");
        }
        final RingtargetCommand root = tree.getCommand();
        if (null != root.configFile || null != root.adminSocket)
        {
            throw new IllegalArgumentException("-c/--config and --admin-socket are the batch's, not a line's: " +
                "give them to \"ringtarget batch\"");
        }
        if (!(leaf.commandSpec().userObject() instanceof EditCommand command))
        {
            throw new IllegalArgumentException("\"" + String.join(" ", line.args()) + "\" does not change the " +
                "configuration: a batch runs only the commands of backstores, iscsi and discovery-auth that do");
        }
        return command;
    }

    /**
     * The problems of configurations compared with those the base had, by their text (path and message). Each
     * configuration is validated once.
     */
    private static final class Validation
    {
        private final Set<String> before = new HashSet<>();
        private final Map<RingtargetConfig, List<ConfigProblem>> problems = new IdentityHashMap<>();

        Validation(final RingtargetConfig base)
        {
            problems(base).forEach(p -> before.add(p.toString()));
        }

        private List<ConfigProblem> problems(final RingtargetConfig config)
        {
            return problems.computeIfAbsent(config, c -> ConfigValidator.validate(c, true));
        }

        boolean addsErrors(final RingtargetConfig config)
        {
            return !addedErrors(config).isEmpty();
        }

        List<String> addedErrors(final RingtargetConfig config)
        {
            return added(config, true);
        }

        List<String> addedWarnings(final RingtargetConfig config)
        {
            return added(config, false);
        }

        List<String> stillToFix(final RingtargetConfig config)
        {
            final List<String> old = new ArrayList<>();
            for (final ConfigProblem p : ConfigProblem.errors(problems(config)))
            {
                if (before.contains(p.toString()))
                {
                    old.add(p.toString());
                }
            }
            return old;
        }

        private List<String> added(final RingtargetConfig config, final boolean errors)
        {
            final List<String> added = new ArrayList<>();
            for (final ConfigProblem p : problems(config))
            {
                if (p.isError() == errors && !before.contains(p.toString()))
                {
                    added.add(p.toString());
                }
            }
            return added;
        }
    }
}
