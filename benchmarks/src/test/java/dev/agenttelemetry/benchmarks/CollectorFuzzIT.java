package dev.agenttelemetry.benchmarks;

import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.registry.server.EmbeddedSchemaRegistry;
import dev.agenttelemetry.testkit.TestKafka;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input at scale, as a test: a smaller run of the fuzzer behind {@code agent-telemetry bench fuzz}
 * (which sends 100,000). Every answer a 2xx or a 4xx with a reason, no hang, the collector healthy after,
 * every accepted valid event in Kafka.
 */
class CollectorFuzzIT {
    @Test
    void survivesGeneratedBadInputAndDeliversTheValidEventsInBetween() throws Exception {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, KafkaAccess.plaintext(TestKafka.bootstrapServers()), "_schemas-fuzz-it")) {
            FuzzCommand.Outcome outcome = FuzzCommand.fuzz(TestKafka.bootstrapServers(), registry.url(), TestKafka.workDir("fuzz-"), 5_000, 7, 4);
            HookFuzzer.Result result = outcome.result();
            assertThat(result.violations()).as("contract violations").isEmpty();
            assertThat(result.byCategory()).containsKeys("malformed", "truncated", "deeply_nested", "invalid_utf8", "wrong_types", "unknown_event",
                    "batch", "valid");
            assertThat(result.byStatus().keySet()).allMatch(status -> status / 100 == 2 || status / 100 == 4);
            assertThat(result.acceptedValidIds()).hasSize((int) result.validSent());
            assertThat(outcome.validMissing()).as("accepted valid events missing from Kafka").isZero();
            assertThat(outcome.healthyAfter()).isTrue();
        }
    }
}
