package dev.agenttelemetry.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agenttelemetry.analytics.detection.RuleEngine;
import dev.agenttelemetry.analytics.detection.SessionRuleState;
import dev.agenttelemetry.analytics.detection.UserBaseline;
import dev.agenttelemetry.analytics.rules.RuleBook;
import dev.agenttelemetry.analytics.rules.Violation;
import dev.agenttelemetry.avro.Severity;
import dev.agenttelemetry.collector.HookRequest;
import dev.agenttelemetry.launcher.rules.OfflineEvents;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code agent-telemetry bench rules}: detection measured on external corpora. Each command of the attack
 * corpus (Atomic Red Team) and of the everyday-command corpus (tldr) is posted as a Bash PreToolUse inside a
 * project, enriched as the pipeline would, and evaluated by the rules in a session of its own. An attack is
 * detected when a rule of one of its labelled categories fires.
 */
@Command(name = "rules", mixinStandardHelpOptions = true,
        description = {"Measures the rules on the labelled corpora: recall per attack category (direct and indirect",
                "separately) and the share of everyday commands that raise an alert."},
        footer = {"", "Example:", "  agent-telemetry bench rules --corpora ../shared/corpora --show-misses 10"})
public final class RulesMeasurement implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROJECT = "/home/dev/shop";

    @Option(names = "--corpora", paramLabel = "DIR", defaultValue = "../shared/corpora",
            description = "Directory with attacks.jsonl and benign-commands.jsonl (default: ${DEFAULT-VALUE}).")
    Path corpora;

    @Option(names = "--rules", paramLabel = "FILE", description = "A rule file instead of the shipped rules.")
    Path rules;

    @Option(names = "--show-misses", paramLabel = "N", defaultValue = "0", description = "Print up to N missed direct attacks and N alerting everyday commands.")
    int showMisses;

    private record Tally(int[] counts) {
        Tally() {
            this(new int[4]); // direct total, direct hit, indirect total, indirect hit
        }
    }

    @Override
    public Integer call() throws Exception {
        Path attacksFile = corpora.resolve("attacks.jsonl");
        Path benignFile = corpora.resolve("benign-commands.jsonl");
        if (!Files.isRegularFile(attacksFile) || !Files.isRegularFile(benignFile)) {
            System.err.println("error: no attacks.jsonl and benign-commands.jsonl in " + corpora.toAbsolutePath() + " (use --corpora DIR)");
            return 2;
        }
        RuleEngine engine = new RuleEngine(RuleBook.loadOrDefaults(Optional.ofNullable(rules)));
        OfflineEvents events = new OfflineEvents();
        PrintStream out = System.out;
        Map<String, Tally> byCategory = new TreeMap<>();
        List<String> misses = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(attacksFile, StandardCharsets.UTF_8)) {
            JsonNode row = JSON.readTree(line);
            String strength = row.path("strength").asText();
            if (!strength.equals("direct") && !strength.equals("indirect")) {
                continue; // category "none": techniques with nothing to detect at the command level
            }
            Set<String> categories = new HashSet<>();
            row.path("categories").forEach(c -> categories.add(c.asText()));
            categories.add(row.path("category").asText());
            List<Violation> fired = evaluate(engine, events, row.path("command").asText(), "attack-" + n++);
            boolean hit = fired.stream().anyMatch(v -> categories.contains(v.rule().category()));
            Tally tally = byCategory.computeIfAbsent(row.path("category").asText(), c -> new Tally());
            int offset = strength.equals("direct") ? 0 : 2;
            tally.counts[offset]++;
            tally.counts[offset + 1] += hit ? 1 : 0;
            if (!hit && strength.equals("direct")) {
                misses.add(row.path("category").asText() + " " + row.path("technique").asText() + ": "
                        + abbreviate(row.path("command").asText()) + (fired.isEmpty() ? "" : "  [fired: " + ids(fired) + "]"));
            }
        }
        int benign = 0;
        int benignAlerting = 0;
        int benignLow = 0;
        Map<String, Integer> benignByRule = new TreeMap<>();
        List<String> noisy = new ArrayList<>();
        for (String line : Files.readAllLines(benignFile, StandardCharsets.UTF_8)) {
            JsonNode row = JSON.readTree(line);
            List<Violation> fired = evaluate(engine, events, row.path("text").asText(), "benign-" + benign++);
            boolean alerting = fired.stream().anyMatch(v -> v.severity().ordinal() >= Severity.medium.ordinal());
            if (alerting) {
                benignAlerting++;
                fired.stream().filter(v -> v.severity().ordinal() >= Severity.medium.ordinal())
                        .forEach(v -> benignByRule.merge(v.rule().id(), 1, Integer::sum));
                noisy.add(abbreviate(row.path("text").asText()) + "  [" + ids(fired) + "]");
            } else if (!fired.isEmpty()) {
                benignLow++;
            }
        }
        out.println("Rules measured on " + corpora + " (each command a Bash PreToolUse in " + PROJECT + ", its own session)");
        out.println();
        out.printf("%-26s %14s %14s%n", "attack category", "direct", "indirect");
        int[] total = new int[4];
        byCategory.forEach((category, tally) -> {
            out.printf("%-26s %14s %14s%n", category, ratio(tally.counts[1], tally.counts[0]), ratio(tally.counts[3], tally.counts[2]));
            for (int i = 0; i < 4; i++) {
                total[i] += tally.counts[i];
            }
        });
        out.printf("%-26s %14s %14s%n", "all", ratio(total[1], total[0]), ratio(total[3], total[2]));
        out.println();
        out.printf("everyday commands raising medium or above: %d of %d (%.2f %%); low-severity notices only: %d (%.2f %%)%n",
                benignAlerting, benign, 100.0 * benignAlerting / benign, benignLow, 100.0 * benignLow / benign);
        benignByRule.forEach((rule, count) -> out.printf("  %-26s %d%n", rule, count));
        if (showMisses > 0) {
            out.println();
            out.println("Missed direct attacks:");
            misses.stream().limit(showMisses).forEach(m -> out.println("  " + m));
            out.println("Everyday commands that alert:");
            noisy.stream().limit(showMisses).forEach(m -> out.println("  " + m));
        }
        return 0;
    }

    private static List<Violation> evaluate(RuleEngine engine, OfflineEvents events, String command, String session) throws Exception {
        String payload = JSON.createObjectNode().put("session_id", session).put("hook_event_name", "PreToolUse").put("cwd", PROJECT)
                .put("tool_name", "Bash").put("tool_use_id", "toolu_" + session)
                .set("tool_input", JSON.createObjectNode().put("command", command)).toString();
        HookRequest hook = HookRequest.of(JSON.readTree(payload));
        return engine.onEvent(events.hookEvent(hook, payload, session, Instant.now()), new SessionRuleState(), user -> UserBaseline.empty())
                .violations();
    }

    private static String ids(List<Violation> violations) {
        return String.join(", ", violations.stream().map(v -> v.rule().id() + "/" + v.severity()).toList());
    }

    private static String ratio(int hit, int total) {
        return total == 0 ? "-" : String.format("%d/%d %5.1f%%", hit, total, 100.0 * hit / total);
    }

    private static String abbreviate(String command) {
        String flat = command.replace('\n', ' ');
        return flat.length() > 140 ? flat.substring(0, 140) + "…" : flat;
    }
}
