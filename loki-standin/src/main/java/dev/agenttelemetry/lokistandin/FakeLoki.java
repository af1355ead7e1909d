package dev.agenttelemetry.lokistandin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.CodedInputStream;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.xerial.snappy.Snappy;

import java.io.ByteArrayInputStream;
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
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Grafana Loki is neither a Maven artifact nor a Debian package, so tests push to this server instead. It implements
 * {@code POST /loki/api/v1/push} in both of Loki's encodings (snappy-compressed protobuf
 * {@code logproto.PushRequest}, and JSON, optionally gzip) with structured metadata, and answers as Loki
 * 3.4 answers: 204 with an empty body on success; text/plain errors;
 * 400 for a missing media type, an undecodable body, invalid or too many labels (whole request dropped);
 * 400 for entries too old, too new, more than an hour behind the stream's newest entry, too long, or
 * with too much structured metadata, while the valid entries of the same request ARE stored; only the
 * LAST stream's error is reported (errors of earlier streams are dropped silently, with 204); duplicates
 * (same stream, timestamp and line) stored once; a request over 6 MB gets 429 every time, one over 4 MB
 * decoded gets 500 ResourceExhausted every time; an optional ingestion rate limit answers 429 above it.
 * Tests can script failures (429, 500, delays) for the next requests.
 */
public final class FakeLoki implements AutoCloseable {
    public static final int MAX_LINE_BYTES = 262_144;
    public static final int MAX_LABELS = 15;
    static final int MAX_METADATA_BYTES = 65_536;
    static final int MAX_METADATA_ENTRIES = 128;
    static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
    static final int BURST_BYTES = 6 * 1024 * 1024;
    private static final Duration MAX_BEHIND = Duration.ofHours(1);
    private static final Duration REJECT_OLDER_THAN = Duration.ofDays(7);
    private static final Duration CREATION_GRACE = Duration.ofMinutes(10);
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern LABEL_PAIR = Pattern.compile("\\s*([^=\\s,{}]+)\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*(,|})");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One stored entry. */
    public record Entry(SortedMap<String, String> labels, long timestampNanos, String line, SortedMap<String, String> metadata) {
    }

    /** A scripted answer for a coming request. */
    public record Failure(int status, String body, Duration delay) {
    }

    private record Key(SortedMap<String, String> labels, long timestampNanos, String line) {
    }

    private record PushedStream(SortedMap<String, String> labels, List<Entry> entries) {
    }

    /** A request Loki would refuse as a whole, with its status and message. */
    private static final class Refused extends Exception {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final HttpServer server;
    private final Set<Key> storedKeys = new HashSet<>(); // Loki stores an entry once per stream, timestamp and line
    private final List<Entry> stored = new ArrayList<>();
    private final Map<SortedMap<String, String>, Long> newestByStream = new HashMap<>();
    private final Deque<Failure> scripted = new ArrayDeque<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong receivedBytes = new AtomicLong();
    private long rateLimitBytesPerSecond;
    private double tokens = BURST_BYTES;
    private long lastRefillNanos = System.nanoTime();

    private FakeLoki(HttpServer server) {
        this.server = server;
    }

    public static FakeLoki start() throws IOException {
        return start(0);
    }

