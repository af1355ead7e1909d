package dev.agenttelemetry.launcher.log;

import dev.agenttelemetry.launcher.up.Pipeline;
import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.EventType;
import dev.agenttelemetry.avro.ToolOutcome;
import dev.agenttelemetry.launcher.KafkaOptions;
import dev.agenttelemetry.schemas.json.RecordJson;
import dev.agenttelemetry.launcher.TimeArgument;
import dev.agenttelemetry.launcher.TopicScan;
import dev.agenttelemetry.launcher.sessions.SessionCommand;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.topics.TopicCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;

/** {@code agent-telemetry log}: query what the agents did, from Loki when one is configured, else from the events topic. */
@Command(name = "log", mixinStandardHelpOptions = true,
        description = {"Lists agent events by time, session, tool, type, status or keyword.",
                "Lists agent events matching the filters, oldest first (or the last N with --tail). Reads Grafana Loki",
                "(LogQL) when --loki-url or loki.url is set, the events topic otherwise.",
                "Exit codes: 0 listed (also when nothing matched), 1 Kafka or Loki unreachable, 2 usage."},
        footer = {"", "Examples:", "  agent-telemetry log --tail 20",
                "  agent-telemetry log --since 2h --tool Bash --status failure",
                "  agent-telemetry log --date 2026-11-23 --keyword migrate --format json \\",
                "      | jq .command",
                "  agent-telemetry log --date-range 2026-11-16..2026-11-22 --format summary"})
