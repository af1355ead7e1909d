package dev.agenttelemetry.launcher.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agenttelemetry.analytics.rules.Violation;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a labelled test line says should be detected: the behaviour's categories ({@code category}, the one the
 * figures are grouped by, and {@code categories}), or a rule id ({@code expect}); {@code technique} and
 * {@code strength} only group the figures. A line counts as detected when a rule of one of its categories fires,
 * at any severity, or the expected rule does. A line whose only category is {@code none} is not scored.
 */
public record DetectionLabels(String category, Set<String> categories, String expectedRule, String technique, String strength) {

    /** The labels of a line, if it has any. */
    public static Optional<DetectionLabels> of(JsonNode line) {
        Set<String> categories = new LinkedHashSet<>();
        if (line.path("category").isTextual()) {
            categories.add(line.path("category").asText());
        }
        line.path("categories").forEach(category -> categories.add(category.asText()));
        categories.remove("none"); // a behaviour with nothing to see at the command level
        String expected = line.path("expect").isTextual() ? line.path("expect").asText() : null;
        if (categories.isEmpty() && expected == null) {
            return Optional.empty();
        }
        String category = categories.isEmpty() ? "rule " + expected : categories.iterator().next();
        return Optional.of(new DetectionLabels(category, Set.copyOf(categories), expected, line.path("technique").asText(""),
                line.path("strength").asText("")));
    }

    public boolean detectedBy(List<Violation> fired) {
        return fired.stream().anyMatch(v -> categories.contains(v.rule().category()) || v.rule().id().equals(expectedRule));
    }
}
