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
    void checksBetweenSettingsAreReportedOnTheKeyToChange() {
        Map<String, ConfigValue> values = new java.util.HashMap<>();
        new LokiSinkConnector().validate(Map.of("loki.url", "http://127.0.0.1:3100", "schema.registry.url", "http://127.0.0.1:8081",
                        "loki.auth.basic.user", "grafana", "loki.auth.bearer.token", "t0ken", "labels.fields", "project_name:project,tool_name:tool"))
                .configValues().forEach(v -> values.put(v.name(), v));
        assertThat(values.get("loki.auth.bearer.token").errorMessages()).singleElement().asString().contains("not both");
        assertThat(values.get("loki.auth.basic.password").errorMessages()).singleElement().asString().contains("needs both");

        values.clear();
        new LokiSinkConnector().validate(Map.of("loki.url", "http://127.0.0.1:3100", "schema.registry.url", "http://127.0.0.1:8081",
                        "labels.fields", "session-id:x-y", "loki.encoding", "xml"))
                .configValues().forEach(v -> values.put(v.name(), v));
        assertThat(values.get("labels.fields").errorMessages()).singleElement().asString().contains("session-id:x-y");
        assertThat(values.get("loki.encoding").errorMessages()).isNotEmpty();
    }

    @Test
    void loadsATrustStoreForTlsAndNamesTheKeyWhenItCannot(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path store = dir.resolve("trust.p12");
        java.security.KeyStore keyStore = java.security.KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        try (var out = java.nio.file.Files.newOutputStream(store)) {
            keyStore.store(out, "changeit".toCharArray());
        }
        Map<String, String> base = Map.of("loki.url", "https://loki.example:3100", "schema.registry.url", "http://127.0.0.1:8081",
                "loki.tls.truststore.path", store.toString());
        Map<String, String> right = new java.util.HashMap<>(base);
        right.put("loki.tls.truststore.password", "changeit");
        assertThat(new dev.agenttelemetry.sink.loki.config.LokiSinkConfig(right).sslContext()).isPresent();
        Map<String, String> wrong = new java.util.HashMap<>(base);
        wrong.put("loki.tls.truststore.password", "wrong");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new dev.agenttelemetry.sink.loki.config.LokiSinkConfig(wrong).sslContext())
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class).hasMessageContaining("loki.tls.truststore.path");
        Map<String, String> auth = new java.util.HashMap<>(base);
        auth.remove("loki.tls.truststore.path");
        auth.put("loki.auth.bearer.token", "t0k3n");
        assertThat(new dev.agenttelemetry.sink.loki.config.LokiSinkConfig(auth).authorization()).contains("Bearer t0k3n");
        assertThat(new dev.agenttelemetry.sink.loki.config.LokiSinkConfig(auth).toString()).doesNotContain("t0k3n");
    }

    @Test
    void reportsTheBuildVersion() {
        assertThat(new LokiSinkConnector().version()).isNotBlank().isNotEqualTo("unknown").doesNotContain("${");
    }
}
