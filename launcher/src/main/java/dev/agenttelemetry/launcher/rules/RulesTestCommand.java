package dev.agenttelemetry.launcher.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agenttelemetry.analytics.detection.RuleEngine;
import dev.agenttelemetry.analytics.detection.SessionRuleState;
import dev.agenttelemetry.analytics.detection.UserBaseline;
import dev.agenttelemetry.analytics.rules.RuleBook;
import dev.agenttelemetry.analytics.rules.RuleFileException;
import dev.agenttelemetry.analytics.rules.Violation;
import dev.agenttelemetry.avro.AgentEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code agent-telemetry rules test}: the rules applied offline, in file order, to hook payloads or events,
 * with the same engine (windows, thresholds, suppression) as the analytics app.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Evaluates the rules on a file of hook payloads (as Claude Code posts them), events (as on the events",
                "topic) or bare commands ({\"command\": \"...\"}, each run as a Bash PreToolUse in a session of its own),",
                "one JSON object a line, and prints one result per input line, then a summary. Inputs without a",
                "received_at are spaced one second apart. Lines labelled with the behaviour they show (\"category\" and",
                "\"categories\", or \"expect\": a rule id; \"technique\" and \"strength\" group the figures) are scored: a line",
                "is detected when a rule of one of its categories fires, at any severity; the summary gives recall by",
                "category, strength and technique, and lists the misses. Exit code 0 when the file was read (whatever",
                "fired), 1 when some lines could not be read, 2 when the rule file is invalid."},
        footer = {"", "Examples:", "  agent-telemetry rules test --events captured.jsonl",
                "  agent-telemetry rules test --rules rules.yaml --events captured.jsonl --json \\",
                "      | jq 'select(.rules != [])'",
                "  agent-telemetry rules test --events labelled-attacks.jsonl"})
