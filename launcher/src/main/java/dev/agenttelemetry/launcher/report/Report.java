package dev.agenttelemetry.launcher.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.EventType;
import dev.agenttelemetry.avro.OtlpLogRecord;
import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.avro.SessionActivity;
import dev.agenttelemetry.avro.ToolOutcome;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the agents did over a period, computed from the topics: activity, tools, failures, delegation,
 * alerts, the riskiest sessions, and tokens and cost from Claude Code's own telemetry (OTLP api_request
 * records) joined to the hook events by prompt id.
 */
public record Report(Instant from, Instant to, ZoneId zone, long sessions, long events, long toolCalls, long failures, long prompts,
                     long delegations, List<ToolRow> tools, long alerts, Map<String, Long> alertsBySeverity, Map<String, Long> alertsByRule,
                     List<RiskRow> riskiest, Usage usage, Daily daily) {

    /**
     * What the charts draw, per day of the reader's time zone: events by type, alerts by severity (on the day each
     * was first seen), tokens and cost (when Claude Code's telemetry is collected); and sessions by risk category.
     */
    public record Daily(Map<LocalDate, Map<String, Double>> eventsByType, Map<LocalDate, Map<String, Double>> alertsBySeverity,
                        Map<LocalDate, Map<String, Double>> tokens, Map<LocalDate, Map<String, Double>> costUsd, Map<String, Long> sessionsByRisk) {
    }

    /** The first and last day of the period, in the reader's time zone. */
    public LocalDate firstDay() {
        return LocalDate.ofInstant(from, zone);
    }

    public LocalDate lastDay() {
        return LocalDate.ofInstant(to, zone);
    }

    public record ToolRow(String tool, long calls, long failures) {
    }

    public record RiskRow(String session, String project, double score, String category, long toolCalls, long alerts) {
    }

    /** Tokens and cost; {@code costliestPrompts} are the prompts (masked previews) whose API requests cost most. */
    public record Usage(long requests, double costUsd, long inputTokens, long outputTokens, long cacheReadTokens, Map<String, Double> costByModel,
                        List<PromptCost> costliestPrompts, long promptsMatched) {
    }

    public record PromptCost(String session, String preview, double costUsd, long requests) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public double failureRate() {
        return toolCalls == 0 ? 0 : (double) failures / toolCalls;
    }

    public double delegationShare() {
        return toolCalls == 0 ? 0 : (double) delegations / toolCalls;
    }

    /** @param zone the reader's time zone: days and dates are theirs */
    public static Report of(Instant from, Instant to, ZoneId zone, List<AgentEvent> events, List<SecurityAlert> alertRecords,
                            List<SessionActivity> activity, List<OtlpLogRecord> telemetry) {
        List<AgentEvent> calls = events.stream().filter(e -> "PreToolUse".equals(e.getHookEventName()) && e.getToolName() != null).toList();
        Map<String, long[]> byTool = new HashMap<>();
        calls.forEach(e -> byTool.computeIfAbsent(e.getToolName(), t -> new long[2])[0]++);
        events.stream().filter(e -> e.getPairing() != null && e.getPairing().getOutcome() == ToolOutcome.failure && e.getToolName() != null)
                .forEach(e -> byTool.computeIfAbsent(e.getToolName(), t -> new long[2])[1]++);
        List<ToolRow> tools = byTool.entrySet().stream().map(e -> new ToolRow(e.getKey(), e.getValue()[0], e.getValue()[1]))
                .sorted(Comparator.comparingLong(ToolRow::calls).reversed().thenComparing(ToolRow::tool)).limit(10).toList();

        Map<String, SecurityAlert> alerts = new LinkedHashMap<>();
        alertRecords.forEach(a -> alerts.put(a.getAlertId(), a)); // the latest record of each alert carries its final count
        Map<String, Long> bySeverity = new TreeMap<>(alerts.values().stream().collect(Collectors.groupingBy(a -> a.getSeverity().name(), Collectors.counting())));
        Map<String, Long> byRule = new TreeMap<>(alerts.values().stream().collect(Collectors.groupingBy(SecurityAlert::getRuleId, Collectors.counting())));
        Map<String, Long> alertsBySession = alerts.values().stream().collect(Collectors.groupingBy(SecurityAlert::getSessionId, Collectors.counting()));

        Map<String, SessionActivity> latestSession = new HashMap<>();
        activity.stream().filter(a -> "session".equals(a.getWindowKind()))
                .forEach(a -> latestSession.merge(a.getSessionId(), a, (x, y) -> y.getEventCount() >= x.getEventCount() ? y : x));
        List<RiskRow> riskiest = latestSession.values().stream().sorted(Comparator.comparingDouble(SessionActivity::getRiskScore).reversed())
                .limit(5).map(a -> new RiskRow(a.getSessionId(), a.getProjectName(), a.getRiskScore(), a.getRiskCategory().name(),
                        a.getToolCalls(), alertsBySession.getOrDefault(a.getSessionId(), 0L))).toList();

        Map<LocalDate, Map<String, Double>> eventsByDay = new TreeMap<>();
        events.forEach(e -> add(eventsByDay, LocalDate.ofInstant(e.getReceivedAt(), zone), e.getEventType().name(), 1));
        Map<LocalDate, Map<String, Double>> alertsByDay = new TreeMap<>();
        alerts.values().forEach(a -> add(alertsByDay, LocalDate.ofInstant(a.getFirstSeen(), zone), a.getSeverity().name(), 1));
        Map<LocalDate, Map<String, Double>> tokensByDay = new TreeMap<>();
        Map<LocalDate, Map<String, Double>> costByDay = new TreeMap<>();
        List<OtlpLogRecord> apiRequests = apiRequests(telemetry);
        for (OtlpLogRecord request : apiRequests) {
            Instant when = request.getTimeUnixNano() > 0 ? Instant.ofEpochSecond(0, request.getTimeUnixNano()) : request.getReceivedAt();
            LocalDate day = LocalDate.ofInstant(when, zone);
            add(tokensByDay, day, "input", number(request.getAttributes().get("input_tokens")));
            add(tokensByDay, day, "output", number(request.getAttributes().get("output_tokens")));
            add(tokensByDay, day, "cache read", number(request.getAttributes().get("cache_read_tokens")));
            add(costByDay, day, request.getAttributes().getOrDefault("model", "unknown"), number(request.getAttributes().get("cost_usd")));
        }
        Map<String, Long> sessionsByRisk = new TreeMap<>(latestSession.values().stream()
                .collect(Collectors.groupingBy(a -> a.getRiskCategory().name(), Collectors.counting())));

        return new Report(from, to, zone, events.stream().map(AgentEvent::getSessionId).distinct().count(), events.size(), calls.size(),
                events.stream().filter(e -> e.getPairing() != null && e.getPairing().getOutcome() == ToolOutcome.failure).count(),
                events.stream().filter(e -> e.getEventType() == EventType.user_prompt).count(),
                calls.stream().filter(e -> e.getEventType() == EventType.sub_agent_delegation).count(),
                tools, alerts.size(), bySeverity, byRule, riskiest, usage(events, apiRequests),
                new Daily(eventsByDay, alertsByDay, tokensByDay, costByDay, sessionsByRisk));
    }

    private static void add(Map<LocalDate, Map<String, Double>> byDay, LocalDate day, String series, double value) {
        byDay.computeIfAbsent(day, d -> new TreeMap<>()).merge(series, value, Double::sum);
    }

    private static List<OtlpLogRecord> apiRequests(List<OtlpLogRecord> telemetry) {
        return telemetry.stream().filter(r -> r.getEventName() != null && r.getEventName().endsWith("api_request")).toList();
    }

    /** @param requests Claude Code's api_request records */
    private static Usage usage(List<AgentEvent> events, List<OtlpLogRecord> requests) {
        Map<String, Double> byModel = new TreeMap<>();
        Map<String, double[]> byPrompt = new HashMap<>();
        double cost = 0;
        long input = 0;
        long output = 0;
        long cacheRead = 0;
        for (OtlpLogRecord request : requests) {
            double requestCost = number(request.getAttributes().get("cost_usd"));
            cost += requestCost;
            input += (long) number(request.getAttributes().get("input_tokens"));
            output += (long) number(request.getAttributes().get("output_tokens"));
            cacheRead += (long) number(request.getAttributes().get("cache_read_tokens"));
            byModel.merge(request.getAttributes().getOrDefault("model", "unknown"), requestCost, Double::sum);
            String prompt = request.getPromptId() != null ? request.getPromptId() : request.getAttributes().get("prompt.id");
            if (prompt != null) {
                double[] sum = byPrompt.computeIfAbsent(prompt, p -> new double[2]);
                sum[0] += requestCost;
                sum[1]++;
            }
        }
        Map<String, AgentEvent> promptEvents = new HashMap<>();
        for (AgentEvent event : events) {
            if (event.getEventType() == EventType.user_prompt) {
                String promptId = promptId(event);
                if (promptId != null) {
                    promptEvents.put(promptId, event);
                }
            }
        }
        List<PromptCost> costliest = byPrompt.entrySet().stream().filter(e -> promptEvents.containsKey(e.getKey()))
                .sorted(Comparator.comparingDouble((Map.Entry<String, double[]> e) -> e.getValue()[0]).reversed()).limit(5)
                .map(e -> {
                    AgentEvent prompt = promptEvents.get(e.getKey());
                    return new PromptCost(prompt.getSessionId(), prompt.getPrompt() == null ? "" : prompt.getPrompt().getPreview(),
                            e.getValue()[0], (long) e.getValue()[1]);
                }).toList();
        long matched = byPrompt.keySet().stream().filter(promptEvents::containsKey).count();
        return new Usage(requests.size(), cost, input, output, cacheRead, byModel, costliest, matched);
    }

    /** The prompt id a hook payload carries (newer Claude Code versions), from the masked payload kept on the event. */
    static String promptId(AgentEvent event) {
        try {
            JsonNode payload = JSON.readTree(event.getPayload());
            String id = payload.path("prompt_id").asText(payload.path("promptId").asText(""));
            return id.isEmpty() ? null : id;
        } catch (Exception e) {
            return null;
        }
    }

    private static double number(String text) {
        try {
            return text == null ? 0 : Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
