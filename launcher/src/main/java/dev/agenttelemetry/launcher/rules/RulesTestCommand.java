package dev.agenttelemetry.launcher.rules;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code agent-telemetry rules test}: the rules applied offline, in file order, to hook payloads or events,
 * with the same engine (windows, thresholds, suppression) as the analytics app.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Evaluates the rules on a file of hook payloads (as Claude Code posts them) or events (as on the events",
                "topic), one JSON object a line, and prints one result per input line, then a summary. Inputs without a",
                "received_at are spaced one second apart. Exit code 0 when the file was read (whatever fired), 1 when",
                "some lines could not be read, 2 when the rule file is invalid."},
        footer = {"", "Examples:", "  agent-telemetry rules test --events captured.jsonl",
                "  agent-telemetry rules test --rules rules.yaml --events captured.jsonl --json \\",
                "      | jq 'select(.rules != [])'"})
public final class RulesTestCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--rules", paramLabel = "FILE", description = "A rule file (default: the shipped rules).")
    Path rules;

    @Option(names = "--events", paramLabel = "FILE", required = true, description = "Hook payloads or events, one JSON object a line ('-' for stdin).")
    String events;

    @Option(names = "--json", description = "One JSON object a line: {\"line\": N, \"rules\": [{\"id\", \"severity\"}]}, then a summary object.")
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
                try {
                    clock = clock.plusSeconds(1);
                    event = reader.fromJson(line, lineNumber, clock);
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
                print(out, lineNumber, event, fired);
            }
        }
        summary(out, inputs, unreadable, flagged, byRule);
        out.flush();
        return unreadable > 0 ? 1 : 0;
    }

    private void print(PrintWriter out, long lineNumber, AgentEvent event, List<Violation> fired) {
        if (json) {
            ObjectNode result = JSON.createObjectNode().put("line", lineNumber);
            ArrayNode rules = result.putArray("rules");
            fired.forEach(v -> rules.addObject().put("id", v.rule().id()).put("severity", v.severity().name()).put("evidence", v.evidence()));
            out.println(result);
        } else if (fired.isEmpty()) {
            out.println("line " + lineNumber + ": -");
        } else {
            for (Violation v : fired) {
                out.println("line " + lineNumber + ": " + v.rule().id() + " (" + v.severity() + "): " + v.evidence().replace('\n', ' '));
            }
        }
    }

    private void summary(PrintWriter out, int inputs, int unreadable, int flagged, Map<String, Integer> byRule) {
        if (json) {
            ObjectNode summary = JSON.createObjectNode();
            ObjectNode s = summary.putObject("summary").put("inputs", inputs).put("unreadable", unreadable).put("flagged", flagged);
            ObjectNode rules = s.putObject("by_rule");
            byRule.forEach(rules::put);
            out.println(summary);
            return;
        }
        out.println();
        out.println(inputs + " inputs, " + flagged + " raised at least one rule, " + unreadable + " unreadable");
        byRule.forEach((rule, count) -> out.printf("  %-26s %d%n", rule, count));
    }
}
