package dev.agenttelemetry.sink.loki;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.avro.SessionActivity;
import dev.agenttelemetry.sink.loki.config.LokiSinkConfig;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboards query what the sink produces: every stream selector uses labels the connector sets
 * (with its default label fields), every label filter and grouping a label, a structured metadata field or a
 * field extracted with json, every json path and line_format field exists in the Avro schema of the kind
 * queried, and every unwrap a number it extracted.
 */
class DashboardsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LINE_FORMAT = Pattern.compile("\\| line_format \"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern TEMPLATE_FIELD = Pattern.compile("\\{\\{\\.([a-zA-Z_][a-zA-Z0-9_]*)}}");
    private static final Pattern SELECTOR = Pattern.compile("\\{([^{}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");
    private static final Pattern JSON_STAGE = Pattern.compile("\\| json( [^|\\[]+)?");
    private static final Pattern JSON_PARAM = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)(?:=\"([^\"]+)\")?");
    private static final Pattern LABEL_FILTER = Pattern.compile("\\| ([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=|>|<)");
    private static final Pattern UNWRAP = Pattern.compile("unwrap ([a-zA-Z_][a-zA-Z0-9_]*)");
    private static final Pattern BY = Pattern.compile("by \\(([^)]*)\\)");
    private static final Map<String, Schema> SCHEMAS = Map.of("event", AgentEvent.getClassSchema(), "alert", SecurityAlert.getClassSchema(),
            "session", SessionActivity.getClassSchema());

    @Test
    void everyQueryMatchesTheLabelsAndFieldsWeProduce() throws Exception {
        LokiSinkConfig config = new LokiSinkConfig(Map.of("loki.url", "http://loki:3100", "schema.registry.url", "http://registry:8081"));
        Set<String> labels = new HashSet<>(Set.of("service", "kind"));
        labels.addAll(config.fieldLabels().values());
        Set<String> metadata = new HashSet<>(config.metadataFields());
        List<String> checked = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(Path.of("../deploy/grafana/dashboards"), "*.json")) {
            for (Path file : files) {
                JsonNode dashboard = JSON.readTree(file.toFile());
                assertThat(dashboard.path("uid").asText()).as(file + " uid").startsWith("agent-telemetry-");
                if (dashboard.path("panels").path(0).path("datasource").path("type").asText().equals("prometheus")) {
                    continue; // the pipeline-health dashboard: its queries are run against a real Prometheus in the launcher's tests
                }
                for (JsonNode panel : dashboard.path("panels")) {
                    assertThat(panel.path("datasource").path("uid").asText()).isEqualTo("agent-telemetry-loki");
                    for (JsonNode target : panel.path("targets")) {
                        String where = file.getFileName() + " / " + panel.path("title").asText();
                        check(where, target.path("expr").asText(), labels, metadata);
                        checked.add(where);
                    }
                }
            }
        }
        assertThat(checked).as("queries checked").hasSizeGreaterThan(25);
    }

    private static void check(String where, String expr, Set<String> labels, Set<String> metadata) {
        List<String> templates = new ArrayList<>();
        Matcher lineFormat = LINE_FORMAT.matcher(expr);
        while (lineFormat.find()) {
            templates.add(lineFormat.group(1));
        }
        String query = LINE_FORMAT.matcher(expr).replaceAll("");
        Set<Schema> schemas = new HashSet<>();
        Matcher selector = SELECTOR.matcher(query);
        while (selector.find()) {
            Matcher matcher = MATCHER.matcher(selector.group(1));
            while (matcher.find()) {
                assertThat(labels).as(where + ": stream selector label " + matcher.group(1)).contains(matcher.group(1));
                if (matcher.group(1).equals("kind")) {
                    for (String kind : matcher.group(3).split("\\|")) {
                        assertThat(SCHEMAS).as(where + ": kind " + kind).containsKey(kind);
                        schemas.add(SCHEMAS.get(kind));
                    }
                }
            }
        }
        if (schemas.isEmpty()) {
            schemas.addAll(SCHEMAS.values());
        }
        Set<String> extracted = new HashSet<>();
        boolean allFields = false;
        Matcher json = JSON_STAGE.matcher(query);
        while (json.find()) {
            if (json.group(1) == null || json.group(1).isBlank()) {
                allFields = true;
                continue;
            }
            Matcher param = JSON_PARAM.matcher(json.group(1));
            while (param.find()) {
                String path = param.group(2) != null ? param.group(2) : param.group(1);
                assertThat(schemas.stream().anyMatch(schema -> resolves(schema, path))).as(where + ": json path " + path).isTrue();
                extracted.add(param.group(1));
            }
        }
        Set<String> known = new HashSet<>(labels);
        known.addAll(metadata);
        known.addAll(extracted);
        known.add("__error__");
        Matcher filter = LABEL_FILTER.matcher(query);
        while (filter.find()) {
            String name = filter.group(1);
            if (!name.equals("json") && !name.equals("unwrap")) {
                assertThat(known.contains(name) || (allFields && schemas.stream().anyMatch(s -> resolves(s, name))))
                        .as(where + ": label filter on " + name).isTrue();
            }
        }
        Matcher by = BY.matcher(query);
        while (by.find()) {
            for (String name : by.group(1).split(",")) {
                assertThat(known).as(where + ": grouping by " + name.trim()).contains(name.trim());
            }
        }
        Matcher unwrap = UNWRAP.matcher(query);
        while (unwrap.find()) {
            assertThat(extracted).as(where + ": unwrap " + unwrap.group(1)).contains(unwrap.group(1));
        }
        for (String template : templates) {
            Matcher field = TEMPLATE_FIELD.matcher(template);
            while (field.find()) {
                String name = field.group(1);
                assertThat(extracted.contains(name) || schemas.stream().anyMatch(s -> resolvesFlattened(s, name)))
                        .as(where + ": line_format field " + name).isTrue();
            }
        }
    }

    /** A dotted path through records (and maps, whose keys are free). */
    private static boolean resolves(Schema schema, String path) {
        Schema current = schema;
        for (String part : path.split("\\.")) {
            current = nonNull(current);
            if (current.getType() == Schema.Type.MAP) {
                current = current.getValueType();
                continue;
            }
            if (current.getType() != Schema.Type.RECORD || current.getField(part) == null) {
                return false;
            }
            current = current.getField(part).schema();
        }
        return true;
    }

    /** A field name as "| json" flattens nested fields: pairing_outcome for pairing.outcome. */
    private static boolean resolvesFlattened(Schema schema, String name) {
        if (resolves(schema, name)) {
            return true;
        }
        for (Schema.Field field : schema.getFields()) {
            Schema type = nonNull(field.schema());
            String prefix = field.name() + "_";
            if (name.startsWith(prefix)) {
                if (type.getType() == Schema.Type.MAP) {
                    return true;
                }
                if (type.getType() == Schema.Type.RECORD && resolvesFlattened(type, name.substring(prefix.length()))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Schema nonNull(Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            return schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).findFirst().orElse(schema);
        }
        return schema;
    }
}
