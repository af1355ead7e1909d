package dev.agenttelemetry.launcher.sessions;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.EventType;
import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.avro.ToolPairing;
import dev.agenttelemetry.launcher.KafkaOptions;
import dev.agenttelemetry.schemas.json.RecordJson;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.topics.TopicCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code agent-telemetry session ID}: one session as a timeline of prompts, tool calls, sub-agents and alerts. */
@Command(name = "session", mixinStandardHelpOptions = true,
        description = {"Prints one session as a timeline.",
                "Prints a session as a timeline: prompts, tool calls with what they touched, their results with",
                "durations, sub-agent delegations, and the alerts they raised, in order.",
                "Exit codes: 0 printed, 1 no such session or Kafka unreachable, 2 usage."},
        footer = {"", "Examples:", "  agent-telemetry session 4f1c2a0e-1b2c-4d5e-8f90-123456789abc",
                "  agent-telemetry session $SESSION --json | jq 'select(.type == \"alert\")'"})
public final class SessionCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    @Mixin
    KafkaOptions kafka;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SESSION_ID", description = "The session to show.")
    String sessionId;

    @Option(names = "--json", description = "One JSON object per line ({\"type\": \"event\"|\"alert\", ...the record}) instead of a timeline.")
    boolean json;

    private record Row(Instant at, long order, String text, ObjectNode record) {
    }

    @Override
    public Integer call() throws InterruptedException {
        KafkaOptions.Resolved resolved = kafka.resolve();
        TopicCatalog topics = TopicCatalog.of(resolved.settings().topics(), new SchemaRegistryClient(resolved.schemaRegistryUrl()));
        List<AgentEvent> events = SessionRecords.read(resolved.kafka(), topics.events(), sessionId);
        if (events.isEmpty()) {
            spec.commandLine().getErr().println("error: no events of session " + sessionId + " on " + topics.events().name()
                    + " (a wrong id, or older than the topic's retention)");
            return 1;
        }
        List<SecurityAlert> alerts = SessionRecords.read(resolved.kafka(), topics.alerts(), sessionId);
        List<Row> rows = new ArrayList<>();
        for (AgentEvent event : events) {
            ObjectNode record = RecordJson.toNode(event).put("type", "event");
            rows.add(new Row(event.getReceivedAt(), event.getSequence(), describe(event), record));
        }
        // An alert's closing count comes as a second record with the same id: show the latest of each.
        java.util.Map<String, SecurityAlert> latest = new java.util.LinkedHashMap<>();
        alerts.forEach(alert -> latest.put(alert.getAlertId(), alert));
        for (SecurityAlert alert : latest.values()) {
            rows.add(new Row(alert.getFirstSeen(), Long.MAX_VALUE, "  ⚠ " + alert.getSeverity().name().toUpperCase() + " " + alert.getRuleId()
                    + (alert.getCount() > 1 ? " ×" + alert.getCount() : "") + ": " + oneLine(alert.getEvidence()),
                    RecordJson.toNode(alert).put("type", "alert")));
        }
        rows.sort(Comparator.comparing(Row::at).thenComparingLong(Row::order));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            rows.forEach(row -> out.println(row.record()));
        } else {
            AgentEvent first = events.get(0);
            out.println("Session " + sessionId + (first.getProjectName() == null ? "" : " in " + first.getProjectName()) + ": "
                    + events.size() + " events, " + latest.size() + " alerts");
            for (Row row : rows) {
                out.println(TIME.format(row.at()) + "  " + (row.order() == Long.MAX_VALUE ? "     " : String.format("#%-4d", row.order()))
                        + " " + row.text());
            }
        }
        out.flush();
        return 0;
    }

    /** One line saying what the event was: the tool call and what it touched, its result, the prompt. */
    public static String describe(AgentEvent event) {
        String tool = event.getToolName() == null ? "" : event.getToolName();
        ToolPairing pairing = event.getPairing();
        if (pairing != null && !"PreToolUse".equals(event.getHookEventName())) {
            return "◀ " + tool + ": " + switch (pairing.getOutcome()) {
                case success -> "ok in " + duration(pairing.getDurationMs());
                case failure -> "FAILED after " + duration(pairing.getDurationMs()) + (pairing.getError() == null ? "" : ": " + oneLine(pairing.getError()));
                case no_result -> "no result";
            };
        }
        if (event.getEventType() == EventType.user_prompt && event.getPrompt() != null) {
            return "prompt: " + oneLine(event.getPrompt().getPreview());
        }
        if ("PreToolUse".equals(event.getHookEventName())) {
            String what = event.getEventType() == EventType.sub_agent_delegation
                    ? "sub-agent " + (event.getSubagentType() == null ? "" : event.getSubagentType() + " ") + nullToEmpty(event.getDescription())
                    : firstOf(event.getCommand(), event.getFilePath(), event.getUrl(), event.getPattern(), event.getQuery(), event.getDescription());
            return "▶ " + tool + ": " + oneLine(what) + (event.getOutsideProjectScope() ? "  (outside the project)" : "");
        }
        return event.getHookEventName() + (tool.isEmpty() ? "" : " " + tool);
    }

    private static String duration(long millis) {
        return millis < 1000 ? millis + " ms" : String.format("%.1f s", millis / 1000.0);
    }

    private static String firstOf(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return "";
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    private static String oneLine(String text) {
        String flat = text == null ? "" : text.replace('\n', ' ');
        return flat.length() > 160 ? flat.substring(0, 160) + "…" : flat;
    }
}