public final class RulesTestCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--rules", paramLabel = "FILE", description = "A rule file (default: the shipped rules).")
    Path rules;

    @Option(names = "--events", paramLabel = "FILE", required = true, description = "Hook payloads or events, one JSON object a line ('-' for stdin).")
    String events;

    @Option(names = "--json", description = "One JSON object a line: {\"line\": N, \"rules\": [{\"id\", \"category\", \"severity\", \"evidence\"}],"
            + " \"detected\" on labelled lines}, then a summary object.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        RuleBook book;
        try {
            book = RuleBook.loadOrDefaults(Optional.ofNullable(rules));
        } catch (RuleFileException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 2;
        }
        RuleEngine engine = new RuleEngine(book);
        OfflineEvents reader = new OfflineEvents();
        Map<String, SessionRuleState> sessions = new HashMap<>();
        Map<String, UserBaseline> baselines = new HashMap<>();
        Map<String, Integer> byRule = new TreeMap<>();
        PrintWriter out = spec.commandLine().getOut();
        int inputs = 0;
        int unreadable = 0;
        int flagged = 0;
        Recall recall = new Recall();
        Instant clock = Instant.now();
        try (BufferedReader in = events.equals("-") ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of(events), StandardCharsets.UTF_8)) {
            String line;
            long lineNumber = 0;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                inputs++;
                AgentEvent event;
                Optional<DetectionLabels> labels;
                try {
                    clock = clock.plusSeconds(1);
                    JsonNode root = OfflineEvents.read(line);
                    labels = DetectionLabels.of(root);
                    event = reader.fromJson(root, line, lineNumber, clock);
                } catch (IllegalArgumentException e) {
                    unreadable++;
                    if (json) {
                        out.println(JSON.createObjectNode().put("line", lineNumber).put("error", e.getMessage()));
                    } else {
                        out.println("line " + lineNumber + ": error: " + e.getMessage());
                    }
                    continue;
                }
                SessionRuleState state = sessions.computeIfAbsent(event.getSessionId(), s -> new SessionRuleState());
                List<Violation> fired = engine.onEvent(event, state, user -> baselines.getOrDefault(user, UserBaseline.empty())).violations();
                fired.forEach(v -> byRule.merge(v.rule().id(), 1, Integer::sum));
                flagged += fired.isEmpty() ? 0 : 1;
                Optional<Boolean> detected = labels.map(l -> l.detectedBy(fired));
                if (labels.isPresent()) {
                    recall.add(labels.get(), detected.get(), lineNumber);
                }
                print(out, lineNumber, fired, detected);
            }
        }
        summary(out, inputs, unreadable, flagged, byRule, recall);
        out.flush();
        return unreadable > 0 ? 1 : 0;
    }

    private void print(PrintWriter out, long lineNumber, List<Violation> fired, Optional<Boolean> detected) {
        if (json) {
            ObjectNode result = JSON.createObjectNode().put("line", lineNumber);
            ArrayNode rules = result.putArray("rules");
            fired.forEach(v -> rules.addObject().put("id", v.rule().id()).put("category", v.rule().category()).put("severity", v.severity().name())
                    .put("evidence", v.evidence()));
            detected.ifPresent(d -> result.put("detected", d));
            out.println(result);
            return;
        }
        String missed = detected.orElse(true) ? "" : "  (missed)";
        if (fired.isEmpty()) {
            out.println("line " + lineNumber + ": -" + missed);
        } else {
            for (Violation v : fired) {
                out.println("line " + lineNumber + ": " + v.rule().id() + " (" + v.severity() + "): " + v.evidence().replace('\n', ' ') + missed);
            }
        }
    }

    private void summary(PrintWriter out, int inputs, int unreadable, int flagged, Map<String, Integer> byRule, Recall recall) {
        if (json) {
            ObjectNode summary = JSON.createObjectNode();
            ObjectNode s = summary.putObject("summary").put("inputs", inputs).put("unreadable", unreadable).put("flagged", flagged);
            ObjectNode rules = s.putObject("by_rule");
            byRule.forEach(rules::put);
            if (recall.labelled() > 0) {
                recall.toJson(s.putObject("recall"));
            }
            out.println(summary);
            return;
        }
        out.println();
        out.println(inputs + " inputs, " + flagged + " raised at least one rule, " + unreadable + " unreadable");
        byRule.forEach((rule, count) -> out.printf("  %-26s %d%n", rule, count));
        if (recall.labelled() > 0) {
            recall.print(out);
        }
    }

    /** Detected and labelled lines, in all and by category, strength and technique. */
    private static final class Recall {
        private final Map<String, int[]> byCategory = new TreeMap<>();
        private final Map<String, int[]> byStrength = new TreeMap<>();
        private final Map<String, int[]> byTechnique = new TreeMap<>();
        private final int[] all = new int[2];
        private final List<Long> missedLines = new ArrayList<>();

        void add(DetectionLabels labels, boolean detected, long lineNumber) {
            count(all, detected);
            count(byCategory.computeIfAbsent(labels.category(), c -> new int[2]), detected);
            if (!labels.strength().isEmpty()) {
                count(byStrength.computeIfAbsent(labels.strength(), c -> new int[2]), detected);
            }
            if (!labels.technique().isEmpty()) {
                count(byTechnique.computeIfAbsent(labels.technique(), c -> new int[2]), detected);
            }
            if (!detected) {
                missedLines.add(lineNumber);
            }
        }

        private static void count(int[] tally, boolean detected) {
            tally[0]++;
            tally[1] += detected ? 1 : 0;
        }

        int labelled() {
            return all[0];
        }

        void print(PrintWriter out) {
            out.printf("recall on labelled lines: %s%n", ratio(all));
            for (Map.Entry<String, Map<String, int[]>> group : List.of(Map.entry("category", byCategory), Map.entry("strength", byStrength),
                    Map.entry("technique", byTechnique))) {
                if (!group.getValue().isEmpty()) {
                    out.println("  by " + group.getKey() + ":");
                    group.getValue().forEach((name, tally) -> out.printf("    %-26s %s%n", name, ratio(tally)));
                }
            }
            if (!missedLines.isEmpty()) {
                out.println("  missed lines: " + missedLines.stream().map(String::valueOf).collect(Collectors.joining(", ")));
            }
        }

        void toJson(ObjectNode recall) {
            recall.put("labelled", all[0]).put("detected", all[1]);
            groupJson(recall.putObject("by_category"), byCategory);
            groupJson(recall.putObject("by_strength"), byStrength);
            groupJson(recall.putObject("by_technique"), byTechnique);
            ArrayNode missed = recall.putArray("missed_lines");
            missedLines.forEach(missed::add);
        }

        private static void groupJson(ObjectNode node, Map<String, int[]> group) {
            group.forEach((name, tally) -> node.putObject(name).put("labelled", tally[0]).put("detected", tally[1]));
        }

        private static String ratio(int[] tally) {
            return String.format("%d/%d = %.1f %%", tally[1], tally[0], 100.0 * tally[1] / tally[0]);
        }
    }
}
