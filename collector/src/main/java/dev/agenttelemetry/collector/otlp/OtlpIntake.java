package dev.agenttelemetry.collector.otlp;

import dev.agenttelemetry.avro.OtlpLogRecord;
import dev.agenttelemetry.collector.EventIds;
import dev.agenttelemetry.collector.publish.KafkaSender;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Takes an OTLP logs export and publishes each record to the OTLP topic. There is no spool on this path:
 * an OTLP exporter retries by itself when it gets 503, which is what it gets while Kafka is unavailable.
 */
public final class OtlpIntake implements AutoCloseable {
    private final KafkaSender<OtlpLogRecord> sender;
    private final EventIds eventIds = new EventIds();
    private final OtlpLogsParser parser = new OtlpLogsParser(() -> eventIds.next(System.currentTimeMillis()).toString());

    public OtlpIntake(KafkaSender<OtlpLogRecord> sender) {
        this.sender = sender;
    }

    /** Completes with the number of records published; throws when the body is not an OTLP logs request. */
    public CompletableFuture<Integer> accept(byte[] body, boolean protobuf) throws OtlpLogsParser.Invalid {
        List<OtlpLogRecord> records = new ArrayList<>();
        Instant now = Instant.now();
        if (protobuf) {
            parser.parseProtobuf(body, now, records);
        } else {
            parser.parseJson(body, now, records);
        }
        CompletableFuture<?>[] acks = records.stream().map(sender::send).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(acks).thenApply(v -> records.size());
    }

    @Override
    public void close() {
        sender.close();
    }
}
