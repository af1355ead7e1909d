package dev.agenttelemetry.testkit.loki;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Grafana Loki cannot be installed here, so tests push to this server instead. It implements
 * {@code POST /loki/api/v1/push} (JSON, optionally gzip) and answers as Loki 3.4 was measured to
 * answer (shared/NOTES.md): 204 with an empty body on success; text/plain errors; 400 for a missing
 * media type, malformed JSON, invalid or too many labels (whole request dropped); 400 for entries too
 * old, too new, too far behind the stream's newest entry or too long, while the valid entries of the
 * same request ARE stored; only the last failing stream's error is reported; duplicates stored once.
 * Tests can script failures (429, 500, delays) for the next requests.
 */
public final class FakeLoki implements AutoCloseable {
    public static final int MAX_LINE_BYTES = 262_144;
    public static final int MAX_LABELS = 15;
    private static final Duration MAX_BEHIND = Duration.ofHours(1);
    private static final Duration REJECT_OLDER_THAN = Duration.ofDays(7);
    private static final Duration CREATION_GRACE = Duration.ofMinutes(10);
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One stored entry. */
    public record Entry(SortedMap<String, String> labels, long timestampNanos, String line) {
    }

    /** A scripted answer for a coming request. */
    public record Failure(int status, String body, Duration delay) {
    }

    private final HttpServer server;
    private final Map<SortedMap<String, String>, Set<Entry>> streams = new HashMap<>();
    private final Map<SortedMap<String, String>, Long> newestByStream = new HashMap<>();
    private final Deque<Failure> scripted = new ArrayDeque<>();

    private FakeLoki(HttpServer server) {
        this.server = server;
    }

    public static FakeLoki start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        FakeLoki loki = new FakeLoki(server);
        server.createContext("/loki/api/v1/push", loki::handlePush);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        return loki;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next requests get these answers instead of being processed (nothing of them is stored). */
    public synchronized void failNext(Failure... failures) {
        scripted.addAll(List.of(failures));
    }

    /** Every stored entry, streams in no particular order, each stream by time. */
    public synchronized List<Entry> entries() {
        List<Entry> all = new ArrayList<>();
        streams.values().forEach(all::addAll);
        return all;
    }

    /** Stored entries whose labels include all of {@code selector}. */
    public synchronized List<Entry> entries(Map<String, String> selector) {
        return entries().stream().filter(e -> e.labels().entrySet().containsAll(selector.entrySet())).toList();
    }

    private void handlePush(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                answer(exchange, 405, "405 method not allowed\n");
                return;
            }
            Failure failure;
            synchronized (this) {
                failure = scripted.poll();
            }
            if (failure != null) {
                exchange.getRequestBody().readAllBytes();
                sleep(failure.delay());
                answer(exchange, failure.status(), failure.body());
                return;
            }
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (contentType == null || contentType.isBlank()) {
                answer(exchange, 400, "mime: no media type\n");
                return;
            }
            if (!contentType.startsWith("application/json")) {
                answer(exchange, 415, "unsupported Content-Type " + contentType + " (this stand-in decodes JSON only)\n");
                return;
            }
            InputStream body = exchange.getRequestBody();
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = new GZIPInputStream(body);
            }
            JsonNode root;
            try {
                root = JSON.readTree(body);
            } catch (IOException e) {
                answer(exchange, 400, "loghttp.PushRequest.Streams: ReadArray: expect [ or , or ] or n, but found invalid\n");
                return;
            }
            String error = store(root);
            if (error == null) {
                answer(exchange, 204, "");
            } else {
                answer(exchange, error.startsWith("422 ") ? 422 : 400, error.replaceFirst("^422 ", "") + "\n");
            }
        }
    }

    /** Stores what Loki would store; returns the error Loki would report, or null. */
    private synchronized String store(JsonNode root) {
        JsonNode streamNodes = root == null ? null : root.get("streams");
        if (streamNodes == null || !streamNodes.isArray()) {
            return "loghttp.PushRequest: missing streams";
        }
        if (streamNodes.isEmpty()) {
            return "422 no streams in the push request";
        }
        List<SortedMap<String, String>> labelSets = new ArrayList<>();
        for (JsonNode stream : streamNodes) {
            SortedMap<String, String> labels = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = stream.path("stream").fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> label = fields.next();
                labels.put(label.getKey(), label.getValue().asText());
            }
            String labelError = validateLabels(labels);
            if (labelError != null) {
                return labelError; // a label error drops the whole request
            }
            labelSets.add(labels);
        }
        String lastStreamError = null;
        Instant now = Instant.now();
        for (int i = 0; i < labelSets.size(); i++) {
            String streamError = null;
            SortedMap<String, String> labels = labelSets.get(i);
            for (JsonNode value : streamNodes.get(i).path("values")) {
                long ts = Long.parseLong(value.get(0).asText());
                String line = value.get(1).asText();
                Instant at = Instant.ofEpochSecond(0, ts);
                long newest = newestByStream.getOrDefault(labels, Long.MIN_VALUE);
                String entryError = null;
                if (line.getBytes(StandardCharsets.UTF_8).length > MAX_LINE_BYTES) {
                    entryError = "stream '" + labels + "' has a line too long: " + line.getBytes(StandardCharsets.UTF_8).length + " bytes, limit " + MAX_LINE_BYTES;
                } else if (at.isBefore(now.minus(REJECT_OLDER_THAN))) {
                    entryError = "entry for stream '" + labels + "' has timestamp too old: " + at;
                } else if (at.isAfter(now.plus(CREATION_GRACE))) {
                    entryError = "entry for stream '" + labels + "' has timestamp too new: " + at;
                } else if (newest != Long.MIN_VALUE && ts < newest - MAX_BEHIND.toNanos()) {
                    entryError = "entry with timestamp " + at + " ignored, reason: 'entry too far behind, entry timestamp is: "
                            + at + ", oldest acceptable timestamp is: " + Instant.ofEpochSecond(0, newest - MAX_BEHIND.toNanos()) + "'";
                }
                if (entryError != null) {
                    streamError = entryError;
                    continue;
                }
                streams.computeIfAbsent(labels, k -> new LinkedHashSet<>()).add(new Entry(labels, ts, line));
                newestByStream.put(labels, Math.max(newest, ts));
            }
            // Loki reports only the last failing stream's error when it is the last stream of the request.
            lastStreamError = streamError;
        }
        return lastStreamError;
    }

    private static String validateLabels(SortedMap<String, String> labels) {
        if (labels.isEmpty()) {
            return "error parsing labels: stream has no labels";
        }
        if (labels.size() > MAX_LABELS) {
            return "stream '" + labels + "' has " + labels.size() + " label names; limit " + MAX_LABELS;
        }
        for (Map.Entry<String, String> label : labels.entrySet()) {
            if (!LABEL_NAME.matcher(label.getKey()).matches()) {
                return "error parsing labels " + labels + ": invalid label name '" + label.getKey() + "'";
            }
            if (label.getKey().length() > 1024) {
                return "stream '" + labels + "' has label name too long";
            }
            if (label.getValue().length() > 2048) {
                return "stream '" + labels + "' has label value too long";
            }
        }
        return null;
    }

    private void answer(HttpExchange exchange, int status, String body) throws IOException {
        if (status == 204) {
            exchange.sendResponseHeaders(204, -1);
            return;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void sleep(Duration delay) {
        if (delay == null || delay.isZero()) {
            return;
        }
        try {
            Thread.sleep(delay.toMillis()); // a scripted slow answer is the point here
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
