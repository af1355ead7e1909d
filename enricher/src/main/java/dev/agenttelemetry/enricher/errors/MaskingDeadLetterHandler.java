package dev.agenttelemetry.enricher.errors;

import dev.agenttelemetry.enricher.EnricherMeters;
import dev.agenttelemetry.enricher.masking.Masker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A raw record the enricher cannot decode goes to the dead-letter topic and the application keeps going.
 * The raw topic holds unmasked payloads, so the record is masked first (as text: the dead-letter copy is for
 * people to read; the original bytes stay on the raw topic for its retention). Headers say why and where it
 * came from; the log says where, never what.
 */
public final class MaskingDeadLetterHandler implements DeserializationExceptionHandler {
    /** The dead-letter topic, passed in the Streams properties. */
    public static final String DLQ_TOPIC_CONFIG = "agent.telemetry.dlq.topic";
    private static final Logger log = LoggerFactory.getLogger(MaskingDeadLetterHandler.class);

    private final Masker masker = Masker.withDefaultRules();
    private String dlqTopic;
    private String applicationId;

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(DLQ_TOPIC_CONFIG);
        if (topic == null) {
            throw new IllegalArgumentException("missing " + DLQ_TOPIC_CONFIG + " for " + getClass().getSimpleName());
        }
        dlqTopic = topic.toString();
        applicationId = String.valueOf(configs.get("application.id"));
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        log.warn("Undecodable record {}-{}@{} ({}); sent to {}", record.topic(), record.partition(), record.offset(),
                exception.getClass().getSimpleName(), dlqTopic);
        EnricherMeters.deadLettered("undecodable");
        RecordHeaders headers = new RecordHeaders();
        headers.add("dlq.reason", utf8(masker.mask(exception.getClass().getName() + ": " + exception.getMessage()).text()));
        headers.add("dlq.source.topic", utf8(record.topic()));
        headers.add("dlq.source.partition", utf8(Integer.toString(record.partition())));
        headers.add("dlq.source.offset", utf8(Long.toString(record.offset())));
        headers.add("dlq.application", utf8(applicationId));
        byte[] value = record.value() == null ? null : utf8(masker.mask(new String(record.value(), StandardCharsets.UTF_8)).text());
        byte[] key = record.key() == null ? null : utf8(masker.mask(new String(record.key(), StandardCharsets.UTF_8)).text());
        return Response.resume(List.of(new ProducerRecord<>(dlqTopic, null, record.timestamp(), key, value, headers)));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
