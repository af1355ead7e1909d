package dev.agenttelemetry.runtime;

import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Tells when a Kafka Streams application has stalled: new records have kept arriving on its input for
 * {@code timeout}, and in all that time its committed offsets have not moved, nor has it restored any state.
 *
 * <p>Only new input counts, not a backlog alone: an idle application's committed offsets can stay behind the end of
 * its input for good (records of an aborted transaction are skipped, not committed past). Only time while Kafka
 * answers counts: an application cannot commit while Kafka is away, and after an outage it gets the whole timeout
 * to catch up.
 */
final class StallDetector {
    /**
     * One look at the application's input.
     *
     * @param committed its group's committed offsets
     * @param waiting   records beyond them
     * @param endSum    the sum of the input partitions' end offsets (grows with every new record)
     */
    record InputLag(Map<TopicPartition, Long> committed, long waiting, long endSum) {
    }

    private final Duration timeout;
    private Map<TopicPartition, Long> lastCommitted = Map.of();
    private long endAtProgress = -1;
    private Instant unprocessedSince; // null: no new input waits unprocessed

    StallDetector(Duration timeout) {
        this.timeout = timeout;
    }

    /** State restored from a changelog: the application is busy, not stalled. */
    synchronized void restored() {
        unprocessedSince = null;
    }

    /**
     * @param lag the input's lag, or empty when Kafka did not answer
     * @return true when the application has stalled; new input must then arrive again, for the restarted application
     */
    synchronized boolean stalled(Optional<InputLag> lag, Instant now) {
        if (lag.isEmpty()) {
            unprocessedSince = null;
            return false;
        }
        InputLag input = lag.get();
        if (input.waiting() == 0 || !input.committed().equals(lastCommitted) || endAtProgress < 0) {
            lastCommitted = input.committed();
            endAtProgress = input.endSum();
            unprocessedSince = null;
            return false;
        }
        if (input.endSum() == endAtProgress) {
            return false; // nothing new since the application last moved
        }
        if (unprocessedSince == null) {
            unprocessedSince = now;
            return false;
        }
        if (Duration.between(unprocessedSince, now).compareTo(timeout) < 0) {
            return false;
        }
        endAtProgress = input.endSum();
        unprocessedSince = null;
        return true;
    }
}
