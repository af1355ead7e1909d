package dev.agenttelemetry.analytics.rules;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which ATT&CK techniques for Linux and macOS the default rules cover, and which are out of scope and why: a
 * table kept beside the rules ({@code attack-coverage.tsv}), built from ATT&CK's technique descriptions.
 */
public final class TechniqueCoverage {
    static final String FILE = "attack-coverage.tsv";

    /** One technique: its rules (none when out of scope) and a note on what they catch or why it is out of scope. */
    public record Technique(String id, String name, String tactic, List<String> rules, String note) {
    }

    private TechniqueCoverage() {
    }

    public static List<Technique> defaults() {
        try (InputStream in = TechniqueCoverage.class.getResourceAsStream(FILE)) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Technique> parse(String text) {
        List<Technique> techniques = new ArrayList<>();
        int lineNumber = 0;
        for (String line : text.split("\n")) {
            lineNumber++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] columns = line.split("\t", -1);
            if (columns.length != 5) {
                throw new IllegalStateException(FILE + " line " + lineNumber + ": expected 5 tab-separated columns, found " + columns.length);
            }
            List<String> rules = columns[3].equals("-") ? List.of() : Arrays.stream(columns[3].split(",")).map(String::strip).toList();
            techniques.add(new Technique(columns[0], columns[1], columns[2], rules, columns[4]));
        }
        return techniques;
    }
}
