package dev.agenttelemetry.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * Descriptions are written in source lines of ~120 characters, and picocli prints every line on a line of
 * its own, wrapped at 80: sentences broke mid-way. Lines are joined into paragraphs here, a new one after a
 * line that ends a sentence (a summary line stays on its own) or before an indented one (examples, lists).
 */
final class HelpText {
    private HelpText() {
    }

    /** Joins the descriptions of the command, its options and parameters, and of every subcommand. */
    static void joinParagraphs(CommandLine commandLine) {
        CommandSpec spec = commandLine.getCommandSpec();
        spec.usageMessage().description(paragraphs(spec.usageMessage().description()));
        for (OptionSpec option : new ArrayList<>(spec.options())) {
            if (option.description().length > 1 && option.group() == null) {
                replace(spec, option, OptionSpec.builder(option).description(paragraphs(option.description())).build());
            }
        }
        for (PositionalParamSpec parameter : new ArrayList<>(spec.positionalParameters())) {
            if (parameter.description().length > 1 && parameter.group() == null) {
                replace(spec, parameter, PositionalParamSpec.builder(parameter).description(paragraphs(parameter.description())).build());
            }
        }
        commandLine.getSubcommands().values().forEach(HelpText::joinParagraphs);
    }

    private static void replace(CommandSpec spec, ArgSpec old, OptionSpec joined) {
        spec.remove(old);
        spec.addOption(joined);
    }

    private static void replace(CommandSpec spec, ArgSpec old, PositionalParamSpec joined) {
        spec.remove(old);
        spec.addPositional(joined);
    }

    static String[] paragraphs(String[] lines) {
        List<String> joined = new ArrayList<>();
        StringBuilder paragraph = null;
        for (String line : lines) {
            boolean startsAnew = paragraph == null || line.isEmpty() || line.startsWith(" ") || endsSentence(paragraph);
            if (startsAnew) {
                if (paragraph != null) {
                    joined.add(paragraph.toString());
                }
                paragraph = new StringBuilder(line);
            } else {
                paragraph.append(' ').append(line.strip());
            }
        }
        if (paragraph != null) {
            joined.add(paragraph.toString());
        }
        return joined.toArray(new String[0]);
    }

    private static boolean endsSentence(CharSequence text) {
        if (text.length() == 0) {
            return true;
        }
        char last = text.charAt(text.length() - 1);
        return last == '.' || last == ':' || last == '!' || last == '?';
    }
}
