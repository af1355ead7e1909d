package dev.agenttelemetry.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agenttelemetry.enricher.HookEventEnricher;
import dev.agenttelemetry.enricher.masking.Masker;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the masker changes in real Claude Code hook payloads, where nobody labelled the secrets: masks per kind,
 * and how many of the secret-kind masks replaced text of a shape that is no secret (a code reference, one of
 * Claude's ids, a UUID, a path or URL, a word, a number), masking each string of a payload as the enricher does and
 * the payload as one JSON line as {@code agent-telemetry mask} does. Repositories are split in halves (see {@link Half}).
 * The sample it prints shows a mask's kind, field, key and the shape of the value, with a hash for the value:
 * real payloads hold real leaked credentials, which are never printed.
 */
final class RealPayloads {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Personal data, not secrets: these kinds are left out of the share of secret-kind masks. */
    static final Set<String> PERSONAL_KINDS = Set.of("email", "phone", "home_dir");

    /** Shapes of text that is no secret, judged by these plain definitions and not by the masker's own checks. */
    enum Shape {
        CLAUDE_ID("(?:toolu|srvtoolu|req|msg)_[A-Za-z0-9]{10,}"),
        UUID("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"),
        NUMBER("[-+]?\\d[\\d.,:eE+\\- ]*"),
        PATH_OR_URL("[a-zA-Z][a-zA-Z0-9+.\\-]*://\\S*|[~.]?/?(?:[\\w.\\-@]+/)+[\\w.\\-@]*|[\\w\\-]+(?:\\.[\\w\\-]+)*\\.[a-z]{2,5}"),
        CODE("[A-Za-z_$][\\w$]*(?:(?:\\.|\\?\\.|->|::)[A-Za-z_$][\\w$]*)+(?:\\(\\))?|.*(?:\\(|\\$\\{|\\{\\{|\\[).*"),
        WORD("[A-Za-z]+(?:[_\\- ][A-Za-z]+)*"),
        OTHER("");

        final Pattern pattern;

        Shape(String regex) {
            this.pattern = Pattern.compile(regex, Pattern.DOTALL);
        }

        static Shape of(String value) {
            String v = value.replaceAll("^[\"'`(\\[{]+|[\"'`,;)\\]}]+$", "");
            for (Shape shape : values()) {
                if (shape != OTHER && shape.pattern.matcher(v).matches()) {
                    return shape;
                }
            }
            return OTHER;
        }
    }

    private static final Pattern KEY_WORD = Pattern.compile("[A-Za-z_][A-Za-z_.\\-]{1,39}");

    private final Masker masker;

    RealPayloads(Masker masker) {
        this.masker = masker;
    }

    private static final class Tally {
        int payloads;
        int secretKindMasks;
        final Map<String, Integer> byKind = new TreeMap<>();
        final Map<Shape, Integer> nonSecretByShape = new EnumMap<>(Shape.class);
        final List<String> sample = new ArrayList<>();

        int nonSecret() {
            return nonSecretByShape.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    void measure(Path hooksFile, PrintStream out, int sampleSize) throws IOException {
        Map<Half, Tally> byField = new EnumMap<>(Half.class); // each string of the payload, as the enricher masks it
        Map<Half, Tally> byLine = new EnumMap<>(Half.class); // the payload as one JSON line, as `agent-telemetry mask` does
        for (String line : Files.readAllLines(hooksFile, StandardCharsets.UTF_8)) {
            JsonNode row = JSON.readTree(line);
            JsonNode payload = row.path("payload");
            Half half = Half.of(row.path("repo").asText());
            Set<String> ids = HookEventEnricher.ownIds(payload, payload.path("session_id").asText(null));
            Tally fields = byField.computeIfAbsent(half, h -> new Tally());
            fields.payloads++;
            walk(payload, "", ids, fields, sampleSize);
            Tally lines = byLine.computeIfAbsent(half, h -> new Tally());
            lines.payloads++;
            mask(JSON.writeValueAsString(payload), "(line)", ids, lines, sampleSize);
        }
        out.println("Real hook payloads (real-hooks.jsonl), repositories split in two by name; masks by kind, and secret-kind masks");
        out.println("whose original is a code reference, Claude id, UUID, path/URL, word or number (target <= 5 %):");
        for (Half half : Half.values()) {
            print(out, half.label + ", fields", byField.getOrDefault(half, new Tally()));
            print(out, half.label + ", lines", byLine.getOrDefault(half, new Tally()));
        }
        if (sampleSize > 0) {
            for (Half half : Half.values()) {
                out.println("  sample of secret-kind masks, " + half.label + " half (kind, field, key before it, shape, length, SHA-256 prefix of the value):");
                byField.getOrDefault(half, new Tally()).sample.forEach(s -> out.println("    " + s));
                byLine.getOrDefault(half, new Tally()).sample.forEach(s -> out.println("    " + s));
            }
        }
    }

    private static void print(PrintStream out, String label, Tally t) {
        out.printf("  %-17s %d payloads; masks %s; secret-kind masks %d, of which non-secret shapes %d = %.1f %% %s%n", label, t.payloads,
                t.byKind, t.secretKindMasks, t.nonSecret(), MaskingMeasurement.percent(t.nonSecret(), t.secretKindMasks), t.nonSecretByShape);
    }

    private void walk(JsonNode node, String field, Set<String> ids, Tally tally, int sampleSize) {
        if (node.isObject()) {
            node.fields().forEachRemaining(entry -> {
                mask(entry.getKey(), field, ids, tally, sampleSize);
                walk(entry.getValue(), field.isEmpty() ? entry.getKey() : field + "." + entry.getKey(), ids, tally, sampleSize);
            });
        } else if (node.isArray()) {
            node.forEach(item -> walk(item, field + "[]", ids, tally, sampleSize));
        } else if (node.isTextual()) {
            mask(node.asText(), field, ids, tally, sampleSize);
        }
    }

    private void mask(String text, String field, Set<String> ids, Tally tally, int sampleSize) {
        masker.mask(text, ids, replaced -> {
            tally.byKind.merge(replaced.kind(), 1, Integer::sum);
            if (PERSONAL_KINDS.contains(replaced.kind())) {
                return;
            }
            tally.secretKindMasks++;
            Shape shape = Shape.of(replaced.original());
            if (shape != Shape.OTHER) {
                tally.nonSecretByShape.merge(shape, 1, Integer::sum);
            }
            if (tally.sample.size() < sampleSize) {
                tally.sample.add(String.format("%-16s %-28s %-24s %-11s %3d %s", replaced.kind(), field, keyBefore(replaced.before()), shape,
                        replaced.original().length(), sha256Prefix(replaced.original())));
            }
        });
    }

    /** The last name-like word before the value: its key, with no digits so that no part of a secret is shown. */
    private static String keyBefore(String before) {
        Matcher m = KEY_WORD.matcher(before);
        String last = "-";
        while (m.find()) {
            last = m.group();
        }
        return last;
    }

    private static String sha256Prefix(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)), 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
