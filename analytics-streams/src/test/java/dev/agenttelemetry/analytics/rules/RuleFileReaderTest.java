package dev.agenttelemetry.analytics.rules;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RuleFileReaderTest {
    @Test
    void theShippedRulesCoverEveryRequiredBehaviour() {
        RuleBook book = RuleBook.defaults();
        assertThat(book.rules()).extracting(RuleDefinition::id).contains("outside_project_access", "system_file_modification",
                "privilege_escalation", "destructive_command", "repeated_violations", "config_tampering", "sensitive_file_access",
                "network_exfiltration", "high_frequency");
        assertThat(book.rules()).allSatisfy(rule -> assertThat(rule.description()).isNotBlank());
    }

    @Test
    void everyProblemIsReportedWithItsLine() {
        String file = """
                version: 1
                rules:
                  - id: Bad-Id
                    title: x
                    severity: hihg
                    match:
                      - command: {program: [rm], args_regex: '(unclosed'}
                  - id: no_match
                    title: y
                    severity: low
                  - id: typo
                    title: z
                    severity: low
                    match:
                      - comand: {program: [rm]}
                  - id: windowless
                    title: w
                    severity: low
                    threshold: 3
                    match:
                      - event_types: [file_reed]
                  - id: typo
                    title: dup
                    severity: low
                    suppress: 10 minutes
                    match:
                      - tools: [Bash]
                """;
        assertThatThrownBy(() -> RuleFileReader.read("rules.yaml", file))
                .isInstanceOf(RuleFileException.class)
                .satisfies(e -> assertThat(((RuleFileException) e).problems()).containsExactly(
                        "line 3: rule 'Bad-Id': id must be lower case letters, digits and '_', starting with a letter",
                        "line 5: rule 'Bad-Id'.severity: 'hihg' is not one of low, medium, high, critical",
                        "line 7: rule 'Bad-Id'.match.command.args_regex: not a valid regular expression: Unclosed group",
                        "line 8: rule 'no_match': an event rule needs 'match' with at least one alternative",
                        "line 15: rule 'typo'.match alternative: unknown key 'comand' (known: command, event_types, path_classes, paths, severity, tools, url)",
                        "line 15: rule 'typo'.match: an alternative needs at least one condition",
                        "line 21: rule 'windowless'.match.event_types: 'file_reed' is not one of " + String.join(", ",
                                java.util.Arrays.stream(dev.agenttelemetry.avro.EventType.values()).map(Enum::name).toList()),
                        "line 16: rule 'windowless': 'window' is needed with a threshold (e.g. window: 5m)",
                        "line 25: rule 'typo'.suppress: expected a duration such as 500ms, 30s, 5m, 1h or 1d, got '10 minutes'"))
                .hasMessageStartingWith("rules.yaml: 9 problems");
    }

    @Test
    void yamlSyntaxErrorsNameTheirLine() {
        assertThatThrownBy(() -> RuleFileReader.read("r.yaml", "rules:\n  - id: x\n    title: [unclosed\n"))
                .isInstanceOf(RuleFileException.class).hasMessageContaining("line 4: not valid YAML");
        assertThatThrownBy(() -> RuleFileReader.read("r.yaml", "")).hasMessageContaining("the file is empty");
    }
}
