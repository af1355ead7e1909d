package dev.agenttelemetry.enricher;

import dev.agenttelemetry.config.ConfigException;
import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.enricher.masking.Masker;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
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
}
