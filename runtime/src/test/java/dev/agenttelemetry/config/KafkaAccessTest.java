package dev.agenttelemetry.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaAccessTest {
    @Test
    void plaintextByDefaultAddsNoSecurityProperties() {
        KafkaAccess access = KafkaAccess.of(new ConfigReader(Map.of(), "test"), "k:9092", "collector");
        assertThat(access.clientProperties()).containsExactly(Map.entry("bootstrap.servers", "k:9092"));
        assertThat(access).hasToString("k:9092 (PLAINTEXT)");
    }

    @Test
    void saslSslUsesThePrincipalsOwnPasswordAndTheGeneratedCaFromTheSecretsDirectory(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("enricher.password"), "s3cret\"pw\n");
        Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        ConfigReader config = new ConfigReader(Map.of("kafka.security.protocol", "sasl_ssl", "kafka.security.dir", dir.toString()), "test");

        KafkaAccess access = KafkaAccess.of(config, "k:9093", "enricher");

        assertThat(access.clientProperties()).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"enricher\" password=\"s3cret\\\"pw\";")
                .containsEntry("ssl.truststore.location", dir.resolve("ca.pem").toString()).containsEntry("ssl.truststore.type", "PEM");
        assertThat(access.username()).contains("enricher");
        assertThat(access.toString()).isEqualTo("k:9093 (SASL_SSL as enricher)").doesNotContain("s3cret");
    }

    @Test
    void anExplicitPasswordOrPasswordFileWinsOverTheSecretsDirectory(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("collector.password"), "generated");
        Path file = Files.writeString(dir.resolve("mine"), "from-file");
        ConfigReader base = new ConfigReader(Map.of("kafka.security.protocol", "SASL_PLAINTEXT", "kafka.security.dir", dir.toString(),
                "collector.kafka.username", "svc-collector"), "test");

        assertThat(KafkaAccess.of(base.with(Map.of("collector.kafka.password", "from-env")), "k:1", "collector").security().get("sasl.jaas.config"))
                .contains("username=\"svc-collector\" password=\"from-env\"");
        assertThat(KafkaAccess.of(base.with(Map.of("collector.kafka.password.file", file.toString())), "k:1", "collector").security().get("sasl.jaas.config"))
                .contains("password=\"from-file\"");
        assertThat(KafkaAccess.of(base, "k:1", "collector").security()).doesNotContainKey("ssl.truststore.location");
    }

    @Test
    void errorsNameTheKeyToSet(@TempDir Path dir) {
        ConfigReader noPassword = new ConfigReader(Map.of("kafka.security.protocol", "SASL_SSL", "kafka.security.dir", dir.toString()), "test");
        assertThatThrownBy(() -> KafkaAccess.of(noPassword, "k:1", "analytics")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'analytics.kafka.password'").hasMessageContaining("AGENT_TELEMETRY_ANALYTICS_KAFKA_PASSWORD")
                .hasMessageContaining("'analytics.kafka.password.file'");
        assertThatThrownBy(() -> KafkaAccess.of(new ConfigReader(Map.of("kafka.security.protocol", "TLS"), "test"), "k:1", "collector"))
                .hasMessageContaining("'kafka.security.protocol'").hasMessageContaining("SASL_SSL");
        assertThatThrownBy(() -> KafkaAccess.of(new ConfigReader(Map.of("kafka.security.protocol", "SASL_SSL", "kafka.sasl.mechanism", "GSSAPI",
                "collector.kafka.password", "x"), "test"), "k:1", "collector")).hasMessageContaining("'kafka.sasl.mechanism'");
        ConfigReader missingFile = new ConfigReader(Map.of("kafka.security.protocol", "SASL_SSL",
                "collector.kafka.password.file", dir.resolve("absent").toString()), "test");
        assertThatThrownBy(() -> KafkaAccess.of(missingFile, "k:1", "collector")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'collector.kafka.password.file'");
    }
}
