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
public record Report(Instant from, Instant to, long sessions, long events, long toolCalls, long failures, long prompts,
                     long delegations, List<ToolRow> tools, long alerts, Map<String, Long> alertsBySeverity, Map<String, Long> alertsByRule,
                     List<RiskRow> riskiest, Usage usage) {

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

    public static Report of(Instant from, Instant to, List<AgentEvent> events, List<SecurityAlert> alertRecords,
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

        return new Report(from, to, events.stream().map(AgentEvent::getSessionId).distinct().count(), events.size(), calls.size(),
                events.stream().filter(e -> e.getPairing() != null && e.getPairing().getOutcome() == ToolOutcome.failure).count(),
                events.stream().filter(e -> e.getEventType() == EventType.user_prompt).count(),
                calls.stream().filter(e -> e.getEventType() == EventType.sub_agent_delegation).count(),
                tools, alerts.size(), bySeverity, byRule, riskiest, usage(events, telemetry));
    }

    private static Usage usage(List<AgentEvent> events, List<OtlpLogRecord> telemetry) {
        List<OtlpLogRecord> requests = telemetry.stream().filter(r -> r.getEventName() != null && r.getEventName().endsWith("api_request")).toList();
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
