package io.ringtarget.server.cli.build;

import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.List;

/**
 * The {@code ringtarget(1)} manual page in man(7) troff, rendered from the picocli command tree: every command with
 * its synopsis, description, arguments, options and examples, so that the page cannot drift from the CLI.
 * <p>
 * picocli-codegen's ManPageGenerator writes AsciiDoc, which needs Asciidoctor to become a manual page; through
 * Maven that is JRuby, measured here at about 13 s more per build and 30 MB of downloads. The tree has all a page
 * needs, so it is rendered directly.
 */
final class ManPage
{
    private static final String NL = "\n";

    private ManPage()
    {
    }

    /**
     * @param root    the root command.
     * @param version the version line, e.g. {@code ringtarget 0.1.0-SNAPSHOT (commit 8b6dee0)}.
     * @return the page.
     */
    static String render(final CommandLine root, final String version)
    {
        final CommandSpec spec = root.getCommandSpec();
        final StringBuilder page = new StringBuilder();
        page.append(".TH RINGTARGET 1 \"\" \"").append(escape(version)).append("\" \"ringtarget manual\"").append(NL);
        page.append(".SH NAME").append(NL).append("ringtarget \\- a userspace iSCSI target (RFC 7143) on io_uring").append(NL);
        page.append(".SH SYNOPSIS").append(NL).append(".B ringtarget").append(NL)
            .append("[\\fB\\-c\\fR \\fIFILE\\fR] \\fICOMMAND\\fR [\\fIARGUMENTS\\fR]").append(NL);
        page.append(".SH DESCRIPTION").append(NL);
        paragraphs(page, spec.usageMessage().description());
        page.append(".SH OPTIONS").append(NL);
        options(page, spec, true);
        page.append(".SH COMMANDS").append(NL);
        for (final CommandLine sub : root.getSubcommands().values())
        {
            command(page, sub);
        }
        page.append(".SH EXIT STATUS").append(NL)
            .append("0 done; 1 failed (an I/O error, the engine could not start); 2 refused (a bad command line, a bad " +
                "configuration or an edit that cannot be made: nothing was changed).").append(NL);
        page.append(".SH ENVIRONMENT").append(NL).append(".TP").append(NL).append(".B RINGTARGET_CONFIG").append(NL)
            .append("The configuration file when \\fB\\-c\\fR is not given.").append(NL);
        page.append(".SH FILES").append(NL).append(".TP").append(NL).append(".I /etc/ringtarget/saveconfig.json").append(NL)
            .append("The default configuration file (mode 0600: it holds CHAP secrets); the previous version is kept " +
                "as saveconfig.json.bak.").append(NL);
        page.append(".SH SEE ALSO").append(NL)
            .append("iscsiadm(8), targetcli(8); docs/admin-guide.md and docs/configuration.md in the source tree.")
            .append(NL);
        return page.toString();
    }

    private static void command(final StringBuilder page, final CommandLine command)
    {
        final CommandSpec spec = command.getCommandSpec();
        if (spec.userObject() instanceof CommandLine.HelpCommand)
        {
            return; // "ringtarget help COMMAND" is said in the root's description
        }
        page.append(".SS \"").append(escape(synopsis(spec))).append('"').append(NL);
        paragraphs(page, spec.usageMessage().description());
        for (final PositionalParamSpec parameter : spec.positionalParameters())
        {
            if (!parameter.hidden())
            {
                page.append(".TP").append(NL).append("\\fI").append(escape(parameter.paramLabel())).append("\\fR").append(NL);
                lines(page, parameter.description());
            }
        }
        options(page, spec, false);
        final List<String> footer = List.of(spec.usageMessage().footer());
        if (footer.stream().anyMatch(line -> !line.isBlank()))
        {
            page.append(".PP").append(NL).append(".nf").append(NL);
            footer.stream().filter(line -> !line.isBlank()).forEach(line -> page.append(escape(line)).append(NL));
            page.append(".fi").append(NL);
        }
        for (final CommandLine sub : command.getSubcommands().values())
        {
            command(page, sub);
        }
    }

    /** The options a command declares; the inherited and standard ones are described once, under the root. */
    private static void options(final StringBuilder page, final CommandSpec spec, final boolean root)
    {
        for (final OptionSpec option : spec.options())
        {
            if (option.hidden() || (!root && (option.inherited() || option.usageHelp() || option.versionHelp())))
            {
                continue;
            }
            page.append(".TP").append(NL).append("\\fB").append(escape(String.join(", ", option.names()))).append("\\fR");
            if (option.typeInfo().isBoolean() || option.arity().max() == 0)
            {
                page.append(NL);
            }
            else
            {
                page.append("=\\fI").append(escape(option.paramLabel())).append("\\fR").append(NL);
            }
            lines(page, option.description());
        }
    }

    private static String synopsis(final CommandSpec spec)
    {
        final Help help = new Help(spec, Help.defaultColorScheme(Help.Ansi.OFF));
        return help.synopsis(0).strip().replaceAll("\\s+", " ");
    }

    private static void paragraphs(final StringBuilder page, final String[] text)
    {
        for (final String paragraph : text)
        {
            page.append(".PP").append(NL).append(escape(paragraph)).append(NL);
        }
    }

    private static void lines(final StringBuilder page, final String[] text)
    {
        page.append(escape(String.join(" ", text))).append(NL);
    }

    /** man(7) text: a backslash is {@code \e}, a hyphen {@code \-}, and a line may not start with a control character. */
    static String escape(final String text)
    {
        final String escaped = text.replace("\\", "\\e").replace("-", "\\-");
        return escaped.startsWith(".") || escaped.startsWith("'") ? "\\&" + escaped : escaped;
    }
}
