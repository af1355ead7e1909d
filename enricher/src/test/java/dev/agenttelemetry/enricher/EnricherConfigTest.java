package dev.agenttelemetry.enricher;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.avro.PathClass;
import dev.agenttelemetry.avro.PathRef;
import dev.agenttelemetry.config.ConfigException;
import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.enricher.masking.Masker;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnricherConfigTest {
    private static EnricherConfig config(Map<String, String> settings) {
        return EnricherConfig.from(new ConfigReader(settings, "test"), "k:9092", Path.of("/tmp/state"), "agent.dlq");
    }

    @Test
    void masksAsConfigured() {
        EnricherConfig config = config(Map.of("enricher.masking.disabled", "email, phone", "enricher.masking.pattern.employee_id", "EMP-(\\d{6})",
                "enricher.masking.fields", "ssn"));
        Masker masker = Masker.create(config.masking());
        assertThat(masker.mask("bob@example.org EMP-123456").text()).isEqualTo("bob@example.org EMP-[MASKED:employee_id]");
        assertThat(masker.isSensitiveField("ssn")).isTrue();
        assertThat(masker.isSensitiveField("password")).as("defaults kept").isTrue();
        assertThat(config.streamsProperties()).containsEntry("deserialization.exception.handler",
                "dev.agenttelemetry.enricher.errors.MaskingDeadLetterHandler").containsEntry("processing.guarantee", "exactly_once_v2");
    }

    @Test
    void namesTheKeyOfABadPattern() {
        assertThatThrownBy(() -> config(Map.of("enricher.masking.pattern.broken", "(unclosed")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("enricher.masking.pattern.broken");
    }

    @Test
    void takesProjectsFromConfiguredWorkspaceRoots() {
        EnricherConfig config = config(Map.of(EnricherConfig.WORKSPACE_ROOTS, "~/code, /srv/repos"));
        HookEnvelope hook = HookEnvelope.newBuilder().setEventId("e1").setReceivedAt(Instant.parse("2026-12-04T10:00:00Z"))
                .setHookEventName("PreToolUse").setSessionId("s1").setCwd("/srv/repos/shop/src")
                .setPayload("{\"tool_name\":\"Read\",\"tool_input\":{\"file_path\":\"/srv/repos/billing/README.md\"}}").build();
        AgentEvent event = config.eventEnricher(Masker.withDefaultRules()).enrich(hook);
        assertThat(event.getProjectRoot()).isEqualTo("/srv/repos/shop");
        assertThat(event.getPaths()).containsExactly(new PathRef("/srv/repos/billing/README.md", PathClass.sibling_project));
    }

    @Test
    void namesTheKeyOfABadWorkspaceRoot() {
        assertThatThrownBy(() -> config(Map.of(EnricherConfig.WORKSPACE_ROOTS, "~/code, projects")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(EnricherConfig.WORKSPACE_ROOTS).hasMessageContaining("'projects'");
    }
}
