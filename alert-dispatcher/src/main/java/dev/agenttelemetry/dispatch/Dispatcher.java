package dev.agenttelemetry.dispatch;

import dev.agenttelemetry.retry.RetryPolicy;
import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.topics.Topic;
import dev.agenttelemetry.metrics.CounterFamily;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Sends new alerts from the alerts topic to the channels their severity routes them to, in order, as a
 * consumer group: an alert's offset is committed only once every channel took it (at least once: after a
 * crash, an alert may reach a channel twice). Temporary failures (5xx, 429, no answer, SMTP 4xx) are
 * retried with growing backoff until they succeed, so a channel that is down holds the alerts back rather
 * than losing them; permanent failures (other 4xx, SMTP 5xx) are logged and that channel skipped. The
 * closing count of a suppressed alert (same id, count above 1) is an update, not a new alert: not sent.
 */
public final class Dispatcher {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    private final DispatchConfig config;
    /** Never gives up on a temporary failure: a channel that is down holds the alerts back. */
    private final RetryPolicy retry;
    private final Map<String, Channel> channels = new HashMap<>();
    private final Map<String, long[]> rateWindows = new HashMap<>();

    public Dispatcher(DispatchConfig config) {
        this.config = config;
        this.retry = RetryPolicy.of(RetryPolicy.FOREVER, config.backoff(), config.backoff().compareTo(MAX_BACKOFF) > 0 ? config.backoff() : MAX_BACKOFF);
        config.channels().forEach(channel -> channels.put(channel.name(), channel));
    }

    /** Channels for an alert: every route it is severe enough for, each channel once, in route order. */
    Set<String> route(SecurityAlert alert) {
        Set<String> targets = new LinkedHashSet<>();
        for (DispatchConfig.Route route : config.routes()) {
            if (alert.getSeverity().ordinal() >= route.minSeverity().ordinal()) {
                targets.addAll(route.channels());
            }
        }
        return targets;
    }

    public void run(KafkaAccess kafka, Topic<String, SecurityAlert> topic, String groupId, boolean fromBeginning, BooleanSupplier running)
            throws InterruptedException {
        try (KafkaConsumer<String, SecurityAlert> consumer = new KafkaConsumer<>(kafka.clientProperties(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, groupId,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest",
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Duration.ofHours(1).toMillis())),
                topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topic.name()));
            while (running.getAsBoolean()) {
                for (ConsumerRecord<String, SecurityAlert> record : consumer.poll(Duration.ofMillis(500))) {
                    SecurityAlert alert = record.value();
                    if (alert != null && alert.getCount() == 1) {
                        for (String target : route(alert)) {
                            if (!deliver(channels.get(target), alert, running)) {
                                return; // stopping mid-alert: not committed, so it is sent again after a restart
                            }
                        }
                    }
                    consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1)));
                }
            }
        }
    }

    /** Notifications by channel and outcome (sent, failed for good, retried), in Micrometer's global registry. */
    private static final CounterFamily NOTIFICATIONS = CounterFamily.global("dispatcher.notifications",
            "Alert notifications, by channel and outcome.", "channel", "outcome");

    private static void notified(Channel channel, String outcome) {
        NOTIFICATIONS.increment(channel.name(), outcome);
    }

    /** @return false when the dispatcher stopped before the channel took the alert */
    private boolean deliver(Channel channel, SecurityAlert alert, BooleanSupplier running) throws InterruptedException {
        awaitRate(channel.name());
        for (int attempts = 1; running.getAsBoolean(); attempts++) {
            try {
                channel.send(alert);
                notified(channel, "sent");
                return true;
            } catch (Channel.DeliveryException e) {
                RetryPolicy.Decision decision = retry.decide(attempts, e.retriable() ? RetryPolicy.Outcome.RETRIABLE : RetryPolicy.Outcome.FATAL);
                notified(channel, decision.retry() ? "retried" : "failed");
                if (!decision.retry()) {
                    log.error("Alert {} not sent to {}, which refused it for good: {}", alert.getAlertId(), channel.name(), e.getMessage());
                    return true;
                }
                if (attempts > config.maxRetries()) {
                    log.error("Alert {} still not sent to {} after {} attempts, retrying in {} ms: {}", alert.getAlertId(), channel.name(),
                            attempts, decision.delay().toMillis(), e.getMessage());
                } else {
                    log.warn("Alert {} not sent to {} (attempt {}), retrying: {}", alert.getAlertId(), channel.name(), attempts, e.getMessage());
                }
                retry.await(decision);
            }
        }
        return false;
    }

    /** At most rate_limit.per_channel alerts per channel in each rate_limit.per window; waits for the next window otherwise. */
    private void awaitRate(String channel) throws InterruptedException {
        long[] window = rateWindows.computeIfAbsent(channel, c -> new long[]{System.nanoTime(), 0});
        long period = config.ratePeriod().toNanos();
        long now = System.nanoTime();
        if (now - window[0] >= period) {
            window[0] = now;
            window[1] = 0;
        }
        if (config.ratePerChannel() > 0 && window[1] >= config.ratePerChannel()) {
            long wait = window[0] + period - now;
            log.warn("Rate limit of {} alerts per {} reached for {}: waiting {} ms", config.ratePerChannel(), config.ratePeriod(), channel,
                    wait / 1_000_000);
            Thread.sleep(Math.max(1, wait / 1_000_000)); // rate limit: wait for the next window
            window[0] = System.nanoTime();
            window[1] = 0;
        }
        window[1]++;
    }
}
