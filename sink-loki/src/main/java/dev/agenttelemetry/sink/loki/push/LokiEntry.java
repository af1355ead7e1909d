package dev.agenttelemetry.sink.loki.push;

import java.nio.charset.StandardCharsets;
import java.util.SortedMap;

/**
 * One log line for Loki: its stream's labels, its timestamp in nanoseconds, the line, and structured
 * metadata (high-cardinality fields such as session_id, kept out of the labels that Loki indexes).
 */
public record LokiEntry(SortedMap<String, String> labels, long timestampNanos, String line, SortedMap<String, String> metadata) {

    /** Bytes this entry adds to an uncompressed push request (line, metadata and a little framing). */
    public int approximateBytes() {
        int bytes = line.getBytes(StandardCharsets.UTF_8).length + 24;
        for (var entry : metadata.entrySet()) {
            bytes += entry.getKey().length() + entry.getValue().getBytes(StandardCharsets.UTF_8).length + 8;
        }
        return bytes;
    }
}
