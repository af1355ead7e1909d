package dev.agenttelemetry.launcher;

import org.apache.kafka.clients.admin.Admin;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Fails fast, with a message that says what to do, when Kafka is not there (clients would otherwise retry forever). */
public final class KafkaCheck {
    private KafkaCheck() {
    }

    public static void requireReachable(String bootstrapServers, Duration timeout, String hint) throws InterruptedException {
        int millis = (int) timeout.toMillis();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers,
                "request.timeout.ms", millis, "default.api.timeout.ms", millis))) {
            admin.describeCluster().nodes().get(millis + 1000L, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot reach Kafka at " + bootstrapServers + " within " + timeout.toSeconds() + " s: " + hint);
        }
    }
}
