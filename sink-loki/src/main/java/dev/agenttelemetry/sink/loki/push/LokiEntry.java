package dev.agenttelemetry.sink.loki.push;

import java.util.SortedMap;

/**
 * One log line for Loki: its stream's labels, its timestamp in nanoseconds, the line, and structured
 * metadata (high-cardinality fields such as session_id, kept out of the labels that Loki indexes).
 */
public record LokiEntry(SortedMap<String, String> labels, long timestampNanos, String line, SortedMap<String, String> metadata) {

    /** Bytes this entry adds to an uncompressed push request (line, metadata and a little framing). */
    public int approximateBytes() {
        int bytes = utf8Length(line) + 24;
        for (var entry : metadata.entrySet()) {
            bytes += entry.getKey().length() + utf8Length(entry.getValue()) + 8;
        }
        return bytes;
    }

    /** The UTF-8 length of a string, counted without encoding it (lines run to kilobytes, thousands a second). */
    static int utf8Length(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3; // a surrogate pair: 2 + 2
        }
        return bytes;
    }
}