    /** On a given port (0: any free one), e.g. to bring "the same Loki" back after an outage. */
    public static FakeLoki start(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        FakeLoki loki = new FakeLoki(server);
        server.createContext("/loki/api/v1/push", loki::handlePush);
        server.createContext("/loki/api/v1/query_range", loki::handleQueryRange);
        server.setExecutor(Executors.newFixedThreadPool(8));
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

    /** Loki's ingestion_rate_mb (default 4 MB/s, burst 6 MB): pushes above it get 429. 0 (the default here): no limit. */
    public synchronized void limitRate(long bytesPerSecond) {
        this.rateLimitBytesPerSecond = bytesPerSecond;
    }

    public long requests() {
        return requests.get();
    }

    public long receivedBytes() {
        return receivedBytes.get();
    }

    /** Every stored entry, in the order stored. */
    public synchronized List<Entry> entries() {
        return new ArrayList<>(stored);
    }

    /** The entries stored after the first {@code from}, in the order stored (for watching a growing store). */
    public synchronized List<Entry> entriesFrom(int from) {
        return new ArrayList<>(stored.subList(Math.min(from, stored.size()), stored.size()));
    }

    public synchronized int size() {
        return stored.size();
    }

    /** Stored entries whose labels include all of {@code selector}. */
    public synchronized List<Entry> entries(Map<String, String> selector) {
        return entries().stream().filter(e -> e.labels().entrySet().containsAll(selector.entrySet())).toList();
    }

    private void handlePush(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            if (!exchange.getRequestMethod().equals("POST")) {
                answer(exchange, 405, "405 method not allowed\n");
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            receivedBytes.addAndGet(body.length);
            Failure failure;
            synchronized (this) {
                failure = scripted.poll();
            }
            if (failure != null) {
                sleep(failure.delay());
                answer(exchange, failure.status(), failure.body());
                return;
            }
            try {
                if (body.length > BURST_BYTES) {
                    throw new Refused(429, "Ingestion rate limit exceeded for user fake (limit: 4194304 bytes/sec) while attempting to ingest "
                            + "lines totaling " + body.length + " bytes, reduce log volume or contact your Loki administrator to see if the limit can be increased");
                }
                List<PushedStream> streams = decode(exchange, body);
                String error = store(streams);
                if (error == null) {
                    answer(exchange, 204, "");
                } else {
                    answer(exchange, 400, error + "\n");
                }
            } catch (Refused refused) {
                answer(exchange, refused.status, refused.getMessage() + "\n");
            }
        }
    }

    private static final Pattern QUERY = Pattern.compile("^\\{([^}]*)}((?:\\s*\\|\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*=\\s*\"(?:[^\"\\\\]|\\\\.)*\")*)"
            + "(?:\\s*\\|~\\s*\"((?:[^\"\\\\]|\\\\.)*)\")?\\s*$");
    private static final Pattern QUERY_FILTER = Pattern.compile("\\|\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    /**
     * {@code GET /loki/api/v1/query_range} for the log queries this project issues: a stream selector of
     * equality matchers, label or structured-metadata equality filters, and one {@code |~} regex line
     * filter; start and end in nanoseconds, limit, direction. Anything else gets Loki's 400 parse error.
     */
    private void handleQueryRange(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> params = new HashMap<>();
            String raw = exchange.getRequestURI().getRawQuery();
            for (String pair : raw == null ? new String[0] : raw.split("&")) {
                int eq = pair.indexOf('=');
                params.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            Matcher query = QUERY.matcher(params.getOrDefault("query", ""));
            if (!query.matches()) {
                answer(exchange, 400, "parse error : syntax error: unexpected input in " + params.get("query") + "\n");
                return;
            }
            SortedMap<String, String> selector;
            try {
                selector = parseLabels("{" + query.group(1) + "}");
            } catch (Refused e) {
                answer(exchange, 400, "parse error : " + e.getMessage() + "\n");
                return;
            }
            Map<String, String> filters = new HashMap<>();
            Matcher filter = QUERY_FILTER.matcher(query.group(2));
            while (filter.find()) {
                filters.put(filter.group(1), filter.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
            }
            Pattern line = query.group(3) == null ? null : Pattern.compile(query.group(3).replace("\\\\", "\\").replace("\\\"", "\""));
            long start = Long.parseLong(params.getOrDefault("start", "0"));
            long end = Long.parseLong(params.getOrDefault("end", String.valueOf(Long.MAX_VALUE)));
            int limit = Integer.parseInt(params.getOrDefault("limit", "100"));
            boolean backward = !"forward".equals(params.get("direction"));
            List<Entry> matching = entries().stream()
                    .filter(e -> e.labels().entrySet().containsAll(selector.entrySet()))
                    .filter(e -> filters.entrySet().stream().allMatch(f -> f.getValue().equals(e.metadata().getOrDefault(f.getKey(), e.labels().get(f.getKey())))))
                    .filter(e -> line == null || line.matcher(e.line()).find())
                    .filter(e -> e.timestampNanos() >= start && e.timestampNanos() < end)
                    .sorted(java.util.Comparator.comparingLong(Entry::timestampNanos))
                    .toList();
            List<Entry> page = new ArrayList<>(backward ? matching.subList(Math.max(0, matching.size() - limit), matching.size())
                    : matching.subList(0, Math.min(limit, matching.size())));
            if (backward) {
                java.util.Collections.reverse(page); // newest first, as Loki answers a backward query
            }
            Map<SortedMap<String, String>, List<Entry>> byStream = new LinkedHashMap<>();
            page.forEach(e -> byStream.computeIfAbsent(e.labels(), k -> new ArrayList<>()).add(e));
            com.fasterxml.jackson.databind.node.ObjectNode root = JSON.createObjectNode().put("status", "success");
            com.fasterxml.jackson.databind.node.ObjectNode data = root.putObject("data").put("resultType", "streams");
            com.fasterxml.jackson.databind.node.ArrayNode result = data.putArray("result");
            byStream.forEach((labels, streamEntries) -> {
                com.fasterxml.jackson.databind.node.ObjectNode stream = result.addObject();
                labels.forEach(stream.putObject("stream")::put);
                com.fasterxml.jackson.databind.node.ArrayNode values = stream.putArray("values");
                streamEntries.forEach(e -> values.addArray().add(Long.toString(e.timestampNanos())).add(e.line()));
            });
            byte[] bytes = root.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    private List<PushedStream> decode(HttpExchange exchange, byte[] body) throws Refused, IOException {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || contentType.isBlank()) {
            throw new Refused(400, "mime: no media type");
        }
        if (contentType.startsWith("application/x-protobuf")) {
            byte[] raw;
            try {
                raw = Snappy.uncompress(body);
            } catch (IOException e) {
                throw new Refused(400, "snappy: corrupt input");
            }
            if (raw.length > MAX_MESSAGE_BYTES) {
                throw new Refused(500, "rpc error: code = ResourceExhausted desc = grpc: received message larger than max ("
                        + raw.length + " vs. " + MAX_MESSAGE_BYTES + ")");
            }
            try {
                return protobuf(raw);
            } catch (IOException | IllegalArgumentException e) {
                throw new Refused(400, "failed to parse push request: " + e.getMessage());
            }
        }
        if (contentType.startsWith("application/json")) {
            InputStream in = new ByteArrayInputStream(body);
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                in = new GZIPInputStream(in);
            }
            byte[] json = in.readAllBytes();
            if (json.length > MAX_MESSAGE_BYTES) {
                throw new Refused(500, "rpc error: code = ResourceExhausted desc = grpc: received message larger than max ("
                        + json.length + " vs. " + MAX_MESSAGE_BYTES + ")");
            }
            try {
                return json(JSON.readTree(json));
            } catch (IOException e) {
                throw new Refused(400, "loghttp.PushRequest.Streams: ReadArray: expect [ or , or ] or n, but found invalid");
            }
        }
        throw new Refused(415, "unsupported Content-Type " + contentType);
    }

    private static List<PushedStream> json(JsonNode root) throws Refused {
        JsonNode streamNodes = root == null ? null : root.get("streams");
        if (streamNodes == null || !streamNodes.isArray()) {
            throw new Refused(400, "loghttp.PushRequest: missing streams");
        }
        List<PushedStream> streams = new ArrayList<>();
        for (JsonNode stream : streamNodes) {
            SortedMap<String, String> labels = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = stream.path("stream").fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> label = fields.next();
                labels.put(label.getKey(), label.getValue().asText());
            }
            List<Entry> entries = new ArrayList<>();
            for (JsonNode value : stream.path("values")) {
                SortedMap<String, String> metadata = new TreeMap<>();
                value.path(2).fields().forEachRemaining(field -> metadata.put(field.getKey(), field.getValue().asText()));
                entries.add(new Entry(labels, Long.parseLong(value.get(0).asText()), value.get(1).asText(), metadata));
            }
            streams.add(new PushedStream(labels, entries));
        }
        return streams;
    }

    /** Decodes logproto.PushRequest: streams = 1 (labels = 1, entries = 2 (timestamp = 1, line = 2, structuredMetadata = 3)). */
    private static List<PushedStream> protobuf(byte[] raw) throws IOException, Refused {
        List<PushedStream> streams = new ArrayList<>();
        CodedInputStream request = CodedInputStream.newInstance(raw);
        for (int tag = request.readTag(); tag != 0; tag = request.readTag()) {
            if (tag >>> 3 != 1) {
                request.skipField(tag);
                continue;
            }
            CodedInputStream stream = CodedInputStream.newInstance(request.readByteArray());
            String labelText = "";
            List<byte[]> entryBytes = new ArrayList<>();
            for (int t = stream.readTag(); t != 0; t = stream.readTag()) {
                switch (t >>> 3) {
                    case 1 -> labelText = stream.readString();
                    case 2 -> entryBytes.add(stream.readByteArray());
                    default -> stream.skipField(t);
                }
            }
            SortedMap<String, String> labels = parseLabels(labelText);
            List<Entry> entries = new ArrayList<>();
            for (byte[] bytes : entryBytes) {
                CodedInputStream entry = CodedInputStream.newInstance(bytes);
                long seconds = 0;
                int nanos = 0;
                String line = "";
                SortedMap<String, String> metadata = new TreeMap<>();
                for (int t = entry.readTag(); t != 0; t = entry.readTag()) {
                    switch (t >>> 3) {
                        case 1 -> {
                            CodedInputStream ts = CodedInputStream.newInstance(entry.readByteArray());
                            for (int f = ts.readTag(); f != 0; f = ts.readTag()) {
                                if (f >>> 3 == 1) {
                                    seconds = ts.readInt64();
                                } else if (f >>> 3 == 2) {
                                    nanos = ts.readInt32();
                                } else {
                                    ts.skipField(f);
                                }
                            }
                        }
                        case 2 -> line = entry.readString();
                        case 3 -> {
                            CodedInputStream pair = CodedInputStream.newInstance(entry.readByteArray());
                            String name = "";
                            String value = "";
                            for (int f = pair.readTag(); f != 0; f = pair.readTag()) {
                                if (f >>> 3 == 1) {
                                    name = pair.readString();
                                } else if (f >>> 3 == 2) {
                                    value = pair.readString();
                                } else {
                                    pair.skipField(f);
                                }
                            }
                            metadata.put(name, value);
                        }
                        default -> entry.skipField(t);
                    }
                }
                entries.add(new Entry(labels, seconds * 1_000_000_000L + nanos, line, metadata));
            }
            streams.add(new PushedStream(labels, entries));
        }
        return streams;
    }

    /** Parses {@code {a="b", c="d"}} as Loki does for protobuf pushes. */
    static SortedMap<String, String> parseLabels(String text) throws Refused {
        SortedMap<String, String> labels = new TreeMap<>();
        String trimmed = text.trim();
        if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) {
            throw new Refused(400, "error parsing labels '" + text + "': expected {name=\"value\", ...}");
        }
        if (trimmed.equals("{}")) {
            return labels;
        }
        Matcher pair = LABEL_PAIR.matcher(trimmed);
        int at = 1;
        while (at < trimmed.length()) {
            if (!pair.find(at) || pair.start() != at) {
                throw new Refused(400, "error parsing labels '" + text + "'");
            }
            labels.put(pair.group(1), pair.group(2).replace("\\\"", "\"").replace("\\n", "\n").replace("\\\\", "\\"));
            at = pair.end();
        }
        return labels;
    }

    /** Stores what Loki would store; returns the error Loki would report, or null. */
    private synchronized String store(List<PushedStream> streams) throws Refused {
        if (streams.isEmpty()) {
            throw new Refused(422, "no streams in the push request");
        }
        for (PushedStream stream : streams) {
            String labelError = validateLabels(stream.labels());
            if (labelError != null) {
                throw new Refused(400, labelError); // a label error drops the whole request
            }
        }
        if (rateLimitBytesPerSecond > 0) {
            // Loki's ingestion rate counts log line and structured metadata bytes, not the (compressed) request.
            long bytes = streams.stream().flatMap(stream -> stream.entries().stream()).mapToLong(entry -> entry.line().getBytes(StandardCharsets.UTF_8).length
                    + entry.metadata().entrySet().stream().mapToInt(m -> m.getKey().length() + m.getValue().length()).sum()).sum();
            long now = System.nanoTime();
            tokens = Math.min(BURST_BYTES, tokens + (now - lastRefillNanos) / 1e9 * rateLimitBytesPerSecond);
            lastRefillNanos = now;
            if (tokens < bytes) {
                throw new Refused(429, "Ingestion rate limit exceeded for user fake (limit: " + rateLimitBytesPerSecond
                        + " bytes/sec) while attempting to ingest lines totaling " + bytes + " bytes, reduce log volume or contact your Loki administrator to see if the limit can be increased");
            }
            tokens -= bytes;
        }
        String lastStreamError = null;
        Instant now = Instant.now();
        for (PushedStream stream : streams) {
            String streamError = null;
            SortedMap<String, String> labels = stream.labels();
            for (Entry entry : stream.entries()) {
                Instant at = Instant.ofEpochSecond(0, entry.timestampNanos());
                long newest = newestByStream.getOrDefault(labels, Long.MIN_VALUE);
                int lineBytes = entry.line().getBytes(StandardCharsets.UTF_8).length;
                int metadataBytes = entry.metadata().entrySet().stream().mapToInt(m -> m.getKey().length() + m.getValue().length()).sum();
                String entryError = null;
                if (lineBytes > MAX_LINE_BYTES) {
                    entryError = "stream '" + labels + "' has a line too long: " + lineBytes + " bytes, limit " + MAX_LINE_BYTES;
                } else if (metadataBytes > MAX_METADATA_BYTES || entry.metadata().size() > MAX_METADATA_ENTRIES) {
                    entryError = "stream '" + labels + "' has structured metadata too large: '" + metadataBytes + "' bytes, limit: '"
                            + MAX_METADATA_BYTES + "' bytes";
                } else if (at.isBefore(now.minus(REJECT_OLDER_THAN))) {
                    entryError = "entry for stream '" + labels + "' has timestamp too old: " + at;
                } else if (at.isAfter(now.plus(CREATION_GRACE))) {
                    entryError = "entry for stream '" + labels + "' has timestamp too new: " + at;
                } else if (newest != Long.MIN_VALUE && entry.timestampNanos() < newest - MAX_BEHIND.toNanos()) {
                    entryError = "entry with timestamp " + at + " ignored, reason: 'entry too far behind, entry timestamp is: "
                            + at + ", oldest acceptable timestamp is: " + Instant.ofEpochSecond(0, newest - MAX_BEHIND.toNanos()) + "'";
                }
                if (entryError != null) {
                    streamError = entryError;
                    continue;
                }
                if (storedKeys.add(new Key(labels, entry.timestampNanos(), entry.line()))) {
                    stored.add(entry);
                }
                newestByStream.put(labels, Math.max(newest, entry.timestampNanos()));
            }
            // Loki reports only the last stream's error: an error in an earlier stream is overwritten.
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
