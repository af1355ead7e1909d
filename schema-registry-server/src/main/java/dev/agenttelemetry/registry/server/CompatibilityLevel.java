package dev.agenttelemetry.registry.server;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

import java.util.ArrayList;
import java.util.List;

/** Confluent's compatibility levels, checked with Avro's own reader/writer schema resolution rules. */
public enum CompatibilityLevel {
    NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE;

    /**
     * Why {@code candidate} may not follow {@code existing} (oldest first); empty when it may.
     * BACKWARD: readers of the new schema read old data. FORWARD: readers of old schemas read new data.
     * Non-transitive levels check only the latest version.
     */
    public List<String> problems(Schema candidate, List<Schema> existing) {
        if (this == NONE || existing.isEmpty()) {
            return List.of();
        }
        boolean transitive = name().endsWith("_TRANSITIVE");
        List<Schema> against = transitive ? existing : List.of(existing.get(existing.size() - 1));
        boolean backward = name().startsWith("BACKWARD") || name().startsWith("FULL");
        boolean forward = name().startsWith("FORWARD") || name().startsWith("FULL");
        List<String> problems = new ArrayList<>();
        for (Schema old : against) {
            if (backward) {
                problems.addAll(describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, old)));
            }
            if (forward) {
                problems.addAll(describe(SchemaCompatibility.checkReaderWriterCompatibility(old, candidate)));
            }
        }
        return problems;
    }

    private static List<String> describe(SchemaCompatibility.SchemaPairCompatibility result) {
        return result.getResult().getIncompatibilities().stream()
                .map((Incompatibility i) -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
                .toList();
    }

    public static CompatibilityLevel parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("invalid compatibility level '" + text + "': must be one of "
                    + java.util.Arrays.toString(values()));
        }
    }
}
