package dev.agenttelemetry.launcher.rules;

import dev.agenttelemetry.analytics.rules.RuleBook;
import dev.agenttelemetry.analytics.rules.RuleDefinition;
import dev.agenttelemetry.analytics.rules.RuleFileException;
import dev.agenttelemetry.analytics.rules.TechniqueCoverage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code agent-telemetry rules}: check, try and print security rule files. */
@Command(name = "rules", mixinStandardHelpOptions = true,
        subcommands = {RulesCommand.Validate.class, RulesTestCommand.class, RulesCommand.Defaults.class, RulesCommand.ListRules.class},
        description = "Security rules: validate a rule file, test rules offline on captured events, print the defaults.",
        footer = {"", "Examples:", "  agent-telemetry rules defaults > rules.yaml   start from the shipped rules",
                "  agent-telemetry rules validate rules.yaml     check it (errors name lines)",
                "  agent-telemetry rules test --rules rules.yaml --events captured.jsonl",
                "", "Run the pipeline with them:", "  agent-telemetry up --set analytics.rules.file=rules.yaml"})
public final class RulesCommand {

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Checks a rule file and lists every problem with its line. Exit code 0 when valid, 1 when not, 2 when unreadable.")
    static final class Validate implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The rule file (YAML).")
        Path file;

        @Override
        public Integer call() {
            try {
                RuleBook book = RuleBook.load(file);
                spec.commandLine().getOut().println(file + ": valid, " + book.rules().size() + " rules ("
                        + String.join(", ", book.rules().stream().map(RuleDefinition::id).toList()) + ")");
                return 0;
            } catch (RuleFileException e) {
                spec.commandLine().getErr().println(e.getMessage());
                return 1;
            } catch (IOException e) {
                spec.commandLine().getErr().println("error: cannot read " + file + ": " + e.getMessage());
                return 2;
            }
        }
    }

    @Command(name = "defaults", mixinStandardHelpOptions = true, description = "Prints the shipped rule file, to copy and edit.")
    static final class Defaults implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().print(RuleBook.defaultsText());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the rules in force (the defaults, or --rules FILE).")
    static final class ListRules implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @picocli.CommandLine.Option(names = "--rules", paramLabel = "FILE", description = "A rule file instead of the defaults.")
        Path rules;

        @picocli.CommandLine.Option(names = "--techniques",
                description = "The ATT&CK techniques for Linux and macOS an agent could carry out, with the rules covering each or why it is out of scope.")
        boolean techniques;

        @picocli.CommandLine.Option(names = "--markdown", description = "With --techniques: a Markdown table.")
        boolean markdown;

        @Override
        public Integer call() throws IOException {
            RuleBook book;
            try {
                book = RuleBook.loadOrDefaults(java.util.Optional.ofNullable(rules));
            } catch (RuleFileException e) {
                spec.commandLine().getErr().println(e.getMessage());
                return 1;
            }
            if (techniques) {
                printTechniques(book);
                return 0;
            }
            spec.commandLine().getOut().printf("%-26s %-9s %-24s %s%n", "ID", "SEVERITY", "CATEGORY", "TITLE");
            for (RuleDefinition rule : book.rules()) {
                spec.commandLine().getOut().printf("%-26s %-9s %-24s %s%n", rule.id(), rule.severity(), rule.category(), rule.title());
            }
            return 0;
        }

        /** A rule the table names but the rule file in force lacks is marked, so a trimmed rule file shows its gaps. */
        private void printTechniques(RuleBook book) {
            java.util.Set<String> present = new java.util.HashSet<>();
            book.rules().forEach(rule -> present.add(rule.id()));
            java.io.PrintWriter out = spec.commandLine().getOut();
            if (markdown) {
                out.println("| technique | name | tactic | rules | what they catch, or why it is out of scope |");
                out.println("|---|---|---|---|---|");
            } else {
                out.printf("%-10s %-22s %-40s %s%n", "TECHNIQUE", "TACTIC", "RULES", "NAME");
            }
            int covered = 0;
            List<TechniqueCoverage.Technique> all = TechniqueCoverage.defaults();
            for (TechniqueCoverage.Technique technique : all) {
                List<String> rules = technique.rules().stream().map(id -> present.contains(id) ? id : id + " (not in this rule file)").toList();
                covered += technique.rules().stream().anyMatch(present::contains) ? 1 : 0;
                String ruleText = rules.isEmpty() ? "out of scope" : String.join(", ", rules);
                if (markdown) {
                    out.printf("| %s | %s | %s | %s | %s |%n", technique.id(), technique.name(), technique.tactic(), ruleText, technique.note());
                } else {
                    out.printf("%-10s %-22s %-40s %s%n", technique.id(), technique.tactic(), ruleText, technique.name());
                }
            }
            if (!markdown) {
                out.printf("%d techniques, %d covered by rules in force, %d out of scope%n", all.size(), covered,
                        all.stream().filter(t -> t.rules().isEmpty()).count());
            }
        }
    }
}
