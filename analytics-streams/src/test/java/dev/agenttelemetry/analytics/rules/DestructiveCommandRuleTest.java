package dev.agenttelemetry.analytics.rules;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.EventType;
import dev.agenttelemetry.avro.Severity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class DestructiveCommandRuleTest {
    static AgentEvent bash(String command) {
        return AgentEvent.newBuilder().setEventId("e1").setReceivedAt(Instant.EPOCH).setSessionId("s1")
                .setHookEventName("PreToolUse").setEventType(EventType.command_execution).setToolName("Bash")
                .setCommand(command).setPayload("{}").build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"rm -rf /", "rm -fr ~", "rm -r -f /*", "sudo rm -rf --no-preserve-root /",
            "cd / && sudo rm -rf --no-preserve-root *", "env X=1 nohup rm --recursive --force $HOME", "/bin/rm -Rf ."})
    void fires(String command) {
        assertThat(new DestructiveCommandRule().evaluate(bash(command)))
                .hasValueSatisfying(v -> assertThat(v.severity()).isEqualTo(Severity.critical));
    }

    @ParameterizedTest
    @ValueSource(strings = {"grep \"rm -rf /\" notes.md", "echo rm -rf /", "rm -rf build/", "rm -f /tmp/x", "rm -r /", "ls -la /"})
    void staysQuiet(String command) {
        assertThat(new DestructiveCommandRule().evaluate(bash(command))).isEmpty();
    }
}
