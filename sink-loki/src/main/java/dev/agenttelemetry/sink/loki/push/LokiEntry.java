package dev.agenttelemetry.sink.loki.push;

import java.util.SortedMap;

/** One log line for Loki: its stream's labels, its timestamp in nanoseconds and the line. */
public record LokiEntry(SortedMap<String, String> labels, long timestampNanos, String line) {
}
