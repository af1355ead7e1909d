package dev.agenttelemetry.launcher.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.launcher.rules.OfflineEvents;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Events from Loki, where the sink put them: a LogQL query over {@code kind="event"} narrowed by the structured
 * metadata the sink writes (tool_name, event_type, session_id) and a line filter for the keyword;
 * the other conditions are checked on the decoded events.
 */
final class LokiEvents {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_LIMIT = 5_000;

    private LokiEvents() {
    }

    static String logql(EventQuery query) {
        StringBuilder logql = new StringBuilder("{service=\"agent-telemetry\", kind=\"event\"}");
        if (query.tool() != null) {
            logql.append(" | tool_name=\"").append(escape(query.tool())).append('"');
        }
        if (query.eventType() != null) {
            logql.append(" | event_type=\"").append(escape(query.eventType())).append('"');
        }
        if (query.session() != null) {
            logql.append(" | session_id=\"").append(escape(query.session())).append('"');
        }
        if (query.keyword() != null) {
            logql.append(" |~ \"(?i)").append(escape(java.util.regex.Pattern.quote(query.keyword()))).append('"');
        }
        return logql.toString();
    }

    static List<AgentEvent> read(String lokiUrl, String tenant, EventQuery query, int limit, boolean newestFirst) throws IOException, InterruptedException {
        String url = lokiUrl.replaceAll("/+$", "") + "/loki/api/v1/query_range?query=" + URLEncoder.encode(logql(query), StandardCharsets.UTF_8)
                + "&start=" + nanos(query.since()) + "&end=" + nanos(query.until()) + "&limit=" + Math.min(limit, MAX_LIMIT)
                + "&direction=" + (newestFirst ? "backward" : "forward");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        if (tenant != null && !tenant.isBlank()) {
            request.header("X-Scope-OrgID", tenant);
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("Loki answered " + response.statusCode() + " to " + logql(query) + ": " + response.body().strip());
        }
        OfflineEvents reader = new OfflineEvents();
        List<AgentEvent> events = new ArrayList<>();
        for (JsonNode stream : JSON.readTree(response.body()).path("data").path("result")) {
            for (JsonNode value : stream.path("values")) {
                AgentEvent event = reader.fromJson(value.get(1).asText(), 0, Instant.EPOCH);
                if (query.matches(event)) {
                    events.add(event);
                }
            }
        }
        return events;
    }

    private static long nanos(Instant at) {
        return at.getEpochSecond() * 1_000_000_000L + at.getNano();
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
