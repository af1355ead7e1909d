package dev.agenttelemetry.launcher.hooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agenttelemetry.config.ConfigException;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.UnaryOperator;

/** A Claude Code settings.json: read, changed by a pure function, shown (dry run) or written with a backup. */
final class SettingsFile {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Two-space indents and {@code "key": value}, as Claude Code's own settings files look. */
    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n")).withArrayIndenter(new DefaultIndenter("  ", "\n"));

    private SettingsFile() {
    }

    /** Applies {@code change}; prints what changed; writes unless {@code dryRun}. Returns whether anything changed. */
    static boolean apply(Path file, UnaryOperator<ObjectNode> change, boolean dryRun, PrintWriter out) throws IOException {
        ObjectNode before = read(file);
        ObjectNode after = change.apply(before);
        if (after.equals(before)) {
            out.println(file + ": already up to date, nothing to change.");
            return false;
        }
        String beforeText = Files.exists(file) ? render(before) : "";
        String afterText = render(after);
        if (dryRun) {
            out.println(file + ": would change (dry run, nothing written):");
            LineDiff.diff(beforeText.lines().toList(), afterText.lines().toList(), 2).forEach(out::println);
            return true;
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (Files.exists(file)) {
            Files.copy(file, file.resolveSibling(file.getFileName() + ".agent-telemetry.bak"), StandardCopyOption.REPLACE_EXISTING);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, afterText + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        out.println(file + ": updated" + (beforeText.isEmpty() ? " (created)" : " (previous version in " + file.getFileName() + ".agent-telemetry.bak)") + ".");
        return true;
    }

    private static ObjectNode read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return JSON.createObjectNode();
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(text);
            if (node instanceof ObjectNode object) {
                return object;
            }
            throw new ConfigException("settings", file + " is not a JSON object; fix it by hand first, nothing was changed");
        } catch (JsonProcessingException e) {
            throw new ConfigException("settings", file + " is not valid JSON (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + "); fix it by hand first, nothing was changed");
        }
    }

    private static String render(ObjectNode settings) throws IOException {
        return JSON.writer(PRETTY).writeValueAsString(settings);
    }

    static List<String> otlpEnvironment(String collectorBase) {
        return List.of("CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_LOGS_EXPORTER=otlp",
                "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL=http/protobuf", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT=" + collectorBase + "/v1/logs");
    }
}
