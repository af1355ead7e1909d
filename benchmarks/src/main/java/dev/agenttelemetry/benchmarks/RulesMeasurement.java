package dev.agenttelemetry.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agenttelemetry.analytics.detection.RuleEngine;
import dev.agenttelemetry.analytics.detection.SessionRuleState;
import dev.agenttelemetry.analytics.detection.UserBaseline;
import dev.agenttelemetry.analytics.rules.RuleBook;
import dev.agenttelemetry.analytics.rules.Violation;
import dev.agenttelemetry.avro.Severity;
import dev.agenttelemetry.collector.HookRequest;
import dev.agenttelemetry.launcher.rules.DetectionLabels;
import dev.agenttelemetry.launcher.rules.OfflineEvents;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        footer = {"", "Example:", "  agent-telemetry bench rules --corpora path/to/corpora --show-misses 10"})
public final class RulesMeasurement implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROJECT = "/home/dev/shop";

    @Option(names = "--corpora", paramLabel = "DIR", defaultValue = "${env:AGENT_TELEMETRY_CORPORA:-corpora}",
            description = "Directory with attacks.jsonl and benign-commands.jsonl (default: $AGENT_TELEMETRY_CORPORA, else ./corpora).")
    Path corpora;

    @Option(names = "--rules", paramLabel = "FILE", description = "A rule file instead of the shipped rules.")
    Path rules;

    @Option(names = "--show-misses", paramLabel = "N", defaultValue = "0",
            description = "Print up to N missed attacks of the tuning half, N alerting everyday commands and N alerting real commands.")
    int showMisses;

    @Option(names = "--by-technique", description = "Print recall per ATT&CK technique.")
    boolean byTechniqueListed;

    /** The half of the attack corpus a technique falls in, by its parent technique (T1059.004 goes with T1059). */
    static Half halfOf(String technique) {
        int dot = technique.indexOf('.');
        return Half.of(dot < 0 ? technique : technique.substring(0, dot));
    }

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
        Map<Half, Tally> byHalf = new EnumMap<>(Half.class);
        Map<String, Tally> byTechnique = new TreeMap<>();
        List<String> misses = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(attacksFile, StandardCharsets.UTF_8)) {
            JsonNode row = JSON.readTree(line);
            String strength = row.path("strength").asText();
            if (!strength.equals("direct") && !strength.equals("indirect")) {
                continue; // category "none": techniques with nothing to detect at the command level
            }
            DetectionLabels labels = DetectionLabels.of(row).orElseThrow(() -> new IllegalArgumentException("an attack without a category: " + line));
            String technique = row.path("technique").asText();
            Half half = halfOf(technique);
            List<Violation> fired = evaluate(engine, events, row.path("command").asText(), "attack-" + n++);
            boolean hit = labels.detectedBy(fired);
            int offset = strength.equals("direct") ? 0 : 2;
            for (Tally tally : List.of(byCategory.computeIfAbsent(row.path("category").asText(), c -> new Tally()),
                    byHalf.computeIfAbsent(half, h -> new Tally()), byTechnique.computeIfAbsent(technique, t -> new Tally()))) {
                tally.counts[offset]++;
                tally.counts[offset + 1] += hit ? 1 : 0;
            }
            if (!hit && half == Half.TUNING) {
                misses.add(strength + " " + row.path("category").asText() + " " + technique + ": "
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
        out.println("ATT&CK techniques split in two by parent technique id (rules are shaped on the tuning half only):");
        for (Half half : Half.values()) {
            Tally tally = byHalf.getOrDefault(half, new Tally());
            out.printf("%-26s %14s %14s%n", half.label, ratio(tally.counts[1], tally.counts[0]), ratio(tally.counts[3], tally.counts[2]));
        }
        out.println();
        if (byTechniqueListed) {
            out.printf("%-26s %14s %14s%n", "technique", "direct", "indirect");
            byTechnique.forEach((technique, tally) -> out.printf("%-26s %14s %14s%n", technique + " (" + halfOf(technique).label + ")",
                    ratio(tally.counts[1], tally.counts[0]), ratio(tally.counts[3], tally.counts[2])));
            out.println();
        }
        out.printf("everyday commands raising medium or above: %d of %d (%.2f %%); low-severity notices only: %d (%.2f %%)%n",
                benignAlerting, benign, 100.0 * benignAlerting / benign, benignLow, 100.0 * benignLow / benign);
        benignByRule.forEach((rule, count) -> out.printf("  %-26s %d%n", rule, count));
        List<String> noisyReal = new ArrayList<>();
        Path hooksFile = corpora.resolve("real-hooks.jsonl");
        if (Files.isRegularFile(hooksFile)) {
            Map<Half, int[]> real = new EnumMap<>(Half.class); // per half: {commands, medium or above, any alert}
            for (String line : Files.readAllLines(hooksFile, StandardCharsets.UTF_8)) {
                JsonNode row = JSON.readTree(line);
                JsonNode payload = row.path("payload");
                if (!payload.path("hook_event_name").asText().equals("PreToolUse") || !payload.path("tool_name").asText().equals("Bash")
                        || !payload.path("tool_input").path("command").isTextual()) {
                    continue;
                }
                String command = payload.path("tool_input").path("command").asText();
                List<Violation> fired = evaluate(engine, events, command, "real-" + benign++, payload.path("cwd").asText(PROJECT));
                boolean medium = fired.stream().anyMatch(v -> v.severity().ordinal() >= Severity.medium.ordinal());
                int[] counts = real.computeIfAbsent(Half.of(row.path("repo").asText()), h -> new int[3]);
                counts[0]++;
                counts[1] += medium ? 1 : 0;
                counts[2] += fired.isEmpty() ? 0 : 1;
                if (medium) {
                    noisyReal.add(ids(fired) + "  (" + command.length() + " characters; real commands are not printed)");
                }
            }
            out.println("real Bash commands of Claude Code sessions (real-hooks.jsonl, PreToolUse), repositories split in two by name:");
            for (Half half : Half.values()) {
                int[] counts = real.getOrDefault(half, new int[3]);
                out.printf("  %-9s %d commands; medium or above %d (%.1f %%, target <= 5 %%); any alert %d (%.1f %%)%n", half.label, counts[0],
                        counts[1], MaskingMeasurement.percent(counts[1], counts[0]), counts[2], MaskingMeasurement.percent(counts[2], counts[0]));
            }
        }
        if (showMisses > 0) {
            out.println();
            out.println("Missed attacks of the tuning half:");
            misses.stream().limit(showMisses).forEach(m -> out.println("  " + m));
            out.println("Everyday commands that alert:");
            noisy.stream().limit(showMisses).forEach(m -> out.println("  " + m));
            out.println("Real commands that alert at medium or above (the rules that fired):");
            noisyReal.stream().limit(showMisses).forEach(m -> out.println("  " + m));
        }
        return 0;
    }

    private static List<Violation> evaluate(RuleEngine engine, OfflineEvents events, String command, String session) throws Exception {
        return evaluate(engine, events, command, session, PROJECT);
    }

    /** @param cwd where the command runs: a real command keeps its session's own, so its project's paths stay inside it */
    private static List<Violation> evaluate(RuleEngine engine, OfflineEvents events, String command, String session, String cwd) throws Exception {
        String payload = JSON.createObjectNode().put("session_id", session).put("hook_event_name", "PreToolUse").put("cwd", cwd)
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
