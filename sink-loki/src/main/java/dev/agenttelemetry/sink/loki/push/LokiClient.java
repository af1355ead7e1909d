package dev.agenttelemetry.sink.loki.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Pushes entries to Loki's {@code /loki/api/v1/push} as JSON: grouped into one stream per label set,
 * each stream sorted by time (Loki rejects entries far behind a stream's newest one).
 */
public final class LokiClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI pushUri;
    private final String tenant;
    private final Duration timeout;
    private final HttpClient http;

    public LokiClient(URI pushUri, String tenant, Duration timeout) {
        this.pushUri = pushUri;
        this.tenant = tenant;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    public void push(List<LokiEntry> entries) throws LokiPushException {
        if (entries.isEmpty()) {
            return; // Loki answers 422 to a push without streams
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(pushUri).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(entries)));
        if (tenant != null && !tenant.isBlank()) {
            request.header("X-Scope-OrgID", tenant);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new LokiPushException(0, true, "Loki at " + pushUri + " did not answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LokiPushException(0, true, "interrupted while pushing to Loki", e);
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return;
        }
        String reason = response.body() == null ? "" : response.body().strip();
        boolean retriable = status == 429 || status / 100 == 5;
        throw new LokiPushException(status, retriable, "Loki answered " + status + " to a push of " + entries.size()
                + " entries: " + reason.substring(0, Math.min(500, reason.length())), null);
    }

    static String body(List<LokiEntry> entries) {
        Map<SortedMap<String, String>, List<LokiEntry>> streams = new LinkedHashMap<>();
        for (LokiEntry entry : entries) {
            streams.computeIfAbsent(entry.labels(), k -> new ArrayList<>()).add(entry);
        }
        ObjectNode root = JSON.createObjectNode();
        ArrayNode streamArray = root.putArray("streams");
        streams.forEach((labels, streamEntries) -> {
            ObjectNode stream = streamArray.addObject();
            ObjectNode labelNode = stream.putObject("stream");
            labels.forEach(labelNode::put);
            ArrayNode values = stream.putArray("values");
            streamEntries.stream().sorted(Comparator.comparingLong(LokiEntry::timestampNanos))
                    .forEach(e -> values.addArray().add(Long.toString(e.timestampNanos())).add(e.line()));
        });
        return root.toString();
    }
}
