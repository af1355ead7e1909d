package dev.agenttelemetry.sink.loki;

import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LokiSinkConnectorTest {
    @Test
    void validateReportsEachErrorOnTheKeyThatCausedIt() {
        Map<String, ConfigValue> values = new java.util.HashMap<>();
        new LokiSinkConnector().validate(Map.of("loki.url", "ftp://nowhere", "batch.max.records", "0"))
                .configValues().forEach(v -> values.put(v.name(), v));
        assertThat(values.get("loki.url").errorMessages()).singleElement().asString().contains("http://");
        assertThat(values.get("batch.max.records").errorMessages()).isNotEmpty();
        assertThat(values.get("schema.registry.url").errorMessages()).singleElement().asString().contains("schema.registry.url");
        assertThat(values.get("loki.tenant").errorMessages()).isEmpty();
    }

    @Test
    void reportsTheBuildVersion() {
        assertThat(new LokiSinkConnector().version()).isNotBlank().isNotEqualTo("unknown").doesNotContain("${");
    }
}