public final class LogCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    @Mixin
    KafkaOptions kafka;

    @Spec
    CommandSpec spec;

    @Option(names = "--tail", paramLabel = "N", description = "Only the last N matching events.")
    Integer tail;

    @Option(names = "--since", paramLabel = "TIME", description = "From this time: 2026-11-23T10:00:00Z, 2026-11-23, or 30m, 2h, 7d ago (default: 24h ago).")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Up to this time (default: now).")
    String until;

    @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "One day (UTC).")
    String date;

    @Option(names = "--date-range", paramLabel = "FROM..TO", description = "Days FROM to TO (UTC), both included.")
    String dateRange;

    @Option(names = "--session", paramLabel = "ID", description = "One session.")
    String session;

    @Option(names = "--tool", paramLabel = "NAME", description = "One tool, e.g. Bash, Edit, mcp__github__create_issue.")
    String tool;

    @Option(names = "--event-type", paramLabel = "TYPE", description = "One event type, e.g. command_execution, file_edit, user_prompt.")
    String eventType;

    @Option(names = "--status", paramLabel = "STATUS", description = "How the tool call ended: success, failure or no_result.")
    String status;

    @Option(names = "--keyword", paramLabel = "TEXT", description = "Text in the command, paths, URL, pattern, query, description, prompt or error.")
    String keyword;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "1000", description = "At most N events (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", description = "table, json (one event a line) or summary.")
    String format;

    @Option(names = "--loki-url", paramLabel = "URL", description = "Query this Loki instead of the topics (default: loki.url, if set).")
    String lokiUrl;

    @Override
    public Integer call() throws Exception {
        EventQuery query;
        try {
            query = query(Instant.now());
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return 2;
        }
        if (!List.of("table", "json", "summary").contains(format)) {
            spec.commandLine().getErr().println("error: --format must be table, json or summary, not '" + format + "'");
            return 2;
        }
        KafkaOptions.Resolved resolved = kafka.resolveSettings();
        String loki = lokiUrl != null ? lokiUrl : resolved.settings().lokiUrl().orElse(null);
        List<AgentEvent> events;
        PrintWriter err = spec.commandLine().getErr();
        boolean terminal = System.console() != null;
        if (loki != null) {
            events = LokiEvents.read(loki, resolved.settings().config().string(Pipeline.LOKI_SINK_PREFIX + "loki.tenant", ""), query,
                    Math.max(limit, tail == null ? 0 : tail), tail != null);
        } else {
            kafka.requireReachable(resolved);
            TopicCatalog topics = TopicCatalog.of(resolved.settings().topics(), new SchemaRegistryClient(resolved.schemaRegistryUrl()));
            events = TopicScan.read(resolved.kafka(), topics.events(), query.since(), query::matches, scanned -> {
                if (terminal) {
                    err.print("\rscanned " + scanned + " events");
                    err.flush();
                }
            });
            if (terminal) {
                err.print("\r\033[K");
                err.flush();
            }
        }
        events = events.stream().sorted(Comparator.comparing(AgentEvent::getReceivedAt).thenComparingLong(AgentEvent::getSequence)).toList();
        if (tail != null && events.size() > tail) {
            events = events.subList(events.size() - tail, events.size());
        }
        if (events.size() > limit) {
            err.println("showing the first " + limit + " of " + events.size() + " matching events (--limit)");
            events = events.subList(0, limit);
        }
        PrintWriter out = spec.commandLine().getOut();
        switch (format) {
            case "json" -> events.forEach(event -> out.println(RecordJson.toJson(event)));
            case "summary" -> summary(out, events, query);
            default -> table(out, events);
        }
        out.flush();
        return 0;
    }

    EventQuery query(Instant now) {
        Instant from = now.minus(Duration.ofHours(24));
        Instant to = now.plusSeconds(1);
        if (date != null) {
            from = TimeArgument.parse("--date", date, now);
            to = TimeArgument.endOfDay("--date", date);
        } else if (dateRange != null) {
            String[] days = dateRange.split("\\.\\.");
            if (days.length != 2) {
                throw new IllegalArgumentException("--date-range: expected FROM..TO, e.g. 2026-11-16..2026-11-22");
            }
            from = TimeArgument.parse("--date-range", days[0], now);
            to = TimeArgument.endOfDay("--date-range", days[1]);
        }
        if (since != null) {
            from = TimeArgument.parse("--since", since, now);
        }
        if (until != null) {
            to = TimeArgument.parse("--until", until, now);
        }
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("the time range is empty: " + from + " is not before " + to);
        }
        if (eventType != null && Arrays.stream(EventType.values()).noneMatch(t -> t.name().equals(eventType))) {
            throw new IllegalArgumentException("--event-type: '" + eventType + "' is not one of "
                    + Arrays.stream(EventType.values()).map(Enum::name).collect(Collectors.joining(", ")));
        }
        if (status != null && Arrays.stream(ToolOutcome.values()).noneMatch(o -> o.name().equals(status))) {
            throw new IllegalArgumentException("--status: '" + status + "' is not one of success, failure, no_result");
        }
        return new EventQuery(from, to, session, tool, eventType, status, keyword);
    }

    private static void table(PrintWriter out, List<AgentEvent> events) {
        if (events.isEmpty()) {
            out.println("No events match.");
            return;
        }
        String row = "%-19s  %-12s  %5s  %-20s  %-12s  %s%n";
        out.printf(row, "TIME (UTC)", "SESSION", "SEQ", "EVENT TYPE", "TOOL", "WHAT");
        for (AgentEvent event : events) {
            out.printf(row, TIME.format(event.getReceivedAt()), shorten(event.getSessionId(), 12), event.getSequence(), event.getEventType(),
                    shorten(String.valueOf(event.getToolName() == null ? "" : event.getToolName()), 12), SessionCommand.describe(event));
        }
    }

    private static void summary(PrintWriter out, List<AgentEvent> events, EventQuery query) {
        out.println("From " + query.since() + " to " + query.until());
        out.printf("events: %d, sessions: %d, tool calls: %d, failures: %d, without result: %d%n", events.size(),
                events.stream().map(AgentEvent::getSessionId).distinct().count(),
                events.stream().filter(e -> "PreToolUse".equals(e.getHookEventName())).count(),
                count(events, ToolOutcome.failure), count(events, ToolOutcome.no_result));
        distribution(out, "by event type", events, e -> e.getEventType().name());
        distribution(out, "by tool", events.stream().filter(e -> e.getToolName() != null).toList(), AgentEvent::getToolName);
        distribution(out, "by status", events.stream().filter(e -> e.getPairing() != null).toList(), e -> e.getPairing().getOutcome().name());
    }

    private static long count(List<AgentEvent> events, ToolOutcome outcome) {
        return events.stream().filter(e -> e.getPairing() != null && e.getPairing().getOutcome() == outcome).count();
    }

    private static void distribution(PrintWriter out, String title, List<AgentEvent> events, Function<AgentEvent, String> key) {
        Map<String, Long> counts = events.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
        out.println(title + ":");
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(entry -> out.printf("  %-28s %6d  %5.1f %%%n", entry.getKey(), entry.getValue(), 100.0 * entry.getValue() / events.size()));
    }

    private static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
