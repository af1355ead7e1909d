package dev.agenttelemetry.launcher;

import dev.agenttelemetry.config.KafkaAccess;
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

    public static void requireReachable(KafkaAccess kafka, Duration timeout, String hint) throws InterruptedException {
        int millis = (int) timeout.toMillis();
        try (Admin admin = Admin.create(kafka.clientProperties(Map.of("request.timeout.ms", millis, "default.api.timeout.ms", millis)))) {
            admin.describeCluster().nodes().get(millis + 1000L, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.AuthenticationException denied) {
                throw new IllegalStateException("Kafka at " + kafka + " refused the credentials: " + denied.getMessage()
                        + " (check " + KafkaAccess.PROTOCOL + " and the principal's kafka.username and kafka.password settings)");
            }
            throw new IllegalStateException("cannot reach Kafka at " + kafka + " within " + timeout.toSeconds() + " s: " + hint);
        }
    }
}
