package dev.agenttelemetry.collector;

import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.registry.server.EmbeddedSchemaRegistry;
import dev.agenttelemetry.testkit.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The collector's data directory on a real, small file system (a 1 MiB tmpfs) while Kafka is unreachable:
 * once the disk itself is full (long before {@code collector.spool.max.bytes}), hooks get 503 with the reason,
 * and metrics and readiness say so; when space is freed, hooks are accepted again; and a collector with Kafka
 * started on a disk without a byte left replays every accepted hook exactly once.
 */
class SpoolDiskFullIT {
    private static final String PADDING = "x".repeat(8_000);

    @Test
    void aFullDiskRefusesHooksClearlyRecoversWhenSpaceIsFreedAndLosesNothing() throws Exception {
        Path dir = TestKafka.workDir("spool-disk-full-");
        assumeTrue(mount(dir), "mounting a tmpfs needs root (or CAP_SYS_ADMIN); the spool's ENOSPC path is still covered by SpoolTest");
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, KafkaAccess.plaintext(TestKafka.bootstrapServers()), "_schemas-disk-full")) {
            CollectorFixture fixture = new CollectorFixture(TestKafka.bootstrapServers(), registry.url(), "raw-disk-full", dir);
            new SchemaRegistryClient(registry.url()).register("raw-disk-full-value", HookEnvelope.getClassSchema());
            Map<String, String> settings = Map.of("collector.spool.max.bytes", String.valueOf(64 << 20), "collector.spool.segment.bytes", String.valueOf(64 << 10));
            Path ballast = dir.resolve("ballast.bin");
            Files.write(ballast, new byte[512 << 10]);
            List<String> accepted = new ArrayList<>();
            try (Collector offline = fixture.start(settings, "127.0.0.1:1")) {
                HttpResponse<String> refused = postUntilRefused(offline, accepted);
                assertThat(refused.statusCode()).isEqualTo(503);
                assertThat(refused.body()).contains("local spool is full or unwritable");
                assertThat(CollectorFixture.get(offline.url() + "/readyz").statusCode()).isEqualTo(503);
                assertThat(CollectorFixture.get(offline.url() + "/metrics").body()).contains("collector_spooling 1.0", "collector_rejections_total{reason=\"spool_full\"}");
                int beforeFreeing = accepted.size();
                assertThat(beforeFreeing).as("hooks spooled before the disk filled").isGreaterThan(20);

                Files.delete(ballast); // space freed: the spool takes hooks again, until the disk is full once more
                postUntilRefused(offline, accepted);
                assertThat(accepted.size() - beforeFreeing).as("hooks spooled after space was freed").isGreaterThan(20);
            }
            fillUp(dir.resolve("last-bytes.bin")); // not a byte left: even the replay position cannot be written

            try (Collector online = fixture.start(settings)) {
                await("the spool replayed on the full disk").dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200)).until(() -> isDrained(metrics(online)));
                assertThat(CollectorFixture.post(online.url() + "/v1/hooks", "application/json", hook(accepted.size())).statusCode()).isEqualTo(200);
            }
            List<String> delivered = fixture.readRaw(accepted.size() + 2, Duration.ofSeconds(5)).stream()
                    .map(ConsumerRecord::value).map(HookEnvelope::getEventId).toList();
            assertThat(delivered).as("every accepted hook once, and the hook sent after the replay")
                    .hasSize(accepted.size() + 1).containsAll(accepted).doesNotHaveDuplicates();
        } finally {
            unmount(dir);
        }
    }

    private static HttpResponse<String> postUntilRefused(Collector collector, List<String> accepted) throws Exception {
        for (int n = 0; n < 1_000; n++) {
            HttpResponse<String> answer = CollectorFixture.post(collector.url() + "/v1/hooks", "application/json", hook(accepted.size()));
            if (answer.statusCode() != 200) {
                return answer;
            }
            accepted.add(answer.headers().firstValue("X-Event-Id").orElseThrow());
        }
        throw new AssertionError("1,000 hooks of 8 KB were accepted on a 1 MiB disk");
    }

    private static void fillUp(Path file) throws IOException {
        try (var out = Files.newOutputStream(file)) {
            byte[] page = new byte[4096];
            while (true) {
                out.write(page);
                out.flush();
            }
        } catch (IOException e) {
            assertThat(e).hasMessageContaining("No space left on device");
        }
    }

    private static boolean isDrained(String metrics) {
        return metrics.contains("collector_spool_pending_events 0.0\n") && metrics.contains("collector_spooling 0.0\n");
    }

    private static String metrics(Collector collector) {
        try {
            return CollectorFixture.get(collector.url() + "/metrics").body();
        } catch (Exception e) {
            throw new AssertionError("GET /metrics failed", e);
        }
    }

    private static String hook(int n) {
        return "{\"session_id\":\"disk-" + (n % 3) + "\",\"hook_event_name\":\"PreToolUse\",\"n\":" + n + ",\"pad\":\"" + PADDING + "\"}";
    }

    private static boolean mount(Path dir) throws IOException, InterruptedException {
        return run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir.toString());
    }

    private static void unmount(Path dir) throws IOException, InterruptedException {
        run("umount", dir.toString());
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false; // no mount command
        }
    }
}
